"""``buildtrace serve``: share the viewer with a room, each browser with a run of its own.

Mirrors nothing in Keras: this is buildtrace's classroom sharing. ``buildtrace serve
SCRIPT.py`` starts a small web server (textual-serve); every browser that opens its
address gets a fresh ``buildtrace tui SCRIPT.py`` in a terminal in the page, with its
own run of the script, so a room steps through one build each at their own pace.
``buildtrace serve --lesson NAME`` does the same with a lesson.

The server listens on 127.0.0.1 unless ``--host`` says otherwise, because whoever
reaches it runs the script on this machine. It answers only requests that name it (by
``--host``, this machine's addresses and names, or ``--allow-host``) and only websockets
opened by its own page, and runs at most ``--max-viewers`` viewers at once.
textual-serve and aiohttp are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import shlex
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DESCRIPTION = """\
Share the terminal viewer with a room through their browsers: each browser that opens
the address gets its own viewer, with its own run of the script (or its own copy of the
trace, or of the lesson).

The server listens on this machine only (127.0.0.1) unless --host says otherwise:
anyone who can reach the address can run the script here. Only the server's own page
can open a viewer (not a page of another site), and at most --max-viewers run at once.
"""

EPILOG = """\
arguments after SCRIPT.py go to the script; everything after `--` goes to it as it is.

examples:
  buildtrace serve samples/seed.py                  (then open http://127.0.0.1:8000)
  buildtrace serve samples/seed.py --lockstep --font-size 24
  buildtrace serve --lesson seed-build --presenter
  buildtrace serve seed.jsonl --host 0.0.0.0        (the whole network can open it)
  buildtrace serve seed.py --host 0.0.0.0 --allow-host teacher.school.lan --max-viewers 30
"""

#: Where the server listens unless told otherwise: this machine only.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
#: Hosts that mean "listen on every address this machine has".
EVERY_ADDRESS = ("0.0.0.0", "::", "")

#: Exit status for a command line that cannot be acted on (argparse's own choice).
USAGE_ERROR = 2
#: Exit status when the server cannot start (the port is taken, the host is unknown).
SERVE_ERROR = 1


class _LessonAction(argparse.Action):
    """``--lesson NAME``: a lesson brings its own script, so no SCRIPT.py is needed."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        namespace.lesson = values
        # The cli insists on a SCRIPT.py for commands that take script arguments.
        namespace.takes_script_args = False


def add_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Declare ``buildtrace serve SCRIPT.py|TRACE.jsonl | --lesson NAME [options]``."""
    serve = commands.add_parser(
        "serve",
        help="share the viewer with a room through their browsers",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        # A script's own `--po` must not be taken for an abbreviation of `--port`.
        allow_abbrev=False,
        usage="buildtrace serve [options] SCRIPT.py|TRACE.jsonl [script arguments ...]\n"
        "       buildtrace serve [options] --lesson NAME",
    )
    serve.add_argument(
        "script", nargs="?", metavar="SCRIPT.py|TRACE.jsonl", help="a Keras script or a trace"
    )
    serve.add_argument(
        "--lesson",
        action=_LessonAction,
        metavar="NAME",
        help="serve a lesson (built-in, yours in $BUILDTRACE_LESSONS, or a FILE.toml)",
    )
    serve.add_argument(
        "--lockstep", action="store_true", help="the script waits at each build event for a step"
    )
    serve.add_argument(
        "--presenter", action="store_true", help="open each viewer in presenter mode"
    )
    serve.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"the address to listen on (default {DEFAULT_HOST}: this machine only; "
        "0.0.0.0: every network it is on)",
    )
    serve.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
    serve.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="another name browsers reach this machine by (repeatable; its addresses and "
        "its own name are always allowed)",
    )
    serve.add_argument(
        "--max-viewers",
        type=_max_viewers,
        metavar="N",
        help=f"viewers (each with its run of the script) at once; more browsers are told "
        f"the room is full (default: two per core, {_default_max_viewers()} here)",
    )
    serve.add_argument(
        "--font-size",
        type=_font_size,
        metavar="N",
        help="text size in every browser, in pixels (default 16; try 24 on a projector)",
    )
    from buildtrace.cli import add_engine_argument

    add_engine_argument(serve)
    serve.set_defaults(handler=serve_command, takes_script_args=True, script_args=[], lesson=None)


def serve_command(args: argparse.Namespace) -> int:
    """Serve the viewer until Ctrl-C; returns 0, or why it could not start."""
    if getattr(args, "engine", "mini") != "mini":
        from buildtrace.engines import use_engine

        problem = use_engine(args.engine)  # lessons and viewers run scripts under it
        if problem is not None:
            print(f"buildtrace: error: {problem}", file=sys.stderr)
            return 2
    problem = arguments_problem(args)
    if problem is not None:
        return _error(problem, USAGE_ERROR)
    problem = port_problem(args.host, args.port)
    if problem is not None:
        return _error(problem, SERVE_ERROR)
    if not is_local(args.host):
        where = "this machine" if args.host in EVERY_ADDRESS else args.host
        print(
            f"buildtrace: warning: anyone who can reach {where} on port {args.port} can "
            f"{_what_a_visitor_does(args)} on this machine",
            file=sys.stderr,
        )

    from buildtrace.commands.room_server import RoomServer  # aiohttp loads only now

    command = viewer_command(args)
    server = RoomServer(
        command,
        host=args.host,
        port=args.port,
        title=f"buildtrace · {args.lesson or Path(args.script).name}",
        greeting=_greeting(args, command),
        font_size=args.font_size,
        max_viewers=args.max_viewers,
        allowed_hosts=args.allow_host,
    )
    try:
        server.serve()  # until Ctrl-C, which it turns into a clean stop
    except OSError as exc:  # lost a race for the port, or the host has no such address
        return _error(_bind_problem(args.host, args.port, exc), SERVE_ERROR)
    print("buildtrace: stopped serving", file=sys.stderr)
    return 0


def viewer_command(args: argparse.Namespace) -> list[str]:
    """The command each browser's session runs (the same Python, so the same buildtrace)."""
    if args.lesson is not None:
        argv = ["lesson", args.lesson, "--viewer"]
    else:
        argv = ["tui", args.script]
        if args.lockstep:
            argv.append("--lockstep")
    if args.presenter:
        argv.append("--presenter")
    if args.script_args:
        argv += ["--", *args.script_args]
    return [sys.executable, "-m", "buildtrace", *argv]


def arguments_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the target of ``serve`` (None when it can be served)."""
    if args.lesson is not None:
        if args.script is not None:
            return f"serve a script, a trace or --lesson, not two (got {args.script})"
        if args.lockstep:
            return "--lockstep applies to a script (.py), not a lesson"
        return _lesson_problem(args.lesson)
    target = Path(args.script)
    if target.suffix not in (".py", ".jsonl"):
        return f"serve a Keras script (.py), a trace (.jsonl) or --lesson NAME; got {target}"
    from buildtrace.commands.tui import target_problem  # the viewer's own checks

    script_only = ["--lockstep"] if args.lockstep else []
    return target_problem(target, args.script_args, script_only)


def _lesson_problem(name: str) -> str | None:
    from buildtrace.lessons.walkthrough import LessonError, load_lesson

    try:
        load_lesson(name)
    except LessonError as exc:
        return str(exc)
    return None


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port`` (None when it can).

    Checked before the server starts so that a taken port is one clear line, not
    aiohttp's traceback. The server may still lose a race for it; that is reported too.
    """
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        return _bind_problem(host, port, exc)
    family, kind, protocol, _, address = found[0]
    with socket.socket(family, kind, protocol) as probe:
        # As the server will: a port a finished connection still lingers on is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            return _bind_problem(host, port, exc)
    return None


def _bind_problem(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} is already in use; choose another with --port (e.g. --port {port + 1})"
    if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {host}: this machine has no such address (see --host)"
    if exc.errno == errno.EACCES:
        return f"port {port} needs administrator rights; choose one above 1023 with --port"
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}"


