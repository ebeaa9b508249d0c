"""Lessons for ``Model`` (training.py): construction, ``compile``, ``fit`` and the steps.

Checked against tf-keras ``tf_keras/engine/training.py``: ``compile`` resolves the
optimizer, wraps loss and metrics in ``LossesContainer``/``MetricsContainer`` and calls
``_reset_compile_cache`` (``train_function = None`` ...); ``make_train_function`` wraps
``train_step`` in a ``tf.function`` unless ``run_eagerly`` and caches it on
``model.train_function``; ``train_step`` runs the forward pass and ``compute_loss`` under
a ``tf.GradientTape``, then ``optimizer.minimize(loss, trainable_variables, tape=tape)``
and ``compute_metrics``; ``fit`` makes the train function, then ``on_train_begin``, and
per epoch ``reset_metrics`` and the batches.
"""

from __future__ import annotations

from buildtrace.narration.context import Ctx, code, names
from buildtrace.narration.registry import function
from buildtrace.trace import keras_names

M = keras_names.MODEL

#: Why only the first step shows up in the trace (shared by several lessons).
TRACED_ONCE = (
    "Keras 2 wraps the step in a tf.function. On the first call TensorFlow runs the Python "
    "code to trace it into a graph, and it traces it a second time when that first trace "
    "created variables (optimizer slots, metric totals, the weights of a deferred build); "
    "every later batch runs the graph without running the Python again. buildtrace shows "
    "the first trace event by event and runs the other batches silently, one batch_end "
    "event each."
)

NO_TAPE = (
    "buildtrace's fit uses no tf.GradientTape: it runs the forward pass on its own tape (each "
    "layer keeps what its backward pass needs) and gets the gradients from per-layer "
    "vector-Jacobian products. The forward pass is shown as Keras runs it: the model's "
    "Layer.__call__, its call and _run_internal_graph, then each layer's Layer.__call__ and "
    "call."
)


def _unbuilt(ctx: Ctx) -> bool:
    flags = ctx.model()
    return flags is not None and not flags.built


function(
    M + "__init__",
    title="Model.__init__ — what a model adds to a layer",
    why=(
        "A Model is a Layer that can also train; the training parts stay empty until "
        "compile fills them."
    ),
    call=lambda ctx: (
        f"{code('Model.__init__')} runs {code('Layer.__init__')} (a model is a layer), then "
        f"adds what models have: a list of layers, {code('inputs')}/{code('outputs')} (None "
        "until there is a graph) and empty slots for the optimizer, the compiled loss and "
        f"metrics and the cached {code('train_function')}, {code('test_function')} and "
        f"{code('predict_function')}."
    ),
    done=lambda ctx: (
        f"{ctx.subject} is set up as a model (not built yet)."
        if ctx.layer
        else "The model is set up."
    ),
)

function(
    M + "build",
    title="Model.build — build a model that is not a graph",
    why="A subclassed model only learns its layers' input shapes by running its call once.",
    call=lambda ctx: (
        f"For a subclassed model, {code('Model.build')} makes placeholders of the given shape "
        f"in a scratch graph and runs the model's {code('call')} on them: each inner layer "
        f"is called on a plain tensor (no {code('Node')}, so {code('summary()')} will say "
        "'multiple') and builds on the way; then the model is marked built. A graph "
        f"model simply runs {code('Layer.build')}."
    ),
    done=lambda ctx: f"{ctx.subject} is built.",
)


def _compile_call(ctx: Ctx) -> str:
    return (
        f"{code('compile')} prepares {ctx.who} for training without touching its layers or "
        "weights: it resolves the optimizer (a name such as 'rmsprop' becomes an object), "
        f"wraps the loss in a {code('LossesContainer')} and the metrics in a "
        f"{code('MetricsContainer')}, and clears the cached {code('train_function')}, "
        f"{code('test_function')} and {code('predict_function')}, so the next fit makes new "
        "ones. The next event lists the settings."
    )


function(
    M + "compile",
    title="Model.compile — choose the optimizer, the loss and the metrics",
    why=(
        "Keeping the training settings apart from the architecture lets you build a model "
        "once and compile it several ways (and recompile to change the learning rate)."
    ),
    call=_compile_call,
    done=lambda ctx: f"{ctx.subject} is compiled.",
)


def _fit_call(ctx: Ctx) -> str:
    text = (
        f"{code('fit')} trains {ctx.who}: it cuts the data into batches (a "
        f"{code('DataHandler')}), gets the step function ({code('make_train_function')}), "
        "then for each epoch resets the metrics and calls the step on every batch, telling "
        "the callbacks (progress bar, History) as it goes."
    )
    if _unbuilt(ctx):
        text += f" {ctx.subject} is not built yet: its first training step will build it."
    return text


function(
    M + "fit",
    title="Model.fit — the training loop",
    why=(
        "One loop for every model: the per-batch work is train_step, which you can override, "
        "while fit handles batching, epochs, callbacks and validation."
    ),
    call=_fit_call,
    done=lambda ctx: f"{code('fit')} returns the History of {ctx.who}'s training.",
)

