"""``buildtrace tui``: step through a model's build in the terminal while it trains.

``buildtrace tui SCRIPT.py`` runs the script in a child process (Keras imports aliased,
as with ``buildtrace run``) and opens the viewer on its live event stream;
``buildtrace tui TRACE.jsonl`` opens a recorded trace, or one still being written.
``buildtrace tui --compare A.jsonl B.jsonl`` and ``buildtrace tui SCRIPT.py --engines
mini,tf-keras`` open compare mode (:mod:`buildtrace.commands.compare_view`). Textual
and the viewer are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

DESCRIPTION = """\
Open the terminal viewer on a Keras script (run live, in a child process) or on a
trace file (recorded, or still being written).

Step through every event of the build like a debugger, forward and back: every panel
(what the step does and its source, the call stack, the model, the topology) shows the
state as of the cursor, while training goes on and its curves grow. Press ? for the
keys, Ctrl+P for every action by name.

Compare mode (--compare A.jsonl B.jsonl, or SCRIPT.py --engines mini,tf-keras): two
traces' teaching views side by side, as `buildtrace diff` aligns them; one cursor steps
both with the same keys, d and D go to the next and previous difference, and q quits
with the diff's exit status (1: they differ).
"""

EPILOG = """\
arguments after SCRIPT.py go to the script; everything after `--` goes to it as it is.

examples:
  buildtrace tui samples/seed.py
  buildtrace tui samples/seed.py --lockstep      (the engine waits for your steps)
  buildtrace tui seed.jsonl                      (a recorded trace)
  buildtrace tui samples/seed.py --presenter     (large type, for a room)
  buildtrace tui --compare mini.jsonl tf.jsonl   (compare mode: two traces, one cursor)
  buildtrace tui samples/seed.py --engines mini,tf-keras   (compare the two engines)
"""

#: Exit status for a command line that cannot be acted on (argparse's own choice).
USAGE_ERROR = 2


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Declare ``buildtrace tui SCRIPT.py|TRACE.jsonl [--lockstep] [--no-follow] ...``."""
    tui = commands.add_parser(
        "tui",
        help="step through a build in the terminal while the model trains",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
        usage="buildtrace tui [options] SCRIPT.py|TRACE.jsonl [script arguments ...]\n"
        "       buildtrace tui --compare A.jsonl B.jsonl | SCRIPT.py --engines A,B",
    )
    tui.add_argument(
        "script", nargs="?", metavar="SCRIPT.py|TRACE.jsonl", help="a Keras script or a trace"
    )
    tui.add_argument(
        "--lockstep",
        action="store_true",
        help="the script waits at each build event until you step (g lets it run)",
    )
    tui.add_argument(
        "--no-follow",
        action="store_true",
        help="read a trace file once, without waiting for more events",
    )
    tui.add_argument(
        "--presenter",
        action="store_true",
        help="start in presenter mode: large type, the words, the model and its diagram (F5)",
    )
    tui.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="TRACE.jsonl",
        help="keep the script's trace in this file (default: a temporary one); it is "
        "recorded beside it under a hidden name and renamed when the viewer closes",
    )
    tui.add_argument(
        "--force",
        action="store_true",
        help="let -o replace an existing file that is not a buildtrace trace",
    )
    tui.add_argument(
        "--compare",
        nargs=2,
        type=Path,
        metavar=("A.jsonl", "B.jsonl"),
        help="compare mode: two traces' teaching views aligned, stepped with one cursor",
    )
    tui.add_argument(
        "--engines",
        metavar="A,B",
        help="compare mode on a script: run it under two engines, e.g. mini,tf-keras",
    )
    tui.add_argument(
        "--until",
        choices=("build", "compile", "fit", "end"),
        default="build",
        help="with --engines: stop each run once its model is built (default), compiled, "
        "fitted, or at its end",
    )
    from buildtrace.cli import add_engine_argument

    add_engine_argument(tui)
    tui.set_defaults(handler=tui_command, takes_script_args=True, script_args=[])


