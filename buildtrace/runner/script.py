"""Running a user's Keras script under buildtrace, and collecting what it builds.

:func:`run_script` runs a script the way ``python script.py`` would (as ``__main__``,
with its own ``sys.argv`` and its folder first on ``sys.path``), with Keras imports
aliased to ``buildtrace.keras`` (see :mod:`buildtrace.runner.aliases`). Every event the
engine publishes meanwhile is kept in memory and, when asked, written to a JSON Lines
file as it happens. However the script ends (normally, ``sys.exit(n)``, an exception or
Ctrl-C) the trace is complete and closed; an exception adds one last ``raise`` event, so
the trace ends where the script did.

A run can also end early, cleanly, once the part of the script a caller needs is done
(``until="build"``: see :mod:`buildtrace.runner.milestones`): the script is stopped at
that event, the trace ends there, and the run counts as a success (exit status 0).
"""

from __future__ import annotations

import os
import runpy
import sys
import traceback
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from buildtrace.engines import chosen_engine, engine_session
from buildtrace.runner import script_env
from buildtrace.runner.aliases import explain_unsupported
from buildtrace.runner.milestones import Milestones, stops_before
from buildtrace.trace import BUS, Event, JsonlRecorder, emit

#: The ``name`` of the final ``raise`` event: the exception left the script itself.
SCRIPT_EVENT_NAME = "<script>"

#: Exit status of a script stopped by Ctrl-C, as shells report it (128 + SIGINT).
INTERRUPTED_STATUS = 130


class StopScript(BaseException):
    """Raised into a script from the event that completes what the caller asked for.

    A ``BaseException``, like ``KeyboardInterrupt``, so that a script's (or Keras's)
    ``except Exception`` does not swallow it.
    """


@dataclass
class RunResult:
    """How a script run ended, and the events it produced.

    Attributes:
        script: the script that ran.
        exit_code: 0, the script's ``sys.exit`` status, 1 after an exception, 130 after
            Ctrl-C.
        events: every event published during the run, in order.
        trace_path: the JSON Lines file written, if one was asked for.
        error: the exception that ended the script, if any.
        error_line: the line of the script the exception passed through last.
        exit_message: what ``sys.exit("some text")`` was given (printed like Python does).
        trace_error: why the trace file stopped being written (disk full...), if it did.
        stopped_at: the milestone the script was stopped at (``"build"``...), if it was.
    """

    script: Path
    exit_code: int = 0
    events: list[Event] = field(default_factory=list)
    trace_path: Path | None = None
    error: BaseException | None = None
    error_line: int | None = None
    exit_message: str | None = None
    trace_error: str | None = None
    stopped_at: str | None = None

    @property
    def error_src(self) -> str:
        """``script.py:12``: where the error left the user's script (file name only, so a
        trace reads the same on every machine)."""
        if self.error_line is None:
            return self.script.name
        return f"{self.script.name}:{self.error_line}"


class _Collector:
    """The bus subscriber of a run: keeps every event and writes it to the file, if any.

    A failing write (disk full...) must not kill the student's script, so it stops the
    recording, keeps the reason, and lets the run go on. Lines already written stay whole.

    With ``until`` it also stops the script (:class:`StopScript`) at the event that
    completes that milestone, and keeps nothing after it; ``on_build`` is called once,
    with the events so far, when the build is complete.
    """

    def __init__(
        self,
        recorder: JsonlRecorder | None,
        until: str = "end",
        on_build: Callable[[list[Event]], None] | None = None,
    ) -> None:
        self.events: list[Event] = []
        self.recorder = recorder
        self.trace_error: str | None = None
        self.until = until
        self.on_build = on_build
        self.milestones = Milestones() if until != "end" or on_build is not None else None
        self.stopped = False

    def __call__(self, event: Event) -> None:
        if self.stopped:
            return  # the events of the script's unwinding after the stop are not its run
        complete = False
        if self.milestones is not None:
            if self.on_build is not None and self.milestones.build_ends_before(event):
                on_build, self.on_build = self.on_build, None
                on_build(self.events)
            complete = self.milestones.reached(self.until, event)
            if complete and stops_before(self.until):
                self.stop()
        self.events.append(event)
        if self.recorder is not None:
            try:
                self.recorder(event)
            except (OSError, ValueError, TypeError) as exc:
                self.trace_error = f"{type(exc).__name__}: {exc}"
                self.close()
        if complete:
            self.stop()

    def stop(self) -> None:
        """Keep no more events and stop the script, from inside its call to ``emit``."""
        self.stopped = True
        self.close()
        raise StopScript(self.until)

    def close(self) -> None:
        """Flush and close the trace file (quietly: its events are all written already)."""
        recorder, self.recorder = self.recorder, None
        if recorder is not None:
            try:
                recorder.close()
            except OSError as exc:
                self.trace_error = self.trace_error or f"{type(exc).__name__}: {exc}"


