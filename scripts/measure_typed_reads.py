"""How many misspelt event-field reads does mypy catch? Plant typos in a copy and count.

Every string-keyed read of an event field in the readers (``event["layer"]``,
``event.get("shape")``, ``ctx.get("attr")``...) is misspelt at once in a copy of the
source (``"layer"`` -> ``"laye"``, never into another field's name), mypy runs once on
the copy, and the planted lines it reports are counted. Run it on two checkouts to
compare (for issue 15: before and after the typed contract)::

    python scripts/measure_typed_reads.py                # this checkout
    python scripts/measure_typed_reads.py --rev main     # a git revision of it

Nothing is written into the checkout: the copy lives in a temporary folder.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import get_args

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from buildtrace.trace.event_types import EventKey  # noqa: E402

#: The reader packages (DESIGN.md: they only read events).
READERS = (
    "buildtrace/state",
    "buildtrace/narration",
    "buildtrace/render",
    "buildtrace/lessons",
    "buildtrace/commands",
    "tui",
)
#: What an event is called where it is read (other dicts, a config or logs, are left).
RECEIVERS = (
    r"event|e|ev|ctx|frame|current|end|top|last|first|call|inner|f|done|stop"
    r"|self\.event|self\.end|step\.event|frame\.event|header\.event|moment\.event"
)
FIELDS = frozenset(get_args(EventKey))
READ = re.compile(r"(?<![\w.])(?P<recv>" + RECEIVERS + r')(?P<op>\.get\(|\[)"(?P<key>[a-z_]+)"')


def misspell(key: str) -> str:
    """A near miss of ``key`` that is no field's name (``layers`` -> ``layerz``)."""
    for typo in (key[:-1], key[:-1] + "z", key + "z", "x" + key):
        if typo and typo not in FIELDS:
            return typo
    raise AssertionError(key)


def plant(tree: Path) -> list[tuple[str, int]]:
    """Misspell every event-field read under ``tree``'s readers; the (file, line) of each."""
    planted: list[tuple[str, int]] = []
    for package in READERS:
        for path in sorted((tree / package).rglob("*.py")):
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            for number, line in enumerate(lines, start=1):
                # One typo per line, so that each reported line is one planted read.
                match = next((m for m in READ.finditer(line) if m["key"] in FIELDS), None)
                if match is None:
                    continue
                start, end = match.span("key")
                lines[number - 1] = line[:start] + misspell(match["key"]) + line[end:]
                planted.append((str(path.relative_to(tree)), number))
            path.write_text("".join(lines), encoding="utf-8")
    return planted


def mypy_lines(tree: Path) -> set[tuple[str, int]]:
    """The (file, line) of every error mypy reports on ``tree``."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--show-error-codes"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )
    found: set[tuple[str, int]] = set()
    for line in result.stdout.splitlines():
        match = re.match(r"(?P<file>[^:]+):(?P<line>\d+): error:", line)
        if match:
            found.add((match["file"], int(match["line"])))
    return found


def copy_of(rev: str | None, into: Path) -> Path:
    """The checkout (or revision ``rev`` of it) copied into ``into``."""
    tree = into / "tree"
    if rev is None:
        shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(".venv", ".git", "*cache*"))
    else:
        tree.mkdir()
        archive = subprocess.run(
            ["git", "archive", rev], cwd=ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rev", help="a git revision to measure instead of the checkout")
    parser.add_argument("--missed", action="store_true", help="list every read not caught")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tree = copy_of(args.rev, Path(folder))
        before = mypy_lines(tree)
        planted = plant(tree)
        after = mypy_lines(tree) - before
        caught = [site for site in planted if site in after]
        print(
            f"{args.rev or 'checkout'}: {len(caught)} of {len(planted)} misspelt event-field "
            f"reads caught by mypy ({100 * len(caught) / max(1, len(planted)):.0f}%)"
        )
        missed: dict[str, int] = {}
        for site in planted:
            if site not in after:
                missed[site[0]] = missed.get(site[0], 0) + 1
        for name, count in sorted(missed.items(), key=lambda item: -item[1])[:10]:
            print(f"  missed {count:3d} in {name}")
        if args.missed:
            for file, line in planted:
                if (file, line) not in after:
                    print(f"  {file}:{line}")


if __name__ == "__main__":
    main()
