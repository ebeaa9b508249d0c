"""``Model.save``, ``save_weights``, ``load_weights``, ``to_json``, ``from_config``.

Mirrors: the saving methods of ``keras/engine/training.py::Model`` (Keras 2), which
hand over to ``keras/saving/``. They live in this mixin, which ``Model`` inherits
first, to keep ``training.py`` about training.
"""

from __future__ import annotations

from typing import Any


class ModelSavingMixin:
    """The saving half of ``Model``'s API (see ``buildtrace/keras/saving/``)."""

    def save(self, filepath: Any, overwrite: bool = True, save_format: Any = None,
             **kwargs: Any) -> None:  # fmt: skip
        """Save the model to ``.keras`` or ``.h5``. Mirrors ``Model.save`` (see ``saving/``)."""
        from buildtrace.keras.saving import saving_api

        saving_api.save_model(self, filepath, overwrite, save_format, **kwargs)

    def save_weights(self, filepath: Any, overwrite: bool = True, save_format: Any = None,
                     options: Any = None) -> None:  # fmt: skip
        """Save the weights to ``*.weights.h5`` or ``.h5``. Mirrors ``Model.save_weights``."""
        from buildtrace.keras.saving import saving_api

        saving_api.save_weights(self, filepath, overwrite, save_format, options)

    def load_weights(self, filepath: Any, skip_mismatch: bool = False, by_name: bool = False,
                     options: Any = None) -> None:  # fmt: skip
        """Load weights from a file ``save_weights`` or ``save`` wrote. Mirrors ``load_weights``."""
        from buildtrace.keras.saving import saving_api

        saving_api.load_weights(self, filepath, skip_mismatch, by_name, options)

    def to_json(self, **kwargs: Any) -> str:
        """The model's config as JSON, as ``model_from_json`` reads it. Mirrors ``to_json``."""
        import json

        from buildtrace.keras.saving import serialization_lib

        config = serialization_lib.model_config(self, v3=False)
        config.update({"keras_version": "2.21.0", "backend": "tensorflow"})
        return json.dumps(config, **kwargs)

    @classmethod
    def from_config(cls, config: Any, custom_objects: Any = None) -> Any:
        """A new model from ``get_config()``. Mirrors ``Sequential``/``Functional.from_config``."""
        from buildtrace.keras.saving import serialization_lib

        if isinstance(config, dict) and "input_layers" in config:
            return serialization_lib.functional_from_config(config, custom_objects)
        if cls.__name__ == "Sequential" or (isinstance(config, dict) and "layers" in config):
            return serialization_lib.sequential_from_config(config, custom_objects)
        return cls(**config)
