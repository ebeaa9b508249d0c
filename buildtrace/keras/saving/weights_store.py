"""Where each weight goes in an HDF5 file: the ``.keras`` layout and the legacy ``.h5`` one.

Mirrors: ``keras/saving/saving_lib.py`` (``H5IOStore``, ``_walk_trackable``: groups
``layers/<snake_case class name>/vars/<i>``, ``optimizer/vars/<i>``,
``metrics/<name>/vars/<i>``) and ``keras/saving/legacy/hdf5_format.py``
(``save_weights_to_hdf5_group``: a group per layer named after it, the weights under
their TensorFlow names ``dense/kernel:0``, ``layer_names`` and ``weight_names`` attributes).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.utils.generic_utils import to_snake_case

KERAS_VERSION = "2.21.0"


def own_variables(layer: Any) -> list[Any]:
    """The layer's own weights, trainable first: the order Keras stores them in."""
    return [*layer._trainable_weights, *layer._non_trainable_weights]


def _unique_names(objects: list[Any]) -> list[tuple[str, Any]]:
    """Each object under its snake_case class name, ``dense``, ``dense_1``... as Keras."""
    used: dict[str, int] = {}
    named = []
    for obj in objects:
        name = to_snake_case(type(obj).__name__)
        if name in used:
            used[name] += 1
            name = f"{name}_{used[name]}"
        else:
            used[name] = 0
        named.append((name, obj))
    return named


def _is_model(layer: Any) -> bool:
    from buildtrace.keras.engine.training import Model

    return isinstance(layer, Model)


def _write_vars(group: Any, variables: list[Any]) -> None:
    vars_group = group.create_group("vars")
    for index, variable in enumerate(variables):
        vars_group.create_dataset(str(index), data=np.asarray(variable.value))


# ---------------------------------------------------------------- the .keras layout (v3)
def save_v3(h5: Any, model: Any) -> None:
    """Write the model's weights (and its optimizer's and metrics' state) in Keras's layout."""
    _save_layers(h5, model)
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None:
        _write_vars(h5.create_group("optimizer"), list(optimizer.variables))
    metrics = h5.create_group("metrics")
    for name, metric in _unique_names(list(getattr(model, "metrics", []) or [])):
        _write_vars(metrics.create_group(name), list(getattr(metric, "_variables", [])))
    h5.create_group("vars")


def _save_layers(group: Any, model: Any) -> None:
    layers = group.create_group("layers")
    for name, layer in _unique_names(model.layers):
        sub = layers.create_group(name)
        _write_vars(sub, [] if _is_model(layer) else own_variables(layer))
        if _is_model(layer):
            _save_layers(sub, layer)


def load_v3(h5: Any, model: Any) -> None:
    """Read weights written by :func:`save_v3` (or by tf-keras) into ``model``.

    Raises:
        ValueError: a layer's number of weights differs (Keras's message).
    """
    _load_layers(h5, model)
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and "optimizer" in h5 and "vars" in h5["optimizer"]:
        stored = h5["optimizer"]["vars"]
        if len(stored) > 1:
            optimizer.build(model.trainable_weights)
        variables = list(optimizer.variables)
        if len(stored) == len(variables):
            for index, variable in enumerate(variables):
                variable.value[...] = np.asarray(stored[str(index)])


def _load_layers(group: Any, model: Any) -> None:
    if "layers" not in group:
        raise ValueError("The file holds no layer weights (not a Keras weights file).")
    layers = group["layers"]
    for name, layer in _unique_names(model.layers):
        if _is_model(layer):
            if name in layers:
                _load_layers(layers[name], layer)
            continue
        variables = own_variables(layer)
        stored = layers[name]["vars"] if name in layers and "vars" in layers[name] else {}
        if len(stored) != len(variables):
            raise ValueError(
                f"Layer '{layer.name}' expected {len(variables)} variables, but received "
                f"{len(stored)} variables during loading. Expected: {[v.name for v in variables]}"
            )
        for index, variable in enumerate(variables):
            _assign(variable, np.asarray(stored[str(index)]), layer.name)
        _finalize(layer)