function(
    M + "make_train_function",
    title="Model.make_train_function — the function fit calls once per batch",
    why=TRACED_ONCE,
    call=lambda ctx: (
        f"Makes (or reuses, if cached) {ctx.who}'s {code('train_function')}: it takes one "
        f"batch and runs {code('train_step')} on it. Keras 2 wraps it in a "
        f"{code('tf.function')} and caches it on {code('model.train_function')} until the "
        "next compile."
    ),
    done=lambda ctx: f"{code('train_function')} is ready.",
)


def _train_step_call(ctx: Ctx) -> str:
    text = (
        f"One training step of {ctx.who} on a batch. In Keras 2: inside a "
        f"{code('tf.GradientTape')}, run the model ({code('self(x, training=True)')}) and "
        f"{code('compute_loss')}; then "
        f"{code('optimizer.minimize(loss, trainable_variables, tape)')} applies the "
        f"gradients, and {code('compute_metrics')} updates loss and metrics. "
        "This is the only training step recorded in full: TensorFlow traces it into a "
        "graph on the first batch (a second time when that trace created variables, such "
        "as optimizer slots or metric totals: buildtrace shows the first trace) and runs "
        "the graph for every later batch."
    )
    if _unbuilt(ctx):
        text += (
            f" {ctx.subject} is not built yet, so calling it on this batch builds it: watch "
            f"{code('Layer.__call__')} → {code('_maybe_build')} → {code('Sequential.call')} → "
            f"{code('_build_graph_network_for_inferred_shape')}."
        )
    return text + " " + NO_TAPE


function(
    M + "train_step",
    title="Model.train_step — forward, loss, gradients, update (traced once)",
    why=(
        "Gradients tell each weight which way to move to lower the loss; the optimizer takes "
        "a small step that way. Tracing the step once and reusing the graph makes the "
        "thousands of later steps fast."
    ),
    call=_train_step_call,
    done=lambda ctx: (
        f"The first training step of {ctx.who} is done; its logs arrive in the next "
        f"{code('batch_end')} event. The other steps run from the traced graph."
    ),
)

function(
    M + "test_step",
    title="Model.test_step — loss and metrics on a batch, no update (evaluate)",
    why="Evaluating on data the model never trained on shows how well it generalises.",
    call=lambda ctx: (
        f"One evaluation step of {ctx.who}: run the model with training=False (dropout off, "
        "batch normalisation on its moving statistics), compute the loss and update the "
        "metrics. No gradients, no weight update. Like train_step, it is traced once."
    ),
    done="The first evaluation step is done; the others run from the traced graph.",
)


def _will_run(ctx: Ctx) -> str:
    own = [
        name
        for name in ctx.model_layers()
        if (state := ctx.layer_state(name)) is None or not state.is_input
    ]
    return f" The layers it will run: {names(own)}." if own else ""


function(
    M + "predict_step",
    title="Model.predict_step — the model's output for a batch (predict)",
    why="predict only needs the forward pass, in inference mode.",
    call=lambda ctx: (
        f"{ctx.subject} computes its output for one batch with {code('self(x, training=False)')}. "
        "Like train_step, it is traced once; the other batches reuse the graph." + _will_run(ctx)
    ),
    done="The first prediction step is done; the others run from the traced graph.",
)


function(
    M + "predict",
    title="Model.predict — the model's outputs for data, batch by batch",
    why="predict runs only the forward pass, in inference mode, and joins the batches.",
    call=lambda ctx: (
        f"{code('predict')} cuts the data into batches, gets the step function "
        f"({code('make_predict_function')}) and runs {code('predict_step')} on every batch, "
        "then joins the outputs. " + TRACED_ONCE
    ),
    done=lambda ctx: f"{code('predict')} returns {ctx.who}'s outputs as numpy arrays.",
)


_SPLITS = code("(x_train, y_train), (x_test, y_test)")


def _data_loaded(ctx: Ctx) -> str:
    label = ctx.get("dataset_label")
    if ctx.get("dataset") == "standin":
        return (
            f"No MNIST here (offline): {code('load_data')} returned buildtrace's {label}, "
            "drawn by the program in MNIST's shapes. Accuracies on them are not MNIST's."
        )
    return f"{code('load_data')} returned the {label or 'MNIST'} arrays."


function(
    keras_names.MNIST_LOAD_DATA,
    title="mnist.load_data — the training data",
    why=(
        "Keras downloads MNIST once into its cache (~/.keras/datasets) and checks its "
        "checksum; offline, buildtrace falls back to stand-in digits and says so."
    ),
    call=lambda ctx: (
        f"{code('keras.datasets.mnist.load_data()')} returns {_SPLITS}: 60,000 and 10,000 "
        "images of 28×28 pixels (uint8) and their labels 0-9."
    ),
    done=_data_loaded,
)
