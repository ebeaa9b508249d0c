"""``buildtrace lesson``: guided walkthroughs of a build, for a class or a student alone.

``buildtrace lesson list`` lists the lessons (buildtrace's own and a teacher's);
``buildtrace lesson NAME`` runs one in the terminal viewer, or as plain text with
``--text`` (and whenever the viewer cannot run); ``buildtrace lesson check FILE.toml``
checks a teacher's lesson file against a real run of its script. The lessons and the
engine are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from buildtrace.narration.context import plural

if TYPE_CHECKING:
    from buildtrace.lessons.walkthrough import Lesson, LessonEvents, ResolvedStep

DESCRIPTION = """\
Guided lessons through a Keras build: each stops at a chosen event of a real run, with
the teacher's words, what Keras does there and why, and "predict before you look"
questions whose answers come on the next key.

  buildtrace lesson list             the lessons there are
  buildtrace lesson NAME|FILE.toml   run one (in the terminal viewer, or --text)
  buildtrace lesson check FILE.toml  check a lesson file against a run of its script

A lesson is a small TOML file: a title, the script it runs, and [[step]] tables (see
buildtrace/lessons/FORMAT.md). Put your own in a folder and point BUILDTRACE_LESSONS
(or --dir) at it; a lesson of yours with a built-in's name replaces it.

A lesson runs its script: Python code, with your rights (`lesson check` and
`handout` run it too). Only a script in the lesson's own folder, or a built-in one, is
run; a lesson naming one elsewhere (/x.py, ../x.py) needs --allow-outside-scripts.
"""

EPILOG = """\
keys in the viewer: space or PageDown = the answer, then the next step · PageUp = back ·
r = back to the step after exploring · F5 = presenter mode · q = quit (? lists every key).
keys with --text: Enter = the answer, then the next step · b = back · q = quit.
off a terminal (a pipe, a file) every step is printed straight through, answers too:
  buildtrace lesson seed-build > seed-build.txt

examples:
  buildtrace lesson seed-build
  buildtrace lesson seed-build --presenter      (in front of a class)
  buildtrace lesson errors --text
  buildtrace lesson check my_lessons/residual.toml
  BUILDTRACE_LESSONS=~/lessons buildtrace lesson list
"""

#: Exit status for a command line that cannot be acted on (argparse's own choice).
USAGE_ERROR = 2
#: Exit status for a lesson file with an error (the message names the line).
LESSON_ERROR = 1


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Declare ``buildtrace lesson list | check FILE | NAME [--text] [--dir DIR]``."""
    parser = commands.add_parser(
        "lesson",
        help="guided lessons through a build (list, run, check a lesson file)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage=(
            "buildtrace lesson [--text | --presenter] [--dir DIR] "
            "list | check FILE.toml | NAME|FILE.toml"
        ),
    )
    parser.add_argument("target", nargs="?", metavar="NAME", help="list, check, or a lesson")
    parser.add_argument("file", nargs="?", metavar="FILE.toml", help="the lesson to check")
    parser.add_argument("--text", action="store_true", help="plain text, not the viewer")
    parser.add_argument(
        "--viewer",
        action="store_true",
        help="the viewer even when stdin/stdout are not a terminal (as `buildtrace serve` runs it)",
    )
    parser.add_argument(
        "--presenter",
        action="store_true",
        help="start in presenter mode: large type, the words, the model and its diagram",
    )
    parser.add_argument("--dir", type=Path, metavar="DIR", help="a folder of your lessons")
    parser.add_argument(
        "--allow-outside-scripts",
        action="store_true",
        help="let the lesson run a script outside its own folder (a path like ../x.py or /x.py)",
    )
    from buildtrace.cli import add_engine_argument

    add_engine_argument(parser)
    parser.set_defaults(handler=lesson_command)


def lesson_command(args: argparse.Namespace) -> int:
    """Dispatch ``list``, ``check`` and running a lesson; returns the exit status."""
    if getattr(args, "engine", "mini") != "mini":
        from buildtrace.engines import use_engine

        problem = use_engine(args.engine)  # lessons and viewers run scripts under it
        if problem is not None:
            print(f"buildtrace: error: {problem}", file=sys.stderr)
            return 2
    if args.target in (None, "list"):
        if args.file is not None:
            return _usage_error(f"`lesson list` takes no file (got {args.file})")
        return list_command(args.dir)
    if args.target == "check":
        if args.file is None:
            return _usage_error("say which lesson to check: buildtrace lesson check FILE.toml")
        return check_command(args.file, args.dir, allow_outside=args.allow_outside_scripts)
    if args.file is not None:
        return _usage_error(f"one lesson at a time (got {args.target} and {args.file})")
    if args.text and (args.viewer or args.presenter):
        return _usage_error(
            "--text shows the lesson as text: it cannot go with --viewer/--presenter"
        )
    return run_command(
        args.target,
        args.dir,
        text=args.text,
        viewer=args.viewer,
        presenting=args.presenter,
        allow_outside=args.allow_outside_scripts,
    )


#: Below this many columns the lessons are listed one under another, not as a table: a
#: table's summary column gets so narrow that code words in it are cut.
TABLE_WIDTH = 120


