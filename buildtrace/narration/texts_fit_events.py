"""Lessons for the training events: ``compile``, ``train_begin``, ``epoch_begin``,
``batch_end``, ``epoch_end``, ``train_end``, ``test_*`` and ``predict_*``.

These mirror the moments Keras 2's ``fit``/``evaluate``/``predict`` tell their callbacks
about (``CallbackList.on_train_begin`` ...), read from tf-keras
``tf_keras/engine/training.py`` and ``callbacks.py``: metrics are reset at each epoch,
the logs of a batch are running means over the epoch so far (the loss weighted by batch
size), and an epoch's logs are those of its last batch plus ``val_*`` when validating.
"""

from __future__ import annotations

import math
from typing import Any

from buildtrace.narration.context import Ctx, code, num, plural
from buildtrace.narration.registry import Parts, kind
from buildtrace.narration.texts_training import TRACED_ONCE

FIT = "keras/engine/training.py::Model.fit"


def logs_text(logs: Any) -> str:
    """``{"loss": 0.31, "accuracy": 0.9}`` -> ``loss 0.3100, accuracy 0.9000``."""
    if not isinstance(logs, dict) or not logs:
        return "no values"
    parts = []
    for key, value in logs.items():
        shown = f"{value:.4f}" if isinstance(value, int | float) else str(value)
        parts.append(f"{key} {shown}")
    return ", ".join(parts)


def _of(ctx: Ctx) -> str:
    return f" of {code(ctx.layer)}" if ctx.layer else ""


@kind("compile")
def compile_event(ctx: Ctx) -> Parts:
    optimizer = ctx.get("optimizer") or "the optimizer"
    config = ctx.get("optimizer_config") if isinstance(ctx.get("optimizer_config"), dict) else {}
    keys = ("learning_rate", "rho", "momentum", "beta_1", "beta_2", "epsilon")
    knobs = ", ".join(
        f"{k} {float(config[k]):g}" for k in keys if isinstance(config.get(k), int | float)
    )
    metrics = ctx.get("metrics") or []
    text = (
        f"{code(ctx.layer or 'The model')} is compiled with the {optimizer} optimizer"
        f"{' (' + knobs + ')' if knobs else ''}, the loss {code(ctx.get('loss'))}"
        f"{' and the metrics ' + ', '.join(code(m) for m in metrics) if metrics else ''}."
    )
    if "accuracy" in metrics or "acc" in metrics:
        text += (
            " 'accuracy' is only a name for now: on the first batch Keras looks at the "
            "targets and predictions and picks the right kind (integer labels against one "
            "score per class: sparse categorical accuracy)."
        )
    return Parts(
        title="compile — the training settings",
        mirrors="keras/engine/training.py::Model.compile",
        text=text,
        why=(
            "The optimizer decides how weights move, the loss what 'wrong' means, and the "
            "metrics what fit reports; none of them change the architecture."
        ),
    )


@kind("train_begin")
def train_begin(ctx: Ctx) -> Parts:
    epochs, steps = ctx.get("epochs"), ctx.get("steps")
    samples, batch = ctx.get("samples"), ctx.get("batch_size")
    text = f"Training{_of(ctx)} starts: {plural(epochs, 'epoch')} of {plural(steps, 'batch')}"
    if isinstance(samples, int) and isinstance(batch, int) and batch > 0:
        count = math.ceil(samples / batch)
        text += (
            f" ({num(samples)} samples in batches of {batch}: ⌈{num(samples)} / {batch}⌉ = {count}"
        )
        last = samples - (count - 1) * batch
        text += f"; the last batch holds {last})" if last != batch else ")"
    text += (
        f". {code('fit')} made its step function just before (see "
        f"{code('make_train_function')}), and now tells the callbacks training begins."
    )
    return Parts(
        "train_begin — fit starts the loop",
        FIT + " (callbacks.on_train_begin)",
        text,
        "Callbacks (progress bar, History, early stopping...) hook into these moments.",
    )


