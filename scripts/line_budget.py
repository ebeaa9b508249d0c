"""The line budget: every module stays under about 400 lines of code, or says why not.

Counts the code lines of each module of ``buildtrace`` and ``tui`` (blank lines,
comments and docstrings do not count: explaining is never over budget) and fails when
a module is over the budget without a line in ``scripts/line_budget_allowlist.txt``
naming it with a reason. Splitting a module then becomes a decision, not an accident.

Run: ``python scripts/line_budget.py`` (``--all`` prints every module's count).
"""

from __future__ import annotations

import argparse
import ast
import io
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("buildtrace", "tui")
BUDGET = 400
ALLOWLIST = ROOT / "scripts" / "line_budget_allowlist.txt"
_NOT_CODE = {
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENDMARKER,
    tokenize.ENCODING,
}


def _docstring_lines(tree: ast.AST) -> set[int]:
    """Line numbers covered by the docstrings of the module, its classes and functions."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        first = node.body[0] if node.body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            if not isinstance(first.value.value, str):
                continue
            lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines


def code_lines(source: str) -> int:
    """The number of lines holding code: not blank, not only a comment, not a docstring.

    Example:
        >>> code_lines('\"\"\"Doc.\"\"\"\\n\\n# why\\nx = 1  # set\\ny = (\\n    2\\n)\\n')
        4
    """
    docstrings = _docstring_lines(ast.parse(source))
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in _NOT_CODE:
            continue
        lines.update(range(token.start[0], token.end[0] + 1))
    return len(lines - docstrings)


def read_allowlist(path: Path = ALLOWLIST) -> dict[str, str]:
    """``module path -> reason`` from lines ``path  reason`` (``#`` starts a comment)."""
    allowed: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        module, _, reason = line.partition(" ")
        if not reason.strip():
            raise SystemExit(f"{path.name}: {module} needs a reason after its path")
        allowed[module] = reason.strip()
    return allowed


def measure(root: Path = ROOT) -> dict[str, int]:
    """``module path (relative, posix) -> code lines`` for every module of the packages."""
    counts: dict[str, int] = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            counts[path.relative_to(root).as_posix()] = code_lines(path.read_text("utf-8"))
    return counts


def problems(counts: dict[str, int], allowed: dict[str, str], budget: int = BUDGET) -> list[str]:
    """What is wrong: modules over budget and not allowed, allowlist lines that are stale."""
    found = [
        f"{module}: {count} code lines, over the budget of {budget}; split it, or list it "
        f"in {ALLOWLIST.name} with a reason"
        for module, count in sorted(counts.items())
        if count > budget and module not in allowed
    ]
    found += [
        f"{ALLOWLIST.name}: {module} is listed but "
        + ("does not exist" if module not in counts else f"is within budget ({counts[module]})")
        for module in sorted(allowed)
        if counts.get(module, 0) <= budget
    ]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="print every module's count")
    args = parser.parse_args(argv)
    counts = measure()
    allowed = read_allowlist()
    for module, count in sorted(counts.items(), key=lambda item: -item[1]):
        if args.all or count > BUDGET:
            note = f"  (allowed: {allowed[module]})" if module in allowed else ""
            print(f"{count:5d}  {module}{note}")
    found = problems(counts, allowed)
    for problem in found:
        print(problem, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
