"""Models and layers to configs and back: what ``.keras``, ``.h5`` and JSON files hold.

Mirrors: ``keras/saving/serialization_lib.py`` (``serialize_keras_object``,
``deserialize_keras_object``), ``keras/engine/functional.py::get_network_config`` and
``functional_utils.reconstruct_from_config`` of tf-keras 2.21. Two flavours, as in Keras:

- the ``.keras`` format writes each object as ``{"module", "class_name", "config",
  "registered_name"}`` (plus ``build_config`` for layers);
- the legacy ``.h5`` / ``to_json`` format writes ``{"class_name", "config"}``.

Reading accepts both. A class buildtrace does not have is refused with the
"not supported by buildtrace" message, naming it.
"""

from __future__ import annotations

import inspect
from typing import Any

from buildtrace.keras.unsupported import NotSupportedByBuildtrace, unsupported

#: What each nested config key holds, for the ``.keras`` format's ``module`` field.
_NESTED_MODULES = {
    "_initializer": "keras.initializers",
    "_regularizer": "keras.regularizers",
    "_constraint": "keras.constraints",
}


def _v3_nested(config: dict[str, Any]) -> dict[str, Any]:
    """A layer config with its initializers/regularizers in the ``.keras`` format."""
    out = dict(config)
    for key, value in config.items():
        for suffix, module in _NESTED_MODULES.items():
            if key.endswith(suffix) and isinstance(value, dict) and "class_name" in value:
                out[key] = {
                    "module": module,
                    "class_name": value["class_name"],
                    "config": value.get("config", {}),
                    "registered_name": None,
                }
    return out


def _jsonable(value: Any) -> Any:
    """Tuples become lists, numpy scalars Python numbers, recursively."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    return value


def serialize_layer(layer: Any, v3: bool = True) -> dict[str, Any]:
    """One layer's entry. Mirrors ``serialize_keras_object(layer)``."""
    if v3:
        entry: dict[str, Any] = {
            "module": "keras.layers",
            "class_name": type(layer).__name__,
            "config": _jsonable(_v3_nested(layer.get_config())),
            "registered_name": None,
        }
        shape = getattr(layer, "_build_input_shape", None)
        if shape is not None and type(layer).__name__ != "InputLayer":
            entry["build_config"] = {"input_shape": _jsonable(shape)}
        return entry
    return {"class_name": type(layer).__name__, "config": _jsonable(layer.get_config())}


def model_config(model: Any, v3: bool = True) -> dict[str, Any]:
    """The model's ``{"class_name", "config"}`` (Sequential or Functional) in Keras's layout.

    Mirrors: ``Sequential.get_config`` and ``Functional.get_config`` (``get_network_config``).
    """
    from buildtrace.keras.engine.sequential import Sequential
    from buildtrace.keras.engine.training import Model

    if not getattr(model, "_is_graph_network", False) and not isinstance(model, Sequential):
        raise NotImplementedError(
            "Saving the config of a subclassed model is not supported by buildtrace "
            f"(model {model.name!r} has no graph of layers); save its weights instead."
        )
    if isinstance(model, Sequential):
        layers = Model.layers.fget(model)  # type: ignore[attr-defined]  # with the InputLayer
        config: dict[str, Any] = {
            "name": model.name,
            "layers": [serialize_layer(layer, v3) for layer in layers],
        }
        if not model._is_graph_network and model._build_input_shape is not None:
            config["build_input_shape"] = _jsonable(model._build_input_shape)
        class_name = "Sequential"
    else:
        config = _network_config(model, v3)
        class_name = "Functional"
    if v3:
        module = "keras" if class_name == "Sequential" else "tf_keras.src.engine.functional"
        registered = None if class_name == "Sequential" else "Functional"
        return {"module": module, "class_name": class_name, "config": config,
                "registered_name": registered}  # fmt: skip
    return {"class_name": class_name, "config": config}


def _network_config(model: Any, v3: bool) -> dict[str, Any]:
    """A functional model's layers and how they connect. Mirrors ``get_network_config``."""
    network_nodes = set(model._network_nodes)
    layers = []
    for layer in model.layers:
        entry = serialize_layer(layer, v3)
        entry["name"] = layer.name
        inbound = []
        for index, node in enumerate(layer._inbound_nodes):
            if f"{layer.name}_ib-{index}" not in network_nodes or node.is_input:
                continue
            args = []
            for tensor in node.keras_inputs:
                history = tensor._keras_history
                args.append([history.layer.name, history.node_index, history.tensor_index, {}])
            inbound.append(args)
        entry["inbound_nodes"] = inbound
        layers.append(entry)

    def ends(tensors: list[Any]) -> list[list[Any]]:
        return [
            [t._keras_history.layer.name, t._keras_history.node_index,
             t._keras_history.tensor_index]
            for t in tensors
        ]  # fmt: skip

    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layers,
        "input_layers": ends(model.inputs),
        "output_layers": ends(model.outputs),
    }


# ---------------------------------------------------------------------------- reading
def layer_class(class_name: str, custom_objects: dict[str, Any] | None = None) -> Any:
    """The buildtrace class for a Keras class name, or the "not supported" error."""
    if custom_objects and class_name in custom_objects:
        return custom_objects[class_name]
    from buildtrace.keras import layers, models

    if class_name in {"Sequential", "Functional", "Model"}:
        return getattr(models, class_name)
    try:
        return getattr(layers, class_name)
    except NotSupportedByBuildtrace:
        raise unsupported(f"keras.layers.{class_name} (found in the saved model)") from None


