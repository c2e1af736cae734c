"""The audit configuration file (TOML) of ``auditor run``.

Every table and key is optional; command-line flags override the file. Unknown
tables or keys are errors (a misspelt threshold must not silently not apply)::

    [data]
    target = "income"                 # --target
    sensitive = ["sex", "race"]       # --sensitive
    sample_weight = "weight"          # a column of sample weights (left out of X)
    drop = ["id"]                     # columns neither the model nor the audit uses
    reference = "train.csv"           # --reference; relative to this file

    [audit]
    random_state = 0                  # --random-state
    n_bootstrap = 1000                # --n-bootstrap
    confidence_level = 0.95           # of every interval, and so of the verdicts
    sections = ["performance"]        # --sections; default every section
    task = "auto"
    pos_label = 1                     # --pos-label; the favourable class
    sensitive_nan = "raise"           # or "group"
    errors = "record"                 # or "raise"
    n_jobs = 1
    model_name = "Income model"       # --model-name
    data_name = "Adult, test split"   # --data-name

    [sections.performance]            # options of one section (its dataclass fields):
    n_calibration_bins = 10           # everything that changes a computed number
    [sections.fairness]
    min_group_size = 30
    reference_groups = { sex = "Male" }

    [report]
    template_dir = "branding"         # --template-dir; relative to this file
    page_size = "A4"                  # --page-size; or "Letter"

    [model_card]                      # see auditor.ModelCard; or: file = "card.yaml"
    owners = ["Credit risk analytics"]
    intended_use = "Pre-screening of loan applications"
    out_of_scope_uses = ["Final credit decisions without review"]

    [policy.performance]              # thresholds only: see auditor.Policy
    min_roc_auc = 0.75
    [policy.fairness]
    min_selection_rate_ratio = 0.8
    [policy.drift]                    # and [policy.data_quality]
    max_top_feature_psi = 0.25
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.results import ModelCard, ModelCardError, Policy, PolicyError

__all__ = ["AuditConfigFile", "ConfigError", "read_config", "config_from_dict"]


class ConfigError(ValueError):
    """The configuration file is malformed."""


# key -> (accepted types, description used in errors)
_DATA = {
    "target": ((str,), "a column name"),
    "sensitive": ((list,), "a list of column names"),
    "sample_weight": ((str,), "a column name"),
    "drop": ((list,), "a list of column names"),
    "reference": ((str,), "a data file path"),
}
_AUDIT = {
    "random_state": ((int,), "a non-negative integer"),
    "n_bootstrap": ((int,), "a non-negative integer"),
    "confidence_level": ((float,), "a number strictly between 0.5 and 1"),
    "sections": ((list,), "a list of section names"),
    "task": ((str,), "'auto', 'binary', 'multiclass' or 'regression'"),
    "pos_label": ((str, int, float, bool), "a class label"),
    "sensitive_nan": ((str,), "'raise' or 'group'"),
    "errors": ((str,), "'record' or 'raise'"),
    "n_jobs": ((int,), "an integer"),
    "model_name": ((str,), "a string"),
    "data_name": ((str,), "a string"),
}
_REPORT = {
    "template_dir": ((str,), "a folder path"),
    "page_size": ((str,), "'A4' or 'Letter'"),
}
_TABLES = ("data", "audit", "sections", "report", "policy", "model_card")


@dataclass(frozen=True)
class AuditConfigFile:
    """The parsed configuration (defaults where the file is silent)."""

    data: dict[str, Any] = field(default_factory=dict)
    audit: dict[str, Any] = field(default_factory=dict)
    section_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    policy: Policy | None = None
    model_card: ModelCard | None = None
    source: str = "configuration"


def read_config(path: str | Path) -> AuditConfigFile:
    """Read and validate an audit configuration file."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"Expected the configuration file {str(path)!r} to exist. It does not.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Configuration file {str(path)!r} is not valid TOML: {exc}") from None
    cfg = config_from_dict(data, source=f"configuration file {str(path)!r}")
    raw_card = data.get("model_card")
    if isinstance(raw_card, dict) and set(raw_card) == {"file"}:
        # the card kept in a file of its own, relative to this one
        card_path = Path(str(raw_card["file"]))
        if not card_path.is_absolute():
            card_path = path.parent / card_path
        try:
            cfg = dataclasses.replace(cfg, model_card=ModelCard.from_file(card_path))
        except ModelCardError as exc:
            raise ConfigError(str(exc)) from None
    reference = cfg.data.get("reference")
    if reference is not None and not Path(reference).is_absolute():
        # relative to the file, like the template folder
        cfg = dataclasses.replace(cfg, data={**cfg.data, "reference": str(path.parent / reference)})
    folder = cfg.report.get("template_dir")
    if folder is not None and not Path(folder).is_absolute():
        # relative to the file, so a config and its templates travel together
        report = {**cfg.report, "template_dir": str(path.parent / folder)}
        cfg = dataclasses.replace(cfg, report=report)
    return cfg


