"""The trace contract, checked: what a reader may trust about every event it yields.

DESIGN.md section 3 says which fields every event carries and which each kind adds.
:func:`check_event` checks exactly that, once, where a line of a trace is read: the
type of every field the views read, for every kind, and the sizes of what they walk
(string lengths, list lengths, shape ranks, nesting). An event that passes can be
folded (:mod:`buildtrace.state`), narrated and drawn without further checks; one that
does not becomes a :class:`TraceFormatError` naming the file, the line and the reason.

Fields this buildtrace does not know are kept as they are (the contract lets writers
add fields); only their size and nesting are bounded, since some views list them.

Example:
    >>> check_event({"v": 1, "seq": 0, "t": 0.0, "kind": "set", "name": "Dense.built",
    ...              "depth": 1, "layer": "dense", "attr": "built", "old": False,
    ...              "value": True})
    >>> check_event({"v": 1, "seq": 0, "t": 0.0, "kind": "add_weight", "name": "add_weight",
    ...              "depth": 1, "layer": "dense", "weight": "kernel", "shape": 784,
    ...              "dtype": "float32", "initializer": "GlorotUniform", "trainable": True})
    Traceback (most recent call last):
    ...
    buildtrace.trace.contract.TraceFormatError: add_weight field 'shape' must be a list of \
sizes (whole numbers >= 0), not int 784
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from buildtrace.trace.events import BUILD_KINDS, FORMAT_VERSION, TRAINING_KINDS

#: Longest line read (bytes): a model's whole config fits many times over.
MAX_LINE = 8 << 20
#: Longest name-like string (function, layer, class, attribute, weight, dtype...).
MAX_NAME = 1024
#: Longest free text (an error message, a tensor's repr, a source location).
MAX_TEXT = 64 << 10
#: Longest list anywhere in an event (a model's layers, a node's inbound tensors).
MAX_ITEMS = 100_000
#: Most dimensions of a shape (numpy's own limit is 64).
MAX_RANK = 64
#: Deepest nesting of lists and objects in an event (configs nest a few levels).
MAX_NESTING = 24
#: Deepest call nesting (``depth``): far beyond Python's own recursion limit.
MAX_DEPTH = 100_000
#: Largest whole number in a field the views count or index with (2**53: exact in floats).
MAX_INT = 1 << 53

KNOWN_KINDS = frozenset(BUILD_KINDS) | frozenset(TRAINING_KINDS)


class TraceFormatError(ValueError):
    """A trace this buildtrace cannot read: where (``path``, ``line``) and why (``reason``).

    ``str(error)`` is one line: ``trace.jsonl:61: add_weight field 'shape' must be ...``.

    Example:
        >>> str(TraceFormatError("not JSON", path="t.jsonl", line=3))
        't.jsonl:3: not JSON'
    """

    def __init__(self, reason: str, *, path: str | None = None, line: int | None = None) -> None:
        self.reason = reason
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(where + reason)

    def at(self, path: str, line: int) -> TraceFormatError:
        """The same error, located in ``path`` at ``line``."""
        return TraceFormatError(self.reason, path=path, line=line)


#: What buildtrace itself calls this exception in prose: the error of a bad trace.
TraceError = TraceFormatError

Check = Callable[[Any], bool]


def _describe(value: Any) -> str:
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(value).__name__} {text}"


def _is_int(value: Any) -> bool:
    return type(value) is int and -MAX_INT <= value <= MAX_INT


def _is_count(value: Any) -> bool:
    return type(value) is int and 0 <= value <= MAX_INT


def _is_number(value: Any) -> bool:
    """A finite number (a time, a size): NaN and infinities are refused."""
    if type(value) is int:
        return -MAX_INT <= value <= MAX_INT
    return type(value) is float and math.isfinite(value)


def _is_metric(value: Any) -> bool:
    """A metric's value: a training that diverged logs NaN or infinity, honestly."""
    return type(value) is float or (type(value) is int and -MAX_INT <= value <= MAX_INT)


def _is_name(value: Any) -> bool:
    return type(value) is str and len(value) <= MAX_NAME


