"""The child process a viewer runs a user's script in: ``python -m buildtrace.runner.child``.

The terminal UI never runs a student's script in its own process: a script that
crashes, hangs, prints or burns the CPU must not take the interface with it. Instead
the UI starts this module, which runs the script exactly like ``buildtrace run`` does
(:func:`~buildtrace.runner.script.run_script`, Keras imports aliased) and writes every
event to a JSON Lines file as it happens, flushed per event. The UI reads that file
the same way it reads a recorded trace.

A back-channel (a pipe whose read end the child gets as ``--control-fd``) carries one
JSON object per line from the UI to the child:

* ``{"op": "until", "rule": {...}, "seen": 41}``: in lockstep, run on until an event
  matches the :class:`StopRule`, then wait again. ``seen`` is the last ``seq`` the UI
  had read: a request sent before the UI saw the child's latest stop is stale and
  ignored, so a request repeated while events are in flight never overshoots.
* ``{"op": "run"}``: leave lockstep; the script runs freely from now on.
* ``{"op": "pause"}`` / ``{"op": "resume"}``: hold training at the next ``batch_end``.

Started by a viewer (``--viewer-pid``), the child leads a process group of its own and
lives no longer than the viewer: when the pipe closes or the viewer dies, whatever the
signal, it removes the viewer's temporary folder (``--cleanup``) and kills its group,
the processes the script started included (see :mod:`buildtrace.runner.lifeline`).
Without ``--viewer-pid`` a closed pipe only releases the gate and the script runs on.

Example:
    $ python -m buildtrace.runner.child --trace t.jsonl --lockstep --control-fd 5 seed.py
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from buildtrace.runner import lifeline
from buildtrace.runner.script import SCRIPT_EVENT_NAME, describe_error, run_script
from buildtrace.trace import BUS, Event, JsonlRecorder
from buildtrace.trace.events import TRAINING_KINDS
from buildtrace.trace.matching import EventPattern

#: Kinds that never wait in lockstep: once training runs, its batches flow freely.
#: ``compile`` and ``train_begin`` do wait, so training starts only when the student
#: has stepped through the build (or released the child).
FREE_KINDS = frozenset(TRAINING_KINDS) - {"compile", "train_begin"}

#: Kinds that end a call.
END_KINDS = frozenset({"return", "raise"})


#: Which event to stop at: the viewer's rule, sent as JSON. The same rule decides where
#: the UI's cursor lands on events it already has and where a child in lockstep stops
#: next, so the two always agree; it is the pattern language lessons stop with too.
StopRule = EventPattern


class Gate:
    """Holds the engine back: at build events in lockstep, at ``batch_end`` when paused.

    :meth:`after` runs on the engine's thread for every event, right after the event
    was written; it returns when the engine may go on. :meth:`control` runs on the
    back-channel's thread and changes what the gate lets through.

    Example:
        >>> gate = Gate(lockstep=False)
        >>> gate.after({"kind": "call", "seq": 0})  # not in lockstep: returns at once
    """

    def __init__(self, *, lockstep: bool) -> None:
        self._cond = threading.Condition()
        self.lockstep = lockstep
        self.paused = False
        self.closed = False
        self._rule: StopRule | None = None
        #: The ``seq`` of the event the engine last stopped at (or ran a rule to).
        self.stop_seq = -1

    def after(self, event: Event, before_waiting: Callable[[], None] | None = None) -> None:
        """Block until the engine may go on past ``event`` (which is already recorded).

        ``before_waiting`` runs before the engine is held at a batch: the recorder writes
        the batch events it holds back, so the viewer sees every batch up to the pause.
        """
        kind = event.get("kind")
        with self._cond:
            if kind == "batch_end" and self.paused and before_waiting is not None:
                before_waiting()
            if kind == "batch_end":
                while self.paused and not self.closed:
                    self._cond.wait()
            if not self.lockstep:
                return
            seq = int(event.get("seq", self.stop_seq + 1))
            if self._rule is not None:
                if not self._rule.matches(event):
                    return
                self._rule = None
                self.stop_seq = seq
            if kind in FREE_KINDS or event.get("name") == SCRIPT_EVENT_NAME:
                return  # training flows, and the script's last word never waits
            self.stop_seq = seq
            while self.lockstep and self._rule is None and not self.closed:
                self._cond.wait()

    def control(self, message: dict[str, Any]) -> None:
        """Apply one back-channel message (see the module's docstring)."""
        op = message.get("op")
        with self._cond:
            if op == "until":
                seen = message.get("seen", -1)
                if isinstance(seen, int) and self.stop_seq > seen:
                    return  # sent before the viewer saw our latest stop: stale
                self._rule = StopRule.from_json(message.get("rule") or {})
            elif op == "run":
                self.lockstep = False
            elif op == "pause":
                self.paused = True
            elif op == "resume":
                self.paused = False
            self._cond.notify_all()

    def close(self) -> None:
        """Release everything for good (the viewer is gone)."""
        with self._cond:
            self.closed = True
            self.lockstep = False
            self.paused = False
            self._cond.notify_all()


def read_control(fd: int, gate: Gate, at_end: Callable[[], object] | None = None) -> None:
    """Apply each JSON line read from ``fd`` to ``gate``; at EOF release it, then ``at_end``."""
    try:
        with open(fd, encoding="utf-8", closefd=True) as stream:
            for line in stream:
                try:
                    message = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a garbled line must not stop the student's script
                if isinstance(message, dict):
                    gate.control(message)
    except (OSError, UnicodeDecodeError):
        pass
    finally:
        gate.close()
        if at_end is not None:
            at_end()


def child_argv(
    script: str | os.PathLike[str],
    script_args: Sequence[str],
    trace: str | os.PathLike[str],
    *,
    control_fd: int | None = None,
    lockstep: bool = False,
    nice: int = 0,
    viewer_pid: int | None = None,
    cleanup: str | os.PathLike[str] | None = None,
    parent_signal: bool = True,
) -> list[str]:
    """The command line that runs ``script`` in a child (``sys.executable -u -m ...``).

    ``viewer_pid``: the child ends with that process (its parent) and with the pipe
    ``control_fd``; ``cleanup``: a folder it then removes. ``parent_signal``: the kernel
    tells the child when its parent dies; only for a child started from a thread that
    lives as long as the parent (the signal follows the starting thread).
    """
    argv = [sys.executable, "-u", "-m", __name__, "--trace", os.fspath(trace)]
    if nice:
        argv += ["--nice", str(nice)]
    if viewer_pid is not None:
        argv += ["--viewer-pid", str(viewer_pid)]
    if cleanup is not None:
        argv += ["--cleanup", os.fspath(cleanup)]
    if viewer_pid is not None and not parent_signal:
        argv.append("--no-parent-signal")
    if control_fd is not None:
        argv += ["--control-fd", str(control_fd)]
    if lockstep:
        argv.append("--lockstep")
    return [*argv, "--", os.fspath(script), *script_args]


def build_parser() -> argparse.ArgumentParser:
    """The child's arguments: its own options, then the script and the script's args."""
    parser = argparse.ArgumentParser(
        prog="python -m buildtrace.runner.child",
        description="Run a Keras script under buildtrace, writing its trace as it goes.",
    )
    parser.add_argument("--trace", required=True, help="the JSON Lines file to write")
    parser.add_argument("--control-fd", type=int, help="read back-channel messages from here")
    parser.add_argument("--lockstep", action="store_true", help="wait at each build event")
    parser.add_argument(
        "--nice", type=int, default=0, help="lower the script's CPU priority by this much"
    )
    parser.add_argument(
        "--viewer-pid", type=int, help="end (with every process of the script) when it ends"
    )
    parser.add_argument("--cleanup", help="the folder to remove when the viewer is gone")
    parser.add_argument(
        "--no-parent-signal",
        dest="parent_signal",
        action="store_false",
        help="watch the viewer through the back-channel only (started from a short thread)",
    )
    parser.add_argument("script", help="the Keras script to run")
    parser.add_argument("script_args", nargs=argparse.REMAINDER, help="the script's arguments")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the script, recording its trace; returns the script's exit status."""
    args = build_parser().parse_args(argv)
    if args.nice > 0 and hasattr(os, "nice"):
        # Training is a batch job; the viewer that watches it is interactive.
        os.nice(args.nice)
    gate = Gate(lockstep=args.lockstep and args.control_fd is not None)
    at_end = None
    if args.viewer_pid is not None:
        cleanup = Path(args.cleanup) if args.cleanup else None
        at_end = _end_with_viewer(args.viewer_pid, cleanup, parent_signal=args.parent_signal)
    if args.control_fd is not None:
        reader = threading.Thread(
            target=read_control, args=(args.control_fd, gate, at_end), name="control", daemon=True
        )
        reader.start()
    recorder = JsonlRecorder(args.trace)

    def on_event(event: Event) -> None:
        # Written first, held second: what the viewer shows is what the engine has done.
        recorder(event)
        gate.after(event, recorder.write_pending)

    # Subscribed before run_script's own collector, so this one is first on the bus and
    # restarts `seq` at 0; run_script adds the final `raise` of a failing script.
    unsubscribe = BUS.subscribe(on_event)
    try:
        result = run_script(args.script, args.script_args)  # engine: `tui --engine`
    finally:
        unsubscribe()
        recorder.close()
    sys.stdout.flush()
    if result.error is not None:
        print(describe_error(result, full_traceback=True), file=sys.stderr)
    if result.exit_message is not None:
        print(result.exit_message, file=sys.stderr)
    return result.exit_code


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _end_with_viewer(
    viewer_pid: int, cleanup: Path | None, *, parent_signal: bool = True
) -> Callable[[], object]:
    """Tie this process, and its group, to the viewer's life; what to do when it ends."""

    def viewer_gone(*_: object) -> None:
        lifeline.orphaned(cleanup)

    lifeline.become_group_leader()  # the group killed below is the script's alone
    # Quitting, the viewer sends SIGTERM first: the script then ends as on Ctrl-C, its
    # `finally` blocks run (a download removes its partial file), the trace is closed.
    signal.signal(signal.SIGTERM, _terminated)
    signal.signal(signal.SIGHUP, viewer_gone)
    if parent_signal:
        lifeline.die_with_parent(signal.SIGHUP)
    if os.getppid() != viewer_pid:  # the viewer died before the kernel could be told
        viewer_gone()
    return viewer_gone


if __name__ == "__main__":
    sys.exit(main())
