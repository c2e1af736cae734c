"""The HTML report: escaped, offline, reproducible, atomic."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import jinja2
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from auditor import Auditor, AuditResult
from auditor.render import build_view, render_html, render_notebook_html
from auditor.render._env import environment

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def hostile_result():
    """A model whose column, target and labels are HTML."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame({SCRIPT: rng.normal(size=200), "b": rng.normal(size=200)})
    y = pd.Series(np.where(X[SCRIPT] > 0, "<b>yes</b>", "no"), name="<i>target</i>")
    model = LogisticRegression().fit(X, y)
    return Auditor(model, X, y, pos_label="<b>yes</b>", n_bootstrap=20, model_name="<img src=x onerror=alert(1)>").run()


def test_user_strings_are_escaped(hostile_result):
    html = render_html(hostile_result)
    assert SCRIPT not in html and "<b>yes</b>" not in html and "<i>target</i>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;yes&lt;/b&gt;" in html


class _Refs(HTMLParser):
    """Every src/href of a real element (escaped text is not an element)."""

    def __init__(self):
        super().__init__()
        self.refs = []

    def handle_starttag(self, tag, attrs):
        self.refs += [v for k, v in attrs if k in ("src", "href", "xlink:href") and v is not None]


def test_no_external_resources(hostile_result):
    html = render_html(hostile_result)
    parser = _Refs()
    parser.feed(html)
    refs = parser.refs
    assert refs, "expected figures and links"
    for ref in refs:
        assert ref.startswith(("data:", "#")), ref
    assert not re.search(r"url\(\s*['\"]?(?!data:|#)", html)
    assert "http://" not in html and "https://" not in html
    assert "<script" not in html.lower()


def test_archived_json_renders_identical_html(hostile_result, tmp_path):
    path = hostile_result.save(tmp_path / "a.json")
    again = AuditResult.from_json(path)
    assert render_html(again) == render_html(hostile_result)


def test_save_html_is_atomic_and_can_refuse_overwrite(hostile_result, tmp_path, monkeypatch):
    from auditor._io import OutputExistsError

    target = tmp_path / "report.html"
    hostile_result.save(target)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(OutputExistsError, match="already exists"):
        hostile_result.save(target, overwrite=False)
    # a failure while rendering leaves the old file intact and no temporary file
    old = target.read_bytes()
    import auditor.render as render

    def explode(*a, **k):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(render, "render_html", explode)
    with pytest.raises(RuntimeError):
        hostile_result.save(target)
    assert target.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_notebook_fragment_is_scoped(hostile_result):
    html = hostile_result._repr_html_()
    assert html.startswith('<div class="auditor-report auditor-notebook">')
    assert "<html" not in html and "<body" not in html
    css = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)  # comments are not selectors
    selectors = [s.strip() for block in re.findall(r"([^{}]+)\{", css) for s in block.split(",")]
    for sel in selectors:
        if sel.startswith("@") or sel.startswith("/*") or not sel or sel.startswith(("from", "to")):
            continue
        assert sel.split("*/")[-1].strip().startswith(".auditor-report"), sel
    assert render_notebook_html(hostile_result) == html


def test_strict_undefined_catches_misspelt_fields(hostile_result, tmp_path):
    (tmp_path / "report.html.j2").write_text("{{ verdict.stauts }}")
    with pytest.raises(jinja2.UndefinedError):
        render_html(hostile_result, template_dir=tmp_path)


def test_user_template_folder_is_searched_first(hostile_result, tmp_path):
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "report.css").write_text(".auditor-report { --accent: #123456; }")
    html = render_html(hostile_result, template_dir=tmp_path)
    assert "#123456" in html and "Model performance" in html


def test_missing_template_dir_is_an_error(hostile_result, tmp_path):
    with pytest.raises(FileNotFoundError, match="Expected template_dir"):
        render_html(hostile_result, template_dir=tmp_path / "nope")


