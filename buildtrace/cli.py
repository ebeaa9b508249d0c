"""The ``buildtrace`` command.

Each subcommand is two functions: ``add_<name>_command(commands)`` declares its
arguments and ``<name>_command(args) -> int`` does the work and returns the exit status
(``set_defaults(handler=<name>_command)`` ties them). ``run`` lives here; the other
subcommands live in ``buildtrace/commands/`` (see its ``__init__``). A subcommand that
passes arguments on to a user's script sets ``takes_script_args=True`` and gets them,
unparsed, in ``args.script_args``.

Only the standard library is imported at the top, so ``buildtrace --help`` answers at
once: numpy, the engine and rich are imported inside the subcommand that needs them.

Example:
    $ buildtrace run train.py --epochs 3 -o trace.jsonl
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from buildtrace import __version__

#: What ``--until`` takes (the same as ``buildtrace.runner.milestones.UNTIL``, which
#: imports the engine: ``buildtrace --help`` must stay instant).
UNTIL = ("build", "compile", "fit", "end")

#: What ``--engine`` takes (the same as ``buildtrace.engines.ENGINES``).
ENGINES = ("mini", "tf-keras", "keras3")

#: Exit status for a command line buildtrace cannot act on (argparse's own choice).
USAGE_ERROR = 2

#: Exit status after Ctrl-C, as shells report it (128 + SIGINT).
INTERRUPTED = 130

#: Columns of the tree when stdout is a file or a pipe.
PIPE_WIDTH = 160

RUN_DESCRIPTION = """\
Run a Keras script written for `tensorflow.keras` or `keras`, unchanged, with
buildtrace's Keras, and print how its model was built.

For this run only, `import tensorflow as tf`, `from tensorflow import keras`,
`from tensorflow.keras.layers import Dense`, `import keras` and `import tf_keras`
give buildtrace's Keras. What buildtrace does not cover fails with a message naming it.

The tree shows the teaching view (the steps a Keras build is explained by, every flag
change, every weight, every error); --full shows every event. The exit status is the
script's own.
"""

RUN_EPILOG = """\
arguments after SCRIPT.py go to the script, except buildtrace's own options above;
everything after `--` goes to the script as it is.

examples:
  buildtrace run seed.py
  buildtrace run train.py --epochs 3 -o trace.jsonl
  buildtrace run train.py -o trace.jsonl -- --full   (the script gets --full)
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``buildtrace`` command and all its subcommands."""
    parser = argparse.ArgumentParser(
        prog="buildtrace",
        description="Watch how a Keras 2 model is built, step by step.",
    )
    parser.add_argument("--version", action="version", version=f"buildtrace {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    add_run_command(commands)
    from buildtrace.commands import add_commands

    add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``buildtrace`` command; returns the exit status.

    Args:
        argv: the arguments after ``buildtrace`` (``sys.argv[1:]`` when None).
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    # Everything after the first `--` belongs to the script, whatever it looks like.
    passthrough: list[str] = []
    if "--" in arguments:
        split = arguments.index("--")
        arguments, passthrough = arguments[:split], arguments[split + 1 :]
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(arguments)
        if args.command is None:
            parser.print_help()
            return USAGE_ERROR
        if (extra or passthrough) and not getattr(args, "takes_script_args", False):
            parser.error(f"unrecognized arguments: {' '.join(extra + passthrough)}")
    except SystemExit as exc:  # --help, --version and usage errors end here
        return exc.code if isinstance(exc.code, int) else USAGE_ERROR
    if getattr(args, "takes_script_args", False):
        if args.script is None and passthrough:  # `buildtrace run -- script.py ...`
            args.script = passthrough.pop(0)
        # `buildtrace tui --compare A B` compares two traces and runs no script.
        if args.script is None and getattr(args, "compare", None) is None:
            return _usage_error(f"{args.command}: the script to run is missing (SCRIPT.py)")
        args.script_args = extra + passthrough
    try:
        status: int = args.handler(args)
    except KeyboardInterrupt:  # Ctrl-C outside the script (the script's own is handled)
        print("buildtrace: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:  # `buildtrace run x.py | head`: the reader left, that is fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return status


# ------------------------------------------------------------------------------- run
def add_run_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Declare ``buildtrace run SCRIPT.py [args...] [-o TRACE.jsonl] [--full] ...``."""
    run = commands.add_parser(
        "run",
        help="run a Keras script unchanged and print its build trace",
        description=RUN_DESCRIPTION,
        epilog=RUN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        # A script's own `--fu` must not be taken for an abbreviation of `--full`.
        allow_abbrev=False,
        usage="buildtrace run [options] SCRIPT.py [script arguments ...]",
    )
    run.add_argument("script", nargs="?", metavar="SCRIPT.py", help="the Keras script to run")
    run.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="TRACE.jsonl",
        help="also write every event to this JSON Lines file (recorded beside it under a "
        "hidden name, flushed per event, and renamed to TRACE.jsonl when the run ends)",
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="let -o replace an existing file that is not a buildtrace trace",
    )
    run.add_argument("--full", action="store_true", help="print every event, not the teaching view")
    run.add_argument(
        "--until",
        choices=UNTIL,
        default="end",
        help="stop the script once its model is built, compiled or fitted (default: its end)",
    )
    add_engine_argument(run)
    run.add_argument(
        "--traceback", action="store_true", help="print the full traceback if the script fails"
    )
    run.add_argument("--no-tree", action="store_true", help="print no tree, only the summary")
    run.add_argument(
        "--check",
        action="store_true",
        help="do not run: list every Keras/TensorFlow name the script uses that buildtrace lacks",
    )
    run.set_defaults(handler=run_command, takes_script_args=True, script_args=[])


