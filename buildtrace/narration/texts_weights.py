"""Lessons for ``add_weight`` events: one weight created, its shape and how it starts.

Checked against tf-keras ``tf_keras/engine/base_layer.py::Layer.add_weight`` (trainable
defaults to True; float weights without an initializer get ``glorot_uniform``) and
``tf_keras/initializers/initializers.py`` (``VarianceScaling`` with ``_compute_fans``:
GlorotUniform draws from ±sqrt(6 / (fan_in + fan_out)); a conv kernel's fans multiply
the window size by the in/out channels).
"""

from __future__ import annotations

from typing import Any

from buildtrace.narration.context import Ctx, code, fans, num, plural, product, shape, times
from buildtrace.narration.registry import Parts, kind

#: The variance-scaling presets: (scale, fan used, distribution) as in Keras 2.
_SCALED = {
    "GlorotUniform": ("uniform", 6.0, "fan_in + fan_out"),
    "HeUniform": ("uniform", 6.0, "fan_in"),
    "LecunUniform": ("uniform", 3.0, "fan_in"),
    "GlorotNormal": ("normal", 2.0, "fan_in + fan_out"),
    "HeNormal": ("normal", 2.0, "fan_in"),
    "LecunNormal": ("normal", 1.0, "fan_in"),
}


def _int_dims(value: Any) -> list[int] | None:
    if not isinstance(value, list | tuple):
        return None
    if not all(isinstance(d, int) and not isinstance(d, bool) for d in value):
        return None
    return [int(d) for d in value]


def describe_initializer(name: Any, dims: Any) -> str:
    """How a weight of shape ``dims`` starts, with the numbers worked out.

    Example:
        >>> describe_initializer("GlorotUniform", [784, 512])[:60]
        'drawn from GlorotUniform: uniform between ±0.068 = √(6 / (78'
    """
    init = str(name or "its initializer")
    shape_dims = _int_dims(dims)
    if init in _SCALED and shape_dims is not None:
        family, numerator, fan_text = _SCALED[init]
        fan_in, fan_out = fans(shape_dims)
        fan = fan_in + fan_out if "+" in fan_text else fan_in
        bound = (numerator / max(1, fan)) ** 0.5
        fan_values = f"{fan_in} + {fan_out}" if "+" in fan_text else f"{fan_in}"
        if family == "uniform":
            return (
                f"drawn from {init}: uniform between ±{bound:.3f} = "
                f"√({numerator:g} / ({fan_values})), with fan-in {fan_in} and fan-out {fan_out}"
            )
        return (
            f"drawn from {init}: a normal distribution cut at two standard deviations and "
            f"scaled so that its spread (standard deviation) is {bound:.3f} = "
            f"√({numerator:g} / ({fan_values}))"
        )
    fixed = {
        "Zeros": "all zeros",
        "Ones": "all ones",
        "Constant": "one constant value everywhere",
        "RandomUniform": "random, uniform in a small range (±0.05 by default)",
        "RandomNormal": "random, normal with a small spread (0.05 by default)",
        "TruncatedNormal": "random, normal cut at two standard deviations (0.05 by default)",
    }
    return fixed.get(init, f"filled by {init}")


def _role(cls: str, weight: str, dims: list[int] | None) -> str:
    """What this weight does in its layer."""
    if weight == "kernel" and dims is not None and len(dims) == 2:
        return (
            f" It is a {dims[0]} × {dims[1]} matrix: entry (i, j) is the weight from input "
            f"feature i to unit j."
        )
    if weight == "kernel" and dims is not None and len(dims) == 4:
        return (
            f" It holds {dims[3]} filters, each a {dims[0]} × {dims[1]} window over "
            f"{plural(dims[2], 'input channel')}: shape (rows, columns, in channels, filters)."
        )
    if weight == "bias" and dims is not None and len(dims) == 1:
        per = "filter" if cls.startswith("Conv") else "unit"
        return f" One number per {per}, added after the product."
    notes = {
        "gamma": " The learned scale applied to each normalised channel.",
        "beta": " The learned offset added to each normalised channel.",
        "moving_mean": (
            " The running mean of each channel, used instead of the batch mean at inference."
        ),
        "moving_variance": (
            " The running variance of each channel, used instead of the batch variance at "
            "inference."
        ),
    }
    return notes.get(weight, "")


@kind("add_weight")
def add_weight(ctx: Ctx) -> Parts | None:
    """The lesson of an ``add_weight`` event."""
    weight = ctx.get("weight")
    dims_raw = ctx.get("shape")
    if not weight and dims_raw is None:
        return None
    layer = ctx.layer or "the layer"
    cls = ctx.cls or "Layer"
    dims = _int_dims(dims_raw)
    count = ctx.get("params")
    if not isinstance(count, int):
        count = product(dims) if dims is not None else None
    variable = ctx.get("variable") or f"{layer}/{weight}:0"
    size = (
        f"{times(dims)} = {num(count)} numbers"
        if dims and len(dims) > 1
        else f"{num(count)} numbers"
    )
    trainable = ctx.get("trainable", True)
    text = (
        f"{code(variable)} is created: shape {shape(dims_raw)}, {size} "
        f"({ctx.get('dtype') or 'float32'}), "
        f"{describe_initializer(ctx.get('initializer'), dims_raw)}.{_role(cls, str(weight), dims)}"
    )
    if trainable is False:
        text += (
            " Not trainable: gradients never change it; the layer updates it itself during "
            "training, and summary() counts it under non-trainable params."
        )
    else:
        text += " Trainable: the optimizer will update it at every training step."
    state = ctx.layer_state()
    if state is not None and state.weights:
        text += (
            f" {code(layer)} now has {plural(len(state.weights), 'weight')}, {num(state.params)} "
            "parameters."
        )
    why = (
        "Going through add_weight puts the weight in the layer's tracked lists, which is how "
        "model.weights, summary() and the optimizer find it."
    )
    if ctx.get("initializer") == "GlorotUniform":
        why = (
            "Glorot's limit keeps the spread of the signals about the same from layer to "
            "layer, so at the start of training they neither blow up nor fade out. "
        ) + why
    elif ctx.get("initializer") == "Zeros" and weight == "bias":
        why = "A bias can start at zero: the random kernel already makes the units differ. " + why
    return Parts(
        title=f"add_weight — {layer} gets its {weight}",
        mirrors="keras/engine/base_layer.py::Layer.add_weight",
        text=text,
        why=why,
    )