def belongs_in(key: str) -> str | None:
    """The table of an audit configuration where ``key`` is read, if any: a
    threshold of the policy, an option of a section, or an [audit], [data] or
    [report] setting."""
    import dataclasses as dc

    from auditor.results import MOVED_KEYS, Policy
    from auditor.sections import BUILTIN_SECTIONS

    for path, (toml, _) in MOVED_KEYS.items():
        if path[-1] == key:
            return toml.split(" ")[0]
    for table, spec in (("audit", _AUDIT), ("data", _DATA), ("report", _REPORT)):
        if key in spec:
            return f"[{table}]"
    for f in dc.fields(Policy):
        if f.name == "custom":
            continue
        area = f.default_factory()  # type: ignore[misc]
        if dc.is_dataclass(area) and key in {g.name for g in dc.fields(area)}:
            return f"[policy.{f.name}]"
        if key == f.name:
            return f"[policy.{f.name}]"
    for cls in BUILTIN_SECTIONS:
        if key in {g.name for g in dc.fields(cls)}:
            return f"[sections.{cls.name}]"
    return None


def _hint(keys: list[str]) -> str:
    places = [(k, belongs_in(k)) for k in keys]
    known = [f"{k} belongs in {where}" for k, where in places if where]
    return f" ({'; '.join(known)})" if known else ""


def _check_table(table: Any, spec: dict, where: str, source: str) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise ConfigError(f"Expected [{where}] of {source} to be a table. Got {table!r}.")
    unknown = sorted(set(table) - set(spec))
    if unknown:
        raise ConfigError(
            f"Unknown key(s) {unknown} in [{where}] of {source}{_hint(unknown)}. Expected some of {sorted(spec)}."
        )
    for key, value in table.items():
        types, what = spec[key]
        ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
        if ok and isinstance(value, list):
            ok = all(isinstance(v, str) for v in value)
        if not ok:
            raise ConfigError(f"Expected {where}.{key} in {source} to be {what}. Got {value!r}.")
    return dict(table)


def config_from_dict(data: dict[str, Any], *, source: str = "configuration") -> AuditConfigFile:
    """Validate the tables of a configuration (as read from TOML)."""
    unknown = sorted(set(data) - set(_TABLES))
    if unknown:
        # a policy file passed as --config holds [performance], [fairness] ... at the top
        hint = _hint(unknown)
        policy_tables = [k for k in unknown if k in ("performance", "fairness", "explanations", "custom")]
        if policy_tables:
            hint = (f" ({', '.join(f'[{t}]' for t in policy_tables)} of a policy file go under [policy] in an audit "
                    f"configuration: write [policy.{policy_tables[0]}])")
        raise ConfigError(
            f"Unknown table(s) or key(s) {unknown} in {source}{hint}. Expected some of {list(_TABLES)}."
        )
    sections = data.get("sections", {})
    if not isinstance(sections, dict) or not all(isinstance(v, dict) for v in sections.values()):
        raise ConfigError(f"Expected [sections.<name>] tables of options in {source}. Got {sections!r}.")
    policy = None
    if "policy" in data:
        try:
            policy = Policy.from_dict(data["policy"], source=f"[policy] of {source}")
        except PolicyError as exc:
            raise ConfigError(str(exc)) from None
    card = None
    raw_card = data.get("model_card")
    if raw_card is not None and not (isinstance(raw_card, dict) and set(raw_card) == {"file"}):
        try:
            card = ModelCard.from_dict(raw_card, source=f"[model_card] of {source}")
        except ModelCardError as exc:
            raise ConfigError(str(exc)) from None
    return AuditConfigFile(
        model_card=card,
        data=_check_table(data.get("data", {}), _DATA, "data", source),
        audit=_check_table(data.get("audit", {}), _AUDIT, "audit", source),
        section_options={k: dict(v) for k, v in sections.items()},
        report=_check_table(data.get("report", {}), _REPORT, "report", source),
        policy=policy,
        source=source,
    )


def build_sections(names: list[str] | None, options: dict[str, dict[str, Any]], source: str) -> list | None:
    """Section objects for ``names`` (default: every built-in section) with their options."""
    from auditor.sections import BUILTIN_SECTIONS

    SECTIONS = {cls.name: cls for cls in BUILTIN_SECTIONS}
    unknown = sorted(set(options) - set(SECTIONS))
    if unknown:
        raise ConfigError(f"Unknown section(s) {unknown} in [sections] of {source}. Expected some of {list(SECTIONS)}.")
    if names is not None:
        bad = [n for n in names if n not in SECTIONS]
        if bad:
            raise ConfigError(f"Unknown section(s) {bad} requested. Expected some of {list(SECTIONS)}.")
        not_run = sorted(set(options) - set(names))
        if not_run:
            raise ConfigError(f"Options given in {source} for section(s) {not_run}, which are not run (sections = {names}).")
    if names is None and not options:
        return None
    out = []
    for name in names if names is not None else list(SECTIONS):
        cls = SECTIONS[name]
        opts = options.get(name, {})
        fields = {f.name for f in dataclasses.fields(cls)}
        bad = sorted(set(opts) - fields)
        if bad:
            raise ConfigError(f"Unknown option(s) {bad} in [sections.{name}] of {source}. Expected some of {sorted(fields)}.")
        try:
            out.append(cls(**opts))
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"Invalid options in [sections.{name}] of {source}: {exc}") from None
    return out
