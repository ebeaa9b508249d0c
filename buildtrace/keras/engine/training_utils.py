"""Small pieces ``Model``'s step functions share: a dict of inputs lined up in order.

Mirrors: ``keras/engine/training_utils.py``, Keras 2's home for the helpers
``training.py`` shares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from buildtrace.keras.engine.training import Model


def flatten_to_reference_inputs(model: Model, x: Any) -> Any:
    """A dict of inputs, keyed by input name, in the order of ``model.inputs``.

    Mirrors: ``Functional._flatten_to_reference_inputs`` (here applied by the step
    functions, so ``fit({"left": a, "right": b}, ...)`` works).
    """
    if not isinstance(x, dict):
        return x
    names: list[str] = list(getattr(model, "input_names", None) or [])
    if not names and not getattr(model, "_is_graph_network", False):
        # A subclassed model has no named inputs: Keras hands its `call` the dict as is.
        return x
    missing = [name for name in names if name not in x]
    if missing or not names:
        raise ValueError(
            f'Missing data for input "{missing[0] if missing else "?"}". You passed a data '
            f"dictionary with keys {list(x)}. Expected the following keys: {names}"
        )
    return [x[name] for name in names] if len(names) > 1 else x[names[0]]


def get_input_shape_and_dtype(layer: Any) -> tuple[Any, Any]:
    """The batch input shape and dtype a layer declares, looking inside nested models.

    Mirrors: ``keras/engine/training_utils.py::get_input_shape_and_dtype``. A model added
    first to a ``Sequential`` (the tutorials' ``data_augmentation`` block, made with
    ``input_shape`` on its first layer) gives the outer model its input through the first
    layer of the deepest model.
    """
    while getattr(layer, "_is_graph_network", False) or type(layer).__name__ == "Sequential":
        if not layer.layers:
            raise ValueError("An empty Model cannot be used as a Layer.")
        layer = layer.layers[0]
    batch_shape = getattr(layer, "_batch_input_shape", None)
    return (batch_shape, layer.dtype) if batch_shape else (None, None)
