"""User templates render sandboxed, and one fetch rule holds for the HTML and the
PDF alike: nothing but data: URIs and in-page anchors, the offending file named."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from auditor import Auditor
from auditor.errors import AuditInputError
from auditor.render import ExternalURLError, PdfRenderError, UnsafeTemplateError, render_html, render_pdf

PNG_1PX = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.fixture(scope="module")
def result():
    rng = np.random.default_rng(4)
    X = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    y = (X["a"] > 0).astype(int)
    return Auditor(LogisticRegression().fit(X, y), X, y, sections=["performance"], n_bootstrap=10).run()


def test_python_internals_are_refused_with_the_template_named(result, tmp_path):
    (tmp_path / "_header.html.j2").write_text(
        "<header>\n{{ cycler.__init__.__globals__.os.popen('echo pwned').read() }}\n</header>")
    with pytest.raises(UnsafeTemplateError) as info:
        render_html(result, template_dir=tmp_path)
    message = str(info.value)
    assert message.startswith("Expected the report templates to use only the report's data. The template ")
    assert "_header.html.j2" in message and "(line 2)" in message
    assert "__init__" in message and "sandbox" in message
    assert isinstance(info.value, AuditInputError)


def test_an_external_import_in_custom_css_is_refused_for_html_and_pdf_naming_the_file(result, tmp_path):
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "custom.css").write_text(
        "/* brand */\n@import url(http://fonts.example.com/brand.css);\n.auditor-report { color: #123; }\n")
    with pytest.raises(ExternalURLError) as html_error:
        render_html(result, template_dir=tmp_path)
    message = str(html_error.value)
    assert message.startswith("Expected a self-contained report: no URL except data: URIs and in-page anchors")
    assert "'http://fonts.example.com/brand.css' (in styles/custom.css of the template folder" in message
    with pytest.raises(PdfRenderError) as pdf_error:
        render_pdf(result, template_dir=tmp_path)
    assert str(pdf_error.value) == message  # one rule, one message


@pytest.mark.parametrize(
    ("snippet", "url"),
    [
        ('<img src="https://example.com/logo.png" alt="logo">', "https://example.com/logo.png"),
        ('<link rel="stylesheet" href="brand.css">', "brand.css"),
        ('<div style="background: url(\'//cdn.example.com/bg.png\')"></div>', "//cdn.example.com/bg.png"),
        ('<img srcset="data:image/png;base64,AAAA 1x, https://example.com/2x.png 2x" alt="">',
         "https://example.com/2x.png"),
        ("<style>.x { background: image-set('hi.png' 2x); }</style>", "hi.png"),
    ],
)
def test_any_url_in_a_user_template_is_refused(result, tmp_path, snippet, url):
    (tmp_path / "_footer.html.j2").write_text(f"<footer>{snippet}</footer>")
    with pytest.raises(ExternalURLError, match="in _footer.html.j2 of the template folder") as info:
        render_html(result, template_dir=tmp_path)
    assert repr(url) in str(info.value)


def test_data_uris_anchors_and_urls_in_comments_are_allowed(result, tmp_path):
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "custom.css").write_text(
        "/* was: @import url(http://example.com/x.css); */\n"
        f".auditor-report h1::before {{ content: url({PNG_1PX}); }}\n")
    (tmp_path / "_footer.html.j2").write_text(
        f'<footer><!-- <img src="https://example.com/x.png"> --><a href="#summary">Top</a>'
        f'<img src="{PNG_1PX}" alt="logo"><p>See https://example.com for the policy</p></footer>')
    html = render_html(result, template_dir=tmp_path)
    assert "See https://example.com for the policy" in html  # text, not a URL to fetch
    assert render_pdf(result, template_dir=tmp_path).startswith(b"%PDF-")


def test_a_user_string_that_looks_like_a_url_is_text_not_a_reference(tmp_path):
    rng = np.random.default_rng(5)
    X = pd.DataFrame({"http://example.com/a": rng.normal(size=200), "b": rng.normal(size=200)})
    y = (X.iloc[:, 0] > 0).astype(int)
    result = Auditor(LogisticRegression().fit(X, y), X, y, sections=["performance", "importance"], n_bootstrap=0,
                     model_name="https://example.com/model").run()
    html = render_html(result)
    assert "https://example.com/model" in html


@pytest.mark.parametrize("snippet, shown", [
    ("<script>alert(1)</script>", "<script"),
    ('<img src="data:image/png;base64,AAAA" onerror="alert(1)">', "onerror="),
    ('<a href="javascript:alert(1)">x</a>', "javascript:alert(1)"),
])
def test_a_template_that_would_run_javascript_is_refused(tmp_path, snippet, shown):
    from auditor import Auditor
    from auditor.render import ScriptError, render_html

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=60)})
    y = (X["a"] > 0).astype(int)
    from sklearn.linear_model import LogisticRegression

    result = Auditor(LogisticRegression().fit(X, y), X, y, n_bootstrap=0, sections=["performance"]).run()
    (tmp_path / "report.html.j2").write_text('{% extends "auditor/report.html.j2" %}{% block footer %}' + snippet
                                             + "{{ super() }}{% endblock %}")
    with pytest.raises(ScriptError, match="runs no JavaScript") as info:
        render_html(result, template_dir=tmp_path)
    assert shown in str(info.value) and "report.html.j2" in str(info.value)
    assert "<script" not in render_html(result).lower()  # the bundled templates run none


def test_a_refused_template_leaves_no_output_not_even_the_json(tmp_path, capsys):
    import skops.io as sio

    from auditor.cli import main

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=80)})
    y = (X["a"] > 0).astype(int)
    model = LogisticRegression().fit(X, y)
    X.assign(y=y).to_csv(tmp_path / "data.csv", index=False)
    sio.dump(model, tmp_path / "model.skops")
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / "report.html.j2").write_text(
        '{% extends "auditor/report.html.j2" %}{% block footer %}<img src="https://example.org/x.png">{% endblock %}')
    trust = [x for t in sio.get_untrusted_types(file=tmp_path / "model.skops") for x in ("--trust-type", t)]
    code = main(["run", "--model", str(tmp_path / "model.skops"), "--data", str(tmp_path / "data.csv"), "--target", "y",
                 "--sections", "performance", "--n-bootstrap", "0", "--template-dir", str(tmp_path / "brand"),
                 "--json", str(tmp_path / "a.json"), "--out", str(tmp_path / "a.html"), "-q", *trust])
    assert code == 2 and "https://example.org/x.png" in capsys.readouterr().err
    assert not (tmp_path / "a.json").exists() and not (tmp_path / "a.html").exists()