def list_command(directory: Path | None) -> int:
    """Print the lessons: a table on a wide terminal, a list (wrapped between words)
    otherwise."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from buildtrace.lessons.walkthrough import list_lessons

    console = Console()
    lessons = list_lessons(directory)
    # Text objects, not strings: a title or summary with [brackets] is not rich markup.
    rows: list[tuple[Text, Text, str, Text]] = []
    for info in lessons:
        name = Text(info.name, style="bold cyan")
        if not info.builtin:
            name.append(" (yours)", style="dim")
        if info.lesson is None:
            rows.append((name, Text("cannot be read", style="red"), "", Text(info.error or "")))
            continue
        lesson = info.lesson
        steps = f"{len(lesson.steps)}"
        rows.append((name, Text(lesson.title), steps, Text(lesson.summary, style="dim")))
    if console.width >= TABLE_WIDTH:
        table = Table(title="buildtrace lessons", title_justify="left", expand=False)
        table.add_column("name", no_wrap=True)
        table.add_column("title")
        table.add_column("steps", justify="right")
        table.add_column("summary")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    else:
        console.print(Text("buildtrace lessons", style="bold"))
        for name, title, steps, summary in rows:
            head = Text.assemble(name, "  ", title)
            if steps:
                head.append(f"  ({plural(int(steps), 'step')})", style="dim")
            console.print(head)
            if summary.plain:
                # Wrapped here, between words only (rich would pad every line to the width).
                indent = "    "
                wrapped = textwrap.fill(
                    " ".join(summary.plain.split()),
                    width=max(console.width, 40),
                    initial_indent=indent,
                    subsequent_indent=indent,
                    break_long_words=False,
                    break_on_hyphens=False,
                )
                console.print(Text(wrapped, style=summary.style), soft_wrap=True)
    console.print("Run one with [bold]buildtrace lesson NAME[/bold] (add --text for plain text).")
    return 0


def check_command(target: str, directory: Path | None, *, allow_outside: bool = False) -> int:
    """Load a lesson, run its script and resolve every step; say what is wrong, if anything."""
    from buildtrace.lessons.walkthrough import LessonError, load_lesson

    try:
        lesson = load_lesson(target, directory, allow_outside_scripts=allow_outside)
        steps, ran = _prepare(lesson)
    except LessonError as exc:
        print(f"buildtrace: {exc}", file=sys.stderr)
        return LESSON_ERROR
    source = lesson.script or lesson.trace
    count = f"{len(steps)} step" + ("" if len(steps) == 1 else "s")
    print(
        f"{lesson.path}: OK: {count}, every stop found in the "
        f"{len(ran.events):,} events of {source.name if source else '?'}"
    )
    if ran.error is not None:
        print(f"note: the script stopped early with {ran.error}", file=sys.stderr)
    return 0


def run_command(
    target: str,
    directory: Path | None,
    *,
    text: bool,
    viewer: bool = False,
    presenting: bool = False,
    allow_outside: bool = False,
) -> int:
    """Run a lesson in the viewer, or as text; returns the exit status.

    Args:
        target: the lesson's name or file.
        directory: a folder of the teacher's lessons.
        text: plain text, not the viewer.
        viewer: the viewer even off a terminal (a browser's, through ``buildtrace serve``).
        presenting: start the viewer in presenter mode.
        allow_outside: let the lesson run a script outside its folder.
    """
    from buildtrace.lessons.walkthrough import LessonError, load_lesson

    try:
        lesson = load_lesson(target, directory, allow_outside_scripts=allow_outside)
    except LessonError as exc:
        print(f"buildtrace: {exc}", file=sys.stderr)
        return LESSON_ERROR if Path(target).suffix == ".toml" else USAGE_ERROR
    terminal = sys.stdin.isatty() and sys.stdout.isatty()
    if lesson.engines and len(lesson.engines) > 1 and not text:
        # The viewer follows one run; a lesson comparing engines steps through two.
        print(f"buildtrace: {lesson.name} compares the runs of "
              f"{' and '.join(lesson.engines)}: shown as text", file=sys.stderr)  # fmt: skip
        text = True
    if not text and (terminal or viewer or presenting):
        from tui.lesson_mode import run_lesson  # textual and the engine load only now

        return run_lesson(lesson, presenting=presenting)
    try:
        steps, ran = _prepare(lesson)
    except LessonError as exc:
        print(f"buildtrace: {exc}", file=sys.stderr)
        return LESSON_ERROR
    from buildtrace.lessons.text_mode import run_text

    run_text(lesson, steps, interactive=terminal, output=ran.output)
    return 0


def _prepare(lesson: Lesson) -> tuple[list[ResolvedStep], LessonEvents]:
    """Run the lesson's script (or read its trace) and resolve its steps.

    Raises:
        LessonError: a step cannot be resolved; when the script stopped early, the
            message says so, since that is the likely reason.
    """
    from buildtrace.lessons.walkthrough import LessonError, lesson_events, resolve

    print(f"buildtrace: {lesson_source_line(lesson)}", file=sys.stderr)
    ran = lesson_events(lesson)
    try:
        return resolve(lesson, ran.events, by_engine=ran.by_engine or None), ran
    except LessonError as exc:
        if ran.error is None:
            raise
        note = f" (the script stopped early with {ran.error})"
        raise LessonError(exc.problem + note, exc.path, exc.line) from None


def lesson_source_line(lesson: Lesson) -> str:
    """What a lesson is about to do, said plainly: run a script (Python code) or read a
    trace, and which one."""
    if lesson.script is not None:
        where = "built-in script" if lesson.builtin else "script"
        return f"running the lesson's {where} {lesson.script} (Python code) ..."
    return f"reading the lesson's trace {lesson.source} ..."


def _usage_error(message: str) -> int:
    print(f"buildtrace: error: lesson: {message}", file=sys.stderr)
    return USAGE_ERROR
