"""Small helpers for lesson prose: paragraphs and `code` spans, for text, HTML and Markdown.

Lesson texts are written in TOML multi-line strings, hard-wrapped at the teacher's
editor width, with `backticks` around code, like the narration. Every output (the
terminal, an HTML handout, a Markdown handout) reflows the lines into paragraphs and
shows code spans its own way.

Example:
    >>> paragraphs("one\\ntwo\\n\\nthree")
    ['one two', 'three']
    >>> html_inline("`built` is <True>")
    '<code>built</code> is &lt;True&gt;'
"""

from __future__ import annotations

import re
from html import escape

CODE_SPAN = re.compile(r"`([^`]+)`")


def paragraphs(text: str) -> list[str]:
    """The paragraphs of ``text``: lines joined, a blank line starting a new paragraph."""
    blocks = re.split(r"\n\s*\n", text.strip())
    joined = (" ".join(line.strip() for line in block.splitlines()) for block in blocks)
    return [block for block in joined if block]


def paragraph(text: str) -> str:
    """All of ``text`` as one string, its paragraphs separated by a blank line."""
    return "\n\n".join(paragraphs(text))


def html_inline(text: str) -> str:
    """One paragraph as HTML: escaped, with `code` spans as ``<code>``."""
    return CODE_SPAN.sub(lambda m: f"<code>{m.group(1)}</code>", escape(text, quote=False))


def html_paragraphs(text: str, css_class: str = "") -> str:
    """``text`` as ``<p>`` elements (with ``class`` when given)."""
    attribute = f' class="{css_class}"' if css_class else ""
    return "\n".join(f"<p{attribute}>{html_inline(p)}</p>" for p in paragraphs(text))


def markdown_inline(text: str) -> str:
    """One paragraph for Markdown: characters Markdown would read as markup outside code
    spans are escaped (``*``, ``_``, ``<``...), code spans are kept as they are."""
    pieces: list[str] = []
    position = 0
    for match in CODE_SPAN.finditer(text):
        pieces.append(_markdown_escape(text[position : match.start()]))
        pieces.append(match.group(0))
        position = match.end()
    pieces.append(_markdown_escape(text[position:]))
    return "".join(pieces)


def _markdown_escape(text: str) -> str:
    return re.sub(r"([\\*_\[\]<>#|])", r"\\\1", text)
