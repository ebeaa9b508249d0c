"""Tying a process's life to its parent's: no script, viewer or ``sleep`` left behind.

A script the viewer runs, and every process that script starts, live in one process
group of their own (the child is its leader). Three things end that group:

- the viewer quits: it signals the whole group (:func:`end_group`);
- the viewer dies, however (closed terminal, SIGTERM, SIGKILL): the child notices it at
  once, twice over. The kernel sends it a signal when its parent dies
  (:func:`die_with_parent`, Linux's ``PR_SET_PDEATHSIG``), and its back-channel pipe
  reads end-of-file, since only the viewer held the other end. Either way the child
  removes the viewer's temporary folder and kills its own group (:func:`orphaned`);
- ``buildtrace serve`` stops or dies: each viewer it started dies with it the same way.

Mirrors nothing in Keras: this is buildtrace's process hygiene.

Example:
    >>> import os
    >>> group_alive(os.getpgrp())
    True
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

#: ``prctl`` option that asks the kernel for a signal when the parent dies (linux/prctl.h).
PR_SET_PDEATHSIG = 1

#: Seconds between looks while waiting for a process group to end.
_POLL = 0.02


def _libc_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None
    prctl: Callable[..., int] | None = getattr(libc, "prctl", None)
    return prctl


#: Looked up once, at import: a ``preexec_fn`` between fork and exec must not load libraries.
_PRCTL = _libc_prctl()


def die_with_parent(sig: int = signal.SIGKILL) -> bool:
    """Ask the kernel to send ``sig`` to this process when its parent dies (Linux).

    The signal comes when the *thread* that started this process ends, so the parent
    must start it from a thread that lives as long as the parent (its main thread, or
    its event loop's). Safe to call between fork and exec. False where unsupported.
    """
    if _PRCTL is None:
        return False
    return bool(_PRCTL(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0)


def become_group_leader() -> None:
    """Make this process the leader of a new session (and group), unless it is already.

    A child started with ``start_new_session=True`` already is; one started otherwise
    (by hand, by a test) must not kill its starter's group when it kills its own.
    """
    if os.getpgrp() != os.getpid():
        with contextlib.suppress(OSError):
            os.setsid()


def orphaned(cleanup: Path | None = None) -> NoReturn:
    """The viewer is gone: remove its temporary folder, then end this whole group.

    Called from a signal handler or the back-channel's thread: nothing here waits for
    the script, which may hold the interpreter in a long computation.
    """
    if cleanup is not None:
        shutil.rmtree(cleanup, ignore_errors=True)
    with contextlib.suppress(OSError):
        os.killpg(os.getpgrp(), signal.SIGKILL)  # this process included
    os._exit(128 + signal.SIGKILL)  # not reached unless killpg was refused


def group_alive(pgid: int, *, leader_reaped: bool = False) -> bool:
    """Whether any process (zombies aside) is left in process group ``pgid``.

    ``leader_reaped``: the group's leader has been reaped, so its id may have gone to a
    new process, which may lead a new group of the same id: only members other than
    a process of that id count. (While any member is left, the id is not reused.)
    """
    proc = Path("/proc")
    if not proc.is_dir():  # elsewhere: ask the kernel whether the group can be signalled
        try:
            os.killpg(pgid, 0)
        except OSError:
            return False
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...: comm may hold spaces, so split after its ")".
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] != "Z":
            if leader_reaped and int(entry.name) == pgid:
                continue
            return True
    return False


def end_group(pgid: int, grace: float = 1.0) -> None:
    """End process group ``pgid``: SIGTERM, ``grace`` seconds to go, then SIGKILL.

    The group's leader must not have been reaped yet (its id then still names the
    group, and cannot be given to another process meanwhile).
    """
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        return
    except PermissionError:  # a member changed its user: the rest still gets SIGKILL
        pass
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and group_alive(pgid):
        time.sleep(_POLL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def leader_exited(pid: int) -> bool:
    """Whether child ``pid`` has ended, without reaping it (its id stays reserved)."""
    try:
        found = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return True  # already reaped
    return found is not None
