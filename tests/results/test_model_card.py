"""The model card: read from Python, TOML and YAML, carried in the JSON, shown
with every field nobody stated listed as such."""

from __future__ import annotations

import pytest

from auditor import Auditor, AuditResult, ModelCard, Owner, SignOff
from auditor.render import build_view, render_html
from auditor.results import ModelCardError

CARD_TOML = """
[model_card]
overview = "Scores loan applications for default risk."
owners = ["Credit risk analytics <risk@example.org>", { name = "A. Owner", contact = "a@example.org" }]
intended_use = "Pre-screening <b>only</b>"
out_of_scope_uses = ["Final decisions without a human review"]
reviewers = [{ name = "R. Reviewer", role = "Model risk", date = 2026-11-30, decision = "approved" }]
"""


def test_card_from_toml_and_yaml(tmp_path):
    toml = tmp_path / "card.toml"
    toml.write_text(CARD_TOML)
    card = ModelCard.from_file(toml)
    assert card.owners == (Owner("Credit risk analytics <risk@example.org>"), Owner("A. Owner", "a@example.org"))
    assert card.reviewers == (SignOff("R. Reviewer", "Model risk", "2026-11-30", "approved"),)
    assert "limitations" in card.missing() and "intended_use" not in card.missing()
    yaml = tmp_path / "card.yaml"
    yaml.write_text("intended_use: Triage\nlimitations:\n  - Trained on 2019 data only\n")
    assert ModelCard.from_file(yaml) == ModelCard(intended_use="Triage", limitations=("Trained on 2019 data only",))


@pytest.mark.parametrize("data, match", [
    ({"intended_uses": "x"}, r"Unknown key\(s\) \['intended_uses'\]"),
    ({"limitations": 3}, "Expected model_card.limitations to be a list"),
    ({"owners": [{"contact": "x"}]}, "owners entry to have a name"),
    ({"version": 2}, "Expected model_card.version to be a string"),
])
def test_bad_cards_name_the_field(data, match):
    with pytest.raises(ModelCardError, match=match):
        ModelCard.from_dict(data)


def test_card_in_json_html_and_missing_fields(tmp_path, binary_data, binary_pipeline):
    X, y = binary_data
    path = tmp_path / "card.toml"
    path.write_text(CARD_TOML)
    r = Auditor(binary_pipeline, X, y, n_bootstrap=0, sections=["performance"], model_card=path).run()
    back = AuditResult.from_json(r.to_json())
    assert back.model_card == r.model_card and back == r
    view = build_view(r, figures=False)["model_card"]
    rows = {row["label"]: row for row in view["all_rows"]}
    assert rows["Limitations"]["value"] == "not stated" and not rows["Limitations"]["stated"]
    assert "Limitations" not in {row["label"] for row in view["rows"]}  # named in the note instead
    assert rows["Reviewers and sign-off"]["value"] == "R. Reviewer — Model risk, approved, 2026-11-30"
    assert view["note"].startswith("Not stated: version, intended users, training data")
    html = render_html(r)
    summary = html[html.index('id="summary"'):html.index('id="contents"')]
    assert "Pre-screening &lt;b&gt;only&lt;/b&gt;" in summary and "<b>only</b>" not in summary
    assert "Not stated: version, intended users" in summary


def test_without_a_card_the_report_says_so(binary_data, binary_pipeline):
    X, y = binary_data
    r = Auditor(binary_pipeline, X, y, n_bootstrap=0, sections=["performance"]).run()
    assert r.model_card is None
    assert build_view(r, figures=False)["model_card"]["note"].startswith("No model card was supplied")
