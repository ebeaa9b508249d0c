"""``python -m buildtrace``: the ``buildtrace`` command, for when its script is not on PATH.

``buildtrace serve`` relies on it: each browser's viewer is started with the very Python
that runs the server, whatever the shell's PATH says.
"""

from __future__ import annotations

import sys

from buildtrace.cli import main

if __name__ == "__main__":
    sys.exit(main())
