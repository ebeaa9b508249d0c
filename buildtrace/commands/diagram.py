"""``buildtrace diagram``: a model's topology, its build, or a frame per step, as pictures.

``buildtrace diagram SCRIPT.py|TRACE.jsonl -o FILE`` runs the script first (Keras
imports aliased, as with ``buildtrace run``) or reads the trace, then draws with
Graphviz's ``dot``. Without ``dot`` it writes the DOT text and says in one line how to
install Graphviz; that is not an error (exit status 0): the DOT file is the diagram,
waiting for a renderer. Graphviz and the engine are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from buildtrace.narration.context import plural

DESCRIPTION = """\
Draw what a Keras script built (the script is run first, its Keras imports aliased to
buildtrace's) or what a recorded trace holds:

  --kind topology  the model's layers and tensors, like keras.utils.plot_model, plus
                   parameters, the InputLayer Keras inferred, and each layer's state
                   (built, not built, being built) at the step --at chooses;
  --kind build     the build itself, stage by stage: the input-shape check, each
                   layer's __call__ → ... → build → add_weight, _init_graph_network;
  --kind frames    the topology at every build step with what the step means: one
                   HTML page that steps with the arrow keys (-o FILE.html), or numbered
                   pictures in a folder (-o FOLDER).

The picture's format follows the file name: .svg, .png, .pdf, or .dot for DOT text.
"""

EPILOG = """\
without Graphviz's dot, the DOT text is written (FILE.dot) with one line saying how to
install Graphviz; the exit status is still 0.

a script is stopped as soon as what the diagram shows is complete: every kind draws
the build, so by default the script stops once its model is built and it turns to
training (--until build). --until compile / fit / end lets it run further (the
topology then shows the model as training left it). To draw often, record it once with
`buildtrace run script.py -o trace.jsonl` and draw from the trace.

an existing output is replaced only if it looks like one buildtrace writes (a Graphviz
picture, a frames page); --force replaces any file. The output is never the input.

examples:
  buildtrace diagram samples/seed.py -o seed.png
  buildtrace diagram seed.jsonl --kind build -o build.svg
  buildtrace diagram seed.jsonl --at 53 --rankdir LR -o step53.png
  buildtrace diagram seed.jsonl --kind frames -o seed.html
  buildtrace diagram seed.jsonl --kind frames --every add_weight -o frames/
"""

#: Exit status for a command line that cannot be acted on (argparse's own choice).
USAGE_ERROR = 2

#: What ``--until`` takes (``buildtrace.runner.milestones.UNTIL``, kept here so that
#: ``--help`` does not import the engine).
UNTIL = ("build", "compile", "fit", "end")

KINDS = ("topology", "build", "frames")


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Declare ``buildtrace diagram SCRIPT.py|TRACE.jsonl -o FILE [--kind ...] ...``."""
    parser = commands.add_parser(
        "diagram",
        help="draw a model's topology, its build, or a frame per step (Graphviz)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
        usage="buildtrace diagram [options] SCRIPT.py|TRACE.jsonl -o FILE [script arguments ...]",
    )
    add_source_arguments(parser)
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="the picture (.svg .png .pdf .dot), or for frames an .html page or a folder",
    )
    parser.add_argument("--kind", choices=KINDS, default="topology", help="what to draw")
    parser.add_argument(
        "--force", action="store_true", help="replace an existing file of another kind"
    )
    parser.add_argument("--model", metavar="NAME", help="the model to draw (default: the last)")
    shown = parser.add_argument_group("topology (what keras.utils.plot_model offers, and more)")
    flag = argparse.BooleanOptionalAction
    shown.add_argument("--show-shapes", action=flag, default=True, help="input/output shapes")
    shown.add_argument("--show-dtype", action=flag, default=False, help="each layer's dtype")
    shown.add_argument("--show-layer-names", action=flag, default=True, help="layer names")
    shown.add_argument("--show-layer-activations", action=flag, default=True, help="activations")
    shown.add_argument("--show-trainable", action=flag, default=False, help="trainable or not")
    shown.add_argument("--show-params", action=flag, default=True, help="parameter counts")
    shown.add_argument("--expand-nested", action=flag, default=False, help="open nested models")
    shown.add_argument(
        "--rankdir",
        choices=("TB", "LR", "BT", "RL"),
        default="TB",
        help="TB: top to bottom (default), LR: left to right",
    )
    shown.add_argument("--dpi", type=int, default=96, help="resolution of PNG output (96)")
    build = parser.add_argument_group("build and frames")
    build.add_argument(
        "--detail",
        type=int,
        default=2,
        metavar="N",
        help="layer builds drawn call by call; the rest compactly (2)",
    )
    build.add_argument(
        "--every",
        metavar="KIND",
        help="frames only at call, set, add_weight or raise events, or at "
        "calls of one function (e.g. Layer._maybe_build)",
    )
    build.add_argument(
        "--format",
        choices=("svg", "png", "pdf", "dot"),
        default="svg",
        help="picture format of frames written to a folder (svg)",
    )
    parser.set_defaults(handler=diagram_command, takes_script_args=True, script_args=[])


