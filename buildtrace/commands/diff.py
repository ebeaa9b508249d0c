"""``buildtrace diff``: two traces' teaching views side by side, and whether they differ.

``buildtrace diff A.jsonl B.jsonl`` compares two recorded traces;
``buildtrace diff SCRIPT.py --engines mini,tf-keras`` runs the script under each engine
first (each in its own process, stopped once its model is built unless ``--until`` says
otherwise) and compares what they recorded. The exit status is 0 when the teaching views
match (known differences, listed with their reasons in
``buildtrace/engines/known_differences.toml``, are shown and not counted), 1 when they
differ, 2 when the command line cannot be acted on.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

DESCRIPTION = """\
Compare two traces: both reduced to the teaching view (the calls a Keras build is
explained by, every flag that turns True, every weight, every error) and aligned side by
side. Marks: ' ' the same, '~' different, '<' only in A, '>' only in B, '=' a known,
deliberate difference (its reason is printed; it is not counted).

With a script and --engines, the script is run under each engine first.
"""

EPILOG = """\
exit status: 0 the same, 1 different, 2 a command line that cannot be acted on.

examples:
  buildtrace diff mini.jsonl tf.jsonl
  buildtrace diff samples/seed.py --engines mini,tf-keras
  buildtrace diff samples/seed.py --engines mini,tf-keras --until compile --json
  buildtrace diff samples/seed.py --engines mini,tf-keras --tui
"""

USAGE_ERROR = 2


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Declare ``buildtrace diff A B`` / ``buildtrace diff SCRIPT.py --engines X,Y``."""
    parser = commands.add_parser(
        "diff",
        help="compare two traces (or one script under two engines) in the teaching view",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
        usage="buildtrace diff [options] A.jsonl B.jsonl | SCRIPT.py --engines A,B",
    )
    parser.add_argument("sources", nargs="+", metavar="A|SCRIPT.py", help="two traces, or a script")
    parser.add_argument(
        "--engines",
        default="mini,tf-keras",
        metavar="A,B",
        help="with a script: the two engines to run it under (default: mini,tf-keras)",
    )
    parser.add_argument(
        "--until",
        choices=("build", "compile", "fit", "end"),
        default="build",
        help="with a script: stop each run once its model is built (default), compiled, "
        "fitted, or at its end",
    )
    parser.add_argument("--json", action="store_true", help="print the comparison as JSON")
    parser.add_argument(
        "--tui",
        action="store_true",
        help="open the comparison in the viewer's compare mode: one cursor steps both",
    )
    parser.add_argument("--width", type=int, default=None, help="columns of the side-by-side view")
    parser.set_defaults(handler=diff_command)


def diff_command(args: argparse.Namespace) -> int:
    """Compare; returns 0 (same), 1 (different) or 2 (usage)."""
    sources = [Path(s) for s in args.sources]
    if args.tui:
        if args.json:
            return _usage("--tui and --json: choose one")
        from buildtrace.commands.compare_view import open_compare

        engines = args.engines if len(sources) == 1 else None
        return open_compare(sources, engines, args.until, "diff")
    for source in sources:
        if not source.is_file():
            return _usage(f"no such file: {source}")
    if len(sources) == 1 and sources[0].suffix == ".py":
        engines = [e.strip() for e in args.engines.split(",")]
        from buildtrace.engines import ENGINES, EngineNotInstalled, check_engine

        if len(engines) != 2 or any(e not in ENGINES for e in engines):
            return _usage(f"--engines takes two of {', '.join(ENGINES)}, e.g. mini,tf-keras")
        try:
            for engine in engines:
                check_engine(engine)
        except EngineNotInstalled as exc:
            return _usage(str(exc))
        loaded = [_run(sources[0], engine, args.until) for engine in engines]
        titles = [f"{engine}: {sources[0].name}" for engine in engines]
    elif len(sources) == 2:
        loaded = [_read(source) for source in sources]
        titles = [str(source) for source in sources]
        engines = ["", ""]
    else:
        return _usage("give two traces (A.jsonl B.jsonl) or one script and --engines A,B")
    if any(isinstance(item, int) for item in loaded):
        return next(item for item in loaded if isinstance(item, int))

    from buildtrace.engines.compare import compare, side_by_side, to_json

    comparison = compare(loaded[0], loaded[1], engines=(engines[0], engines[1]))
    if args.json:
        print(json.dumps(to_json(comparison, titles[0], titles[1]), indent=1))
    else:
        width = args.width or _width()
        print(side_by_side(comparison, f"A  {titles[0]}", f"B  {titles[1]}", width))
        print(comparison.verdict("A", "B"))
    return 0 if comparison.same else 1


def _read(source: Path) -> Any:
    from buildtrace.trace import read_trace

    read = read_trace(source)
    if read.error is not None and not read.events:
        return _usage(f"{source} is not a buildtrace trace: {read.error.reason}")
    if read.error is not None:
        print(f"buildtrace: diff: {source} stopped early: {read.error}", file=sys.stderr)
    return read.events


def _run(script: Path, engine: str, until: str) -> Any:
    """Run ``script`` under ``engine`` in a fresh process (engines never share one)."""
    from buildtrace.trace import read_trace

    print(f"buildtrace: running {script.name} under {engine} ...", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="buildtrace-diff-") as folder:
        trace = Path(folder) / f"{engine}.jsonl"
        command = [sys.executable, "-m", "buildtrace", "run", "--no-tree", "--engine", engine]
        command += ["--until", until, "-o", str(trace), str(script)]
        done = subprocess.run(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=os.environ
        )
        read = read_trace(trace)
        if not read.events:
            last = (done.stderr.strip().splitlines() or ["no trace written"])[-1]
            last = last.removeprefix("buildtrace: error: run: ")
            if "is not installed" in last:
                return _usage(last)
            return _usage(f"{script.name} under {engine}: {last}")
        return read.events


def _width() -> int:
    try:
        return max(80, os.get_terminal_size().columns)
    except OSError:
        return 160


def _usage(message: str) -> int:
    print(f"buildtrace: error: diff: {message}", file=sys.stderr)
    return USAGE_ERROR
