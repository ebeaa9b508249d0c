"""Keras layers and models in buildtrace's SavedModel stand-in folder, and back.

Mirrors: ``keras/saving/legacy/saved_model/`` of tf-keras 2.21 (``save.py``, ``load.py``),
by other means. tf-keras writes the SavedModel (traced functions, variables) plus
``keras_metadata.pb`` (each layer's config); ``load_model`` rebuilds the model from the
configs, and a class it cannot find by name (a subclassed model defined in the script,
not registered) is *revived*: a new class of that name whose ``call`` runs the traced
function. buildtrace's folder (``buildtrace.tf.saved_model``) holds the variables by
object path and each object's class; this module adds the Keras part:

* a Sequential or functional model is also written whole in Keras's ``.keras`` format
  (``STANDIN_FILE``: config, weights, compile arguments, optimizer state), which
  ``load_model`` reads back;
* a subclassed model (or a custom layer) keeps its class, its build input shape and
  its ``get_config()``. Reviving makes a new instance of the class **found in the
  loading program** (``cls.from_config(config)``, or ``cls()`` when the config lacks
  the constructor's arguments), builds it on the saved input shape,
  gives it and its layers their saved names and assigns the saved values by object
  path. Its ``call`` is the class's own Python, so it runs on any input shape, where
  tf-keras's revived model accepts only the traced signatures. A model saved compiled
  is compiled again with the same arguments, and its optimizer takes its saved state
  (step count, then its slots on the first step), as tf-keras's revived model does.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.saving import saving_lib, serialization_lib
from buildtrace.tf import checkpoint
from buildtrace.tf import saved_model as tf_saved_model
from buildtrace.tf.unsupported import NotSupportedByBuildtrace

#: The Keras part of a stand-in folder: the whole model in the ``.keras`` format.
STANDIN_FILE = "buildtrace_model.keras"


def _applies(cls: type) -> bool:
    return issubclass(cls, Layer)


def _describe(layer: Any, export_dir: str, is_root: bool) -> dict[str, Any]:
    """What reviving ``layer`` needs; the outermost model with a graph writes its ``.keras``."""
    info: dict[str, Any] = {
        "build_input_shape": serialization_lib._jsonable(
            getattr(layer, "_build_input_shape", None)
        ),
        "config": _config_or_none(layer),
        "keras_file": None,
    }
    keras_file = os.path.join(export_dir, STANDIN_FILE)
    if not is_root:
        return info  # revived with the outermost object, by its class
    if os.path.exists(keras_file):  # left by an earlier save to the same folder
        os.remove(keras_file)
    if getattr(layer, "_is_graph_network", False) or type(layer).__name__ == "Sequential":
        saving_lib.save_model(layer, keras_file)
        info["keras_file"] = STANDIN_FILE
        return info
    if not layer.built and hasattr(layer, "_is_graph_network"):  # a model, not a layer
        _raise_model_input_error(layer)
    compiled = getattr(layer, "_compile_args", None) and saving_lib.compile_config(layer)
    info["compile_config"] = _json_or_none(compiled) if compiled else None
    return info


def _config_or_none(layer: Any) -> Any:
    """The layer's ``get_config()`` if it has one JSON holds, else None."""
    try:
        config = serialization_lib._jsonable(layer.get_config())
    except (NotImplementedError, TypeError, ValueError):
        return None
    return _json_or_none(config)


def _json_or_none(config: Any) -> Any:
    """``config`` if JSON holds it, else None (the revival then does without it)."""
    try:
        json.dumps(config)
    except TypeError:
        return None
    return config


def _raise_model_input_error(layer: Any) -> None:
    """Mirrors ``saving_utils.raise_model_input_error``: nothing to save before a build."""
    raise ValueError(
        f"Model {layer} cannot be saved either because the input shape is not available "
        "or because the forward pass of the model is not defined.To define a forward "
        "pass, please override `Model.call()`. To specify an input shape, either call "
        "`build(input_shape)` directly, or call the model on actual data using `Model()`, "
        "`Model.fit()`, or `Model.predict()`. If you have a custom training step, please "
        "make sure to invoke the forward pass in train step through `Model.__call__`, "
        "i.e. `model(inputs)`, as opposed to `model.call()`."
    )


