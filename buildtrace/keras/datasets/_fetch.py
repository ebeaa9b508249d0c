"""Download-or-stand-in, shared by the datasets beyond MNIST.

Each ``keras.datasets.<name>.load_data`` looks for Keras's file in the Keras cache
(``~/.keras/datasets``), downloads it from Keras's URL with Keras's checksum when it is
missing (``keras.utils.get_file``), and, when that is impossible (offline, or
``BUILDTRACE_OFFLINE=1``), says so in ONE line on stderr and returns a labelled
stand-in of the same shapes and dtypes (random data with learnable structure, NOT the
dataset). A checksum failure always raises.
"""

from __future__ import annotations

import sys
from typing import Any

from buildtrace.keras.utils import data_utils

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def fetch(dataset: str, fname: str, origin: str, **get_file_args: Any) -> str | None:
    """The local path of Keras's file for ``dataset``, or None (then use the stand-in)."""
    try:
        return data_utils.get_file(fname, origin=origin, **get_file_args)
    except data_utils.DownloadError as err:
        say_standin(dataset, str(err))
        return None


def say_standin(dataset: str, reason: str) -> None:
    """The one line that says the data is not the real dataset."""
    print(
        f"buildtrace: {dataset} is not available offline ({reason}); using a labelled "
        f"stand-in of the same shapes and dtypes (random data, NOT {dataset}).",
        file=sys.stderr,
        flush=True,
    )
