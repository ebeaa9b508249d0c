"""Lessons for the recurrent layers and the wrappers: ``RNN``, ``SimpleRNN``, ``LSTM``,
``GRU`` and their cells, ``DropoutRNNCellMixin``, ``Wrapper``, ``TimeDistributed`` and
``Bidirectional``.

Checked against tf-keras ``tf_keras/src/layers/rnn/``: ``base_rnn.py`` (``build`` builds
the cell for one step's shape inside the cell's name scope, marks it built, sets the
state specs, then ``super().build``), ``simple_rnn.py``, ``lstm.py`` and ``gru.py`` (each
cell's ``build`` calls ``super().build`` *first*, then adds kernel, recurrent_kernel and
bias; LSTM's bias starts with ones for the forget gate; GRU's bias is ``(2, 3·units)``
with ``reset_after``), ``base_wrapper.py``, ``time_distributed.py`` and
``bidirectional.py`` (the two RNNs are re-created from the layer's config).
"""

from __future__ import annotations

from buildtrace.narration import texts_weights  # noqa: F401  (its add_weight lesson, extended)
from buildtrace.narration.context import Ctx, code, is_shape, num, shape
from buildtrace.narration.layer_maths import in_shape, run_context
from buildtrace.narration.registry import KINDS, Parts, kind
from buildtrace.narration.texts_layers_more import _configured, fill, lesson

RNN = "rnn."
GATES = {"SimpleRNNCell": 1, "LSTMCell": 4, "GRUCell": 3}
CELL_OF = {"simple_rnn": "SimpleRNNCell", "lstm": "LSTMCell", "gru": "GRUCell"}


# ------------------------------------------------------------------------------ RNN
lesson(
    RNN + "base_rnn.RNN.__init__",
    "RNN.__init__ — a layer that runs a cell over time",
    "The cell holds the weights and one step's maths; the RNN layer loops it over the steps.",
    lambda ctx: (
        f"{ctx.subject} stores its cell and the loop's options: return_sequences (every "
        "step's output, or only the last), return_state, go_backwards. No weights: the cell "
        "will have them."
    ),
    _configured("return_sequences", "return_state", "go_backwards"),
)
lesson(
    RNN + "base_rnn.RNN.__call__",
    "RNN.__call__ — fold an initial_state into the inputs",
    "An encoder's final states can start a decoder: Keras passes them along as extra inputs.",
    lambda ctx: (
        f"{ctx.subject} checks for initial_state: if given, it joins the inputs (with its "
        "own input spec) before the usual Layer.__call__."
    ),
)


def _rnn_build(ctx: Ctx) -> str:
    x = ctx.get("input_shape")
    step = [x[0], *x[2:]] if is_shape(x) and len(x) >= 3 else None
    return (
        f"{code('RNN.build')} receives {shape(x)}. The cell sees one step at a time, so it is "
        f"built for {shape(step)} (the time axis removed), inside the layer's name scope: "
        "its weights will be named like lstm/lstm_cell/kernel:0. Then the cell is marked "
        "built, the state specs are set, and super().build marks the layer built."
    )


lesson(
    RNN + "base_rnn.RNN.build",
    "RNN.build — build the cell for one step",
    "The weights are the cell's; the layer only knows the sequence around it.",
    _rnn_build,
    lambda ctx: f"{ctx.subject} and its cell are built.",
)


LOOP = (
    "{subject} runs its {name} cell over every step of {input}, carrying the state from one "
    "step to the next, and returns {output}.{context}"
)


