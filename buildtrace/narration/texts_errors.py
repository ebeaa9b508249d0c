"""Lessons for ``raise`` events: what the error means and how to fix it.

Errors are recognised by their message (buildtrace raises Keras 2's own messages, word
for word), so one lesson covers the error wherever it comes from. The fix quotes the
values in the message. A ``raise`` that merely passes through a function on its way up
(``origin: false``) gets a short text; the uncaught one the runner adds at the end of
a script (name ``<script>``) says the program stopped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from buildtrace.narration.context import Ctx, code, mirror_path, short
from buildtrace.narration.registry import Parts, kind

Fix = Callable[[re.Match[str]], str]


@dataclass(frozen=True)
class ErrorLesson:
    """One known error: its message pattern, what it means, how to fix it."""

    pattern: re.Pattern[str]
    title: str
    meaning: Fix
    fix: Fix


LESSONS: list[ErrorLesson] = []


def error(pattern: str, title: str, meaning: str | Fix, fix: str | Fix) -> None:
    """Register a known error. ``meaning``/``fix`` may use the pattern's named groups."""

    def as_fn(value: str | Fix) -> Fix:
        if callable(value):
            return value
        return lambda m: value.format(**{k: v or "?" for k, v in m.groupdict().items()})

    LESSONS.append(ErrorLesson(re.compile(pattern, re.S), title, as_fn(meaning), as_fn(fix)))


error(
    r"You must provide an `input_shape` argument",
    "the model doesn't know its input shape",
    "build() was called without input_shape, and nothing else tells this Sequential model "
    "what its input looks like (no Input first, no input_shape on its first layer). "
    "Without it, the first layer's kernel can't get its size.",
    "Pass the shape with None for the batch size, e.g. model.build(input_shape=(None, 784)); "
    "or start the model with keras.Input(shape=(784,)); or give the first layer "
    "input_shape=(784,); or skip build() and let fit() or the first call on data build it.",
)
error(
    r'Input (?P<i>\d+) of layer "(?P<layer>[^"]+)" is incompatible with the layer: expected '
    r"axis (?P<axis>-?\d+) of input shape to have value (?P<want>\d+), but received input "
    r"with shape (?P<got>.+)",
    "the input has the wrong size",
    "{layer} was built for inputs whose axis {axis} has size {want} (its weights have that "
    "size), but it received data of shape {got}.",
    "Feed data whose axis {axis} has size {want} (reshape it, or check you pass the right "
    "array), or rebuild the model for the new size.",
)
error(
    r'of layer "(?P<layer>[^"]+)" is incompatible with the layer: expected (?P<what>min_ndim|'
    r"ndim|max_ndim)=(?P<want>\d+), found ndim=(?P<got>\d+)",
    "the input has the wrong number of axes",
    "{layer} needs {what}={want} axes but got {got}. Dense needs at least 2 (batch, "
    "features); Conv2D and pooling need 4 (batch, rows, columns, channels).",
    "Reshape the data, e.g. x.reshape((-1, 28, 28, 1)) adds the channel axis for Conv2D, "
    "and x.reshape((len(x), -1)) flattens images for Dense.",
)
error(
    r'of layer "(?P<layer>[^"]+)" is incompatible with the layer: expected shape=(?P<want>.+?),'
    r" found shape=(?P<got>.+)",
    "the input does not match the model's input shape",
    "{layer} expects shape {want} (None means any size) but received {got}.",
    "Pass data shaped like the model's Input, or build the model for this shape.",
)
error(
    r"The last dimension of the input(?:s| shape) (?:to|of) a Dense layer should be defined",
    "Dense can't size its kernel",
    "The number of features (last axis) of the input is unknown (None), so the kernel's "
    "number of rows can't be chosen.",
    "Give the input a known last size, e.g. keras.Input(shape=(784,)), or Flatten/Reshape "
    "to a fixed size before the Dense layer.",
)
error(
    r"Graph disconnected: cannot obtain value for tensor (?P<tensor>.+?) at layer "
    r'"(?P<layer>[^"]+)"',
    "an output depends on an input the model wasn't given",
    "Walking back from the outputs, Keras reached {tensor} (needed by {layer}) without it "
    "coming from any of the model's inputs.",
    "Pass every keras.Input the outputs depend on in keras.Model(inputs=[...], ...).",
)
error(
    r'The name "(?P<name>[^"]+)" is used (?P<n>\d+) times in the model|should have unique '
    r'names\. Name "(?P<name2>[^"]+)"',
    "two layers share a name",
    "Layer names must be unique in a model: saving and the graph refer to layers by name.",
    "Give each layer its own name=..., or drop name= and let Keras number them.",
)
error(
    r"This model has not yet been built",
    "the model is not built yet",
    "summary() (or a weight query) needs the weights, and this model has none yet: its "
    "input shape was never given.",
    "Call model.build(input_shape=(None, ...)) first, start the model with keras.Input, or "
    "call it on data (fit does it too), then ask again.",
)
error(
    r"Weights for model '(?P<model>[^']+)' have not yet been created|isn't built\. You can "
    r"build it manually",
    "the weights don't exist yet",
    "The weights are created by build, which has not run yet.",
    "Build first: model.build(input_shape=...) or call the model on a batch of data.",
)
error(
    r"You must compile your model before training/testing",
    "fit/evaluate before compile",
    "Training needs an optimizer and a loss, which only compile sets.",
    "Call model.compile(optimizer=..., loss=...) before fit or evaluate.",
)
error(
    r"The added layer must be an instance of class Layer",
    "add() got something that is not a layer",
    "Sequential.add accepts layer objects (or a keras.Input).",
    "Pass an instance, e.g. model.add(layers.Dense(10)) — note the parentheses.",
)
error(
    r"Keyword argument not understood:? ?'?(?P<arg>\w*)",
    "an unknown argument",
    "The layer does not accept the keyword {arg}.",
    "Check the spelling and the layer's documentation.",
)
error(
    r"One of the dimensions in the output is <= 0",
    "the image is too small for this layer",
    "With 'valid' padding each convolution or pooling shrinks the image; here a side "
    "would reach 0.",
    "Use padding='same', fewer or smaller layers, or a larger input.",
)
error(
    r"Concatenate` layer requires inputs with matching shapes|Inputs have incompatible "
    r"shapes|Cannot merge tensors with different batch sizes",
    "the merged shapes don't fit",
    "A merge layer's inputs must match (Concatenate: everywhere except the joined axis).",
    "Check the branches' output shapes; add a Dense or Reshape so they agree.",
)
error(
    r"Input tensors to a (?P<cls>\w+) model must come from `tf\.keras\.Input`",
    "a model input that is not a keras.Input",
    "A {cls} model's inputs must be the tensors returned by keras.Input.",
    "Use the tensor from keras.Input(...) as inputs=.",
)
error(
    r"Please provide to Input a `shape`",
    "keras.Input without a shape",
    "keras.Input needs the shape of one sample.",
    "Write keras.Input(shape=(784,)) — without the batch size.",
)
error(
    r"Received a label value of (?P<bad>-?\d+) which is outside the valid range of \[0, "
    r"(?P<n>\d+)\)",
    "a label is out of range",
    "The loss expects integer labels from 0 to {n} - 1 (one per output unit), and met {bad}.",
    "Check the labels, or make the last Dense layer have as many units as there are classes.",
)
error(
    r"is not supported by buildtrace",
    "a Keras feature buildtrace leaves out",
    "Real Keras supports this, but buildtrace's small engine does not model it.",
    "Remove that option to watch the build here, or run the script with real TensorFlow.",
)


