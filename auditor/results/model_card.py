"""The model card: what a model-risk review starts from, carried in the audit.

Field names follow model-card practice (Mitchell et al., "Model Cards for Model
Reporting", 2019, and model-card-toolkit's schema: owners, version, use cases and
users, out-of-scope uses, training and evaluation data, limitations, trade-offs,
ethical considerations), plus the reviewers' sign-off a compliance file needs.
Nothing here is computed: the card is what its owners state, and the report lists
every field they did not state, so a reviewer sees what is missing.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

__all__ = ["ModelCard", "Owner", "SignOff", "ModelCardError", "MODEL_CARD_FIELDS"]


class ModelCardError(ValueError):
    """A model card (object, table or file) is malformed."""


@dataclass(frozen=True)
class Owner:
    """Who answers for the model."""

    name: str
    contact: str | None = None


@dataclass(frozen=True)
class SignOff:
    """A reviewer's sign-off: who, in which role, when, and what they decided."""

    name: str
    role: str | None = None
    date: str | None = None
    decision: str | None = None


@dataclass(frozen=True)
class ModelCard:
    """What the model is for, and who stands behind it.

    Parameters
    ----------
    overview : str, optional
        What the model does, in a sentence or two.
    version : str, optional
    owners : tuple of Owner (or str), optional
    intended_use : str, optional
        The decisions the model supports (model-card-toolkit's ``use_cases``).
    intended_users : tuple of str, optional
    out_of_scope_uses : tuple of str, optional
        Uses the model must not be put to.
    training_data : str, optional
        What the model learnt from (source, period, size).
    evaluation_data : str, optional
        What it was evaluated on, if not the audited data.
    limitations : tuple of str, optional
    tradeoffs : tuple of str, optional
    ethical_considerations : tuple of str, optional
    reviewers : tuple of SignOff, optional
        Sign-off of the review.

    Examples
    --------
    >>> ModelCard(owners=("Credit risk analytics",), intended_use="Pre-screening of loan applications")
    ... # doctest: +ELLIPSIS
    ModelCard(...)
    """

    overview: str | None = None
    version: str | None = None
    owners: tuple[Owner, ...] = ()
    intended_use: str | None = None
    intended_users: tuple[str, ...] = ()
    out_of_scope_uses: tuple[str, ...] = ()
    training_data: str | None = None
    evaluation_data: str | None = None
    limitations: tuple[str, ...] = ()
    tradeoffs: tuple[str, ...] = ()
    ethical_considerations: tuple[str, ...] = ()
    reviewers: tuple[SignOff, ...] = ()

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "owners":
                object.__setattr__(self, f.name, tuple(_owner(v) for v in _as_tuple(value, f.name)))
            elif f.name == "reviewers":
                object.__setattr__(self, f.name, tuple(_sign_off(v) for v in _as_tuple(value, f.name)))
            elif f.type in ("tuple[str, ...]",) or isinstance(f.default, tuple):
                items = _as_tuple(value, f.name)
                bad = [v for v in items if not isinstance(v, str)]
                if bad:
                    raise ModelCardError(f"Expected model_card.{f.name} to be a list of strings. Got {bad[0]!r} in it.")
                object.__setattr__(self, f.name, tuple(v.strip() for v in items if v.strip()))
            elif value is not None:
                if not isinstance(value, str):
                    raise ModelCardError(f"Expected model_card.{f.name} to be a string. Got {value!r} instead.")
                object.__setattr__(self, f.name, value.strip() or None)

    # -- what is stated ---------------------------------------------------------------
    def missing(self) -> tuple[str, ...]:
        """The fields nobody stated, in card order."""
        return tuple(f.name for f in dataclasses.fields(self) if getattr(self, f.name) in (None, ()))

    # -- reading -----------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "model_card") -> ModelCard:
        """Build a card from a table (TOML, YAML or JSON); unknown keys are errors."""
        if not isinstance(data, dict):
            raise ModelCardError(f"Expected {source} to be a table of fields. Got {type(data).__name__} instead.")
        names = [f.name for f in dataclasses.fields(cls)]
        unknown = sorted(set(data) - set(names))
        if unknown:
            raise ModelCardError(f"Unknown key(s) {unknown} in {source}. Expected some of {names}.")
        try:
            return cls(**data)
        except TypeError as exc:
            raise ModelCardError(f"Invalid {source}: {exc}") from None

    @classmethod
    def from_file(cls, path: str | PathLike[str]) -> ModelCard:
        """Read a card from a TOML (``.toml``) or YAML (``.yaml``/``.yml``) file.

        The card is the file's ``[model_card]`` table when it has one (so an audit
        configuration file can be passed as it is), else the whole file.
        """
        path = Path(path)
        if not path.is_file():
            raise ModelCardError(f"Expected the model card file {str(path)!r} to exist. It does not.")
        suffix = path.suffix.lower()
        try:
            if suffix == ".toml":
                with open(path, "rb") as fh:
                    data = tomllib.load(fh)
            elif suffix in (".yaml", ".yml"):
                import yaml

                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            else:
                raise ModelCardError(f"Expected a model card file ending in .toml, .yaml or .yml. Got {str(path)!r}.")
        except ModelCardError:
            raise
        except Exception as exc:  # noqa: BLE001 - TOMLDecodeError, YAMLError, UnicodeDecodeError
            raise ModelCardError(f"Model card file {str(path)!r} is not valid {suffix[1:].upper()}: {exc}") from None
        if isinstance(data, dict) and isinstance(data.get("model_card"), dict):
            data = data["model_card"]
        return cls.from_dict(data, source=f"model card file {str(path)!r}")

    @classmethod
    def coerce(cls, value: Any) -> ModelCard | None:
        """A card from a ModelCard, a dict, or the path of a file (``None`` stays ``None``)."""
        if value is None or isinstance(value, ModelCard):
            return value
        if isinstance(value, dict):
            return cls.from_dict(value)
        if isinstance(value, (str, PathLike)):
            return cls.from_file(value)
        raise ModelCardError(
            f"Expected model_card to be a ModelCard, a dict or the path of a TOML/YAML file. Got {type(value).__name__}."
        )


