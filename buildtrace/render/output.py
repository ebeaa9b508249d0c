"""Turning DOT text into files: SVG, PNG and PDF through Graphviz's ``dot``, or DOT itself.

The most common complaint about ``keras.utils.plot_model`` is a traceback when Graphviz
is not installed. Here a missing ``dot`` is not an error: the DOT text is written next
to the requested file (``model.png`` -> ``model.dot``) and :attr:`Written.note` says, in
one line, how to install Graphviz. The DOT file opens in any Graphviz viewer, or
online, and renders to the same picture later.

Example:
    >>> written = write_dot(source, "model.png")  # doctest: +SKIP
    >>> written.path, written.note  # doctest: +SKIP
    (PosixPath('model.png'), None)
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import graphviz

#: The image formats buildtrace renders (Graphviz can do more; these are the useful ones).
IMAGE_FORMATS = ("svg", "png", "pdf")

#: Output suffixes understood, ``.dot`` and ``.gv`` meaning the DOT text itself.
FORMATS = (*IMAGE_FORMATS, "dot", "gv")

#: How to install Graphviz, per system.
HOW_TO_INSTALL = (
    "Debian/Ubuntu: sudo apt-get install graphviz; macOS: brew install graphviz; "
    "Windows: winget install graphviz"
)

#: The one line printed when ``dot`` is missing.
INSTALL_HINT = (
    "Graphviz's `dot` was not found, so the diagram was written as DOT text; install "
    f"Graphviz to get images ({HOW_TO_INSTALL}) and run again"
)

#: What a page (the HTML handout, a notebook) says above DOT text shown instead of a picture.
PAGE_HINT = (
    "Graphviz's `dot` was not found, so here is the diagram's DOT text; install Graphviz "
    f"to see the picture ({HOW_TO_INSTALL})"
)


class DotMissing(RuntimeError):
    """Graphviz's ``dot`` is not installed (or not on ``PATH``)."""

    def __init__(self) -> None:
        super().__init__(INSTALL_HINT)


@dataclass(frozen=True)
class Written:
    """What was written: the file, and a note for the user (None when all went as asked)."""

    path: Path
    note: str | None = None


def output_format(path: str | os.PathLike[str]) -> str:
    """The format a file name asks for: ``model.svg`` -> ``svg``.

    Raises:
        ValueError: a suffix buildtrace does not write, naming the ones it does.
    """
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        choices = ", ".join(f".{f}" for f in FORMATS)
        raise ValueError(f"cannot tell the format of {path}: end the file name in {choices}")
    return "dot" if suffix == "gv" else suffix


def dot_available() -> bool:
    """Whether Graphviz's ``dot`` can be run (it is on ``PATH``)."""
    return shutil.which("dot") is not None


def render(source: str, fmt: str) -> bytes:
    """The picture ``dot`` draws from ``source``, in ``fmt`` (``svg``, ``png``, ``pdf``).

    Raises:
        DotMissing: ``dot`` is not installed.
        graphviz.CalledProcessError: ``dot`` refused the source (a bug of ours: please
            report it with the DOT text).
    """
    if not dot_available():
        raise DotMissing()
    try:
        # graphviz.pipe hands the whole source to ``dot`` at once. (Source.pipe feeds it
        # line by line before reading the output, which deadlocks once ``dot`` has
        # written a pipe's worth of pictures for several graphs in one source.)
        data: bytes = graphviz.pipe("dot", fmt, source.encode("utf-8"))
    except graphviz.ExecutableNotFound:  # removed between the check and the run
        raise DotMissing() from None
    return data


def render_many(sources: list[str], fmt: str) -> list[bytes]:
    """Each of ``sources`` drawn in ``fmt``, by as few runs of ``dot`` as possible.

    Starting ``dot`` costs far more than laying out a small graph (about 0.1 s against
    a few ms), so frames are drawn by a single run: ``dot`` reads several graphs in a row
    and writes their pictures one after the other, which are cut apart here (SVG at each
    XML prolog, PNG by its chunks). Other formats, or a count that does not add up, fall
    back to one run per graph.

    Raises:
        DotMissing: ``dot`` is not installed.
    """
    if not sources:
        return []
    if fmt in ("svg", "png") and len(sources) > 1:
        joined = render("\n".join(sources), fmt)
        parts = _split_svgs(joined) if fmt == "svg" else _split_pngs(joined)
        if len(parts) == len(sources):
            return parts
    return [render(source, fmt) for source in sources]


def _split_svgs(data: bytes) -> list[bytes]:
    prolog = b"<?xml"
    return [prolog + part for part in data.split(prolog) if part.strip()]