def _lesson_for(message: str) -> tuple[ErrorLesson, re.Match[str]] | None:
    for lesson in LESSONS:
        match = lesson.pattern.search(message)
        if match is not None:
            return lesson, match
    return None


@kind("raise")
def raise_event(ctx: Ctx) -> Parts | None:
    """The lesson of a ``raise`` event."""
    error_type = str(ctx.get("error_type") or "An error")
    message = str(ctx.get("message") or "")
    found = _lesson_for(message)
    script = ctx.name == "<script>"
    where = "your script" if script else code(short(ctx.name))
    mirrors = f"your script ({ctx.get('src')})" if script else mirror_path(ctx.name)
    if ctx.get("origin") is False and not script:
        return Parts(
            f"{short(ctx.name)} — the {error_type} passes through",
            mirrors,
            f"The {error_type} raised deeper down is not caught in {where}, so this call "
            f"stops too{' on ' + code(ctx.layer) if ctx.layer else ''}: Python unwinds every "
            "function on the way up until something catches it.",
            "An error ends each unfinished call in turn; the trace closes them all so the "
            "call tree stays complete.",
        )
    if found is None:
        return None
    lesson, match = found
    stop = (
        "Nothing caught it, so the script stopped here."
        if script
        else f"It is raised in {where}{' for ' + code(ctx.layer) if ctx.layer else ''}."
    )
    return Parts(
        f"{error_type} — {lesson.title}",
        mirrors,
        f"{error_type}: {_sentence(message)} {stop} What it means: {lesson.meaning(match)} "
        "How to fix "
        f"it: {lesson.fix(match)}",
        "Keras checks early and says exactly what it received, so the message names the "
        "problem; the fix is nearly always in how the model or its input shape is declared.",
    )


def _sentence(message: str) -> str:
    """A message ending like a sentence, so the next one does not run into it."""
    message = message.strip()
    return message if message.endswith((".", "!", "?", ":")) else message + "."