#: (field, how the report names it), in the order a reviewer reads them.
MODEL_CARD_FIELDS = (
    ("overview", "Overview"),
    ("version", "Version"),
    ("owners", "Owners"),
    ("intended_use", "Intended use"),
    ("intended_users", "Intended users"),
    ("out_of_scope_uses", "Out-of-scope uses"),
    ("training_data", "Training data"),
    ("evaluation_data", "Evaluation data"),
    ("limitations", "Limitations"),
    ("tradeoffs", "Trade-offs"),
    ("ethical_considerations", "Ethical considerations"),
    ("reviewers", "Reviewers and sign-off"),
)


def _as_tuple(value: Any, name: str) -> tuple:
    if value is None:
        return ()
    if isinstance(value, (str, dict, Owner, SignOff)):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(value)
    raise ModelCardError(f"Expected model_card.{name} to be a list. Got {type(value).__name__} instead.")


def _owner(value: Any) -> Owner:
    if isinstance(value, Owner):
        return value
    if isinstance(value, str):
        return Owner(name=value.strip())
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"name", "contact"})
        if unknown or not isinstance(value.get("name"), str):
            raise ModelCardError(f"Expected each model_card.owners entry to have a name (and a contact). Got {value!r}.")
        return Owner(name=value["name"], contact=None if value.get("contact") is None else str(value["contact"]))
    raise ModelCardError(f"Expected model_card.owners entries to be names or tables. Got {value!r}.")


def _sign_off(value: Any) -> SignOff:
    if isinstance(value, SignOff):
        return value
    if isinstance(value, str):
        return SignOff(name=value.strip())
    if isinstance(value, dict):
        fields = {"name", "role", "date", "decision"}
        unknown = sorted(set(value) - fields)
        if unknown or not isinstance(value.get("name"), str):
            raise ModelCardError(
                f"Expected each model_card.reviewers entry to have a name (and role, date, decision). Got {value!r}."
            )
        # TOML dates arrive as date objects: keep them as the ISO text the reviewer wrote
        return SignOff(**{k: None if v is None else str(v) for k, v in value.items()})
    raise ModelCardError(f"Expected model_card.reviewers entries to be names or tables. Got {value!r}.")
