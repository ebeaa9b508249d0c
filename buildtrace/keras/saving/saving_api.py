"""``save_model`` / ``load_model`` and the weights-only forms: the file name picks the format.

Mirrors: ``keras/saving/saving_api.py`` of tf-keras 2.21: ``.keras`` is the zip format,
``.h5`` / ``.hdf5`` the legacy HDF5 format, ``*.weights.h5`` the weights in the
``.keras`` layout. A name without those endings asks Keras 2 for TensorFlow's SavedModel
folder; buildtrace has no TensorFlow graph to save, so it writes a stand-in in
SavedModel's layout (``saved_model.pb``, ``variables/``, ``assets/``; see
``buildtrace.tf.saved_model`` and ``saved_model_standin.py``), says so once, and
``load_model`` of the folder reads it back: a Sequential or functional model from the
``.keras`` file inside (``STANDIN_FILE``), compiled; a subclassed model revived from its
class in the loading program, as tf-keras revives one it cannot find by name. A real
SavedModel folder (from TensorFlow) stops with the clear message.
"""

from __future__ import annotations

import os
from typing import Any

from buildtrace.keras.saving import legacy_h5, saved_model_standin, saving_lib
from buildtrace.keras.saving.saved_model_standin import STANDIN_FILE
from buildtrace.keras.unsupported import unsupported
from buildtrace.tf import train as tf_train
from buildtrace.tf.notices import say_once

_H5 = (".h5", ".hdf5")


def _path(filepath: Any) -> str:
    return str(os.fspath(filepath))


def save_model(
    model: Any,
    filepath: Any,
    overwrite: bool = True,
    save_format: str | None = None,
    include_optimizer: bool = True,
    **kwargs: Any,
) -> None:
    """Save the whole model: config, weights, compile arguments, optimizer state.

    Mirrors: ``keras/saving/saving_api.py::save_model``.
    """
    path = _path(filepath)
    save_format = _save_format(path, save_format)
    if save_format == "keras":
        saving_lib.save_model(model, path)
    elif save_format == "h5":
        legacy_h5.save_model_to_hdf5(model, path, include_optimizer=include_optimizer)
    else:
        _save_standin_folder(model, path)


def _save_format(path: str, save_format: str | None) -> str:
    """``"keras"``, ``"h5"`` or ``"tf"``. Mirrors ``saving_api.get_save_format``."""
    if save_format:
        if save_format in ("keras", "keras_v3"):
            return "keras"
        if save_format in ("h5", "hdf5"):
            return "h5"
        if save_format in ("tf", "tensorflow"):
            return "tf"
        raise ValueError(
            "Unknown `save_format` argument. Expected one of 'keras', 'tf', or 'h5'. "
            f"Received: save_format={save_format}"
        )
    if path.endswith(".keras"):
        return "keras"
    return "h5" if path.endswith(_H5) else "tf"


def _save_standin_folder(model: Any, path: str) -> None:
    """The SavedModel stand-in folder (see the module's doc)."""
    saved_model_standin.save_folder(model, path)
    say_once(
        f"model.save {path}",
        f"buildtrace: model.save({path!r}) asks for TensorFlow's SavedModel folder; "
        "buildtrace has no TensorFlow graph to save, so it writes a stand-in in its "
        "layout: the variables by object path, the model's class and, for a model with "
        f"a graph of layers, the whole model in Keras's .keras format ({STANDIN_FILE}). "
        f"keras.models.load_model({path!r}) reads it back. It is not a SavedModel: "
        "TensorFlow Serving cannot read it.",
    )


def load_model(
    filepath: Any, custom_objects: Any = None, compile: bool = True, safe_mode: bool = True,
    **kwargs: Any,
) -> Any:  # fmt: skip
    """Load a model saved by ``model.save`` (by buildtrace or by Keras 2).

    Mirrors: ``keras/saving/saving_api.py::load_model``.

    Raises:
        OSError: no such file (Keras's message).
    """
    path = _path(filepath)
    if os.path.isdir(path):
        standin = os.path.join(path, STANDIN_FILE)
        if os.path.isfile(standin):
            return saving_lib.load_model(standin, custom_objects=custom_objects, compile=compile)
        if not saved_model_standin.is_standin_folder(path):
            raise unsupported(f"keras.models.load_model of a SavedModel directory ({path!r})")
        return saved_model_standin.load_folder(path)
    if not os.path.exists(path):
        raise OSError(f"No file or directory found at {path}")
    if saving_lib.is_keras_zip(path):
        return saving_lib.load_model(path, custom_objects=custom_objects, compile=compile)
    return legacy_h5.load_model_from_hdf5(path, custom_objects=custom_objects, compile=compile)


def save_weights(model: Any, filepath: Any, overwrite: bool = True, save_format: Any = None,
                 options: Any = None) -> None:  # fmt: skip
    """Save the weights only. Mirrors ``Model.save_weights``."""
    path = _path(filepath)
    if path.endswith(".weights.h5"):
        saving_lib.save_weights_only(model, path)
    elif save_format == "h5" or path.endswith((*_H5, ".keras")):
        legacy_h5.save_weights_to_hdf5(model, path)
    else:  # a TensorFlow checkpoint prefix: HDF5 under TensorFlow's names (see tf.train)
        legacy_h5.save_weights_to_hdf5(model, tf_train.prepare_checkpoint_prefix(path))
        tf_train.write_checkpoint_state(path)


def load_weights(model: Any, filepath: Any, skip_mismatch: bool = False, by_name: bool = False,
                 options: Any = None) -> None:  # fmt: skip
    """Load weights saved by ``save_weights`` or ``save``. Mirrors ``Model.load_weights``."""
    path = _path(filepath)
    if by_name:
        raise unsupported("keras.Model.load_weights(by_name=True)")
    if not path.endswith((*_H5, ".keras")) and os.path.isfile(
        tf_train.weights_file_for_prefix(path)
    ):
        path = tf_train.weights_file_for_prefix(path)  # a checkpoint prefix saved above
    if not path.endswith((*_H5, ".keras")) and not os.path.isfile(path):
        raise unsupported(
            f"keras.Model.load_weights from TensorFlow's checkpoint format ({path!r}); "
            "save the weights to a .weights.h5 or .h5 file"
        )
    if not os.path.exists(path):
        raise OSError(f"No file or directory found at {path}")
    if saving_lib.is_keras_zip(path):
        saving_lib.load_weights_only(model, path)
    else:
        legacy_h5.load_weights_from_hdf5(model, path)
