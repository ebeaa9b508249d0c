"""The trace contract as types: one ``TypedDict`` per event kind, so mypy checks reads.

:mod:`buildtrace.trace.contract` checks each event at run time, once, where a line is
read; this module says the same thing to the type checker, so that a reader writing
``event["atr"]`` or ``event.get("initialiser")`` is told so before it runs. The two
are kept in step by ``tests/trace/test_event_types.py``: every field the contract
checks is declared here with a matching type, required where the contract requires it.

Two views of one event:

- :class:`Event`, what every reader takes: all the fields of all the kinds, none of
  them promised (``total=False``), so that ``event.get("shape")`` type-checks on any
  event and a misspelt key does not.
- :class:`CallEvent`, :class:`SetEvent`, ...: one per kind, with the kind's required
  fields required. :func:`is_call`, :func:`is_set`... narrow an :class:`Event` to one of
  them after looking at its ``kind`` (as the contract has already made sure of the rest).

Why ``TypedDict`` and not classes: an event stays the plain dict that ``json.loads``
gives and ``json.dumps`` takes (DESIGN.md: a reader never needs our classes); the types
cost nothing at run time.

Example:
    >>> event: Event = {"kind": "set", "name": "Dense.built", "attr": "built",
    ...                 "old": False, "value": True}
    >>> if is_set(event):
    ...     print(event["attr"], event["value"])
    built True
"""

from __future__ import annotations

from typing import Literal, TypeAlias, TypedDict, TypeGuard, get_args

#: A flag's value in a ``set`` event: null, a boolean, a number or a short string.
Scalar: TypeAlias = bool | int | float | str | None
#: One tensor's shape: sizes, ``None`` for an unknown (batch) size.
Dims: TypeAlias = list[int | None]
#: A weight's shape: known sizes only.
WeightShape: TypeAlias = list[int]
#: An ``input_shape`` as the code received it: a shape, a list of shapes, a size, a
#: name, or null (a recursive union the contract walks): ``object``, so a reader looks before
#: it uses one.
ShapeLike: TypeAlias = object
#: ``[layer, node_index, tensor_index]``: one inbound tensor of a node.
Inbound: TypeAlias = list[str | int]
#: Training logs: metric name -> number (NaN and infinities included: a fit diverges).
Logs: TypeAlias = dict[str, float]

CallKind = Literal["call"]
ReturnKind = Literal["return"]
RaiseKind = Literal["raise"]
SetKind = Literal["set"]
AddWeightKind = Literal["add_weight"]
CompileKind = Literal["compile"]
TrainingKind = Literal[
    "train_begin",
    "train_end",
    "epoch_begin",
    "epoch_end",
    "batch_begin",
    "batch_end",
    "test_begin",
    "test_end",
    "predict_begin",
    "predict_end",
]


class _Common(TypedDict):
    """The fields every event carries (DESIGN.md section 3)."""

    seq: int
    t: float
    name: str
    depth: int
    layer: str | None


class _CommonExtras(TypedDict, total=False):
    """Fields any event may carry: the format version (first line at least), the
    class a call is about, and where it happened in the source."""

    v: int
    cls: str
    src: str
    caller: str
    tf_function: str
    tf_trace: int


class _Base(_Common, _CommonExtras):
    pass


class _CallRequired(_Base):
    kind: CallKind


class CallEvent(_CallRequired, total=False):
    """A traced function starts. Mirrors the entry of the Keras 2 function ``name``."""

    input_shape: ShapeLike
    node_of: str
    node_index: int
    inbound: list[Inbound]
    output_shapes: list[Dims]
    added: str
    tensor: str
    recorded: list[str]
    recorded_count: int
    sources: int


class _ReturnRequired(_Base):
    kind: ReturnKind


class ReturnEvent(_ReturnRequired, total=False):
    """A traced function ends; ``call`` is the ``seq`` of its ``call`` event."""

    call: int
    config: dict[str, object] | None
    layers: list[str]
    output_shape: ShapeLike
    dataset: str
    dataset_label: str
    iterations: int


class _RaiseRequired(_Base):
    kind: RaiseKind
    error_type: str
    message: str


class RaiseEvent(_RaiseRequired, total=False):
    """A traced function ends by an exception (``origin``: it was raised right there)."""

    origin: bool
    uncaught: bool
    call: int


class _SetRequired(_Base):
    kind: SetKind
    attr: str
    old: Scalar
    value: Scalar


class SetEvent(_SetRequired, total=False):
    """A flag is written (``built``, ``_graph_initialized``...): ``old`` -> ``value``."""


class _AddWeightRequired(_Base):
    kind: AddWeightKind
    weight: str
    shape: WeightShape
    dtype: str
    initializer: str
    trainable: bool


class AddWeightEvent(_AddWeightRequired, total=False):
    """A weight is made. Mirrors ``keras.engine.base_layer.Layer.add_weight``."""

    variable: str
    params: int
    owner: str


class _TrainingFields(TypedDict, total=False):
    """The fields of the training kinds (the Keras callback hooks' arguments)."""

    epoch: int
    epochs: int | None
    batch: int
    steps: int | None
    samples: int | None
    batch_size: int | None
    logs: Logs | None


class _CompileRequired(_Base):
    kind: CompileKind


