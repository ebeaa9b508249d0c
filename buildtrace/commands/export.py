"""``buildtrace export``: a trace as a timeline that Perfetto (or chrome://tracing) opens.

``buildtrace export SCRIPT.py|TRACE.jsonl -o FILE.json`` runs the script first (Keras
imports aliased) or reads the trace, then writes the Trace Event Format: the build's
calls as nested slices, flags and weights as instant events, loss and metrics as
counters, epochs as slices (see :mod:`buildtrace.render.perfetto`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from buildtrace.commands.diagram import add_source_arguments, load_source, usage_error

DESCRIPTION = """\
Write a Keras script's run (the script is run first, its Keras imports aliased to
buildtrace's) or a recorded trace as a Chrome / Perfetto timeline: open the file in
https://ui.perfetto.dev or chrome://tracing.

The build's calls are nested slices on the "calls" track, each flag written and weight
created an instant event with its details, the loss and metrics counter tracks, and
fit, its epochs, evaluate and predict slices on the "training" track.
"""

EPILOG = """\
an existing FILE.json is replaced only if it is a timeline buildtrace wrote (--force
replaces any file); the output is never the input.

examples:
  buildtrace export seed.jsonl -o seed.json
  buildtrace export samples/deferred_build.py -o deferred.json
"""


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Declare ``buildtrace export SCRIPT.py|TRACE.jsonl -o FILE.json [--at SEQ]``."""
    parser = commands.add_parser(
        "export",
        help="write a trace as a Perfetto / Chrome timeline (JSON)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
        usage="buildtrace export [options] SCRIPT.py|TRACE.jsonl -o FILE.json [script arguments]",
    )
    add_source_arguments(parser, until="end")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE.json", help="the timeline")
    parser.add_argument(
        "--force", action="store_true", help="replace an existing file that is not a timeline"
    )
    parser.set_defaults(handler=export_command, takes_script_args=True, script_args=[])


def export_command(args: argparse.Namespace) -> int:
    """Write the timeline; returns 0, or 2 when the command line cannot be acted on."""
    output: Path | None = args.output
    if output is None:
        return usage_error("export: say where to write the timeline: -o FILE.json")
    if output.suffix.lower() != ".json":
        return usage_error(f"export: the timeline is JSON: name it FILE.json, not {output.name}")
    from buildtrace.commands.output_files import output_problem

    inputs = [Path(args.script)] if args.script else []
    problem = output_problem(output, inputs=inputs, kind="json", force=args.force)
    if problem is not None:
        return usage_error(f"export: {problem}")
    loaded = load_source(args)
    if isinstance(loaded, int):
        return loaded
    from buildtrace.render.diagrams import export_perfetto
    from buildtrace.render.output import replacing

    try:
        # Written whole under a temporary name, then renamed: never half a timeline.
        with replacing(output) as temp:
            export_perfetto(loaded, temp, at=args.at, title=Path(args.script).name)
    except OSError as exc:
        return usage_error(f"export: cannot write {output}: {exc.strerror or exc}")
    print(f"wrote {output} (open it in https://ui.perfetto.dev)")
    return int(getattr(args, "input_status", 0))