def _is_text(value: Any) -> bool:
    return type(value) is str and len(value) <= MAX_TEXT


def _is_bool(value: Any) -> bool:
    return type(value) is bool


def _optional(check: Check) -> Check:
    def optional(value: Any) -> bool:
        return value is None or check(value)

    return optional


def _is_scalar(value: Any) -> bool:
    """A flag's value: null, a boolean, a number or a short string."""
    return value is None or type(value) is bool or _is_number(value) or _is_name(value)


def _is_dims(value: Any) -> bool:
    """One tensor's shape: sizes, ``null`` for an unknown (batch) size."""
    return (
        type(value) is list
        and len(value) <= MAX_RANK
        and all(d is None or _is_count(d) for d in value)
    )


def _is_weight_shape(value: Any) -> bool:
    """A weight's shape: known sizes only (a weight is made with all of them)."""
    return type(value) is list and len(value) <= MAX_RANK and all(_is_count(d) for d in value)


def _is_shape_like(value: Any, nesting: int = 0) -> bool:
    """An ``input_shape`` as the code received it: a shape, a list of shapes, a size, a
    name, or null (Keras lets a ``build`` be called with any of these)."""
    if value is None or _is_int(value) or _is_name(value):
        return True
    if type(value) is not list or len(value) > MAX_RANK or nesting >= 4:
        return False
    return all(_is_shape_like(item, nesting + 1) for item in value)


def _is_shape_list(value: Any) -> bool:
    return type(value) is list and len(value) <= MAX_ITEMS and all(_is_dims(s) for s in value)


def _is_names(value: Any) -> bool:
    return type(value) is list and len(value) <= MAX_ITEMS and all(_is_name(n) for n in value)


def _is_inbound(value: Any) -> bool:
    """``[[layer, node_index, tensor_index], ...]``: the layers feeding a node."""
    return (
        type(value) is list
        and len(value) <= MAX_ITEMS
        and all(
            type(entry) is list
            and 1 <= len(entry) <= 3
            and _is_name(entry[0])
            and all(_is_int(i) for i in entry[1:])
            for entry in value
        )
    )


def _is_logs(value: Any) -> bool:
    """Training logs: metric name -> number."""
    if type(value) is not dict or len(value) > 1024:
        return False
    for key, number in value.items():  # a loop: this runs for every batch of a fit
        if type(key) is not str or len(key) > MAX_NAME:
            return False
        if type(number) is not float and not (type(number) is int and _is_int(number)):
            return False
    return True


def _is_object(value: Any) -> bool:
    """A JSON object (a layer's or optimizer's config); its size is bounded by the line."""
    return type(value) is dict


# (field, check, required, what the field must be, said in an error)
Spec = tuple[tuple[str, Check, bool, str], ...]

_NAME = "a string of at most 1024 characters"
_OPT_NAME = "a string of at most 1024 characters, or null"
_TEXT = "a string of at most 65536 characters"
_INT = "a whole number"
_OPT_COUNT = "a whole number >= 0, or null"
_SHAPES = "a list of shapes (lists of sizes or null)"

COMMON: Spec = (
    ("seq", _is_count, True, "a whole number >= 0"),
    ("t", _is_number, True, "a finite number (seconds)"),
    ("name", _is_name, True, _NAME),
    ("depth", lambda v: type(v) is int and 0 <= v <= MAX_DEPTH, True, "a whole number >= 0"),
    ("layer", _optional(_is_name), True, _OPT_NAME),
    ("cls", _is_name, False, _NAME),
    ("src", _is_text, False, _TEXT),
    ("caller", _is_text, False, _TEXT),
    # tf-keras engine: the tf.function a step runs in, and which tracing of it
    ("tf_function", _is_name, False, _NAME),
    ("tf_trace", _is_count, False, "a whole number >= 0"),
)

_TRAINING_COMMON: Spec = (
    ("epoch", _is_count, False, "a whole number >= 0"),
    ("epochs", _optional(_is_count), False, _OPT_COUNT),
    ("batch", _is_count, False, "a whole number >= 0"),
    ("steps", _optional(_is_count), False, _OPT_COUNT),
    ("samples", _optional(_is_count), False, _OPT_COUNT),
    ("batch_size", _optional(_is_count), False, _OPT_COUNT),
    ("logs", _optional(_is_logs), False, "an object of metric names and numbers, or null"),
)