def _split_pngs(data: bytes) -> list[bytes]:
    """Cut concatenated PNG files apart: each is the signature, then chunks (4-byte
    length, 4-byte type, data, 4-byte CRC) up to ``IEND``."""
    signature = b"\x89PNG\r\n\x1a\n"
    images: list[bytes] = []
    start = 0
    while data.startswith(signature, start):
        position = start + len(signature)
        while position + 8 <= len(data):
            length = int.from_bytes(data[position : position + 4], "big")
            kind = data[position + 4 : position + 8]
            position += 12 + length
            if kind == b"IEND":
                break
        images.append(data[start:position])
        start = position
    return images


def render_svg(source: str) -> str:
    """The SVG text of ``source`` (for Jupyter and the HTML handout).

    Raises:
        DotMissing: ``dot`` is not installed.
    """
    return render(source, "svg").decode("utf-8")


def write_dot(source: str, path: str | os.PathLike[str]) -> Written:
    """Write ``source`` to ``path`` in the format its suffix asks for.

    Without ``dot``, an image request writes the DOT text to the same name with a
    ``.dot`` suffix instead, and the returned note says how to install Graphviz.

    Raises:
        ValueError: the suffix is not one of :data:`FORMATS`.
        OSError: the file cannot be written.
    """
    target = Path(path)
    fmt = output_format(target)
    if fmt == "dot":
        write_atomically(target, source)
        return Written(target)
    try:
        data = render(source, fmt)
    except DotMissing:
        fallback = target.with_suffix(".dot")
        write_atomically(fallback, source)
        return Written(fallback, f"{INSTALL_HINT} (wrote {fallback})")
    write_atomically(target, data)
    return Written(target)


@contextlib.contextmanager
def replacing(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary file beside ``path`` that becomes ``path`` when the block ends well.

    The file is written under a hidden name in the same folder (same suffix, so a
    renderer that reads the format from the name still can) and renamed over ``path``
    at the end: a reader never sees half a file, and a failure (an exception, a full
    disk) leaves whatever ``path`` was before untouched. On an exception the temporary
    file is removed. The new file gets the mode a plain ``open`` would give it (or the
    mode of the file it replaces). A symlink at ``path`` is replaced, not written through.

    Raises:
        OSError: the folder does not exist or cannot be written.

    Example:
        >>> with replacing("model.svg") as temp:  # doctest: +SKIP
        ...     temp.write_bytes(picture)
    """
    target = Path(path)
    handle, name = tempfile.mkstemp(
        prefix=f".{target.stem}.", suffix=f".part{target.suffix}", dir=target.parent
    )
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, _new_file_mode(target))
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def write_atomically(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` through :func:`replacing`: all or nothing.

    Raises:
        OSError: the file cannot be written (``path`` is then as it was).
    """
    with replacing(path) as temp:
        temp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _new_file_mode(target: Path) -> int:
    """The mode of the file ``target`` replaces, or what ``open`` would give a new one."""
    with contextlib.suppress(OSError):
        if target.is_file() and not target.is_symlink():
            return target.stat().st_mode & 0o7777
    umask = os.umask(0o022)  # reading the umask means setting it: put it straight back
    os.umask(umask)
    return 0o666 & ~umask


def report(written: Written) -> None:
    """Print the note of ``written``, if any, as the single line it is meant to be."""
    if written.note:
        print(f"buildtrace: {written.note}", file=sys.stderr)


_VIEWBOX = re.compile(rb'viewBox="0\.00 0\.00 ([\d.]+) ([\d.]+)"')
_SCALE = re.compile(rb'<g id="[^"]*" class="graph" transform="scale\(([\d.]+) ([\d.]+)\)')
_BACKGROUND = re.compile(rb'<polygon fill="[^"]*" stroke="transparent" points="([^"]+)"')


def fit_viewbox(svg: bytes) -> bytes:
    """An SVG whose ``viewBox`` holds the whole picture.

    Graphviz (2.43 at least) drawing at a dpi other than 72 scales the picture
    (``scale(1.33 1.33)``) but leaves the ``viewBox`` at its unscaled size, so a browser
    shows only the top-left three quarters. When the background polygon says so, the
    ``viewBox`` is widened to the scaled size; an SVG without the problem is unchanged.
    """
    box, scale, background = _VIEWBOX.search(svg), _SCALE.search(svg), _BACKGROUND.search(svg)
    if box is None or scale is None or background is None:
        return svg
    width, height = float(box[1]), float(box[2])
    sx, sy = float(scale[1]), float(scale[2])
    xs = [float(point.split(b",")[0]) for point in background[1].split()]
    if abs(sx - 1) < 0.01 or abs((max(xs) - min(xs)) - width) > 1:
        return svg
    fixed = f'viewBox="0.00 0.00 {width * sx:.2f} {height * sy:.2f}"'.encode()
    return svg[: box.start()] + fixed + svg[box.end() :]
