"""buildtrace's own source, found from an event's ``src`` (``keras/engine/base_layer.py:336``).

Events name the file and line of the engine code behind them, relative to the
``buildtrace`` package. This module reads those files as *text* (it never imports the
engine) and finds the function around a line, its docstring and its extent, so the
viewer can show the function with the line marked.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

import buildtrace

#: The folder event ``src`` paths are relative to.
PACKAGE_DIR = Path(buildtrace.__file__).resolve().parent


@dataclass(frozen=True)
class FunctionSource:
    """One function of buildtrace's source.

    Attributes:
        path: the file, relative to the package (``keras/engine/base_layer.py``).
        qualname: ``Layer._maybe_build``.
        first: first line (its first decorator's), 1-based.
        def_line: the line of its ``def``.
        last: last line.
        docstring: the function's docstring, or "".
        text: the whole file's text.
    """

    path: str
    qualname: str
    first: int
    def_line: int
    last: int
    docstring: str
    text: str

    @property
    def code(self) -> str:
        """The function's lines."""
        return "\n".join(self.text.splitlines()[self.first - 1 : self.last])


def parse_src(src: object) -> tuple[str, int] | None:
    """``"keras/engine/node.py:48"`` -> ``("keras/engine/node.py", 48)`` (None if not that)."""
    if not isinstance(src, str) or ":" not in src:
        return None
    path, _, line = src.rpartition(":")
    return (path, int(line)) if line.isdigit() else None


@functools.lru_cache(maxsize=64)
def _functions(path: str) -> tuple[str, tuple[tuple[int, int, int, str, str], ...]]:
    """A file's text and its functions as ``(first, def line, last, qualname, docstring)``."""
    file = (PACKAGE_DIR / path).resolve()
    if PACKAGE_DIR not in file.parents or file.suffix != ".py":
        return "", ()  # only our own sources: an event's src is data, not a path to trust
    try:
        text = file.read_text(encoding="utf-8")
        tree = ast.parse(text)
    except (OSError, SyntaxError, ValueError):
        return "", ()
    found: list[tuple[int, int, int, str, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                qualname = f"{prefix}{child.name}"
                doc = ast.get_docstring(child) or ""
                last = child.end_lineno or child.lineno
                found.append((first, child.lineno, last, qualname, doc))
                visit(child, f"{qualname}.<locals>.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(tree, "")
    return text, tuple(found)


def function_at(src: object) -> tuple[FunctionSource, int] | None:
    """The innermost function containing ``src``'s line, and the line to mark.

    A traced call's ``src`` is its function's first line, a decorator's: the ``def``
    line is marked instead.

    Example:
        >>> found = function_at("keras/engine/base_layer.py:1")  # doctest: +SKIP
    """
    parsed = parse_src(src)
    if parsed is None:
        return None
    path, line = parsed
    text, functions = _functions(path)
    around = [f for f in functions if f[0] <= line <= f[2]]
    if not around:
        return None
    first, def_line, last, qualname, doc = max(around, key=lambda f: f[0])
    return FunctionSource(path, qualname, first, def_line, last, doc, text), max(line, def_line)