BY_KIND: dict[str, Spec] = {
    "call": (
        ("input_shape", _is_shape_like, False, "a shape, a list of shapes, a size or null"),
        ("node_of", _is_name, False, _NAME),
        ("node_index", _is_int, False, _INT),
        ("inbound", _is_inbound, False, "a list of [layer, node index, tensor index]"),
        ("output_shapes", _is_shape_list, False, _SHAPES),
        ("added", _is_name, False, _NAME),
        ("tensor", _is_text, False, _TEXT),
        # GradientTape.gradient: the ops the tape recorded (the first few) and how many
        ("recorded", _is_names, False, "a list of op names"),
        ("recorded_count", _is_count, False, "a whole number >= 0"),
        ("sources", _is_count, False, "a whole number >= 0"),
    ),
    "return": (
        ("call", _is_int, False, _INT),
        ("config", _optional(_is_object), False, "an object or null"),
        ("layers", _is_names, False, "a list of layer names"),
        ("output_shape", _is_shape_like, False, "a shape, a list of shapes, a size or null"),
        ("dataset", _is_name, False, _NAME),
        ("dataset_label", _is_text, False, _TEXT),
        ("iterations", _is_count, False, "a whole number >= 0"),
    ),
    "raise": (
        ("error_type", _is_name, True, _NAME),
        ("message", _is_text, True, _TEXT),
        ("origin", _is_bool, False, "true or false"),
        ("uncaught", _is_bool, False, "true or false"),
        ("call", _is_int, False, _INT),
    ),
    "set": (
        ("attr", _is_name, True, _NAME),
        ("old", _is_scalar, True, "null, true/false, a number or a short string"),
        ("value", _is_scalar, True, "null, true/false, a number or a short string"),
    ),
    "add_weight": (
        ("weight", _is_name, True, _NAME),
        ("shape", _is_weight_shape, True, "a list of sizes (whole numbers >= 0)"),
        ("dtype", _is_name, True, _NAME),
        ("initializer", _is_name, True, _NAME),
        ("trainable", _is_bool, True, "true or false"),
        ("variable", _is_name, False, _NAME),
        ("params", _is_count, False, "a whole number >= 0"),
        ("owner", _is_name, False, _NAME),
    ),
    "compile": (
        ("optimizer", _is_name, False, _NAME),
        ("optimizer_config", _optional(_is_object), False, "an object or null"),
        ("loss", _optional(_is_text), False, "a string or null"),
        ("metrics", _is_names, False, "a list of strings"),
    ),
}
for _kind in TRAINING_KINDS:
    BY_KIND[_kind] = BY_KIND.get(_kind, ()) + _TRAINING_COMMON


def check_version(value: Any) -> None:
    """Refuse a version this reader cannot read: a newer one, or one that is no version.

    ``1`` and ``1.0`` are the same number (JSON does not tell them apart reliably);
    ``"1"``, ``true`` or ``0.5`` are not buildtrace's.
    """
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is not int or value < 1:
        raise TraceFormatError(
            f'not a buildtrace trace: its format version "v" is {_describe(value)}, '
            "not a whole number"
        )
    if value > FORMAT_VERSION:
        raise TraceFormatError(
            f"trace format v{value} was written by a newer buildtrace; this one reads up "
            f"to v{FORMAT_VERSION}. Upgrade buildtrace to open it."
        )


def check_event(event: Any) -> None:
    """Check one parsed line against the trace contract.

    Raises:
        TraceFormatError: the reason (without a place: the reader adds file and line).
    """
    if type(event) is not dict:
        raise TraceFormatError(f"not a buildtrace event (a JSON {_json_type(event)})")
    if event.keys() == _BATCH_KEYS and _is_plain_batch(event):
        return  # the bulk of a long fit's trace, checked in one go
    kind = event.get("kind")
    if type(kind) is not str:
        raise TraceFormatError(
            "not a buildtrace event: no \"kind\"" if kind is None
            else f"field 'kind' must be a string, not {_describe(kind)}"
        )  # fmt: skip
    if "v" in event:
        check_version(event["v"])
    spec = BY_KIND.get(kind)
    if spec is None:
        shown = kind if len(kind) <= 40 else kind[:37] + "..."
        raise TraceFormatError(
            f"unknown event kind {shown!r} (this buildtrace reads {', '.join(sorted(KNOWN_KINDS))})"
        )
    _check_fields(event, kind, COMMON)
    _check_fields(event, kind, spec)