def is_local(host: str) -> bool:
    """Whether only this machine can reach ``host`` (127.0.0.1, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may well be reachable from elsewhere
        return False


def page_url(host: str, port: int) -> str:
    """The address to give the room, e.g. ``http://127.0.0.1:8000``.

    Bound to every address (``0.0.0.0``), the one to give is this machine's address
    on its network, not ``0.0.0.0``.
    """
    if host in EVERY_ADDRESS:
        host = _network_address()
    if ":" in host:  # an IPv6 address goes in brackets in a URL
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _network_address() -> str:
    """This machine's address on its main network (its host name if there is none)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            # Connecting a UDP socket sends nothing: it only picks the outgoing address.
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never a real destination
            address: str = probe.getsockname()[0]
        except OSError:
            return socket.gethostname()
    return address


def _what_a_visitor_does(args: argparse.Namespace) -> str:
    if args.lesson is not None:
        return f"run the script of lesson {args.lesson}"
    target = Path(args.script)
    return f"run {target.name}" if target.suffix == ".py" else f"read {target.name}"


def _greeting(args: argparse.Namespace, command: list[str]) -> str:
    shown = shlex.join(["buildtrace", *command[3:]])
    if args.lesson is not None:
        each = "its own run of the lesson"
    elif Path(args.script).suffix == ".py":
        each = "its own run of the script"
    else:
        each = "its own view of the trace"
    most = args.max_viewers or _default_max_viewers()
    return (
        f"buildtrace: serving `{shown}` at {page_url(args.host, args.port)}\n"
        f"each browser that opens it gets {each} (at most {most} at once); "
        "Ctrl+C stops the server"
    )


def _port(text: str) -> int:
    port = _integer(text, "port")
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 1 to 65535. Received: port={text}")
    return port


def _font_size(text: str) -> int:
    size = _integer(text, "font size")
    if not 6 <= size <= 128:
        raise argparse.ArgumentTypeError(f"a font size is 6 to 128 pixels. Received: {text}")
    return size


def _max_viewers(text: str) -> int:
    count = _integer(text, "number of viewers")
    if not 1 <= count <= 1000:
        raise argparse.ArgumentTypeError(f"--max-viewers is 1 to 1000. Received: {text}")
    return count


def _default_max_viewers() -> int:
    from buildtrace.commands.room_guard import default_max_viewers  # no aiohttp there

    return default_max_viewers()


def _integer(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"the {what} is a whole number. Received: {text}"
        ) from None


def _error(message: str, status: int) -> int:
    print(f"buildtrace: error: serve: {message}", file=sys.stderr)
    return status
