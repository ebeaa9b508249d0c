"""What a user's script finds around it under ``buildtrace run``, besides Keras.

- matplotlib draws headless: :func:`configure_plots` selects buildtrace's backend
  (``mpl_backend.py``), so ``plt.show()`` saves the figures instead of blocking.
- a package the script imports but the environment lacks (pandas, matplotlib...) gets
  one line saying how to add it to the environment buildtrace runs in
  (:func:`explain_missing_module`).
"""

from __future__ import annotations

import os
import sys

BACKEND = "module://buildtrace.runner.mpl_backend"

#: Import names whose pip package is named otherwise.
_PIP_NAMES = {"sklearn": "scikit-learn", "cv2": "opencv-python", "PIL": "pillow",
              "yaml": "pyyaml", "skimage": "scikit-image"}  # fmt: skip


def configure_plots() -> None:
    """Make matplotlib headless for the run (unless the script already imported it)."""
    if "matplotlib" not in sys.modules:
        os.environ["MPLBACKEND"] = BACKEND


def explain_missing_module(exc: BaseException) -> str | None:
    """For ``No module named 'pandas'``: the same, plus how to install it here."""
    if type(exc) is not ModuleNotFoundError or not exc.name:
        return None
    top = exc.name.split(".")[0]
    package = _PIP_NAMES.get(top, top)
    return (
        f"No module named '{exc.name}'. The script runs in buildtrace's Python "
        f"({sys.executable}); add the package there: {sys.executable} -m pip install {package}"
    )
