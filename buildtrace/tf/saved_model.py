"""``tf.saved_model``: a folder in TensorFlow's layout that restores the object itself.

Mirrors: ``tensorflow/python/saved_model/save.py`` and ``load.py``, in the layout
TensorFlow writes (``saved_model.pb``, ``variables/``, ``assets/``), holding what
buildtrace can restore honestly:

* ``variables/variables.index``: every variable, under its object path
  (``dense_1/w/.ATTRIBUTES/VARIABLE_VALUE``, TensorFlow's names), in the HDF5 file
  ``tf.train.Checkpoint`` writes here;
* ``saved_model.pb``: not TensorFlow's protocol buffer but JSON: the object graph, each
  object's class (``__main__.MySequentialModule``), name and plain attributes (numbers,
  strings, booleans, ``None``, lists and dicts of them), and each variable's name,
  dtype and ``trainable``.

What differs, on purpose, from TensorFlow: TensorFlow saves the ``tf.function`` s traced
before saving and ``load`` returns a new object that runs them (a ``_UserObject``, not
the saved class: a plain Python ``__call__`` is not callable after loading).
buildtrace has no traced graphs; ``load`` restores **the object**: an instance of the
saved class (found by module and name in the loading program, the common case of a
tutorial that saves and loads in one script), its sub-modules, its plain attributes and
its variables holding the saved values, so it is called as the original was, with any
input. A class the loading program does not define stops with an error saying so.
TensorFlow cannot read this folder, nor buildtrace TensorFlow's. Keras models add their
own part (``keras/saving``, registered with :func:`register_reviver`).

Example:
    What ``saved_model.pb`` keeps of a module (its variable's value goes to
    ``variables/``, under the path ``w``):

    >>> class Scale(Module):
    ...     def __init__(self):
    ...         super().__init__(name="scale")
    ...         self.factor = 3
    ...         self.w = Variable(2.0, name="w")
    >>> node = _node(Scale(), "export_dir", {})
    >>> node["class"].endswith(":Scale"), node["name"], node["attributes"]
    (True, 'scale', {'factor': 3})
    >>> node["children"]["w"]
    {'id': 1, 'variable': {'name': 'w', 'dtype': 'float32', 'trainable': True}}
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import h5py
import numpy as np

from buildtrace.tf import checkpoint
from buildtrace.tf.module import Module
from buildtrace.tf.notices import say_once
from buildtrace.tf.tensors import Variable, to_array
from buildtrace.tf.unsupported import NotSupportedByBuildtrace, module_getattr

#: The file of the object graph (TensorFlow's name; JSON inside, see the module's doc).
GRAPH_FILE = "saved_model.pb"
#: The variables' checkpoint prefix inside the folder, as TensorFlow names it.
VARIABLES_PREFIX = os.path.join("variables", "variables")
#: The first field of a stand-in's graph, so a TensorFlow SavedModel is told apart.
FORMAT = "buildtrace SavedModel stand-in (JSON, not TensorFlow's protocol buffer)"
_PLAIN = (bool, int, float, str, type(None))


@dataclass
class Reviver:
    """How a family of objects (Keras layers) is saved and restored, besides the above.

    ``applies(cls)`` says whether it handles instances of ``cls``; ``describe(obj,
    export_dir, is_root)`` returns what its node keeps (and may write files in the folder);
    ``revive(cls, node, values, export_dir)`` rebuilds the object from its node and the
    saved values under it (keyed by object path, without TensorFlow's suffix).
    """

    applies: Callable[[type], bool]
    describe: Callable[[Any, str, bool], dict[str, Any]]
    revive: Callable[[type, dict[str, Any], dict[str, np.ndarray], str], Any]


_revivers: list[Reviver] = []


def register_reviver(reviver: Reviver) -> None:
    """Add a way to save and restore a family of objects (keras registers its models)."""
    _revivers.append(reviver)


def _reviver_for(cls: type) -> Reviver | None:
    return next((r for r in _revivers if r.applies(cls)), None)


class SaveOptions:
    """Accepted and kept. Mirrors ``tf.saved_model.SaveOptions``."""

    def __init__(self, **kwargs: Any) -> None:
        self.__dict__.update(kwargs)


class LoadOptions(SaveOptions):
    """Accepted and kept. Mirrors ``tf.saved_model.LoadOptions``."""


# ------------------------------------------------------------------------------ save
def save(obj: Any, export_dir: Any, signatures: Any = None, options: Any = None) -> None:
    """Save ``obj`` (a ``tf.Module``, a Keras model) to the folder ``export_dir``.

    Mirrors ``tf.saved_model.save``; see the module's doc for what is saved.
    """
    path = os.fspath(export_dir)
    write_folder(obj, path)
    say_once(
        "tf.saved_model",
        f"buildtrace: tf.saved_model.save({path!r}) writes a stand-in in SavedModel's "
        "layout, not TensorFlow's format: the variables by object path (variables/), the "
        f"object's class and plain attributes ({GRAPH_FILE}, as JSON). tf.saved_model.load "
        "restores the object itself when its class is defined in the loading program "
        "(TensorFlow would restore the traced tf.functions); TensorFlow cannot read it.",
    )


def write_folder(obj: Any, path: str) -> None:
    """Write the folder (no notice): ``save`` and Keras's ``model.save`` share it."""
    if not (checkpoint._trackable([obj]) or isinstance(obj, Module)):
        raise ValueError(
            "Expected an object of type `Trackable`, such as `tf.Module` or a subclass of "
            f"the `Trackable` class, for export. Got {obj} with type {type(obj)}."
        )
    os.makedirs(os.path.join(path, "variables"), exist_ok=True)
    os.makedirs(os.path.join(path, "assets"), exist_ok=True)
    graph = {"format": FORMAT, "version": 1, "root": _node(obj, path, {})}
    with open(os.path.join(path, GRAPH_FILE), "w", encoding="utf-8") as file:
        json.dump(graph, file, indent=1)
    with h5py.File(os.path.join(path, VARIABLES_PREFIX + ".index"), "w") as h5:
        h5.attrs["buildtrace_format"] = "tf.saved_model variables stand-in (not TensorFlow's)"
        for name, variable in checkpoint._walk(obj, "", set()):
            if name not in h5:
                h5.create_dataset(name, data=to_array(variable))


def _class_ref(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _node(obj: Any, path: str, seen: dict[int, int]) -> dict[str, Any]:
    """The object's class, name, plain attributes, and its tracked children's nodes.

    ``seen`` numbers the objects already written: one held twice (a module in a list
    and in an attribute) is written once and referred to by number after, so ``load``
    gives back one object, as TensorFlow's object graph does (and a cycle ends).
    """
    is_root = not seen
    seen[id(obj)] = len(seen)
    node: dict[str, Any] = {
        "id": seen[id(obj)],
        "class": _class_ref(type(obj)),
        "name": getattr(obj, "name", None),
    }
    reviver = _reviver_for(type(obj))
    if reviver is not None:
        node["revived_by"] = reviver.describe(obj, path, is_root)
    children = checkpoint._children(obj)
    node["children"] = {
        name: _child(child, path, seen)
        for name, child in children
        if checkpoint._trackable([child])
    }
    if reviver is None:
        named = {name for name, _ in children} | {"_name", "_name_scope"}
        plain = {k: v for k, v in vars(obj).items() if k not in named}
        node["attributes"] = {k: v for k, v in plain.items() if _is_plain(v)}
        node["not_saved"] = sorted(k for k, v in plain.items() if not _is_plain(v))
    return node


def _child(value: Any, path: str, seen: dict[int, int]) -> dict[str, Any]:
    if id(value) in seen:
        return {"ref": seen[id(value)]}
    if isinstance(value, Variable):
        seen[id(value)] = len(seen)
        return {
            "id": seen[id(value)],
            "variable": {
                "name": value.name.split(":")[0],
                "dtype": str(to_array(value).dtype),
                "trainable": bool(value.trainable),
            },
        }
    if isinstance(value, list | tuple):
        items = [_child(v, path, seen) for v in value]
        return {"tuple" if isinstance(value, tuple) else "list": items}
    if isinstance(value, dict):
        return {"dict": {str(k): _child(v, path, seen) for k, v in value.items()}}
    if not checkpoint._trackable([value]):
        return {"value": value if _is_plain(value) else None}
    return _node(value, path, seen)


def _is_plain(value: Any) -> bool:
    """A value JSON keeps as it is: what ``load`` can give back unchanged."""
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, list):
        return all(_is_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    return False


# ------------------------------------------------------------------------------ load
def contains_saved_model(export_dir: Any) -> bool:
    """Whether the folder holds a SavedModel. Mirrors ``tf.saved_model.contains_saved_model``."""
    return os.path.isfile(os.path.join(os.fspath(export_dir), GRAPH_FILE))


def load(export_dir: Any, tags: Any = None, options: Any = None) -> Any:
    """Restore the object ``tf.saved_model.save`` wrote (see the module's doc).

    Mirrors ``tf.saved_model.load``, but returns an instance of the saved class (not
    TensorFlow's ``_UserObject`` of traced functions).

    Raises:
        OSError: no SavedModel at ``export_dir`` (TensorFlow's message).
        NotSupportedByBuildtrace: a SavedModel written by TensorFlow, or a class the
            loading program does not define.
    """
    path = os.fspath(export_dir)
    graph = read_graph(path)
    return revive(graph["root"], read_values(path), path, {})


def read_graph(path: str) -> dict[str, Any]:
    """The stand-in's object graph (raises the errors ``load`` documents)."""
    file = os.path.join(path, GRAPH_FILE)
    if not os.path.isfile(file):
        raise OSError(
            f"SavedModel file does not exist at: {path}{os.sep}{{saved_model.pbtxt|saved_model.pb}}"
        )
    try:
        with open(file, encoding="utf-8") as handle:
            graph: dict[str, Any] = json.load(handle)
        if graph.get("format") != FORMAT:
            raise ValueError(graph.get("format"))
    except ValueError as error:  # a protocol buffer (UnicodeDecodeError is a ValueError)
        raise NotSupportedByBuildtrace(
            f"tf.saved_model.load({path!r}): this SavedModel was written by TensorFlow. "
            "buildtrace reads back only the stand-in folders its own tf.saved_model.save "
            "and model.save write (it has no TensorFlow graphs to run)."
        ) from error
    return graph


def read_values(path: str) -> dict[str, np.ndarray]:
    """The saved variables by object path (without TensorFlow's ``.ATTRIBUTES`` suffix)."""
    saved = checkpoint._read_values(os.path.join(path, VARIABLES_PREFIX))
    return {name[: -len(checkpoint._SUFFIX)]: value for name, value in saved.items()}


def revive(node: dict[str, Any], values: dict[str, np.ndarray], export_dir: str,
           made: dict[int, Any], path: str = "") -> Any:  # fmt: skip
    """The object of ``node``: its class, attributes and children, variables restored.

    ``made`` holds the objects revived so far by their number, for the references.
    """
    cls: Any = find_class(node["class"], export_dir)
    reviver = _reviver_for(cls)
    if reviver is not None:
        start = f"{path}/" if path else ""
        below = {k[len(start) :]: v for k, v in values.items() if k.startswith(start)}
        made[node["id"]] = reviver.revive(cls, node, below, export_dir)
        return made[node["id"]]
    obj = cls.__new__(cls)
    made[node["id"]] = obj
    if isinstance(obj, Module):
        Module.__init__(obj, name=node["name"])
    for key, value in node.get("attributes", {}).items():
        object.__setattr__(obj, key, value)
    if node.get("not_saved"):
        say_once(
            f"tf.saved_model.load {node['class']}",
            f"buildtrace: tf.saved_model.load restored a {cls.__qualname__} without its "
            f"attributes {', '.join(node['not_saved'])}: the stand-in saves sub-modules, "
            "variables and plain values (numbers, strings, lists and dicts of them) only.",
        )
    for name, child in node["children"].items():
        setattr(obj, name, _revive_child(child, values, export_dir, made, _join(path, name)))
    return obj


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def _revive_child(child: dict[str, Any], values: dict[str, np.ndarray], export_dir: str,
                  made: dict[int, Any], path: str) -> Any:  # fmt: skip
    if "ref" in child:
        return made[child["ref"]]
    if "variable" in child:
        spec = child["variable"]
        if path not in values:
            raise ValueError(f"The SavedModel at {export_dir!r} has no value for {path!r}.")
        made[child["id"]] = Variable(
            np.asarray(values[path], dtype=spec["dtype"]),
            trainable=spec["trainable"],
            name=f"{spec['name']}:0",  # the saved name, whatever scope is open now
        )
        return made[child["id"]]
    for kind in ("list", "tuple"):
        if kind in child:
            items = [
                _revive_child(c, values, export_dir, made, _join(path, str(i)))
                for i, c in enumerate(child[kind])
            ]
            return items if kind == "list" else tuple(items)
    if "dict" in child:
        return {
            k: _revive_child(c, values, export_dir, made, _join(path, k))
            for k, c in child["dict"].items()
        }
    if "value" in child:
        return child["value"]
    return revive(child, values, export_dir, made, path)


def find_class(ref: str, export_dir: str) -> type:
    """The class ``module:qualname`` in the loading program, or the clear error."""
    module_name, _, qualname = ref.partition(":")
    found: Any = sys.modules.get(module_name)
    if found is None and module_name != "__main__":
        try:
            found = importlib.import_module(module_name)
        except ImportError:
            found = None
    for part in qualname.split("."):
        found = getattr(found, part, None) if part != "<locals>" else None
    if isinstance(found, type):
        return found
    raise NotSupportedByBuildtrace(
        f"tf.saved_model.load({export_dir!r}): buildtrace's SavedModel stand-in restores "
        f"the object itself, an instance of `{module_name}.{qualname}` with its saved "
        f"variables, so the loading program must define that class (as the program that "
        f"saved it did); `{module_name}` has no `{qualname}` here. TensorFlow would "
        "restore the traced tf.functions without the class; buildtrace has no traced "
        "graphs to restore. Define or import the class, then load."
    )


__all__ = [
    "GRAPH_FILE",
    "LoadOptions",
    "Reviver",
    "SaveOptions",
    "contains_saved_model",
    "load",
    "register_reviver",
    "save",
]

__getattr__ = module_getattr("tf.saved_model")