class CompileEvent(_CompileRequired, _TrainingFields, total=False):
    """``Model.compile`` was called: the optimizer, the loss and the metrics chosen."""

    optimizer: str
    optimizer_config: dict[str, object] | None
    loss: str | None
    metrics: list[str]


class _TrainingRequired(_Base):
    kind: TrainingKind


class TrainingEvent(_TrainingRequired, _TrainingFields, total=False):
    """A training hook ran (``epoch_begin``, ``batch_end``...), with its logs."""


#: Any event, narrowed to its kind: what ``is_call`` and the others tell apart.
KindEvent: TypeAlias = (
    CallEvent | ReturnEvent | RaiseEvent | SetEvent | AddWeightEvent | CompileEvent | TrainingEvent
)

#: The TypedDict of each kind (the test compares them with ``contract.BY_KIND``).
TYPED_KINDS: dict[str, type] = {
    "call": CallEvent,
    "return": ReturnEvent,
    "raise": RaiseEvent,
    "set": SetEvent,
    "add_weight": AddWeightEvent,
    "compile": CompileEvent,
    **{kind: TrainingEvent for kind in get_args(TrainingKind)},
}


class Event(TypedDict, total=False):
    """One event as a reader sees it: every field of every kind, none promised.

    A reader that needs a kind's required fields narrows first (``is_set(event)``); one
    that only peeks (``event.get("shape")``) reads this directly. Either way a key that
    is not in the contract is a type error.
    """

    # every kind
    v: int
    seq: int
    t: float
    kind: str
    name: str
    depth: int
    layer: str | None
    cls: str
    src: str
    caller: str
    tf_function: str
    tf_trace: int
    # call
    input_shape: ShapeLike
    node_of: str
    node_index: int
    inbound: list[Inbound]
    output_shapes: list[Dims]
    added: str
    tensor: str
    recorded: list[str]
    recorded_count: int
    sources: int
    # return (and raise: ``call``)
    call: int
    config: dict[str, object] | None
    layers: list[str]
    output_shape: ShapeLike
    dataset: str
    dataset_label: str
    iterations: int
    # raise
    error_type: str
    message: str
    origin: bool
    uncaught: bool
    # set
    attr: str
    old: Scalar
    value: Scalar
    # add_weight
    weight: str
    shape: WeightShape
    dtype: str
    initializer: str
    trainable: bool
    variable: str
    params: int
    owner: str
    # compile
    optimizer: str
    optimizer_config: dict[str, object] | None
    loss: str | None
    metrics: list[str]
    # training
    epoch: int
    epochs: int | None
    batch: int
    steps: int | None
    samples: int | None
    batch_size: int | None
    logs: Logs | None


#: The name of a field of :class:`Event`: what a reader that picks fields by a variable
#: (``for key in ("shape", "dtype")``) types its keys as, so a typo there is caught too.
EventKey = Literal[
    "v",
    "seq",
    "t",
    "kind",
    "name",
    "depth",
    "layer",
    "cls",
    "src",
    "caller",
    "tf_function",
    "tf_trace",
    "input_shape",
    "node_of",
    "node_index",
    "inbound",
    "output_shapes",
    "added",
    "tensor",
    "recorded",
    "recorded_count",
    "sources",
    "call",
    "config",
    "layers",
    "output_shape",
    "dataset",
    "dataset_label",
    "iterations",
    "error_type",
    "message",
    "origin",
    "uncaught",
    "attr",
    "old",
    "value",
    "weight",
    "shape",
    "dtype",
    "initializer",
    "trainable",
    "variable",
    "params",
    "owner",
    "optimizer",
    "optimizer_config",
    "loss",
    "metrics",
    "epoch",
    "epochs",
    "batch",
    "steps",
    "samples",
    "batch_size",
    "logs",
]


def is_call(event: Event) -> TypeGuard[CallEvent]:
    """Whether ``event`` is a ``call`` (and so typed as one).

    Example:
        >>> is_call({"kind": "call"}), is_call({"kind": "return"})
        (True, False)
    """
    return event.get("kind") == "call"


def is_return(event: Event) -> TypeGuard[ReturnEvent]:
    """Whether ``event`` is a ``return``."""
    return event.get("kind") == "return"


def is_raise(event: Event) -> TypeGuard[RaiseEvent]:
    """Whether ``event`` is a ``raise`` (its ``error_type`` and ``message`` then read)."""
    return event.get("kind") == "raise"


def is_set(event: Event) -> TypeGuard[SetEvent]:
    """Whether ``event`` is a ``set`` (its ``attr``, ``old`` and ``value`` then read)."""
    return event.get("kind") == "set"


def is_add_weight(event: Event) -> TypeGuard[AddWeightEvent]:
    """Whether ``event`` is an ``add_weight`` (its ``weight``, ``shape``... then read)."""
    return event.get("kind") == "add_weight"


def is_compile(event: Event) -> TypeGuard[CompileEvent]:
    """Whether ``event`` is a ``compile``."""
    return event.get("kind") == "compile"


def is_training(event: Event) -> TypeGuard[TrainingEvent]:
    """Whether ``event`` is one of the training hooks' (``epoch_begin``, ``batch_end``...).

    Example:
        >>> is_training({"kind": "batch_end"}), is_training({"kind": "compile"})
        (True, False)
    """
    return event.get("kind") in _TRAINING_KINDS


_TRAINING_KINDS = frozenset(get_args(TrainingKind))
