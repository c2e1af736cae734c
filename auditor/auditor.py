"""The entry point: validate once, predict once, run the sections, judge, record."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable
from numbers import Integral, Real
from typing import Any, Literal

import numpy as np
import pandas as pd

from auditor import policy as _policy
from auditor._provenance import auditor_version, library_versions, model_fingerprint, utc_now
from auditor.artifacts import ENGINE_SAMPLE, SHAP_RUN, SHAP_SAMPLE_RUN, SHAP_VALUES, TRANSFORMED, X_MODEL
from auditor.context import AuditContext, SkipSection
from auditor.data import (
    AuditData,
    SensitiveFeatures,
    data_fingerprint,
    validate_sample_weight,
    validate_sensitive_features,
    validate_target,
    validate_X,
)
from auditor.engine import is_dask_collection
from auditor.errors import AuditEngineError, AuditInputError
from auditor.fairness.labels import check_group_labels
from auditor.model import ModelAdapter, PredictionsAdapter, SuppliedPredictions, same_label
from auditor.preflight import check_probabilities, check_target, preflight
from auditor.progress import ProgressReporter, as_reporter
from auditor.reference import validate_reference
from auditor.results import (
    SCHEMA_VERSION,
    AuditConfig,
    AuditResult,
    AuditSummary,
    ModelCard,
    Policy,
    Provenance,
    SectionFailure,
    SectionResult,
    SkippedSection,
    section_config,
    section_spec,
    worst_status,
)
from auditor.sections import Section, resolve_sections, run_order

__all__ = ["Auditor", "Progress"]

#: Called as ``progress(stage, event, seconds)`` with event one of "start", "done",
#: "skipped", "failed"; ``seconds`` is the stage's duration for the last three.
#: (A :class:`auditor.progress.ProgressReporter` also hears the long steps.)
Progress = Callable[[str, str, "float | None"], None]

#: Above this many audited rows the model's inputs on them (``ctx.X_model`` and
#: the transformed design matrix, over a gigabyte together at a million rows x 66
#: one-hot columns) are released as soon as no section left to run reads them
#: (``Section.reads_model_inputs``), and are not kept for a later ``run()``,
#: which transforms the rows again if it needs them. At or below it they are
#: kept: the rows are transformed once however often the audit runs.
RELEASE_INPUTS_ROWS = 200_000


def _check_random_state(random_state: Any) -> int:
    if isinstance(random_state, bool) or not isinstance(random_state, Integral) or random_state < 0:
        raise ValueError(
            "Expected random_state to be a non-negative int (it seeds every random step and is "
            f"recorded in the result). Got {random_state!r} instead."
        )
    return int(random_state)


def _check_n_bootstrap(n_bootstrap: Any) -> int:
    if isinstance(n_bootstrap, bool) or not isinstance(n_bootstrap, Integral) or n_bootstrap < 0:
        raise ValueError(f"Expected n_bootstrap to be a non-negative int. Got {n_bootstrap!r} instead.")
    return int(n_bootstrap)


def _check_max_samples(max_samples: Any) -> int:
    if isinstance(max_samples, bool) or not isinstance(max_samples, Integral) or max_samples < 1:
        raise ValueError(f"Expected max_samples to be a positive int. Got {max_samples!r} instead.")
    return int(max_samples)


def _check_confidence_level(level: Any) -> float:
    if isinstance(level, bool) or not isinstance(level, Real) or not 0.5 < float(level) < 1:
        raise ValueError(
            "Expected confidence_level strictly between 0.5 and 1 (the level of every interval, "
            f"and of the verdicts drawn from them). Got {level!r} instead."
        )
    return float(level)


class Auditor:
    """Audit a fitted model on a dataset for performance, explanations and fairness.

    Parameters
    ----------
    model : fitted estimator
        Any scikit-learn compatible estimator or Pipeline (with a
        ``ColumnTransformer``), XGBoost or LightGBM model. It is never modified.
    X : pandas.DataFrame or dask.dataframe.DataFrame
        The rows to audit, with every column the model takes, plus any sensitive
        columns. It is never modified; its index is kept only to name rows. A
        Dask DataFrame stays on its cluster (the Dask engine, ``pip install
        "auditor[dask]"``): ``y`` and ``sample_weight`` are then Dask Series with
        its partitions, ``sensitive_features`` column names, and rows are named
        by their position. See the README's "Large data".
    y : array-like of shape (n_rows,) or None
        True outcomes; ``None`` when the audited rows have no labels yet. The
        sections that need them are then skipped with the reason, and the drift
        section estimates the performance from the model's calibrated scores
        (binary tasks, with ``X_reference`` and ``y_reference``).
    sensitive_features : str, list of str, Series, DataFrame or array, optional
        Column names of ``X``, or values aligned with ``X`` (a pandas object must
        have ``X``'s index). A column the model was not trained on is used only for
        grouping.
    task : {"auto", "binary", "multiclass", "regression"}, default="auto"
        Resolved from the model (``classes_``, estimator type); an explicit value
        that contradicts the model is an error.
    pos_label : object, optional
        The favourable class of a binary task, looked up in ``classes_``.
        Without it, {0, 1}/{-1, 1}/{False, True} resolve to 1/True; any other
        pair resolves to the last class with a recorded warning.
    sample_weight : array-like of shape (n_rows,), optional
    X_reference : pandas.DataFrame, optional
        Reference rows to compare the audited rows with, typically the training
        data or an earlier period's: the data-quality section compares with it and
        the drift section measures what changed. It must have every column the
        model takes. The model is called on it once.
    y_reference : array-like of shape (n_reference,), optional
        The reference rows' true outcomes (performance on both sides, label drift,
        and the estimate of the performance when ``y`` is ``None``: then the
        reference must be rows the model was not trained on).
    sensitive_features_reference : optional
        The reference rows' sensitive values; needed only when
        ``sensitive_features`` were given as values rather than column names
        (names are looked up in ``X_reference``). Without them the group
        comparisons with the reference are left out, with the reason.
    random_state : int, default=0
        Seeds every random step (bootstrap, sampling, LIME); recorded in the result.
        The same inputs and seed give the same JSON apart from the timestamp.
    sections : list of str or Section objects, optional
        What to compute: names of built-in sections, or section objects (built-in
        ones with options, or your own :class:`~auditor.Section` subclasses);
        default every built-in section with default options.
    policy : Policy or path to a TOML file, optional
        Thresholds behind the findings; default :class:`~auditor.Policy`.
    confidence_level : float, default=0.95
        Level of every confidence interval, and so of the verdicts drawn from
        them; recorded in the result's ``config``.
    n_bootstrap : int, default=1000
        Bootstrap resamples behind confidence intervals (0 turns them off).
    sensitive_nan : {"raise", "group"}, default="raise"
        Missing sensitive values are an error, or an explicit "(missing)" group.
    model_name, data_name, reference_name : str, optional
        How the report names the model, the data and the reference data.
    model_card : ModelCard, dict or path, optional
        What the model's owners state about it: intended use, out-of-scope uses,
        limitations, sign-off... (a TOML/YAML file, or its ``[model_card]``
        table). Shown after the verdict, every field not stated listed as such.
    errors : {"record", "raise"}, default="record"
        A section that raises is recorded in the result and the audit goes on, or
        the error propagates.
    n_jobs : int, optional
        Workers for the explanation steps (permutation importance threads, TreeSHAP
        and Kernel SHAP processes). ``None`` (the default) uses every core, ``-1``
        too, ``-2`` all but one. It never changes a number in the result.
    max_samples : int, default=20_000
        Dask engine only: the sections that are not computed over every row on
        the cluster (importance, LIME, SHAP of a non-tree model) audit a seeded
        uniform sample of at most this many rows, pulled into memory; the
        result's warnings say so for each. Performance, fairness, data quality
        and drift use every row. SHAP of a tree model runs on the workers over
        every row; only the intervals of its mean |SHAP|, and the rows the
        agreement section compares with LIME, come from this sample.

    Examples
    --------
    >>> from auditor import Auditor
    >>> result = Auditor(model, X_test, y_test, sensitive_features=["sex"]).run()  # doctest: +SKIP
    >>> result.save("audit.html")  # doctest: +SKIP
    """

    def __init__(
        self,
        model: Any,
        X: Any,
        y: Any,
        *,
        X_reference: Any = None,
        y_reference: Any = None,
        sensitive_features_reference: Any = None,
        sensitive_features: Any = None,
        task: str = "auto",
        pos_label: Any = None,
        sample_weight: Any = None,
        random_state: int = 0,
        sections: Iterable[str | Section] | None = None,
        policy: Policy | str | None = None,
        confidence_level: float = 0.95,
        n_bootstrap: int = 1000,
        sensitive_nan: Literal["raise", "group"] = "raise",
        model_name: str | None = None,
        data_name: str | None = None,
        model_card: ModelCard | dict | str | None = None,
        reference_name: str | None = None,
        errors: Literal["record", "raise"] = "record",
        n_jobs: int | None = None,
        max_samples: int = 20_000,
    ) -> None:
        self.random_state = _check_random_state(random_state)
        self.max_samples = _check_max_samples(max_samples)
        self.n_bootstrap = _check_n_bootstrap(n_bootstrap)
        self.confidence_level = _check_confidence_level(confidence_level)
        self.sections = resolve_sections(sections)
        if policy is None:
            policy = Policy()
        elif not isinstance(policy, Policy):
            policy = Policy.from_toml(policy)
        self.policy = policy
        if errors not in ("record", "raise"):
            raise ValueError(f"Expected errors to be 'record' or 'raise'. Got {errors!r} instead.")
        self.errors = errors
        if n_jobs is not None and (isinstance(n_jobs, bool) or not isinstance(n_jobs, Integral) or n_jobs == 0):
            raise ValueError(f"Expected n_jobs to be None or a non-zero int. Got {n_jobs!r} instead.")
        self.n_jobs = n_jobs
        self._data_name = data_name or ""
        self.model_card = ModelCard.coerce(model_card)

        supplied = model if isinstance(model, SuppliedPredictions) else None
        self._engine = None
        if any(is_dask_collection(v) for v in (X, y, sample_weight, sensitive_features)):
            if supplied is not None:
                raise TypeError("Expected in-memory arrays for Auditor.from_predictions. Got a Dask collection; "
                                "pass the model and a Dask X instead, so the predictions run on the workers.")
            from auditor.engine.dask import DaskInputs

            # validated on the frames' metadata and one light pass; the model is
            # set up and tried on the first rows, and predicts on every row in run()
            self._engine = DaskInputs(X, y, sensitive_features=sensitive_features, sample_weight=sample_weight,
                                      sensitive_nan=sensitive_nan)
            head = self._engine.head
            X_valid, index, target_name, weights = head.X, head.index, self._engine.target_name, None
            y_true = self._engine.y_labels
            sensitive = SensitiveFeatures(head.sensitive_features, named_columns=True)
        else:
            X_valid = index = None
            if X is not None or supplied is None:
                X_valid, index = validate_X(X)
            n = None if X_valid is None else len(X_valid)
            if y is None and supplied is None and X_valid is not None:
                # no labels yet: the sections that need them are skipped with the reason
                y_true, target_name = None, "target"
            else:
                y_true, target_name = validate_target(y, n, index, name="y" if supplied is None else "y_true")
                n = len(y_true)
            if index is None:
                index = pd.RangeIndex(n)
            sensitive = validate_sensitive_features(sensitive_features, X_valid, n, index, sensitive_nan=sensitive_nan)
            weights = validate_sample_weight(sample_weight, n, index)
        if supplied is None:
            grouping_only = tuple(sensitive.frame.columns) if sensitive.named_columns else ()
            self._adapter: ModelAdapter | PredictionsAdapter = ModelAdapter.from_estimator(
                model, X_valid, y_true, task=task, pos_label=pos_label, grouping_only=grouping_only
            )
        else:
            y_pred, _ = validate_target(supplied.y_pred, n, index, name="y_pred")
            self._adapter = PredictionsAdapter.from_predictions(supplied, y_true, y_pred, task=task, pos_label=pos_label)
        self._reference = validate_reference(
            X_reference, y_reference, X=X_valid, sensitive=sensitive,
            model_columns=self._adapter.feature_names or (() if X_valid is None else tuple(X_valid.columns)),
            sensitive_features_reference=sensitive_features_reference, sensitive_nan=sensitive_nan,
            name=reference_name or "",
        )
        if self._reference is not None:
            if y_true is None and self._reference.target_name:
                target_name = self._reference.target_name
            self._check_reference_labels()
        self._predictions = None
        self._model_name = model_name or self._adapter.name
        self._task_option = task
        # what the reader should know about the inputs before any section runs
        self._setup_warnings = list(self._adapter.warnings)
        if self._engine is None:
            self._data = AuditData(X_valid, y_true, sensitive.frame, weights, index, target_name)
            if supplied is None:
                self._setup_warnings += preflight(self._adapter, self._data, task=task)
            self._setup_warnings += check_group_labels(sensitive.frame, self.sections)
        else:
            # the first rows stand in until run() collects every row's outcomes
            self._data = self._engine.head
            self._setup_warnings += preflight(self._adapter, self._data, task=task)
            for values in self._engine.sensitive_values.values():
                check_group_labels(values.to_frame(), self.sections)  # too many groups: an error now

    def _check_reference_labels(self) -> None:
        classes = self._adapter.classes
        y_ref = self._reference.y_true
        if classes is None or y_ref is None:
            return
        present = [v.item() if hasattr(v, "item") else v for v in pd.unique(pd.Series(y_ref, dtype=object))]
        unknown = [v for v in present if not any(same_label(v, c) for c in classes)]
        if len(unknown) == len(present):
            raise ValueError(
                f"Expected y_reference's labels to be among the model's classes {[c.item() if hasattr(c, 'item') else c for c in classes]!r}. "
                f"Got {unknown[:10]!r} instead (check the target's encoding)."
            )
        if unknown:
            self._adapter.warnings.append(
                f"y_reference contains label(s) {unknown!r} that the model never predicts."
            )

    # -- alternative constructor ---------------------------------------------------
    @classmethod
    def from_predictions(
        cls,
        y_true: Any,
        y_pred: Any,
        *,
        y_score: Any = None,
        classes: Any = None,
        X: Any = None,
        model_name: str = "(predictions only)",
        **options: Any,
    ) -> Auditor:
        """Audit predictions when the model itself is not available.

        Sections that need the model (importance, SHAP, LIME) are skipped with the
        reason stated in the result.

        Parameters
        ----------
        y_true, y_pred : array-like of shape (n_rows,)
        y_score : array-like, optional
            Binary: the score of ``pos_label`` (1-D), or ``(n_rows, 2)``
            probabilities in ``classes`` order. Multiclass: ``(n_rows, n_classes)``.
            Scores within [0, 1] (rows summing to 1 for 2-D) are taken as
            probabilities; any others as decision scores (rank metrics only).
        classes : array-like, optional
            Class labels in the order of ``y_score``'s columns; default the sorted
            labels of ``y_true`` and ``y_pred``.
        X : pandas.DataFrame, optional
            Features, for the data context and sensitive columns named by name.
        model_name : str, default="(predictions only)"
        **options
            Every other keyword argument of :class:`Auditor` (``sensitive_features``,
            ``task``, ``pos_label``, ``sample_weight``, ``random_state``,
            ``sections``, ``policy``, ``confidence_level``, ``n_bootstrap``, ...).
        """
        supplied = SuppliedPredictions(y_pred=y_pred, y_score=y_score, classes=classes)
        return cls(supplied, X, y_true, model_name=model_name, **options)

    # -- running --------------------------------------------------------------------
    @property
    def _model(self) -> ModelAdapter | None:
        """The fitted model's adapter; ``None`` for an audit built from predictions."""
        return self._adapter if isinstance(self._adapter, ModelAdapter) else None

    def _context(self, progress: Any = None) -> AuditContext:
        if not isinstance(progress, ProgressReporter):
            progress, _ = as_reporter(False if progress is None else progress, [])
        if self._predictions is None:
            _emit(progress, "predict", "start", None)
            t0 = time.perf_counter()
            try:
                if self._engine is not None:
                    self._data, self._predictions = self._engine.collect(self._adapter)
                    if self._data.y_true is not None:
                        check_target(self._data.y_true, self._adapter.task)
                    self._setup_warnings += check_group_labels(self._data.sensitive_features, self.sections)
                elif isinstance(self._adapter, ModelAdapter):
                    self._predictions, self._memo_seed = self._adapter.predict_all(self._data.X)
                else:
                    self._predictions = self._adapter.predictions(self._data.X)
            except (ValueError, TypeError, KeyError) as exc:
                # the pre-flight tried a slice; a row further down the model cannot
                # take is still a problem with the inputs, not an internal error
                raise AuditInputError(
                    f"Expected the model to predict every audited row. It failed on the full data with "
                    f"{type(exc).__name__}: {' '.join(str(exc).split())[:400]} (a value the first rows did not "
                    "show, such as a category unseen in training?)"
                ) from exc
            if self._predictions.proba is not None and self._model is not None:
                check_probabilities(self._predictions.proba)
            _emit(progress, "predict", "done", time.perf_counter() - t0)
        adapter = self._adapter
        ctx = AuditContext(
            data=self._data,
            model=self._model,
            predictions=self._predictions,
            task=adapter.task,
            classes=adapter.classes,
            pos_label=adapter.pos_label,
            random_state=self.random_state,
            n_bootstrap=self.n_bootstrap,
            confidence_level=self.confidence_level,
            n_jobs=self.n_jobs,
            progress=progress,
            reference=self._reference,
        )
        for key, value in getattr(self, "_memo_seed", {}).items():
            # the model's inputs the prediction already built: computed once
            ctx.memo(key, lambda value=value: value)
        if ctx.n_rows > RELEASE_INPUTS_ROWS:
            # the context owns them now and releases them when done (see _run)
            self._memo_seed = {}
        for message in self._setup_warnings:
            ctx.warn("inputs", message)
        if self._engine is not None:
            from auditor.engine.dask import sample_positions

            # known before any section runs: a distributed section may send back
            # the sample's rows with its sums (TreeSHAP), for the sampled ones
            ctx.memo(ENGINE_SAMPLE, lambda: sample_positions(ctx.n_rows, self.max_samples, ctx.rng("engine.sample")))
        return ctx

    def run(self, *, progress: bool | Progress | ProgressReporter | None = None) -> AuditResult:
        """Compute every section and return the frozen result.

        Predictions are computed on the first call and reused by later ones.
        Sections run in the order their ``after`` declarations allow; a later
        section reads an earlier one's result with ``ctx.result(name)``.

        Parameters
        ----------
        progress : bool, callable or ProgressReporter, optional
            ``None`` (default): progress bars in a Jupyter notebook, nothing
            elsewhere. ``True``: bars on stderr (tqdm) for the stages and their
            long steps (TreeSHAP chunks, Kernel SHAP rows, bootstrap resamples,
            LIME rows, permutation columns). ``False``: nothing. A
            ``callable(stage, event, seconds)`` hears each stage start and end;
            an :class:`auditor.progress.ProgressReporter` hears the steps too.
            Progress never changes a number and never reaches the result.
        """
        stages = ["predict"] + [s.name for s in run_order(self.sections)]
        reporter, close = as_reporter(progress, stages)
        try:
            return self._run(reporter)
        finally:
            close()

    def _sample_context(self, ctx: AuditContext, computed: dict[str, SectionResult]) -> AuditContext:
        """Dask engine: the in-memory context of the sample the non-distributed
        sections audit (built once, on first use)."""
        if getattr(self, "_sampled", None) is None or self._sampled[0] is not ctx:
            positions = ctx.peek(ENGINE_SAMPLE)
            data, predictions = self._engine.sample(self._data, self._predictions, positions)
            sub = AuditContext(
                data=data, model=self._model, predictions=predictions, task=ctx.task, classes=ctx.classes,
                pos_label=ctx.pos_label, random_state=self.random_state, n_bootstrap=self.n_bootstrap,
                confidence_level=self.confidence_level, n_jobs=self.n_jobs, progress=ctx.progress,
                reference=self._reference,
            )
            self._sampled = (ctx, sub, positions)
        _, sub, _ = self._sampled
        for name, result in computed.items():
            if sub.result(name) is None:
                sub.add_result(name, result)
        if ctx.has(SHAP_SAMPLE_RUN) and not sub.has(SHAP_RUN):
            # TreeSHAP ran on the workers: the sample's rows came back with it
            run = ctx.peek(SHAP_SAMPLE_RUN)
            sub.memo(SHAP_RUN, lambda: run)
            sub.memo(SHAP_VALUES, lambda: run.values)
        return sub

    def _after_sampled(self, ctx: AuditContext, sub: AuditContext) -> None:
        """Carry what a sampled section left behind to the full context: its
        warnings, and SHAP values (their rows renumbered as positions of the whole
        frame, so fairness reads them by group)."""
        import dataclasses

        for w in sub.warnings:
            ctx.warn(w.source, w.message)
        if sub.has(SHAP_VALUES) and not ctx.has(SHAP_VALUES):
            sv, positions = sub.peek(SHAP_VALUES), self._sampled[2]
            ctx.memo(SHAP_VALUES, lambda: dataclasses.replace(sv, rows=positions[np.asarray(sv.rows)]))

    def _run(self, progress: ProgressReporter) -> AuditResult:
        ctx = self._context(progress)
        computed: dict[str, SectionResult] = {}
        failures: list[SectionFailure] = []
        skipped: list[SkippedSection] = []
        order = run_order(self.sections)
        for i, section in enumerate(order):
            if ctx.n_rows > RELEASE_INPUTS_ROWS and not any(s.reads_model_inputs is not False for s in order[i:]):
                # no section left reads the model's inputs on the audited rows
                ctx.release(X_MODEL, TRANSFORMED)
            name = section.name
            spec = section_spec(name)
            _emit(progress, name, "start", None)
            t0 = time.perf_counter()
            if section.requires_model and self._model is None:
                skipped.append(SkippedSection(name, "needs the fitted model; this audit was built from predictions only"))
                _emit(progress, name, "skipped", time.perf_counter() - t0)
                continue
            target = ctx
            try:
                if self._engine is not None and not section.runs_distributed(ctx):
                    target = self._sample_context(ctx, computed)
                result = section.compute(target)
                if not isinstance(result, spec.result_type):
                    raise TypeError(
                        f"Expected {type(section).__name__}.compute to return a {spec.result_type.__name__}. "
                        f"Got {type(result).__name__} instead."
                    )
                if target is not ctx:
                    ctx.warn(name, _sample_note(target.n_rows, ctx.n_rows))
            except SkipSection as exc:
                skipped.append(SkippedSection(name, str(exc)))
                _emit(progress, name, "skipped", time.perf_counter() - t0)
                continue
            except Exception as exc:
                # rows the cluster did not compute leave no numbers to report: no
                # partial result, whatever `errors` says
                if self.errors == "raise" or isinstance(exc, AuditEngineError):
                    raise
                failures.append(SectionFailure(name, type(exc).__name__, _one_line(exc)))
                ctx.warn(name, f"Traceback (last frame): {_last_frame(exc)}")
                _emit(progress, name, "failed", time.perf_counter() - t0)
                continue
            finally:
                if target is not ctx:
                    self._after_sampled(ctx, target)
            computed[name] = result
            ctx.add_result(name, result)
            _emit(progress, name, "done", time.perf_counter() - t0)
        titles = {s.name: section_spec(s.name).title for s in self.sections}
        findings = _policy.evaluate(computed, tuple(failures), self.policy, titles=titles)
        return AuditResult(
            schema_version=SCHEMA_VERSION,
            summary=self._summary(ctx),
            config=AuditConfig(
                random_state=self.random_state,
                n_bootstrap=self.n_bootstrap,
                confidence_level=self.confidence_level,
                sections=tuple(
                    section_config(s.name, titles[s.name], section_spec(s.name).result_type, s.options())
                    for s in self.sections
                ),
                errors=self.errors,
            ),
            policy=self.policy,
            provenance=Provenance(
                auditor_version=auditor_version(),
                python_version=library_versions()["python"],
                library_versions=library_versions(),
                created_at=utc_now(),
                random_state=self.random_state,
                data_fingerprint=data_fingerprint(
                    self._data.X, self._data.y_true, self._data.sensitive_features, self._data.sample_weight
                ),
                reference_fingerprint=None if (ref := self._reference) is None else data_fingerprint(
                    ref.X, ref.y_true, pd.DataFrame() if ref.sensitive_features is None else ref.sensitive_features, None
                ),
                model_fingerprint=model_fingerprint(None if self._model is None else self._model.estimator),
            ),
            verdict=worst_status(f.status for f in findings),
            findings=findings,
            warnings=tuple(ctx.warnings),
            failures=tuple(failures),
            skipped=tuple(skipped),
            model_card=self.model_card,
            # in report order, as the config lists them
            sections={s.name: computed[s.name] for s in self.sections if s.name in computed},
        )

    def _summary(self, ctx: AuditContext) -> AuditSummary:
        X = self._data.X
        adapter = self._adapter
        return AuditSummary(
            model_name=self._model_name,
            model_description=adapter.description,
            task=adapter.task,
            n_rows=self._data.n_rows,
            n_columns=0 if X is None else X.shape[1],
            feature_names=() if X is None else tuple(X.columns),
            model_feature_names=tuple(adapter.feature_names),
            sensitive_features=tuple(self._data.sensitive_features.columns),
            target_name=self._data.target_name,
            classes=tuple(str(c) for c in ctx.labels),
            pos_label=None if adapter.pos_label is None else str(adapter.pos_label),
            has_model=adapter.has_model,
            score_kind=ctx.score_kind,  # type: ignore[arg-type]
            sample_weight=self._data.sample_weight is not None,
            dataset_name=self._data_name,
            has_labels=self._data.has_labels,
            notes=(() if self._data.has_labels else (
                "The audited rows came without true outcomes: the analyses that need them were skipped, and the "
                "performance is estimated from the model's scores where a labelled reference allows it.",))
            + self._engine_notes(ctx),
            n_reference_rows=None if self._reference is None else self._reference.n_rows,
            reference_name="" if self._reference is None else self._reference.name,
            reference_has_labels=self._reference is not None and self._reference.has_labels,
        )


    def _engine_notes(self, ctx: AuditContext) -> tuple[str, ...]:
        if self._engine is None:
            return ()
        full = [s.name for s in self.sections if s.runs_distributed(ctx)]
        sampled = [s.name for s in self.sections if not s.runs_distributed(ctx)]
        n = self._data.n_rows
        note = (f"Computed on a Dask cluster: {n:,} rows in {self._engine.remote.npartitions} partitions, predicted on "
                f"the workers; {', '.join(full) or 'no section'} over every row")
        if sampled and n <= self.max_samples:
            note += f", {', '.join(sampled)} in memory on every row, pulled from the cluster"
        elif sampled:
            note += (f", {', '.join(sampled)} on a seeded uniform sample of {self.max_samples:,} rows pulled into "
                     "memory (max_samples)")
        return (note + ". Rows are named by their position in the frame.",)


def _sample_note(k: int, n: int) -> str:
    if k >= n:
        return f"Dask engine: this section ran in memory on all {n:,} rows, pulled from the cluster."
    return (f"Dask engine: this section ran on a seeded uniform sample of {k:,} of the {n:,} rows (max_samples), "
            "pulled into memory; its numbers are those of an in-memory audit of that sample, and estimate the "
            "whole frame's with the sampling error its intervals do not include.")


def _emit(progress: ProgressReporter, stage: str, event: str, seconds: float | None) -> None:
    progress.stage(stage, event, seconds)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())[:500]


def _last_frame(exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    if not tb:
        return "unavailable"
    frame = tb[-1]
    return f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} in {frame.name}"
