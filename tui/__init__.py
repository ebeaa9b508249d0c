"""The Textual viewer of buildtrace: step through a Keras build while the model trains.

Start it with ``buildtrace tui SCRIPT.py`` (or ``TRACE.jsonl``), or from Python with
:func:`tui.app.create_app`. It only reads events (live from a child process, or from a
file) and the public model state folds of :mod:`buildtrace.state`.

Adding a panel:
    Write one module in ``tui/widgets/``: the widget, a ``refresh(widget, app, moment)``
    that redraws it for the cursor, and ``PANEL = PanelSpec(name, place, order, key,
    title, tab=..., widget=..., refresh=..., css=...)`` (see :mod:`tui.panel_spec`); put
    its styles in a ``.tcss`` beside it. The registry (:mod:`tui.panels`) finds it, and
    from it the shell (:mod:`tui.app`) composes the widget in its place, the layouts
    (:mod:`tui.panel_layout`: wide, small-screen tabs, presenter mode) show and hide it,
    the key map binds its key (help screen, footer, zoom screen and the command palette,
    :mod:`tui.commands`, follow), a lesson step's ``show`` can mark it, and the
    stylesheet's rules for every panel apply to it (the shell gives it the class
    ``panel``). That is one file (two with its ``.tcss``). Before the registry it was 7
    files in 13 places: the widget; ``widgets/__init__.py`` twice (import, ``__all__``);
    ``app.py`` three times (import, compose, redraw); ``panel_layout.py`` twice (panels,
    tabs); ``keymap.py``; ``app.tcss`` three times (title rule, compact, lesson accent);
    and the lesson's panel names in ``lesson_actions.py``.

The shell, :class:`tui.app.BuildTraceApp`, is built from mixins, each a module:
:mod:`tui.panel_actions` (layout, zoom), :mod:`tui.find_actions` (breakpoints, search),
:mod:`tui.lesson_actions` (lessons, presenting), :mod:`tui.motion_actions` (stepping)
and :mod:`tui.run_actions` (the source, the status bar, lockstep and pause).
"""

from __future__ import annotations

import os

# Textual redraws at most TEXTUAL_FPS times a second and waits a whole frame before the
# first redraw after a change: at its default of 60 that is 17 ms added to every key.
# 120 halves it; the viewer redraws only what changed, so the cost stays small. Set here
# (before Textual is imported) and only if the user has not chosen.
os.environ.setdefault("TEXTUAL_FPS", "120")