def _revive(cls: type, node: dict[str, Any], values: dict[str, np.ndarray],
            export_dir: str) -> Any:  # fmt: skip
    info = node["revived_by"]
    if info.get("keras_file"):
        return saving_lib.load_model(os.path.join(export_dir, info["keras_file"]))
    layer = _new_instance(cls, info.get("config"), export_dir)
    names = _saved_names(node, "")
    _rename(layer, names)  # before building, so the build's events name the saved layers
    shape = info.get("build_input_shape")
    if shape is not None and not layer.built:
        _build(layer, tuple(shape) if isinstance(shape, list) else shape)
        _rename(layer, names)  # and the layers the build made
    if info.get("compile_config"):  # compiled as saved; the optimizer's slots come later
        saving_lib.compile_from_config(layer, info["compile_config"])
        checkpoint._defer_slots(layer.optimizer, "optimizer", values)
    found = {
        name[: -len(checkpoint._SUFFIX)]: var for name, var in checkpoint._walk(layer, "", set())
    }
    missing = sorted(k for k in set(values) - set(found) if not k.startswith("optimizer/slot-"))
    if missing:
        raise ValueError(
            f"Revived {cls.__name__} from {export_dir!r} has no variable for the saved "
            f"{missing[0]!r} (it has {sorted(found)}); was it built the same way?"
        )
    for name, value in values.items():
        if name in found:
            found[name].assign(np.asarray(value).reshape(found[name].shape))
            if name in names:  # the name it was made with (the scopes of that first call)
                found[name].name = f"{names[name]}:0"
    return layer


def _new_instance(cls: Any, config: Any, export_dir: str) -> Any:
    """``cls.from_config(config)`` (tf-keras's way too), else ``cls()``, else the error."""
    if config is not None:
        try:
            return cls.from_config(config)
        except TypeError:
            pass  # a config without the constructor's arguments: try without any
    try:
        return cls()
    except TypeError as error:
        raise NotSupportedByBuildtrace(
            f"Reviving {cls.__name__} from {export_dir!r}: buildtrace's SavedModel stand-in "
            f"makes a new {cls.__name__} and restores its variables, which needs "
            f"{cls.__name__}() to work without arguments or the class to define "
            f"get_config (from_config rebuilds it); calling it failed: {error}. "
            "tf-keras would revive the traced call instead; buildtrace has no traced graphs."
        ) from error


def _build(layer: Any, shape: Any) -> None:
    """Make the weights: a model calls itself on a placeholder, a layer runs ``build``."""
    if hasattr(layer, "_is_graph_network"):
        layer.build(shape)
    else:
        type(layer).build(layer, shape)
        layer.built = True


def _rename(layer: Any, names: dict[str, str]) -> None:
    """Give the revived layer and the layers it holds their saved names, by object path."""
    for path, sub in checkpoint._nested(layer, "", set(), checkpoint._is_layer):
        if path in names:
            sub._name = names[path]


def _saved_names(node: dict[str, Any], path: str) -> dict[str, str]:
    """The saved name of every object and variable in the graph, by object path."""
    names = {path: node["name"]} if node.get("name") else {}
    for key, child in node.get("children", {}).items():
        child_path = f"{path}/{key}" if path else key
        if "variable" in child:
            names[child_path] = child["variable"]["name"]
        if "class" in child:
            names.update(_saved_names(child, child_path))
        for kind in ("list", "tuple"):
            for i, item in enumerate(child.get(kind, [])):
                if "class" in item:
                    names.update(_saved_names(item, f"{child_path}/{i}"))
    return names


def is_standin_folder(path: str) -> bool:
    """Whether ``path`` is a folder buildtrace's stand-in wrote (not TensorFlow's)."""
    try:
        tf_saved_model.read_graph(path)
    except (OSError, NotSupportedByBuildtrace):
        return False
    return True


def save_folder(model: Any, path: str) -> None:
    """``model.save("name")``: the stand-in folder (``tf.saved_model``'s, plus the above)."""
    tf_saved_model.write_folder(model, path)


def load_folder(path: str) -> Any:
    """``load_model`` of a stand-in folder without a ``.keras`` file: revive its object."""
    graph = tf_saved_model.read_graph(path)
    return tf_saved_model.revive(graph["root"], tf_saved_model.read_values(path), path, {})


tf_saved_model.register_reviver(tf_saved_model.Reviver(_applies, _describe, _revive))

__all__ = ["STANDIN_FILE", "is_standin_folder", "load_folder", "save_folder"]