def test_view_model_is_plain_data(hostile_result):
    def walk(v):
        if isinstance(v, dict):
            for k, x in v.items():
                assert isinstance(k, str)
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        else:
            assert v is None or isinstance(v, (str, int, float, bool)), type(v)

    walk(build_view(hostile_result))


def test_view_keys_never_shadow_dict_methods(binary_data, binary_pipeline):
    """In jinja, ``row.values`` on a dict is the method, not the key: a view that
    used such a key would render a method object (or fail) instead of its data."""
    X, y = binary_data
    result = Auditor(binary_pipeline, X, y, sensitive_features=["group"], n_bootstrap=20).run()
    shadowing = {name for name in dir(dict) if not name.startswith("_")}
    found = []

    def walk(v, path):
        if isinstance(v, dict):
            found.extend(f"{path}.{k}" for k in v if k in shadowing)
            for k, x in v.items():
                walk(x, f"{path}.{k}")
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, f"{path}[{i}]")

    walk(build_view(result), "view")
    assert found == []


def test_autoescape_is_on_for_every_template():
    env = environment()
    assert env.autoescape is True
    assert env.undefined is jinja2.StrictUndefined


@pytest.mark.parametrize("task", ["wine", "diabetes"])
def test_multiclass_and_regression_produce_json_and_report(task, request, tmp_path):
    model, X, y = request.getfixturevalue(task)
    result = Auditor(model, X, y, n_bootstrap=30).run()
    assert result.summary.task == ("multiclass" if task == "wine" else "regression")
    js = result.save(tmp_path / "a.json")
    html = result.save(tmp_path / "a.html").read_text(encoding="utf-8")
    assert AuditResult.from_json(js) == result
    assert "Model performance" in html and ("Confusion matrix" in html) == (task == "wine")
    assert ("Residuals against prediction" in html) == (task == "diabetes")


def test_the_users_matplotlib_settings_never_reach_the_report(tmp_path):
    """A notebook's inline backend or a style sheet changes rcParams; the same result
    must render the same bytes whatever they are (the view model is cached per
    result, so the second render reads the result back from its JSON)."""
    import matplotlib as mpl

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 300)
    score = np.clip(0.3 * y + 0.7 * rng.random(300), 0, 1)
    result = Auditor.from_predictions(y, (score > 0.5).astype(int), y_score=score,
                                      sensitive_features=rng.choice(["a", "b"], 300), n_bootstrap=20).run()
    plain = render_html(result)
    path = result.save(tmp_path / "audit.json")
    with mpl.rc_context({"font.size": 30, "figure.dpi": 50, "savefig.bbox": "tight", "lines.linewidth": 9,
                         "axes.prop_cycle": mpl.cycler(color=["#ff00ff"]), "figure.facecolor": "black"}):
        styled = render_html(AuditResult.from_json(path))
    assert "<svg" in plain or "image/svg" in plain
    assert styled == plain


def test_svg_ids_do_not_depend_on_float_noise_in_the_layout():
    # matplotlib names clip boxes by a hash of their full-precision coordinates; a
    # re-render from the JSON placed an axes 1e-13 points away and changed only those ids
    import base64

    from matplotlib.figure import Figure

    from auditor.render._figures import encode_figure

    def svg(shift: float) -> bytes:
        fig = Figure(figsize=(4, 3))
        for k in range(2):
            ax = fig.add_axes((0.1 + 0.45 * k + shift, 0.1, 0.35, 0.8))
            ax.bar([0, 1], [1, 2])
            ax.plot([0, 1], [1, 2], "o")
        uri = encode_figure(ax)
        return base64.b64decode(uri.split(",", 1)[1])

    a, b = svg(0.0), svg(1e-15)
    assert a == b
    ids = set(re.findall(rb'id="([^"]+)"', a))
    refs = set(re.findall(rb'url\(#([^)]+)\)', a)) | set(re.findall(rb'href="#([^"]+)"', a))
    assert refs and refs <= ids  # every clip path and marker still resolves
    assert not re.search(rb'id="[a-z][0-9a-f]{10}"', a)
