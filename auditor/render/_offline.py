"""The one fetch rule of every report: nothing is loaded from anywhere.

A report is one self-contained file: figures are ``data:`` URIs and links point
inside the page (``#...``). Any other URL in the rendered document (an
``<img src="https://...">``, a stylesheet's ``@import url(http://...)`` or
``background: url(logo.png)``, a ``<link href>``) would make the HTML load
something when opened, and the PDF renderer refuses it; so the HTML writer
refuses it too, with the same rule and the same error, naming the user's
template file that holds it.

The rendered document is checked, not the template sources, so a URL that a
template assembles from pieces is caught as well. CSS is read with tinycss2
(WeasyPrint's own parser), so comments, escapes and ``image-set()`` are read the
way a renderer reads them.
"""

from __future__ import annotations

from html.parser import HTMLParser
from os import PathLike
from pathlib import Path

from auditor.errors import AuditInputError

__all__ = ["ExternalURLError", "ScriptError", "check_offline", "find_urls", "find_scripts"]

#: Attributes whose value a browser or WeasyPrint may fetch or navigate to.
URL_ATTRIBUTES = frozenset({
    "action", "archive", "background", "cite", "codebase", "data", "dynsrc", "formaction", "href", "icon",
    "imagesrcset", "longdesc", "lowsrc", "manifest", "ping", "poster", "profile", "src", "srcset", "usemap",
    "xlink:href",
})

#: Suffixes of the files of a template folder searched for an offending URL.
_TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".html", ".htm", ".css", ".svg", ".txt")


class ExternalURLError(AuditInputError):
    """A report would reference something other than a ``data:`` URI or an in-page anchor."""


class ScriptError(AuditInputError):
    """A report would run JavaScript: a ``<script>`` element, an ``on*=`` handler
    or a ``javascript:`` URL (the report promises to need none and to run none)."""


def find_scripts(html: str) -> list[str]:
    """Every piece of the document that would run code, in order, once each."""
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return list(dict.fromkeys(parser.scripts))


def allowed(url: str) -> bool:
    """Whether ``url`` loads nothing: a ``data:`` URI, an in-page anchor, or empty."""
    u = url.strip()
    return u == "" or u.startswith("#") or u[:5].lower() == "data:"


def find_urls(html: str) -> list[str]:
    """Every URL in ``html`` that is not allowed (see :func:`allowed`), in order, once each."""
    parser = _Collector()
    parser.feed(html)
    parser.close()
    seen: dict[str, None] = {}
    for url in parser.urls:
        if not allowed(url):
            seen.setdefault(url.strip(), None)
    return list(seen)


def check_offline(html: str, *, template_dir: str | PathLike[str] | None = None, what: str = "report") -> None:
    """Refuse a rendered document that references anything outside itself.

    Parameters
    ----------
    html : str
        The rendered document.
    template_dir : path, optional
        The user's template folder, searched for the file that holds each URL.
    what : str, default="report"
        How the error names the document.

    Raises
    ------
    ExternalURLError
        Naming each URL and the user file it comes from.
    """
    scripts = find_scripts(html)
    if scripts:
        found = [f"{s[:80]!r} ({_where(s, template_dir)})" for s in scripts[:5]]
        raise ScriptError(
            f"Expected a {what} that runs no JavaScript. Got {', '.join(found)} instead: the report must read "
            "the same with scripts off, and a template must not add code to a compliance document. Remove it."
        )
    urls = find_urls(html)
    if not urls:
        return
    found = [f"{u[:200]!r} ({_where(u, template_dir)})" for u in urls[:5]]
    more = f" and {len(urls) - 5} more" if len(urls) > 5 else ""
    raise ExternalURLError(
        f"Expected a self-contained {what}: no URL except data: URIs and in-page anchors (#...), in the HTML "
        f"and the PDF alike. Got {', '.join(found)}{more} instead: the HTML must load nothing when opened, and "
        "the PDF renderer does not fetch URLs. Inline the resource as a data: URI (e.g. a logo as "
        "data:image/png;base64,...) or remove it."
    )


# -- reading the document ----------------------------------------------------------------
class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.scripts: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self._attrs(tag, attrs)
        self._in_style = tag == "style"
        if tag == "script":
            self.scripts.append("<script")

    def handle_startendtag(self, tag, attrs):
        self._attrs(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.urls += css_urls(data)

    def _attrs(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.scripts.append(f"{name}=")
            if value is None:
                continue
            if value.strip().lower().startswith("javascript:"):
                self.scripts.append(value.strip()[:40])
            if name in ("srcset", "imagesrcset"):
                self.urls += [part.strip().split()[0] for part in value.split(",") if part.strip()]
            elif name in URL_ATTRIBUTES:
                self.urls.append(value)
            elif name == "style":
                self.urls += css_urls(value, declarations=True)
        refresh = tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh"
        if refresh and "url=" in (values.get("content") or "").lower():
            content = values["content"]
            self.urls.append(content[content.lower().index("url=") + 4 :].strip(" '\""))


def css_urls(css: str, *, declarations: bool = False) -> list[str]:
    """The URLs a stylesheet (or a ``style`` attribute) would fetch: ``url()``,
    ``@import`` and the strings of ``image-set()``."""
    import tinycss2

    nodes = tinycss2.parse_blocks_contents(css) if declarations else tinycss2.parse_stylesheet(css)
    out: list[str] = []
    _walk(nodes, out, in_image_set=False)
    return out


def _walk(nodes, out: list[str], *, in_image_set: bool) -> None:
    for node in nodes or ():
        kind = getattr(node, "type", None)
        if kind == "url":
            out.append(node.value)
        elif kind == "string" and in_image_set:
            out.append(node.value)
        elif kind == "function":
            name = node.lower_name
            if name in ("url", "src"):
                out += [a.value for a in node.arguments if getattr(a, "type", None) == "string"]
            _walk(node.arguments, out, in_image_set=in_image_set or name.endswith("image-set"))
        elif kind == "at-rule" and node.lower_at_keyword == "import":
            out += [t.value for t in node.prelude if getattr(t, "type", None) in ("string", "url")]
            _walk([t for t in node.prelude if getattr(t, "type", None) not in ("string", "url")], out, in_image_set=False)
            _walk(node.content, out, in_image_set=False)
        else:
            for attr in ("prelude", "content", "value"):
                child = getattr(node, attr, None)
                if isinstance(child, list):
                    _walk(child, out, in_image_set=in_image_set)


def _where(url: str, template_dir: str | PathLike[str] | None) -> str:
    """The user's file that holds ``url``, or what else is known of its origin."""
    if template_dir is not None:
        root = Path(template_dir)
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix.lower() in _TEMPLATE_SUFFIXES:
                try:
                    text = path.read_text(encoding="utf-8", errors="replace")
                except OSError:
                    continue
                if url in text:
                    return f"in {path.relative_to(root).as_posix()} of the template folder {str(root)!r}"
        return f"assembled by the templates in {str(root)!r}"
    return "in the report's templates"
