"""The Textual viewer of buildtrace: step through a Keras build while the model trains.

Start it with ``buildtrace tui SCRIPT.py`` (or ``TRACE.jsonl``), or from Python with
:func:`tui.app.create_app`. It only reads events (live from a child process, or from a
file) and the public model state folds of :mod:`buildtrace.state`.
"""

from __future__ import annotations

import os

# Textual redraws at most TEXTUAL_FPS times a second and waits a whole frame before the
# first redraw after a change: at its default of 60 that is 17 ms added to every key.
# 120 halves it; the viewer redraws only what changed, so the cost stays small. Set here
# (before Textual is imported) and only if the user has not chosen.
os.environ.setdefault("TEXTUAL_FPS", "120")
