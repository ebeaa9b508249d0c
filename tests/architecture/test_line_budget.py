"""The line budget (``scripts/line_budget.py``) holds, and counts what it says it counts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import line_budget  # noqa: E402


def test_every_module_is_within_budget_or_listed_with_a_reason() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "line_budget.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_docstrings_comments_and_blank_lines_are_not_code() -> None:
    source = '"""Module doc\nover two lines."""\n\n# why\nx = 1  # set\n\n\ndef f():\n'
    source += '    """Doc."""\n    return (\n        x\n    )\n'
    assert line_budget.code_lines(source) == 5  # x = 1, def, return, x, )


def test_a_string_that_is_not_a_docstring_counts() -> None:
    assert line_budget.code_lines('x = 1\n"""not a docstring"""\n') == 2


def test_a_module_over_budget_fails_unless_listed() -> None:
    counts = {"buildtrace/big.py": 401, "buildtrace/small.py": 10}
    assert line_budget.problems(counts, {}) == [
        "buildtrace/big.py: 401 code lines, over the budget of 400; split it, or list it in "
        "line_budget_allowlist.txt with a reason"
    ]
    assert line_budget.problems(counts, {"buildtrace/big.py": "to split"}) == []


def test_a_stale_allowlist_line_fails() -> None:
    found = line_budget.problems({"buildtrace/small.py": 10}, {"buildtrace/small.py": "why"})
    assert found == [
        "line_budget_allowlist.txt: buildtrace/small.py is listed but is within budget (10)"
    ]


def test_an_allowlist_line_without_a_reason_is_refused(tmp_path: Path) -> None:
    allowlist = tmp_path / "allow.txt"
    allowlist.write_text("# comment\nbuildtrace/big.py\n")
    with pytest.raises(SystemExit, match="needs a reason"):
        line_budget.read_allowlist(allowlist)