def _accepted_keys(cls: Any) -> set[str] | None:
    """The keyword arguments ``cls(...)`` takes (None: anything, it has ``**kwargs``)."""
    from buildtrace.keras.engine import base_layer

    keys: set[str] = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        params = inspect.signature(init).parameters
        keys |= {name for name in params if name != "self"}
        if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
            return keys
    return keys | set(getattr(base_layer, "_ALLOWED_KWARGS", ()))


def layer_from_config(entry: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Any:
    """A layer from its entry. Mirrors ``deserialize_keras_object`` for layers.

    Keys Keras writes but buildtrace's layer does not take are dropped when they hold
    their "off" value (None, False); otherwise the layer's option is not supported.
    """
    cls = layer_class(entry["class_name"], custom_objects)
    config = dict(entry.get("config", {}))
    if entry["class_name"] in {"Sequential", "Functional", "Model"}:
        return model_from_config(entry, custom_objects)
    for key, value in list(config.items()):
        if isinstance(value, dict) and "class_name" in value and "module" in value:
            config[key] = {"class_name": value["class_name"], "config": value.get("config", {})}
    accepted = _accepted_keys(cls)
    if accepted is not None:
        for key in [k for k in config if k not in accepted]:
            value = config.pop(key)
            if value not in (None, False, {}, []):
                raise unsupported(f"keras.layers.{entry['class_name']}({key}={value!r})")
    return cls.from_config(config)


def model_from_config(config: dict[str, Any], custom_objects: dict[str, Any] | None = None) -> Any:
    """A new model from ``{"class_name", "config"}``. Mirrors ``keras.models.model_from_config``.

    Raises:
        TypeError: ``config`` is not a dict (Keras's message).
    """
    if not isinstance(config, dict):
        raise TypeError(
            "`model_from_config` expects a dictionary, not a list. "
            f"Received: config={config}. Did you meant to use "
            "`Sequential.from_config(config)`?"
        )
    class_name = config.get("class_name")
    inner = config.get("config", {})
    if class_name == "Sequential":
        return sequential_from_config(inner, custom_objects)
    if class_name in {"Functional", "Model"}:
        return functional_from_config(inner, custom_objects)
    if custom_objects and class_name in custom_objects:
        return custom_objects[class_name].from_config(inner)
    raise unsupported(f"keras.models loading a {class_name} model")


def sequential_from_config(config: Any, custom_objects: dict[str, Any] | None = None) -> Any:
    """Mirrors ``Sequential.from_config``: the layers in order, then ``build`` if needed."""
    from buildtrace.keras.engine.sequential import Sequential

    if isinstance(config, list):  # Keras 2.0's configs were a bare list of layers
        config = {"layers": config}
    model = Sequential(name=config.get("name"))
    for entry in config["layers"]:
        layer = layer_from_config(entry, custom_objects)
        model.add(layer)
    build_shape = config.get("build_input_shape")
    if not model.built and build_shape is not None:
        model.build(tuple(build_shape))
    return model


def functional_from_config(
    config: dict[str, Any], custom_objects: dict[str, Any] | None = None
) -> Any:
    """Mirrors ``functional_utils.reconstruct_from_config``: layers, then calls in order.

    Each layer's inbound nodes are replayed once their input tensors exist; a node that
    waits on a later layer is deferred, as Keras defers it.
    """
    from buildtrace.keras.engine.functional import Functional
    from buildtrace.keras.engine.input_layer import InputLayer

    created: dict[str, Any] = {}
    pending: list[tuple[Any, list[Any]]] = []
    for entry in config["layers"]:
        layer = layer_from_config(entry, custom_objects)
        created[entry.get("name", layer.name)] = layer
        for node_data in entry.get("inbound_nodes", []):
            pending.append((layer, node_data))

    def tensor(name: str, node_index: int, tensor_index: int) -> Any:
        layer = created[name]
        if node_index >= len(layer._inbound_nodes):
            return None
        outputs = layer._inbound_nodes[node_index]._flat_outputs
        return outputs[tensor_index]

    while pending:
        waiting = []
        for layer, node_data in pending:
            args = _node_args(node_data)
            inputs = [tensor(*arg[:3]) for arg in args]
            if any(t is None for t in inputs):
                waiting.append((layer, node_data))
                continue
            kwargs = args[0][3] if args and len(args[0]) > 3 and args[0][3] else {}
            layer(inputs[0] if len(inputs) == 1 else inputs, **kwargs)
        if len(waiting) == len(pending):
            raise ValueError("Could not rebuild the model's graph from its config.")
        pending = waiting
    for layer in created.values():
        if isinstance(layer, InputLayer):
            continue
    inputs = [tensor(*ref[:3]) for ref in config["input_layers"]]
    outputs = [tensor(*ref[:3]) for ref in config["output_layers"]]
    return Functional(
        inputs=inputs[0] if len(inputs) == 1 else inputs,
        outputs=outputs[0] if len(outputs) == 1 else outputs,
        name=config.get("name"),
    )


def _node_args(node_data: Any) -> list[list[Any]]:
    """``[[layer, node, tensor, kwargs], ...]`` from Keras 2's list form (or Keras 3's dict)."""
    if isinstance(node_data, dict):  # Keras 3: {"args": [...], "kwargs": {...}}
        found = []
        for arg in node_data.get("args", []):
            items = arg if isinstance(arg, list) else [arg]
            for item in items:
                history = item["config"]["keras_history"]
                found.append([*history, {}])
        return found
    return [list(arg) for arg in node_data]