@kind("epoch_begin")
def epoch_begin(ctx: Ctx) -> Parts:
    epoch, epochs = ctx.get("epoch"), ctx.get("epochs")
    number = epoch + 1 if isinstance(epoch, int) else epoch
    return Parts(
        f"epoch_begin — epoch {number}",
        FIT + " (reset_metrics, callbacks.on_epoch_begin)",
        f"Epoch {number}{' of ' + str(epochs) if epochs else ''}{_of(ctx)} begins: the metrics "
        "are reset, so the running loss and accuracy start afresh; with shuffle=True (the "
        "default) the batches come in a new random order.",
        "An epoch is one pass over all the training data; resetting the metrics makes each "
        "epoch's numbers describe that epoch alone.",
    )


@kind("batch_begin")
def batch_begin(ctx: Ctx) -> Parts:
    return Parts(
        f"batch_begin — batch {ctx.get('batch')}",
        FIT + " (callbacks.on_train_batch_begin)",
        f"Batch {ctx.get('batch')} of epoch {ctx.get('epoch')} is about to run{_of(ctx)}.",
        "Callbacks may act before each step.",
    )


@kind("batch_end")
def batch_end(ctx: Ctx) -> Parts:
    epoch, batch = ctx.get("epoch"), ctx.get("batch")
    number = batch + 1 if isinstance(batch, int) else batch
    epoch_no = epoch + 1 if isinstance(epoch, int) else epoch
    text = (
        f"Batch {number} of epoch {epoch_no} is done: {logs_text(ctx.get('logs'))}. These "
        "are running means over the epoch so far, not this batch alone."
    )
    if batch == 0 and epoch == 0:
        text += " This first step is the traced one; from here on each batch runs the graph."
    return Parts(
        f"batch_end — epoch {epoch_no}, batch {number}",
        FIT + " (train_function, callbacks.on_train_batch_end)",
        text,
        "Each batch is one small update of the weights; watching the running loss fall is "
        "how you see the model learn. " + TRACED_ONCE.split(". ")[0] + ".",
    )


@kind("epoch_end")
def epoch_end(ctx: Ctx) -> Parts:
    epoch = ctx.get("epoch")
    number = epoch + 1 if isinstance(epoch, int) else epoch
    logs = ctx.get("logs") if isinstance(ctx.get("logs"), dict) else {}
    val = {k: v for k, v in logs.items() if k.startswith("val_")}
    train = {k: v for k, v in logs.items() if k not in val}
    text = f"Epoch {number}{_of(ctx)} is done: {logs_text(train)} (means over the whole epoch)."
    if val:
        text += f" On the validation data: {logs_text(val)}."
    return Parts(
        f"epoch_end — epoch {number}",
        FIT + " (callbacks.on_epoch_end)",
        text,
        "Per-epoch numbers go into the History; comparing them with the validation ones "
        "shows whether the model starts to overfit.",
    )


@kind("train_end")
def train_end(ctx: Ctx) -> Parts:
    return Parts(
        "train_end — fit is done",
        FIT + " (callbacks.on_train_end)",
        f"Training{_of(ctx)} is over; last logs: {logs_text(ctx.get('logs'))}. {code('fit')} "
        f"returns the History, whose {code('history')} dict holds every epoch's logs.",
        "The trained weights stay in the model: predict and evaluate use them next.",
    )


def _simple(name: str, mirrors: str, text: str, why: str) -> None:
    @kind(name)
    def writer(ctx: Ctx) -> Parts:
        steps = ctx.get("steps")
        filled = text.format(
            model=code(ctx.layer or "the model"),
            steps=steps if steps is not None else "all the",
            logs=logs_text(ctx.get("logs")),
        )
        return Parts(f"{name} — {mirrors.split('::')[1]}", mirrors, filled, why)


_simple(
    "test_begin",
    "keras/engine/training.py::Model.evaluate",
    "evaluate starts on {model}: {steps} batches (32 samples each unless batch_size is given), "
    "running the model with training=False and no weight updates.",
    "Evaluation measures the model on data without changing it.",
)
_simple(
    "test_end",
    "keras/engine/training.py::Model.evaluate",
    "evaluate is done on {model}: {logs}, the means over all the batches.",
    "These numbers are what evaluate returns.",
)
_simple(
    "predict_begin",
    "keras/engine/training.py::Model.predict",
    "predict starts on {model}: {steps} batch(es), each through the model with training=False.",
    "predict only needs the forward pass; the batches' outputs are joined at the end.",
)
_simple(
    "predict_end",
    "keras/engine/training.py::Model.predict",
    "predict is done on {model}: the outputs of all the batches are joined into one array.",
    "One array back, one row per input sample.",
)