_BATCH_KEYS = frozenset(
    ("v", "seq", "t", "kind", "name", "depth", "layer", "epoch", "batch", "logs")
)


def _is_plain_batch(event: dict[str, Any]) -> bool:
    """A ``batch_end`` exactly as the engine writes it (the general checks say why not)."""
    v, seq, t, depth = event["v"], event["seq"], event["t"], event["depth"]
    epoch, batch, logs, name, layer = (
        event["epoch"], event["batch"], event["logs"], event["name"], event["layer"]
    )  # fmt: skip
    return (
        event["kind"] == "batch_end"
        and type(v) is int
        and v == FORMAT_VERSION
        and type(seq) is int
        and 0 <= seq <= MAX_INT
        and type(t) is float
        and -math.inf < t < math.inf
        and type(depth) is int
        and 0 <= depth <= MAX_DEPTH
        and type(epoch) is int
        and 0 <= epoch <= MAX_INT
        and type(batch) is int
        and 0 <= batch <= MAX_INT
        and type(name) is str
        and len(name) <= MAX_NAME
        and (layer is None or (type(layer) is str and len(layer) <= MAX_NAME))
        and _is_logs(logs)
    )


def _check_fields(event: dict[str, Any], kind: str, spec: Spec) -> None:
    for key, check, required, wanted in spec:
        value = event.get(key, _MISSING)
        if value is _MISSING:
            if required:
                raise TraceFormatError(f"{kind} event without its field {key!r}")
            continue
        if not check(value):
            raise TraceFormatError(f"{kind} field {key!r} must be {wanted}, not {_describe(value)}")


_MISSING = object()


def check_nesting(value: Any, limit: int = MAX_NESTING) -> None:
    """Refuse lists and objects nested deeper than ``limit`` (views walk them recursively)."""
    level: list[tuple[Any, int]] = [(value, 0)]
    while level:
        item, depth = level.pop()
        if depth > limit:
            raise TraceFormatError(f"nested more than {limit} levels deep")
        if type(item) is dict:
            level.extend((v, depth + 1) for v in item.values())
        elif type(item) is list:
            if len(item) > MAX_ITEMS:
                raise TraceFormatError(f"a list of {len(item)} items (at most {MAX_ITEMS})")
            level.extend((v, depth + 1) for v in item)


def clean_text(value: Any) -> Any:
    """``value`` with every string made safe to show: a control character other than tab
    and newlines (a terminal escape, say) becomes its visible picture (U+0001 -> U+2401),
    a lone surrogate (which cannot be written as UTF-8) becomes U+FFFD.

    A layer may be named anything, and the recorder writes what it was given; replacing
    rather than refusing keeps such a trace readable while no view ever prints the raw
    character.

    Example:
        >>> clean_text({"layer": "a\x1b[2Jb"})
        {'layer': 'a␛[2Jb'}
    """
    if type(value) is str:
        return _clean_string(value)
    if type(value) is dict:
        return {_clean_string(k): clean_text(v) for k, v in value.items()}
    if type(value) is list:
        return [clean_text(v) for v in value]
    return value


def _clean_string(text: str) -> str:
    if text.isprintable() or not any(_bad_char(c) for c in text):
        return text
    return "".join(_picture(c) if _bad_char(c) else c for c in text)


def _picture(char: str) -> str:
    code = ord(char)
    return chr(0x2400 + code) if code < 0x20 else "\ufffd"


def _bad_char(char: str) -> bool:
    code = ord(char)
    return (code < 0x20 and char not in "\t\n\r") or 0xD800 <= code <= 0xDFFF


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return "number"