def add_source_arguments(parser: argparse.ArgumentParser, *, until: str = "build") -> None:
    """The source (a script or a trace), ``--at`` and ``--until``, shared with
    ``buildtrace export`` (whose script runs to its end by default)."""
    parser.add_argument(
        "script", nargs="?", metavar="SCRIPT.py|TRACE.jsonl", help="a Keras script or a trace"
    )
    parser.add_argument(
        "--at", type=int, metavar="SEQ", help="the state after event SEQ (default: the end)"
    )
    parser.add_argument(
        "--until",
        choices=UNTIL,
        default=until,
        help="a script: stop it once its model is built (it turns to training), compiled "
        f"or fitted, or run it to its end (default: {until})",
    )
    from buildtrace.cli import add_engine_argument

    add_engine_argument(parser)


def diagram_command(args: argparse.Namespace) -> int:
    """Draw; returns 0 (also when Graphviz is missing and DOT text was written), 2 when
    the command line cannot be acted on."""
    problem = _output_problem(args)
    if problem is not None:
        return usage_error(f"diagram: {problem}")
    loaded = load_source(args)
    if isinstance(loaded, int):
        return loaded

    # Imported here: graphviz, numpy and the folds load only when drawing.
    from buildtrace.render.build_diagram import BuildOptions
    from buildtrace.render.diagrams import plot_build, plot_model
    from buildtrace.render.output import report
    from buildtrace.render.topology import TopologyOptions

    try:
        options = TopologyOptions(
            show_shapes=args.show_shapes,
            show_dtype=args.show_dtype,
            show_layer_names=args.show_layer_names,
            rankdir=args.rankdir,
            expand_nested=args.expand_nested,
            dpi=args.dpi,
            show_layer_activations=args.show_layer_activations,
            show_trainable=args.show_trainable,
            show_params=args.show_params,
        )
        if args.kind == "topology":
            written = [
                plot_model(
                    loaded,
                    args.output,
                    at=args.at,
                    model_name=args.model,
                    **_plot_model_options(options),
                )
            ]
        elif args.kind == "build":
            build = BuildOptions(detail=max(0, args.detail), dpi=args.dpi)
            written = [plot_build(loaded, args.output, at=args.at, options=build)]
        else:
            written = _plot_frames(loaded, args, options)
    except ValueError as exc:  # a bad --every, --model, --dpi...
        return usage_error(f"diagram: {exc}")
    except OSError as exc:
        return usage_error(f"diagram: cannot write {args.output}: {exc.strerror or exc}")
    if not written:
        if args.every and args.every not in ("call", "set", "add_weight", "raise"):
            return usage_error(
                f"diagram: no build step matches --every {args.every}: give call, set, "
                "add_weight, raise, or a function of the trace such as Layer._maybe_build"
            )
        if not getattr(args, "input_status", 0):  # else the trace's error said why
            print("buildtrace: no build steps to draw in this trace", file=sys.stderr)
        return getattr(args, "input_status", 0)
    where = written[0].path if len(written) == 1 else f"{len(written)} frames in {args.output}"
    print(f"wrote {where}")
    report(written[0])
    return getattr(args, "input_status", 0)


class _NothingDrawn(Exception):
    """No step to draw: the page is not written."""