lesson(
    RNN + "base_rnn.RNN.call",
    "RNN.call — loop the cell over the steps",
    "Step t sees the input at t and the state left by step t − 1.",
    fill(LOOP, name="its"),
)
for _module, _layer, _cell in (
    ("simple_rnn", "SimpleRNN", "SimpleRNNCell"),
    ("lstm", "LSTM", "LSTMCell"),
    ("gru", "GRU", "GRUCell"),
):
    lesson(
        f"{RNN}{_module}.{_layer}.__init__",
        f"{_layer}.__init__ — make the cell, then RNN.__init__",
        "The layer is a thin loop around its cell; the cell holds the settings and weights.",
        fill(
            "{subject} creates its {cell} (named {module}_cell) with units, activations, "
            "initializers and dropout, then hands it to RNN.__init__.",
            cell=_cell,
            module=_module,
        ),
        _configured("units", "return_sequences", "return_state", "go_backwards"),
    )
    lesson(
        f"{RNN}{_module}.{_layer}.call",
        f"{_layer}.call — run the loop",
        "Keras 2 runs a fused loop (TensorFlow's while loop) rather than calling the cell "
        "step by step; buildtrace runs the same maths without tracing each step.",
        fill(LOOP, name=_cell),
    )
    lesson(
        f"{RNN}{_module}.{_cell}.__init__",
        f"{_cell}.__init__ — store units, activations and initializers",
        "A cell is one step of the recurrence: what a step computes from input and state.",
        fill(
            "{subject} stores units, activation (tanh){gates}, the kernel (glorot_uniform) and "
            "recurrent kernel (orthogonal) initializers, dropout, and its state size.",
            gates="" if _cell == "SimpleRNNCell" else ", recurrent_activation (sigmoid)",
        ),
        _configured("units", "activation"),
    )
    lesson(
        f"{RNN}{_module}.{_cell}.call",
        f"{_cell}.call — one step",
        "New state from the input at this step and the previous state.",
        fill(
            "{subject} computes one step of {cell}: the gates from input · kernel + "
            "state · recurrent_kernel + bias, then the new state.{context}",
            cell=_cell,
        ),
    )


def _cell_build(ctx: Ctx) -> str:
    x = ctx.get("input_shape")
    config = ctx.config()
    cls = ctx.cls or "the cell"
    gates = GATES.get(cls, 1)
    units = config.get("units")
    features = x[-1] if is_shape(x) and x else None
    if not isinstance(units, int) or not isinstance(features, int):
        sizes = "kernel (features × gates·units), recurrent_kernel (units × gates·units), bias"
    else:
        width = gates * units
        sizes = (
            f"kernel {features} × {width}, recurrent_kernel {units} × {width} and bias "
            f"{'2 × ' if cls == 'GRUCell' and config.get('reset_after', True) else ''}{width}: "
            f"{num(features * width + units * width + width * (2 if cls == 'GRUCell' else 1))} "
            "parameters"
        )
    extra = {
        "LSTMCell": " The 4 blocks are the gates i, f, c, o; the forget gate's bias starts at 1.",
        "GRUCell": " The 3 blocks are the gates z, r, h; with reset_after the bias has two rows.",
    }.get(cls, "")
    return (
        f"{code(cls + '.build')} receives one step's shape {shape(x)}. It calls super().build "
        f"first (so the cell is marked built before it has weights), then adds {sizes}.{extra}"
    )


for _module, _cell in (("simple_rnn", "SimpleRNNCell"), ("lstm", "LSTMCell"), ("gru", "GRUCell")):
    lesson(
        f"{RNN}{_module}.{_cell}.build",
        f"{_cell}.build — kernel, recurrent_kernel and bias",
        "The recurrent kernel starts orthogonal, so repeated steps neither blow up nor fade.",
        _cell_build,
        lambda ctx: f"{ctx.subject} has its three weights.",
    )
lesson(
    RNN + "dropout_rnn_cell_mixin.DropoutRNNCellMixin.__init__",
    "DropoutRNNCellMixin.__init__ — dropout masks for a recurrent cell",
    "The same units are dropped at every step of a sequence ('variational' dropout).",
    lambda ctx: f"{ctx.subject} passes on to the next class in its chain of bases.",
)

