"""The viewer's compare mode: two traces stepped with one cursor over their aligned rows.

``buildtrace tui --compare A.jsonl B.jsonl``, ``buildtrace tui SCRIPT.py --engines
mini,tf-keras`` and ``buildtrace diff ... --tui`` open it. The two traces are reduced to
the teaching view and aligned by :func:`buildtrace.engines.compare.compare`; this
package shows that alignment: :mod:`tui.compare.cursor` (where each motion goes),
:mod:`tui.compare.keymap` (its keys), :mod:`tui.compare.aligned_view` and
:mod:`tui.compare.detail` (its widgets), :mod:`tui.compare.screen` (the screen),
:mod:`tui.compare.recording` (running a script under two engines, with progress) and
:mod:`tui.compare.app` (the app and its factory).
"""