def add_engine_argument(parser: argparse.ArgumentParser) -> None:
    """``--engine mini|tf-keras``: which Keras runs the script (see buildtrace.engines)."""
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default=ENGINES[0],
        help="run the script under buildtrace's mini-Keras (default), the real Keras 2 "
        "(tf-keras: pip install 'buildtrace[tf-keras]') or Keras 3 (keras3: "
        "pip install 'buildtrace[keras3]')",
    )


def run_command(args: argparse.Namespace) -> int:
    """``buildtrace run``: run the script, print its tree, return the script's status.

    The build's tree is printed as soon as the build is complete (before training, which
    may take minutes); what comes after it (compile, training, errors) is printed when
    the script ends.
    """
    script = Path(args.script)
    if not script.exists():
        return _usage_error(f"run: no such script: {script}")
    if not script.is_file():
        return _usage_error(f"run: not a script file: {script}")
    if args.check:
        from buildtrace.runner.check import report_check

        return report_check(script)
    output: Path | None = args.output
    if output is not None:
        from buildtrace.commands.output_files import output_problem

        problem = output_problem(output, inputs=[script], kind="trace", force=args.force)
        if problem is not None:
            return _usage_error(f"run: {problem}")

    # Imported here, not at the top: they bring numpy and the whole engine.
    from rich.console import Console
    from rich.text import Text

    from buildtrace.render.output import replacing
    from buildtrace.render.tree import build_tree, count_in_view
    from buildtrace.runner.script import describe_error, run_script

    console = Console(width=_output_width())
    view = "every event" if args.full else "teaching view"
    printed = 0  # how many events the trees printed so far cover

    def print_build(events: list[Any]) -> None:
        nonlocal printed
        if args.no_tree or not events:
            return
        title = f"build trace of {script.name} ({view})"
        try:
            console.print(build_tree(events, full=args.full, title=title))
            sys.stdout.flush()
        except (BrokenPipeError, OSError):
            return  # the reader left; the run goes on, and main() says nothing more
        printed = len(events)

    from buildtrace.engines import EngineNotInstalled

    def progress(message: str) -> None:
        print(f"buildtrace: {message}", file=sys.stderr, flush=True)

    try:
        with replacing(output) if output is not None else contextlib.nullcontext() as temp:
            result = run_script(
                script,
                args.script_args,
                temp,
                until=args.until,
                on_build=print_build,
                engine=args.engine,
                progress=progress,
            )
    except EngineNotInstalled as exc:
        return _usage_error(f"run: {exc}")
    except OSError as exc:
        return _usage_error(f"run: cannot write the trace to {output}: {exc.strerror or exc}")
    if output is not None:
        result.trace_path = output

    rest = result.events[printed:]
    if not args.no_tree and (not printed or count_in_view(rest, full=args.full)):
        title = f"build trace of {script.name} ({view})"
        if printed:
            title = f"after the build: {script.name} goes on ({view})"
        console.print(build_tree(rest, full=args.full, title=title))
    # The tree (stdout) comes before the error (stderr) even when both go to one file.
    sys.stdout.flush()
    if result.error is not None:
        print(describe_error(result, full_traceback=args.traceback), file=sys.stderr)
    if result.exit_message is not None:
        print(result.exit_message, file=sys.stderr)

    parts = [f"{len(result.events):,} events"]
    if not args.full and not args.no_tree:
        shown = count_in_view(result.events)
        parts[0] += f" ({shown:,} in the teaching view; --full shows all)"
    if result.stopped_at is not None:
        parts.append(f"stopped once the {result.stopped_at} was complete (--until)")
    if result.trace_path is not None:
        parts.append(f"trace written to {result.trace_path}")
    parts.append(f"exit status {result.exit_code}")
    style = "bold" if result.exit_code == 0 else "bold red"
    console.print(Text(" · ".join(parts), style=style), soft_wrap=True)
    if result.trace_error is not None:
        console.print(
            Text(f"the trace file stopped early ({result.trace_error}); every line in it is whole")
        )
    return result.exit_code


def _output_width() -> int | None:
    """None (rich's choice) for a terminal or a set $COLUMNS; wide when piped to a file.

    Rich assumes 80 columns off a terminal, which would fold the tree's deeper lines in a
    saved report.
    """
    if sys.stdout.isatty() or "COLUMNS" in os.environ:
        return None
    return PIPE_WIDTH


def _usage_error(message: str) -> int:
    print(f"buildtrace: error: {message}", file=sys.stderr)
    return USAGE_ERROR


if __name__ == "__main__":
    sys.exit(main())