def _plot_frames(loaded: list[dict[str, Any]], args: argparse.Namespace, options: Any) -> Any:
    """The frames: a page written whole (through a temporary file), or a folder of them."""
    from dataclasses import replace

    from buildtrace.render.diagrams import plot_frames
    from buildtrace.render.output import replacing

    output: Path = args.output
    title = f"How {Path(args.script).name} builds"
    draw = {"every": args.every, "at": args.at, "model": args.model, "options": options}
    if output.suffix.lower() not in (".html", ".htm"):
        return plot_frames(loaded, output, fmt=args.format, title=title, **draw)
    try:
        with replacing(output) as temp:
            written = plot_frames(loaded, temp, title=title, **draw)
            if not written:
                raise _NothingDrawn  # leaves the output as it was, and no empty file
    except _NothingDrawn:
        return []
    # Said of the page the user asked for, not of the temporary file it was written as.
    return [
        replace(w, path=output, note=w.note and w.note.replace(temp.name, output.name))
        for w in written
    ]


def _plot_model_options(options: Any) -> dict[str, Any]:
    """``plot_model``'s keyword arguments from :class:`TopologyOptions`."""
    names = (
        "show_shapes",
        "show_dtype",
        "show_layer_names",
        "rankdir",
        "expand_nested",
        "dpi",
        "show_layer_activations",
        "show_trainable",
        "show_params",
    )
    return {name: getattr(options, name) for name in names}


def _output_problem(args: argparse.Namespace) -> str | None:
    """Why the output asked for cannot be written (None when it can)."""
    from buildtrace.commands.output_files import output_problem

    output: Path | None = args.output
    if output is None:
        return "say where to write the diagram: -o FILE (e.g. -o model.svg)"
    inputs = [Path(args.script)] if args.script else []
    suffix = output.suffix.lower()
    if args.kind == "frames":
        if suffix and suffix not in (".html", ".htm") and not output.is_dir():
            return f"frames go to an .html page or a folder, not {output.name}"
        kind = "html" if suffix in (".html", ".htm") else "folder"
        return output_problem(output, inputs=inputs, kind=kind, force=args.force)
    from buildtrace.render.output import output_format

    try:
        output_format(output)
    except ValueError as exc:
        return str(exc)
    return output_problem(output, inputs=inputs, force=args.force)


def load_source(args: argparse.Namespace) -> Any:
    """The events of ``args.script``: a script is run (its output shows as it runs), a
    trace is read. Returns the events, or an exit status when there are none to use."""
    if args.script is None:
        return usage_error(
            f"{args.command}: give a Keras script or a trace (SCRIPT.py|TRACE.jsonl)"
        )
    source = Path(args.script)
    if not source.is_file():
        return usage_error(f"{args.command}: no such file: {source}")
    if source.suffix != ".py":
        if args.script_args:
            return usage_error(
                f"{args.command}: arguments after a trace file make no sense: "
                + " ".join(args.script_args)
            )
        from buildtrace.trace import TraceFile

        trace = TraceFile(source)  # checked here in one pass, then read again as drawn
        good = sum(1 for _ in trace)
        if trace.error is not None or not good:
            why = trace.error.reason if trace.error else "it holds no events"
            where = f"line {trace.error.line}: " if trace.error and trace.error.line else ""
            if not good:
                return usage_error(
                    f"{args.command}: {source} is not a buildtrace trace: {where}{why}"
                )
            print(f"buildtrace: error: {args.command}: {source} stopped at {where}{why} "
                  f"(using the {plural(good, 'event')} before it)", file=sys.stderr)  # fmt: skip
            args.input_status = 1
        return trace  # an iterable of events, read again as it is drawn
    from buildtrace.runner.script import run_script

    until = getattr(args, "until", "end")
    print(f"buildtrace: running {source.name} ...", file=sys.stderr)
    from buildtrace.engines import EngineNotInstalled

    try:
        engine = getattr(args, "engine", "mini")
        result = run_script(source, args.script_args, until=until, engine=engine)
    except EngineNotInstalled as exc:
        return usage_error(f"{args.command}: {exc}")
    sys.stdout.flush()
    if result.stopped_at is not None:
        print(
            f"buildtrace: stopped {source.name} once its {result.stopped_at} was complete "
            "(--until end runs it all)",
            file=sys.stderr,
        )
    if result.error is not None:
        print(
            f"buildtrace: {source.name} stopped with {type(result.error).__name__}: "
            f"{result.error} (drawing what it did until then)",
            file=sys.stderr,
        )
    return result.events


def usage_error(message: str) -> int:
    print(f"buildtrace: error: {message}", file=sys.stderr)
    return USAGE_ERROR