def run_script(
    path: str | os.PathLike[str],
    argv: Sequence[str] = (),
    recorder_path: str | os.PathLike[str] | None = None,
    *,
    until: str = "end",
    on_build: Callable[[list[Event]], None] | None = None,
    engine: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> RunResult:
    """Run a Keras script with buildtrace's Keras, collecting its build trace.

    Args:
        path: the script to run.
        argv: its arguments (``sys.argv[1:]`` inside the script).
        recorder_path: a JSON Lines file to write the trace to, event by event.
        until: stop the script once this part of it is complete (``build``,
            ``compile``, ``fit``; see :mod:`buildtrace.runner.milestones`), or run it to
            its ``end``. A stopped run has exit status 0 and no error.
        on_build: called once with the events so far when the build is complete (a
            callback's exception is not the script's: it should not raise).
        engine: the Keras to run it under: ``mini`` (buildtrace's) or a real engine
            (``tf-keras``; see :mod:`buildtrace.engines`); by default the one
            ``buildtrace.engines.use_engine`` chose, else ``mini``.
        progress: told in words what takes time (a real engine's import).

    Returns:
        The events and how the script ended. The script's exceptions are caught and
        reported in the result, never raised.

    Raises:
        OSError: the trace file cannot be opened for writing (nothing has run then).
        EngineNotInstalled: ``engine`` is not installed (nothing has run then).

    Example:
        >>> result = run_script("train.py", ["--epochs", "1"], "trace.jsonl")  # doctest: +SKIP
        >>> result.exit_code, result.events[-1]["kind"]  # doctest: +SKIP
        (0, 'return')
    """
    script = Path(path)
    session = engine_session(
        engine or chosen_engine(), progress
    )  # a missing engine fails here, first
    recorder = JsonlRecorder(recorder_path) if recorder_path is not None else None
    collector = _Collector(recorder, until, on_build)
    result = RunResult(
        script=script,
        events=collector.events,
        trace_path=Path(recorder_path) if recorder_path is not None else None,
    )
    unsubscribe = BUS.subscribe(collector)
    try:
        result.exit_code, result.error, result.exit_message = _run_as_main(script, argv, session)
        if collector.stopped:  # however the script let StopScript through, it was asked
            result.exit_code, result.error, result.stopped_at = 0, None, until
        if result.error is not None:
            result.error_line = script_line(result.error, script)
            # One last event, so the trace ends where the script did.
            emit(
                "raise",
                SCRIPT_EVENT_NAME,
                None,
                error_type=type(result.error).__name__,
                message=error_message(result.error),
                origin=True,
                uncaught=True,
                src=result.error_src,
            )
    finally:
        unsubscribe()
        collector.close()
        result.trace_error = collector.trace_error
    return result


def _run_as_main(
    script: Path, argv: Sequence[str], session: AbstractContextManager[Any]
) -> tuple[int, BaseException | None, str | None]:
    """Run ``script`` as ``__main__`` inside its engine's ``session`` (the Keras imports,
    a fresh session); return (exit status, exception, exit message)."""
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [str(script), *argv]
    # `python script.py` puts the script's folder first, so its sibling modules import.
    sys.path.insert(0, str(script.resolve().parent))
    script_env.configure_plots()  # plt.show() saves figures instead of blocking
    try:
        with session:
            runpy.run_path(str(script), run_name="__main__")
    except SystemExit as exc:
        return _exit_status(exc.code)
    except KeyboardInterrupt as exc:
        return INTERRUPTED_STATUS, exc, None
    except BaseException as exc:  # everything the script may raise is reported, not raised
        return 1, exc, None
    finally:
        sys.argv = saved_argv
        sys.path[:] = saved_path
    return 0, None, None


def _exit_status(code: object) -> tuple[int, None, str | None]:
    """What ``sys.exit(code)`` means, as Python's own interpreter reads it."""
    if code is None:
        return 0, None, None
    if isinstance(code, int):
        return code, None, None
    return 1, None, str(code)  # sys.exit("message"): printed, status 1


def script_line(exc: BaseException, script: Path) -> int | None:
    """The line of ``script`` the exception passed through last (None if it never did)."""
    target = os.path.realpath(script)
    line: int | None = None
    tb = exc.__traceback__
    while tb is not None:
        if os.path.realpath(tb.tb_frame.f_code.co_filename) == target:
            line = tb.tb_lineno
        tb = tb.tb_next
    # A syntax error happens before the script runs: its line is on the exception.
    if line is None and isinstance(exc, SyntaxError) and exc.filename is not None:
        line = exc.lineno if os.path.realpath(exc.filename) == target else None
    return line


def error_message(exc: BaseException) -> str:
    """The exception's message, reworded when it is about a part buildtrace lacks."""
    explained = explain_unsupported(exc) or script_env.explain_missing_module(exc)
    if explained is not None:
        return explained
    try:
        return str(exc)
    except Exception:  # a broken __str__ must not break the report
        return repr(exc)


def describe_error(result: RunResult, *, full_traceback: bool = False) -> str:
    """The script's error, printed like Python does but short.

    By default: the script's file and line, that line's code, and ``Type: message``,
    without the frames inside buildtrace. With ``full_traceback`` the whole traceback
    from the script's first frame on (the runner's own frames left out).
    """
    exc = result.error
    if exc is None:
        return ""
    if full_traceback:
        start = _first_script_frame(exc.__traceback__, result.script)
        return "".join(traceback.format_exception(type(exc), exc, start)).rstrip("\n")
    lines: list[str] = []
    if result.error_line is not None:
        lines.append(f'  File "{result.script}", line {result.error_line}')
        code = _source_line(result.script, result.error_line)
        if code:
            lines.append(f"    {code}")
    message = error_message(exc)
    lines.append(f"{type(exc).__name__}: {message}" if message else type(exc).__name__)
    if not isinstance(exc, KeyboardInterrupt | SyntaxError):
        lines.append("(buildtrace run --traceback shows the full traceback)")
    return "\n".join(lines)


def _first_script_frame(tb: TracebackType | None, script: Path) -> TracebackType | None:
    """Skip runpy's and buildtrace's frames that come before the script's own."""
    target = os.path.realpath(script)
    start = tb
    while start is not None and os.path.realpath(start.tb_frame.f_code.co_filename) != target:
        start = start.tb_next
    return start if start is not None else tb


def _source_line(script: Path, line: int) -> str:
    try:
        lines = script.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""
