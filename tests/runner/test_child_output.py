"""The script's output as the viewer keeps it: bounded, honest about what it dropped.

Property tests of :class:`tui.output_ring.OutputRing` (whatever is written, in whatever
pieces, at whatever pace: memory stays bounded, lines stay short, every byte is either
shown or counted as skipped), and the exit status in plain words.
"""

from __future__ import annotations

import codecs
import re
import signal
import threading
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.child_run import ChildRun, exit_description
from tui.output_ring import OutputRing

SKIPPED = re.compile(r"\[… ([\d,]+) bytes \(([\d,]+) lines?\) of output skipped")

pieces = st.lists(
    st.one_of(
        st.binary(max_size=300),
        st.text(alphabet="ab \n", max_size=3000).map(str.encode),
        st.integers(1, 5000).map(lambda n: b"z" * n),  # one long line, in parts
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(pieces, st.lists(st.booleans(), max_size=40))
def test_every_byte_is_shown_or_counted_and_memory_is_bounded(
    writes: list[bytes], takes: list[bool]
) -> None:
    ring = OutputRing(pending_limit=512, recent_limit=128, max_line=80, flood_interval=0)
    shown: list[str] = []
    for index, data in enumerate(writes):
        ring.append(data)
        assert len(ring._pending) <= 512 and len(ring._recent) <= 128
        if index < len(takes) and takes[index]:
            shown.append(ring.take())
    shown.append(ring.take())
    assert ring.total == sum(map(len, writes))
    text = "".join(shown)
    skipped = sum(int(m.group(1).replace(",", "")) for m in SKIPPED.finditer(text))
    assert skipped <= ring.total
    if skipped == 0:  # nothing dropped: what is shown is what was written (lines cut)
        # Decoded as a stream: a character cut at the very end is not shown yet.
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        written = decoder.decode(b"".join(writes))
        for mine, theirs in zip(text.split("\n"), written.split("\n")):
            assert mine == theirs or (mine.endswith("…") and theirs.startswith(mine[:-1]))
    for line in SKIPPED.sub("", text).split("\n"):
        assert len(line) <= 81  # 80 characters and "…"
    assert ring.take() == ""  # taken means gone


def test_a_flood_is_summarised_in_one_line_per_look() -> None:
    ring = OutputRing(pending_limit=1000, flood_interval=0)
    line = b"0123456789" * 9 + b"\n"  # 91 bytes
    for _ in range(10_000):
        ring.append(line)
    text = ring.take()
    (note,) = SKIPPED.findall(text)
    shown_lines = text.count("0123456789" * 9)
    assert int(note[1].replace(",", "")) + shown_lines == 10_000
    assert len(text) < 1200


def test_in_a_flood_the_panel_is_fed_a_few_times_a_second() -> None:
    ring = OutputRing(pending_limit=100, flood_interval=10)
    ring.append(b"x\n" * 100)
    assert "skipped" in ring.take()
    ring.append(b"y\n" * 100)
    assert ring.take() == ""  # too soon: the ring keeps the latest meanwhile
    assert "y" in ring.take(final=True)  # the script ended: its last words are shown
    ring.append(b"quiet\n")  # no flood: shown at once
    assert ring.take() == "quiet\n"


def test_recent_lines_quote_the_end_of_the_output() -> None:
    ring = OutputRing(recent_limit=64)
    ring.append(b"first\n\n" + b"x" * 100 + b"\nTraceback: the end\n")
    assert ring.recent_lines(1) == ["Traceback: the end"]


def test_exit_statuses_in_plain_words() -> None:
    assert exit_description(-signal.SIGKILL).startswith("the script was killed (SIGKILL")
    assert exit_description(-signal.SIGTERM) == "the script was stopped (SIGTERM)"
    assert exit_description(-signal.SIGSEGV).startswith("the script crashed (SIGSEGV")
    assert exit_description(3) == "the script ended with exit status 3"
    assert "signal 9" not in exit_description(-9)


def test_a_child_started_from_a_short_lived_thread_outlives_the_thread(
    tmp_path: object,
) -> None:
    """The parent-death signal follows the starting thread: not used from a worker."""
    from pathlib import Path

    script = Path(str(tmp_path)) / "waits.py"
    script.write_text("import time\ntime.sleep(30)\n", encoding="utf-8")
    run = ChildRun(script)
    worker = threading.Thread(target=run.start)
    worker.start()
    worker.join()
    try:
        time.sleep(1.5)  # the thread is gone; the child must not be
        assert run.running
    finally:
        run.stop()
        run.cleanup()
    assert not run.running
