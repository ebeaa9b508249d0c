"""``buildtrace handout``: a walkthrough as a document (HTML or Markdown) with its diagrams.

``buildtrace handout SOURCE -o FILE.html|FILE.md``, where SOURCE is a Keras script (run
first, imports aliased), a recorded trace, or a lesson (by name or ``.toml`` file). The
handout itself is made by :mod:`buildtrace.lessons.handout`; the engine, Graphviz and
the lessons are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from buildtrace.narration.context import plural

if TYPE_CHECKING:
    from buildtrace.lessons.handout import Handout

DESCRIPTION = """\
Write a walkthrough of a build as a document for students to read after class: each
step of the build (or of a lesson) with what happens, why, and the Keras 2 function it
mirrors; the build-trace diagram at the top, the model's topology as of the steps that
change it, and a table of the layers and weights at the end.

SOURCE is a Keras script (run first, its Keras imports aliased to buildtrace's), a
trace recorded with `buildtrace run ... -o trace.jsonl`, or a lesson (a name from
`buildtrace lesson list`, or a lesson file .toml).

  -o FILE.html  one self-contained page (inline SVG and CSS, nothing fetched), prints well
  -o FILE.md    Markdown, its pictures as SVG files in FILE_files/ beside it
"""

EPILOG = """\
without Graphviz's dot the handout is still written, with a note on installing
Graphviz where the diagrams would be.

examples:
  buildtrace handout seed-build -o seed-build.html
  buildtrace handout samples/functional_branches.py -o branches.html
  buildtrace handout seed.jsonl -o seed.md
  buildtrace handout my_lessons/residual.toml -o residual.html
"""

#: Exit status for a command line that cannot be acted on (argparse's own choice).
USAGE_ERROR = 2
#: Exit status for a lesson with an error (the message names the line).
LESSON_ERROR = 1

SUFFIXES = (".html", ".htm", ".md", ".markdown")


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Declare ``buildtrace handout SOURCE -o FILE.(html|md) [--title T] [--dir DIR]``."""
    parser = commands.add_parser(
        "handout",
        help="write a walkthrough of a build (script, trace or lesson) as HTML or Markdown",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
        usage="buildtrace handout [options] SCRIPT.py|TRACE.jsonl|LESSON -o FILE.html|FILE.md",
    )
    parser.add_argument(
        "script", nargs="?", metavar="SOURCE", help="a Keras script, a trace, or a lesson"
    )
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="FILE.html or FILE.md")
    parser.add_argument("--title", help="the handout's title (default: from the source)")
    parser.add_argument("--dir", type=Path, metavar="DIR", help="a folder of your lessons")
    parser.add_argument(
        "--force", action="store_true", help="replace an existing file that is not a handout"
    )
    parser.add_argument(
        "--allow-outside-scripts",
        action="store_true",
        help="let a lesson run a script outside its own folder (a path like ../x.py or /x.py)",
    )
    parser.set_defaults(handler=handout_command, takes_script_args=True, script_args=[])


def handout_command(args: argparse.Namespace) -> int:
    """Make the handout; returns 0, 1 for a lesson with an error, 2 for a bad command line."""
    output: Path | None = args.output
    if output is None:
        return _usage_error("say where to write the handout: -o FILE.html or -o FILE.md")
    if output.suffix.lower() not in SUFFIXES:
        return _usage_error(f"a handout is FILE.html or FILE.md, not {output.name}")
    if args.script is None:
        return _usage_error("give a Keras script, a trace or a lesson (SOURCE)")
    from buildtrace.commands.output_files import output_problem

    source = Path(args.script)
    problem = output_problem(output, inputs=[source], force=args.force)
    if problem is not None:
        return _usage_error(problem)
    if source.suffix in (".py", ".jsonl") or (source.is_file() and source.suffix != ".toml"):
        made = _from_script_or_trace(args, source)
    else:
        made = _from_lesson(args, output)
    if isinstance(made, int):
        return made

    from buildtrace.lessons.handout import write_handout
    from buildtrace.render.output import replacing

    try:
        if output.suffix.lower() in (".html", ".htm"):
            # One page, written whole under a temporary name, then renamed.
            with replacing(output) as temp:
                notes = write_handout(made, temp)
        else:  # Markdown names its pictures' folder after the file: written in place
            notes = write_handout(made, output)
    except OSError as exc:
        return _usage_error(f"cannot write {output}: {exc.strerror or exc}")
    pictures = f"{len(made.figures)} diagram" + ("" if len(made.figures) == 1 else "s")
    extra = ""
    if output.suffix.lower() in (".md", ".markdown"):
        from buildtrace.lessons.handout_md import files_folder

        extra = f", its pictures in {files_folder(output)}/"
    print(f"wrote {output} ({plural(len(made.steps), 'step')}, {pictures}{extra})")
    if not made.steps:
        print("buildtrace: note: this run built no model; the handout says so", file=sys.stderr)
    for note in notes:
        print(f"buildtrace: note: {note}", file=sys.stderr)
    return 0


def _from_script_or_trace(args: argparse.Namespace, source: Path) -> Handout | int:
    """The handout of a script (run first) or a trace, or an exit status."""
    from buildtrace.commands.diagram import load_source
    from buildtrace.lessons.handout import handout_from_trace

    loaded = load_source(args)
    if isinstance(loaded, int):
        return loaded
    kind = "script" if source.suffix == ".py" else "trace"
    title = args.title or f"How {source.name} builds its model"
    return handout_from_trace(loaded, title=title, source=f"{kind} {source.name}")


def _from_lesson(args: argparse.Namespace, output: Path) -> Handout | int:
    """A lesson's handout (its script run, its steps resolved), or an exit status."""
    from buildtrace.commands.lesson import lesson_source_line
    from buildtrace.commands.output_files import same_file
    from buildtrace.lessons.handout import handout_from_lesson
    from buildtrace.lessons.walkthrough import LessonError, lesson_events, load_lesson, resolve

    if args.script_args:
        return _usage_error("a lesson takes no script arguments: " + " ".join(args.script_args))
    try:
        lesson = load_lesson(
            args.script, args.dir, allow_outside_scripts=args.allow_outside_scripts
        )
    except LessonError as exc:
        print(f"buildtrace: {exc}", file=sys.stderr)
        hint = " (a script ends in .py, a trace in .jsonl)" if "no lesson named" in str(exc) else ""
        if hint:
            print(f"buildtrace: give a script, a trace or a lesson{hint}", file=sys.stderr)
        return LESSON_ERROR if not hint else USAGE_ERROR
    for read in (lesson.path, lesson.source):
        if read is not None and same_file(output, read):
            return _usage_error(f"refusing to write over the input {read} (-o names the same file)")
    print(f"buildtrace: {lesson_source_line(lesson)}", file=sys.stderr)
    try:
        ran = lesson_events(lesson)
        steps = resolve(lesson, ran.events, by_engine=ran.by_engine or None)
        handout = handout_from_lesson(lesson, ran.events, steps)
    except LessonError as exc:
        print(f"buildtrace: {exc}", file=sys.stderr)
        return LESSON_ERROR
    if args.title:
        handout.title = args.title
    return handout


def _usage_error(message: str) -> int:
    print(f"buildtrace: error: handout: {message}", file=sys.stderr)
    return USAGE_ERROR
