"""A stand-in viewer that speaks textual's web-driver protocol, for the server's tests.

It starts in a blink (a real viewer takes seconds), says the size it was given, and
answers each resize with the new size. ``ignore-quit`` makes it deaf to the server's
request to quit (as a viewer still starting, or stuck, is); ``flood`` makes it send
large frames without pause (as a viewer drawing a big screen does). Its command line
carries a marker, so a test can count the copies left running.

Run: python fake_viewer.py MARKER [ignore-quit] [flood]
"""

from __future__ import annotations

import json
import os
import sys
import threading

out = sys.stdout.buffer
lock = threading.Lock()


def packet(kind: bytes, payload: bytes) -> None:
    with lock:
        out.write(kind + len(payload).to_bytes(4, "big") + payload)
        out.flush()


def flood() -> None:
    frame = b"\x1b[H" + b"x" * (4 << 20)  # a 4 MB frame
    while True:
        packet(b"D", frame)


def main() -> None:
    options = set(sys.argv[2:])
    out.write(b"__GANGLION__\n")
    out.flush()
    packet(b"D", f"size {os.environ['COLUMNS']}x{os.environ['ROWS']}\r\n".encode())
    if "flood" in options:
        threading.Thread(target=flood, daemon=True).start()
    stdin = sys.stdin.buffer
    while kind := stdin.read(1):
        size = int.from_bytes(stdin.read(4), "big")
        payload = stdin.read(size)
        if kind != b"M":
            continue
        meta = json.loads(payload)
        if meta["type"] == "resize":
            packet(b"D", f"size {meta['width']}x{meta['height']}\r\n".encode())
        elif meta["type"] == "quit" and "ignore-quit" not in options:
            packet(b"M", b'{"type": "exit"}')
            return
    if "ignore-quit" in options:  # deaf, and alive after its input closed
        threading.Event().wait()


if __name__ == "__main__":
    main()
