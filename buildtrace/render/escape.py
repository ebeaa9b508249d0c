"""Text from a trace or a lesson, made safe for each output: DOT, SVG, HTML, Markdown.

Every string a trace or a lesson file holds — layer and model names, messages, shapes
written as text, lesson words — is data, never markup: a layer may be named anything
(``Dense(3, name="<script>…")``), and a trace file may come from anyone. So each
output escapes what it writes, with the function for its target:

* :func:`dot_id` — a node or graph id: names made only of letters, digits and ``_``
  stay as they are (``dense_1``); any other becomes ``_`` and its UTF-8 bytes in hex, so
  no name can end a quoted id or open an HTML-like one;
* :func:`dot_html` — text inside an HTML-like label (``<``, ``>``, ``&``, quotes);
* :func:`dot_string` — text inside a quoted DOT string (quotes, backslashes, newlines);
* :func:`html_text` — text or an attribute value in an HTML page (and SVG, which is XML);
* :func:`markdown_text`, :func:`markdown_code` — Markdown prose and code spans.

All of them also drop what no XML may hold (control characters, lone surrogates), so an
SVG drawn from a hostile name still parses. Links in our outputs never come from a
trace: the only ones buildtrace writes point inside the same page (``#step-3``).

Example:
    >>> dot_id("dense_1"), dot_id("a:b")
    ('dense_1', '_613a62')
    >>> dot_html('<script>"x"</script>')
    '&lt;script&gt;&quot;x&quot;&lt;/script&gt;'
    >>> markdown_code("a`b")
    '`` a`b ``'
"""

from __future__ import annotations

import re
from html import escape as _html_escape

#: What XML 1.0 cannot hold (and what a terminal would read as commands): C0 controls but
#: tab and newline, DEL, C1 controls, lone surrogates, and the two non-characters.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: Shown in place of what was dropped.
REPLACEMENT = "\ufffd"

_PLAIN_ID = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
#: DOT's keywords (any case): a layer named ``node`` must not read as one.
_KEYWORDS = frozenset({"node", "edge", "graph", "digraph", "subgraph", "strict"})
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|&~])")
_CODE_SPAN = re.compile(r"`([^`]+)`")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def printable(value: object) -> str:
    """``str(value)`` with what no XML may hold replaced by U+FFFD."""
    return _UNSAFE.sub(REPLACEMENT, str(value))


def one_line(value: object) -> str:
    """``str(value)`` on one line (line breaks become spaces), printable."""
    return _LINE_BREAKS.sub(" ", printable(value))


# ---------------------------------------------------------------------------- DOT
def dot_id(name: object) -> str:
    """A DOT id for ``name``, safe whatever the name, and different for different names.

    Names Keras makes (``dense``, ``dense_input``, ``conv2d_1``) are kept, so diagrams
    and their SVG ``<title>`` s read as before. Any other name (or a DOT keyword)
    becomes ``_`` + the hex of its UTF-8 bytes: plain names never start with ``_``, so
    no two names share an id.
    """
    text = str(name)
    if _PLAIN_ID.match(text) and text.lower() not in _KEYWORDS:
        return text
    return "_" + text.encode("utf-8", "surrogatepass").hex()


def dot_html(value: object) -> str:
    """``value`` as text inside an HTML-like label: ``<``, ``>``, ``&``, quotes escaped.

    Line breaks become spaces (a label's lines are ``<BR/>`` s we place ourselves).
    """
    return _html_escape(one_line(value), quote=True)


def dot_string(value: object) -> str:
    """``value`` as the inside of a quoted DOT string (without the quotes).

    Backslashes are doubled (Graphviz reads ``\\N``, ``\\G``... as escapes), quotes
    escaped, and line breaks written as Graphviz's ``\\n``.
    """
    text = printable(value).replace("\\", "\\\\").replace('"', '\\"')
    return _LINE_BREAKS.sub(r"\\n", text)


# --------------------------------------------------------------------- HTML and SVG
def html_text(value: object) -> str:
    """``value`` as HTML text or a quoted attribute value (SVG too): ``<>&"'`` escaped."""
    return _html_escape(printable(value), quote=True)


def html_inline(text: object) -> str:
    """Prose as HTML: escaped, with `code` spans as ``<code>`` (their text escaped too)."""
    return _CODE_SPAN.sub(lambda m: f"<code>{m.group(1)}</code>", html_text(text))


# ------------------------------------------------------------------------ Markdown
def markdown_text(value: object) -> str:
    """``value`` as Markdown prose on one line: every character Markdown (or its raw
    HTML and entities) could read as markup is backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line(value))


def markdown_code(value: object, *, in_table: bool = False) -> str:
    """``value`` as one Markdown code span, whatever backticks it holds.

    The fence is one backtick longer than the longest run inside, with a space either
    side (CommonMark strips one). In a table cell ``|`` is escaped too (GitHub's tables
    split cells on it even inside code).
    """
    text = one_line(value)
    if in_table:
        text = text.replace("|", "\\|")
    runs = [len(run) for run in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    if not runs and not text.startswith(" ") and text:
        return f"{fence}{text}{fence}"
    return f"{fence} {text} {fence}"


def markdown_inline(text: object) -> str:
    """Prose for Markdown: `code` spans kept as spans, everything else escaped."""
    source = one_line(text)
    pieces: list[str] = []
    position = 0
    for match in _CODE_SPAN.finditer(source):
        pieces.append(markdown_text(source[position : match.start()]))
        pieces.append(match.group(0))
        position = match.end()
    pieces.append(markdown_text(source[position:]))
    return "".join(pieces)
