"""A matplotlib backend for scripts run by buildtrace: ``plt.show()`` saves, never blocks.

A script run under ``buildtrace run`` (or in the viewer's child process) has no window
to draw in, and an interactive ``plt.show()`` would wait forever. The runner selects
this backend (``MPLBACKEND=module://buildtrace.runner.mpl_backend``): it draws with Agg,
and its ``show()`` saves every open figure to ``figure_<n>.png`` in the working folder,
says so in one line each on stderr, and closes them, as closing the windows would.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

# Imported by name: matplotlib is the script's dependency, not buildtrace's, and this
# module is only ever loaded by matplotlib itself.
FigureCanvas: Any = importlib.import_module("matplotlib.backends.backend_agg").FigureCanvasAgg
FigureManager: Any = importlib.import_module("matplotlib.backend_bases").FigureManagerBase

_saved = 0


def show(*args: Any, **kwargs: Any) -> None:
    """Save each open figure to ``figure_<n>.png``, announce it, and close it."""
    global _saved
    plt: Any = importlib.import_module("matplotlib.pyplot")
    for number in plt.get_fignums():
        _saved += 1
        name = f"figure_{_saved}.png"
        plt.figure(number).savefig(name)
        print(f"buildtrace: plt.show() saved the figure to {name} (no window here)",
              file=sys.stderr)  # fmt: skip
    plt.close("all")
