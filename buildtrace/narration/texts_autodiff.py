"""Lessons for hand-written training: ``tf.GradientTape``, ``tf.function``, ``apply_gradients``.

Checked against TensorFlow 2.x ``tensorflow/python/eager/backprop.py``
(``GradientTape.gradient`` walks the ops recorded while the tape was open, from the
target back to the sources, and a non-persistent tape lets go of them afterwards),
``eager/polymorphic_function/polymorphic_function.py`` (``Function.__call__`` traces the
Python function into a graph on its first call and runs the graph afterwards) and tf-keras
``keras/optimizers/optimizer.py`` (``apply_gradients``: build the slots on first use, clip,
``update_step`` per variable, ``iterations += 1``).
"""

from __future__ import annotations

from buildtrace.narration.context import Ctx, code, join, plural
from buildtrace.narration.registry import function
from buildtrace.trace import keras_names

TAPE = "tensorflow.python.eager.backprop.GradientTape."
FUNCTION = "tensorflow.python.eager.polymorphic_function.polymorphic_function.Function."
OPTIMIZER = keras_names.OPTIMIZER


def _recorded(ctx: Ctx) -> str:
    names = ctx.get("recorded") or []
    count = ctx.get("recorded_count")
    if not names:
        return "The tape recorded no op that the target depends on, so every gradient is None."
    more = "" if count is None or count <= len(names) else f" (and {count - len(names)} more)"
    return (
        f"While it was open the tape recorded {plural(count or len(names), 'op')}: "
        f"{join(code(n) for n in names)}{more}. A Keras layer is one op here, whose backward "
        "pass is the layer's own gradient rule; a loss is one op too."
    )


function(
    TAPE + "gradient",
    title="GradientTape.gradient — differentiate what the tape recorded",
    why=(
        "TensorFlow runs ops eagerly and keeps no graph; the tape remembers each op run "
        "inside its with-block, so that the chain rule can be applied afterwards, backwards "
        "from the loss."
    ),
    call=lambda ctx: (
        f"{code('tape.gradient(loss, sources)')} walks the recorded ops from the last to the "
        "first, handing each op the gradient of the loss with respect to its output and "
        "getting back the gradients with respect to its inputs (its vector-Jacobian "
        f"product). {_recorded(ctx)} It returns one gradient per source "
        f"({plural(ctx.get('sources') or 0, 'source')}), shaped like it; a source the loss "
        "does not depend on gets None."
    ),
    done=(
        "The gradients are ready, one per source. A tape that is not persistent has now "
        "let go of what it recorded: a second gradient call would fail."
    ),
)

function(
    FUNCTION + "__call__",
    title="tf.function — the first call traces, later calls run the graph",
    why=(
        "Running Python per batch is slow; a tf.function runs the Python once to trace a "
        "graph of TensorFlow ops and then runs that graph for every later call."
    ),
    call=lambda ctx: (
        f"This is the first call of a {code('@tf.function')}: TensorFlow runs the Python "
        "function once, recording the ops it runs into a graph, which is why everything it "
        "does (the model's forward pass, the tape, the optimizer) shows up underneath. "
        "buildtrace runs the Python function every time but, like the graph, later calls "
        "show no events."
    ),
    done="The function has been traced; the following calls run silently.",
)


def _iterations(ctx: Ctx) -> str:
    count = ctx.get("iterations")
    return "" if count is None else f" The optimizer has now taken {plural(count, 'step')}."


function(
    OPTIMIZER + "apply_gradients",
    title="Optimizer.apply_gradients — update each weight from its gradient",
    why=(
        "Gradients only say which way is downhill; the optimizer decides how far to move "
        "each weight, using its learning rate and its own state (momentum, moving averages)."
    ),
    call=lambda ctx: (
        f"{code('apply_gradients(zip(grads, variables))')} takes (gradient, variable) pairs. "
        "On first use it builds its slot variables (one or two per weight, such as RMSprop's "
        "velocity); then it drops pairs whose gradient is None, clips if asked, runs "
        f"{code('update_step')} for every variable (changing it in place) and adds one to "
        f"{code('iterations')}."
    ),
    done=lambda ctx: f"Every variable has been updated in place.{_iterations(ctx)}",
)