def tui_command(args: argparse.Namespace) -> int:
    """Run the viewer; returns its exit status, or 2 when it cannot start."""
    if args.compare is not None or args.engines is not None:
        return compare_mode(args)
    if args.script is None:
        return _usage_error("give a script (.py) or a trace, or --compare A.jsonl B.jsonl")
    if args.until != "build":
        return _usage_error("--until applies to compare mode (--engines A,B) only")
    target = Path(args.script)
    given = (("--lockstep", args.lockstep), ("--output", args.output))
    problem = target_problem(target, args.script_args, [name for name, on in given if on])
    if problem is None and args.output is not None:
        from buildtrace.commands.output_files import output_problem

        problem = output_problem(args.output, inputs=[target], kind="trace", force=args.force)
    if problem is None:
        problem = terminal_problem(target)
    if problem is None and args.engine != "mini":
        from buildtrace.engines import use_engine

        problem = use_engine(args.engine)  # the script's child process runs under it
    if problem is not None:
        return _usage_error(problem)

    from buildtrace.render.output import replacing
    from tui.app import create_app  # textual and the engine load only now

    # The child writes the trace under a hidden name beside the output, flushed per
    # event, and the viewer tails that file; only a finished recording takes the
    # output's name, so a file already there is replaced whole or not at all.
    try:
        with replacing(args.output) if args.output else contextlib.nullcontext() as recording:
            app = create_app(
                target,
                args.script_args,
                lockstep=args.lockstep,
                follow=not args.no_follow,
                trace_output=recording,
                presenting=args.presenter,
            )
            app.run()
    except OSError as exc:
        return _usage_error(f"cannot write {args.output}: {exc.strerror or exc}")
    if target.suffix == ".py" and args.output is not None:
        print(f"trace written to {args.output}")
    status = getattr(app, "return_code", 0)
    return status if isinstance(status, int) else 0


def compare_mode(args: argparse.Namespace) -> int:
    """``--compare A B`` or ``SCRIPT.py --engines A,B``: the viewer's compare mode."""
    from buildtrace.commands.compare_view import open_compare

    normal = (
        ("--lockstep", args.lockstep),
        ("--output", args.output),
        ("--presenter", args.presenter),
        ("--engine", args.engine != "mini"),
    )
    given = [name for name, on in normal if on]
    if given:
        return _usage_error(f"{' and '.join(given)}: not available in compare mode")
    if args.script_args:
        return _usage_error("compare mode takes no script arguments: " + " ".join(args.script_args))
    if args.compare is not None:
        if args.script is not None or args.engines is not None:
            return _usage_error("--compare takes two traces, and no script or --engines")
        return open_compare(list(args.compare), None, args.until, "tui")
    if args.script is None:
        return _usage_error("--engines compares a script under two engines: give the script")
    return open_compare([Path(args.script)], args.engines, args.until, "tui")


def terminal_problem(target: Path) -> str | None:
    """Why the viewer cannot run here: it draws on a terminal and reads keys from it.

    Off a terminal (``buildtrace tui x.py | less``, a cron job) it would write escape
    codes into the pipe and wait for keys that never come. ``buildtrace serve`` runs the
    viewer without a terminal, through Textual's web driver, which it names in
    ``TEXTUAL_DRIVER``.
    """
    if os.environ.get("TEXTUAL_DRIVER"):
        return None
    if sys.stdin.isatty() and sys.stdout.isatty():
        return None
    which = "stdout" if not sys.stdout.isatty() else "stdin"
    if target.suffix == ".py":
        instead = f"for the build as text, use `buildtrace run {target}`"
    else:
        instead = f"for a picture, use `buildtrace diagram {target} -o model.svg`"
    return f"the viewer needs a terminal, and {which} is not one; {instead}"


def target_problem(
    target: Path, script_args: Sequence[str], script_only: Sequence[str] = ()
) -> str | None:
    """What is wrong with opening ``target`` in the viewer (None when nothing is).

    A ``.py`` file is a script to run; anything else is read as a trace. ``script_only``
    names the options given that only make sense for a script (``--lockstep``).
    ``buildtrace serve`` asks the same before it starts serving.
    """
    is_script = target.suffix == ".py"
    if not target.is_file():
        return f"no such {'script' if is_script else 'trace file'}: {target}"
    if not is_script and script_args:
        return "arguments after a trace file make no sense: " + " ".join(script_args)
    if not is_script and script_only:
        return f"{' and '.join(script_only)}: options that apply to a script (.py), not a trace"
    return None


def _usage_error(message: str) -> int:
    print(f"buildtrace: error: tui: {message}", file=sys.stderr)
    return USAGE_ERROR
