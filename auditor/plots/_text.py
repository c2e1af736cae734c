"""The one path by which text from a result reaches matplotlib.

Column names, group labels, class names, row labels and category values are
the user's, and matplotlib does not draw text as given: a string with two ``$``
is parsed as mathtext (``"$5 to $10"`` draws "5 to" in italics, ``"$\\x$"``
raises a parser error when the figure is saved), a legend drops labels that
start with ``_``, and control characters make an SVG that the PDF renderer
cannot read. Every plot function passes such strings through :func:`figure_text`
(or :func:`legend_label`) at the call into matplotlib, and nowhere else, so
nothing is escaped twice.
"""

from __future__ import annotations

import unicodedata
from typing import Any

__all__ = ["figure_text", "legend_label", "MAX_LABEL"]

#: Characters of a tick label, title or legend entry; a longer name keeps its
#: start and end around an ellipsis (the report's tables show it in full).
MAX_LABEL = 60


def figure_text(value: Any, *, max_len: int | None = MAX_LABEL) -> str:
    """``value`` as text that matplotlib draws exactly as written.

    Parameters
    ----------
    value : object
        Any label; converted with ``str``.
    max_len : int or None, default=MAX_LABEL
        Longest text kept; ``None`` keeps everything.

    Returns
    -------
    str
        Control characters and lone surrogates replaced by U+FFFD, shortened
        around an ellipsis, every ``$`` escaped (matplotlib turns ``\\$`` back
        into ``$`` in text that is not mathtext, and a backslash before anything
        else is left alone).
    """
    text = "".join("\ufffd" if _unprintable(ch) else ch for ch in str(value))
    if max_len is not None and len(text) > max_len:
        head = (max_len - 1) * 2 // 3
        text = text[:head] + "…" + text[len(text) - (max_len - 1 - head):]
    return text.replace("$", r"\$")


def legend_label(value: Any, *, max_len: int | None = MAX_LABEL) -> str:
    """:func:`figure_text` for a legend entry, which matplotlib would drop if it
    started with an underscore (its mark for "no legend")."""
    text = figure_text(value, max_len=max_len)
    return "\u200b" + text if text.startswith("_") else text


def _unprintable(ch: str) -> bool:
    # newlines and tabs lay out as such; other control characters and surrogates
    # do not survive the SVG (XML 1.0 forbids them, UTF-8 cannot encode them)
    return ch not in "\n\t" and unicodedata.category(ch) in ("Cc", "Cs")
