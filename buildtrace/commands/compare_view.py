"""The viewer's compare mode, as ``buildtrace tui`` and ``buildtrace diff --tui`` open it.

``buildtrace tui --compare A.jsonl B.jsonl``, ``buildtrace tui SCRIPT.py --engines
mini,tf-keras`` and ``buildtrace diff ... --tui`` all end here: the command line is
checked (two readable traces, or a script and two installed engines, and a terminal),
then the compare app runs (:mod:`tui.compare.app`) and its exit status is the diff's:
0 the same, 1 different, 2 a command line that cannot be acted on.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

#: Exit status for a command line that cannot be acted on.
USAGE_ERROR = 2


def parse_engines(text: str) -> tuple[str, str] | str:
    """``"mini,tf-keras"`` as two installed engines, or what is wrong with it."""
    from buildtrace.engines import ENGINES, EngineNotInstalled, check_engine

    engines = [e.strip() for e in text.split(",")]
    if len(engines) != 2 or any(e not in ENGINES for e in engines):
        return f"--engines takes two of {', '.join(ENGINES)}, e.g. mini,tf-keras"
    try:
        for engine in engines:
            check_engine(engine)
    except EngineNotInstalled as exc:
        return str(exc)
    return engines[0], engines[1]


def sources_problem(sources: Sequence[Path], engines: str | None) -> str | None:
    """What is wrong with comparing ``sources`` (two traces, or a script with engines)."""
    for source in sources:
        if not source.is_file():
            return f"no such file: {source}"
    if len(sources) == 1 and sources[0].suffix == ".py":
        if engines is None:
            return "a script is compared under two engines: add --engines mini,tf-keras"
        return None
    if len(sources) == 2 and all(s.suffix != ".py" for s in sources):
        return None
    return "give two traces (--compare A.jsonl B.jsonl) or one script and --engines A,B"


def open_compare(sources: Sequence[Path], engines: str | None, until: str, command: str) -> int:
    """Check the command line, run compare mode, return its exit status.

    Args:
        sources: two trace files, or one script.
        engines: with a script, the two engines (``mini,tf-keras``).
        until: with a script, where each run stops (``build``, ``compile``, ``fit``, ``end``).
        command: the command's name, for its error messages (``tui``, ``diff``).
    """
    from buildtrace.commands.tui import terminal_problem

    problem = sources_problem(sources, engines)
    pair: tuple[str, str] | str = ("", "")
    if problem is None and len(sources) == 1:
        pair = parse_engines(engines or "")
        problem = pair if isinstance(pair, str) else None
    if problem is None:
        problem = terminal_problem(sources[0])
    if problem is not None or isinstance(pair, str):
        return _usage_error(command, problem or str(pair))

    from tui.compare.app import TraceProblem, create_compare_app, create_engines_app

    try:
        if len(sources) == 1:
            app = create_engines_app(sources[0], pair, until)
        else:
            app = create_compare_app(sources[0], sources[1])
    except TraceProblem as exc:
        return _usage_error(command, str(exc))
    app.run()
    status = app.return_code
    return status if isinstance(status, int) else 0


def _usage_error(command: str, message: str) -> int:
    print(f"buildtrace: error: {command}: {message}", file=sys.stderr)
    return USAGE_ERROR
