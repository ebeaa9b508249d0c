"""The name of the data a model trains on, so that figures never go unlabelled.

Offline, ``keras.datasets.mnist.load_data`` gives buildtrace's drawn stand-in digits,
on which the seed model reaches accuracies MNIST never gives: a screen of training
figures must say which data they come from. The name is found, in this order of trust:

- a field of an event: ``dataset_label`` (the words to show, on ``load_data``'s
  ``return``), ``dataset`` (``"standin"``, ``"mnist"``, a name, or ``{"name": ...}``),
  or, on an event of a ``keras.datasets`` function, ``source`` (``"standin"``,
  ``"keras-cache"``, ``"dir"``) or ``standin`` (true/false). Traces written before such
  fields existed have none;
- the script's own output (a live run): the one line the loader prints when it falls
  back to the stand-in, or the download of ``mnist.npz``.

Nothing found: no name is claimed (the viewer says the trace does not name its data).

Example:
    >>> label_of_event({"kind": "return", "name": "keras.datasets.mnist.load_data",
    ...                 "dataset": "standin", "dataset_label": "stand-in digits (not MNIST)"})
    'stand-in digits (not MNIST)'
    >>> label_in_output("Downloading data from https://.../mnist.npz")
    'MNIST'
"""

from __future__ import annotations

from collections.abc import Mapping

from buildtrace.trace import Event

#: The names shown.
STANDIN = "stand-in digits (not MNIST)"
MNIST = "MNIST"

#: Events that never carry the data's name (the bulk of a trace: skipped fast).
_SKIPPED_KINDS = frozenset({"batch_end", "batch_begin", "set", "add_weight"})

#: The ``source`` values of ``keras.datasets.mnist`` that are MNIST itself.
_MNIST_SOURCES = frozenset({"keras-cache", "dir", "download", "mnist"})

#: ``dataset`` codes, and the names they stand for.
_CODES = {"standin": STANDIN, "stand-in": STANDIN, "mnist": MNIST}


def _named(value: str) -> str:
    """A name as given, with "(not MNIST)" made plain for a stand-in."""
    name = " ".join(value.split())
    lower = name.lower()
    if ("stand-in" in lower or "standin" in lower) and "not mnist" not in lower:
        return f"{name} (not MNIST)"
    return name


def label_of_event(event: Event) -> str | None:
    """The data's name if ``event`` says it, else None."""
    if event.get("kind") in _SKIPPED_KINDS:
        return None
    label = event.get("dataset_label")
    if isinstance(label, str) and label.strip():
        return _named(label)
    dataset = event.get("dataset")
    if isinstance(dataset, dict):
        dataset = dataset.get("label") or dataset.get("name")
    if isinstance(dataset, str) and dataset.strip():
        return _CODES.get(dataset.strip().lower()) or _named(dataset)
    name = event.get("name")
    if not isinstance(name, str) or ".datasets." not in f".{name}":
        return None
    # Fields outside the contract, which other writers of traces may add: read through
    # a plain mapping on purpose (the typed view would call them misspelt).
    loose: Mapping[str, object] = event
    standin, source = loose.get("standin"), loose.get("source")
    if standin is True or source == "standin":
        return STANDIN
    if standin is False or source in _MNIST_SOURCES:
        return MNIST if ".mnist." in name else None
    return None


def label_in_output(text: str) -> str | None:
    """The data's name if the script's output ``text`` says it, else None."""
    lower = text.lower()
    if "stand-in digits" in lower and "not mnist" in lower:
        return STANDIN
    if "downloading data from" in lower and "mnist.npz" in lower:
        return MNIST
    return None