def _finalize(layer: Any) -> None:
    """A layer remakes what it derives from its loaded weights.

    Mirrors Keras's loaders (``load_own_variables`` of a ``Normalization``, the legacy
    ``.h5`` ``load_weights_from_hdf5_group``), which call ``finalize_state`` once the
    variables are loaded: a ``Normalization``'s ``call`` reads copies of them.
    """
    finalize = getattr(layer, "finalize_state", None)
    if callable(finalize):
        finalize()


def _assign(variable: Any, value: np.ndarray, layer_name: str) -> None:
    if tuple(value.shape) != tuple(variable.value.shape):
        raise ValueError(
            f"Layer {layer_name} weight shape {tuple(variable.value.shape)} is not compatible "
            f"with provided weight shape {tuple(value.shape)}."
        )
    variable.value[...] = value


# ---------------------------------------------------------------- the legacy .h5 layout
def _str_attr(names: list[str]) -> Any:
    return np.array(names, dtype=object) if names else np.array([], dtype=np.float64)


def _names(values: Any) -> list[str]:
    return [v.decode("utf8") if isinstance(v, bytes) else str(v) for v in values]


def save_legacy(group: Any, model: Any) -> None:
    """Mirrors ``hdf5_format.save_weights_to_hdf5_group``: one group per layer."""
    import h5py

    string = h5py.string_dtype()
    layers = model.layers
    group.attrs.create("layer_names", [layer.name for layer in layers], dtype=string)
    group.attrs["backend"] = "tensorflow"
    group.attrs["keras_version"] = KERAS_VERSION
    for layer in layers:
        sub = group.create_group(layer.name)
        variables = list(layer.weights)
        names = [v.name for v in variables]
        if names:
            sub.attrs.create("weight_names", names, dtype=string)
        else:
            sub.attrs["weight_names"] = _str_attr([])
        for name, variable in zip(names, variables):
            sub.create_dataset(name, data=np.asarray(variable.value))
    top = group.create_group("top_level_model_weights")
    top.attrs["weight_names"] = _str_attr([])


def load_legacy(group: Any, model: Any) -> None:
    """Mirrors ``hdf5_format.load_weights_from_hdf5_group``: layers with weights, in order.

    Raises:
        ValueError: the file has another number of layers or weights (Keras's messages).
    """
    names = _names(group.attrs["layer_names"])
    stored = [n for n in names if len(group[n].attrs.get("weight_names", []))]
    layers = [layer for layer in model.layers if layer.weights]
    if len(stored) != len(layers):
        raise ValueError(
            f"Layer count mismatch when loading weights from file. Model expected "
            f"{len(layers)} layers, found {len(stored)} saved layers."
        )
    for name, layer in zip(stored, layers):
        weight_names = _names(group[name].attrs["weight_names"])
        variables = list(layer.weights)
        if len(weight_names) != len(variables):
            raise ValueError(
                f"Weight count mismatch for layer #{layers.index(layer)} (named {layer.name} "
                f"in the current model, {name} in the save file). Layer expects "
                f"{len(variables)} weight(s). Received {len(weight_names)} saved weight(s)"
            )
        for weight_name, variable in zip(weight_names, variables):
            _assign(variable, np.asarray(group[name][weight_name]), layer.name)
        _finalize(layer)


def save_legacy_optimizer(h5: Any, optimizer: Any) -> None:
    """Mirrors ``save_optimizer_weights_to_hdf5_group``: every variable, by name."""
    import h5py

    group = h5.create_group("optimizer_weights")
    variables = list(optimizer.variables)
    names = [f"{optimizer.name}/{v.name}" if "/" in v.name else v.name for v in variables]
    group.attrs.create("weight_names", names, dtype=h5py.string_dtype())
    for name, variable in zip(names, variables):
        group.create_dataset(name, data=np.asarray(variable.value))


def load_legacy_optimizer(h5: Any, model: Any) -> None:
    """The optimizer's state back, by position (as Keras's ``set_weights``)."""
    if "optimizer_weights" not in h5 or model.optimizer is None:
        return
    group = h5["optimizer_weights"]
    values = [np.asarray(group[n]) for n in _names(group.attrs["weight_names"])]
    if len(values) > 1:
        model.optimizer.build(model.trainable_weights)
    variables = list(model.optimizer.variables)
    if len(values) == len(variables):
        for variable, value in zip(variables, values):
            variable.value[...] = value
