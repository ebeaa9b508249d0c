"""Where a command may write: never over its input, never over a file that is not its own.

Every ``-o`` of buildtrace (``run``, ``tui``, ``diagram``, ``export``, ``handout``) asks
:func:`output_problem` before it does any work, so a mistyped command line loses nothing
and a script is not run for a minute only to fail at the end:

* the output is never one of the command's inputs (the script, the trace, the lesson
  and what it reads), compared by resolved path and by file identity, so a symlink or
  a hard link to the input is caught too;
* an existing file is replaced only when it is empty or looks like what the command
  writes (a trace for recordings, a Graphviz picture, buildtrace's own page, handout or
  timeline), unless ``--force`` is given; a device or other special file never is;
* the folder must exist and take a new file (tried for real: ``os.access`` answers yes
  to root in a read-only folder).

The writing itself goes through :func:`buildtrace.render.output.replacing`: a temporary
file beside the output, renamed over it at the end, so no one ever sees half a file.

Example:
    >>> output_problem(Path("seed.py"), inputs=[Path("seed.py")], kind="trace")  # doctest: +SKIP
    'refusing to write over the input seed.py (-o names the same file)'
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

#: What replacing each kind of output needs the old file to look like, said to the user.
KIND_WORDS = {
    "trace": "a buildtrace trace",
    "svg": "an SVG drawn by Graphviz",
    "png": "a PNG picture",
    "pdf": "a PDF",
    "dot": "DOT text",
    "json": "a timeline buildtrace wrote",
    "html": "a page buildtrace wrote",
    "md": "a handout buildtrace wrote",
}

#: File name suffixes -> the kind of output they hold.
SUFFIX_KINDS = {
    ".svg": "svg",
    ".png": "png",
    ".pdf": "pdf",
    ".dot": "dot",
    ".gv": "dot",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
}

_HEAD = 1 << 16  # a first event (a trace's first line) is far shorter


def kind_of(path: Path) -> str:
    """The kind of output a file name asks for (``model.svg`` -> ``svg``)."""
    return SUFFIX_KINDS.get(path.suffix.lower(), "file")


def output_problem(
    output: Path,
    *,
    inputs: Sequence[Path | None] = (),
    kind: str | None = None,
    force: bool = False,
) -> str | None:
    """Why writing ``output`` could lose something or cannot work (None when it is safe).

    Args:
        output: the file (or, for ``kind="folder"``, the folder) to write.
        inputs: the files the command reads; the output may be none of them.
        kind: ``"trace"``, ``"folder"``, or a picture/page kind (default: from the suffix).
        force: replace an existing file even if it does not look like this kind.

    Returns:
        One line saying what is wrong, or None.
    """
    kind = kind or kind_of(output)
    for source in inputs:
        if source is not None and same_file(output, source):
            return f"refusing to write over the input {source} (-o names the same file)"
    if kind == "folder" and output.is_dir():
        return _folder_problem(output, output)
    if output.is_dir():
        return f"{output} is a folder; give a file name, e.g. {output / _example(kind)}"
    folder = output.parent
    if not folder.is_dir():
        return f"cannot write {output}: the folder {folder} does not exist"
    problem = _folder_problem(output, folder)
    if problem is not None:
        return problem
    if not output.exists() and not output.is_symlink():
        return None
    if not output.is_file():
        return f"cannot write {output}: it exists and is not a regular file"
    if kind == "folder":
        return f"frames go to an .html page or a folder, and {output} is a file"
    if force or looks_like(output, kind):
        return None
    words = KIND_WORDS.get(kind, "a file buildtrace wrote")
    return (
        f"{output} exists and is not {words}; refusing to overwrite it "
        "(add --force to replace it, or choose another name)"
    )


def same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` are one file: the same path once resolved, or the same
    inode (a hard link, a bind mount)."""
    with contextlib.suppress(OSError, RuntimeError):
        if a.resolve() == b.resolve():
            return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist: not the same file
        return False


def looks_like(path: Path, kind: str) -> bool:
    """Whether ``path`` is empty or looks like an output of ``kind`` (safe to replace)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            head = stream.read(_HEAD)
            stream.seek(max(0, size - 512))
            tail = stream.read()
    except OSError:
        return False
    if not head.strip():
        return True
    if kind == "trace":
        return _is_trace(head)
    if kind == "svg":
        return b"<svg" in head and b"Generated by graphviz" in head
    if kind == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if kind == "pdf":
        return head.startswith(b"%PDF-")
    if kind == "dot":
        text = b"\n".join(
            line for line in head.splitlines() if not line.lstrip().startswith((b"//", b"#"))
        )
        return text.lstrip().startswith((b"digraph", b"graph", b"strict"))
    if kind == "json":
        return head.startswith(b'{"traceEvents"') or b'"generator":"buildtrace"' in tail
    if kind == "html":
        return b'<meta name="generator" content="buildtrace' in head
    if kind == "md":
        return b"Made with buildtrace" in tail
    return False


def _is_trace(head: bytes) -> bool:
    """Whether the first line of a file is a buildtrace event (by its keys).

    This says whose file it is, not whether it is valid: a damaged trace is still ours to
    replace, so the contract's full check (the reader's) is not asked for here.
    """
    first = head.split(b"\n", 1)[0].strip()
    if not first.startswith(b"{") or len(first) > 1_000_000:
        return False
    try:
        event = json.loads(first.decode("utf-8"))
    except (ValueError, RecursionError):
        return False
    return isinstance(event, dict) and {"v", "seq", "kind"} <= event.keys()


def _folder_problem(output: Path, folder: Path) -> str | None:
    """Whether a new file can be made in ``folder``, tried for real."""
    try:
        handle, name = tempfile.mkstemp(prefix=".buildtrace-probe-", dir=folder)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return f"cannot write {output}: the folder {folder} does not take new files ({reason})"
    os.close(handle)
    with contextlib.suppress(OSError):
        os.unlink(name)
    return None


def _example(kind: str) -> str:
    return {"trace": "trace.jsonl", "folder": "frames"}.get(kind, f"output.{kind}")