# -------------------------------------------------------------------------- wrappers
lesson(
    RNN + "base_wrapper.Wrapper.__init__",
    "Wrapper.__init__ — hold the wrapped layer",
    "A wrapper changes how a layer is applied, not what it computes.",
    lambda ctx: f"{ctx.subject} stores the layer it wraps, then Layer.__init__.",
)
lesson(
    RNN + "base_wrapper.Wrapper.build",
    "Wrapper.build — build the wrapped layer directly",
    "The inner layer is built with build(), not through __call__: no _maybe_build for it.",
    lambda ctx: (
        f"{ctx.subject} builds its inner layer for {shape(ctx.get('input_shape'))}, marks it "
        "built, then calls Layer.build for itself."
    ),
    lambda ctx: f"{ctx.subject} and its inner layer are built.",
)
lesson(
    RNN + "time_distributed.TimeDistributed.__init__",
    "TimeDistributed.__init__ — apply a layer at every step",
    "One Dense applied to each step shares its weights across time.",
    lambda ctx: f"{ctx.subject} calls Wrapper.__init__ with the layer to apply at each step.",
)
lesson(
    RNN + "time_distributed.TimeDistributed.build",
    "TimeDistributed.build — build the inner layer for one step",
    "The inner layer never sees the time axis.",
    lambda ctx: (
        f"{ctx.subject} receives {shape(ctx.get('input_shape'))}, checks it has at least 3 "
        "axes, and builds the inner layer for the shape without the time axis (Wrapper.build)."
    ),
    lambda ctx: f"{ctx.subject} is built.",
)
lesson(
    RNN + "time_distributed.TimeDistributed.call",
    "TimeDistributed.call — merge batch and time, apply, split",
    "(batch · steps) rows through the inner layer at once, then back to (batch, steps, ...).",
    lambda ctx: (
        f"{ctx.subject} reshapes {shape(in_shape(ctx))} to one row per step, calls the inner "
        f"layer, and reshapes back to {shape(ctx.get('output_shape'))}.{run_context(ctx)}"
    ),
)
lesson(
    RNN + "bidirectional.Bidirectional.__init__",
    "Bidirectional.__init__ — a forward and a backward copy",
    "Reading a sentence both ways lets every position see what comes before and after.",
    lambda ctx: (
        f"{ctx.subject} re-creates the given RNN twice from its config: forward_<name>, and "
        "backward_<name> with go_backwards flipped. The merge mode says how to join them."
    ),
    _configured("merge_mode"),
)
lesson(
    RNN + "bidirectional.Bidirectional.build",
    "Bidirectional.build — build both directions",
    "Two independent sets of weights, one per direction.",
    lambda ctx: (
        f"{ctx.subject} builds the forward and the backward RNN directly (each through its "
        "own RNN.build and cell), then calls Layer.build, skipping Wrapper.build."
    ),
    lambda ctx: f"{ctx.subject} is built.",
)
lesson(
    RNN + "bidirectional.Bidirectional.call",
    "Bidirectional.call — run both directions and merge",
    "The backward sequence is reversed back, so step t of both outputs is the same word.",
    lambda ctx: (
        f"{ctx.subject} calls its forward and backward RNN on {shape(in_shape(ctx))} and "
        f"merges their outputs into {shape(ctx.get('output_shape'))}.{run_context(ctx)}"
    ),
)


# ------------------------------------------------------ a cell's add_weight, told more
_GATE_NAMES = {"LSTMCell": "i, f, c, o", "GRUCell": "z, r, h"}
_plain_add_weight = KINDS["add_weight"]


def _cell_weight_text(ctx: Ctx) -> str:
    cls, weight = ctx.cls or "", ctx.get("weight")
    gates = _GATE_NAMES.get(cls)
    text = ""
    if gates and weight in ("kernel", "recurrent_kernel"):
        source = "the step's input" if weight == "kernel" else "the previous state h"
        text = f" Its columns are the gates {gates} side by side, each reading {source}."
    elif weight == "bias" and cls == "LSTMCell":
        text = " Its forget-gate block starts at ones (unit_forget_bias), so a new LSTM remembers."
    elif weight == "bias" and cls == "GRUCell" and len(ctx.get("shape") or []) == 2:
        text = (
            " Row 0 is added to the input product, row 1 to the recurrent product "
            "(reset_after=True, Keras 2's default)."
        )
    owner = ctx.get("owner")
    if owner and owner != ctx.layer:
        found = ctx.layer_state(owner)
        counts = f": {code(owner)} now has {num(found.params)} parameters" if found else ""
        text += f" The weight counts for {code(owner)}, the layer the model holds{counts}."
    return text


@kind("add_weight")
def _add_weight(ctx: Ctx) -> Parts | None:
    """``texts_weights``'s lesson, plus what a recurrent cell's weight is made of."""
    parts = _plain_add_weight(ctx)
    if parts is None:
        return None
    extra = _cell_weight_text(ctx)
    return parts._replace(text=parts.text + extra) if extra else parts
