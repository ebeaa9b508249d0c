"""``Model``: a layer made of layers, that can be summarised, compiled and trained.

Mirrors: ``keras/engine/training.py::Model``. ``keras.Model(inputs, outputs)`` gives
a ``Functional`` model (see ``Model.__new__``); ``Sequential`` derives from
``Functional``. Training (``compile``, ``fit``, ``evaluate``, ``predict`` and the
``*_on_batch`` forms) is here too, as in Keras; the heavy parts live beside it: batching
in ``data_adapter.py``, the loss and metrics in ``compile_utils.py``, gradients in
``gradients.py``.

Keras runs ``train_step`` inside a ``tf.function``: the Python code runs once, to trace
the graph, and later batches run the graph. buildtrace mirrors that in what it reports:
the first ``train_step`` is traced event by event (this is where a model with no input
shape gets built), later ones run silently, with one ``batch_end`` event each.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras import backend, regularizers
from buildtrace.keras.engine import (
    compile_utils,
    data_adapter,
    gradients,
    trace_details,
    training_loop,
    training_utils,
)
from buildtrace.keras.engine.base_layer import Layer
from buildtrace.keras.engine.base_layer_utils import scratch_values, symbolic_batch
from buildtrace.keras.engine.gradients import GradientTape
from buildtrace.keras.engine.keras_tensor import KerasTensor
from buildtrace.keras.unsupported import attribute_error
from buildtrace.keras.utils import generic_utils, tf_utils
from buildtrace.keras.utils.generic_utils import default
from buildtrace.tf import tape as tf_tape
from buildtrace.tf.tensors import Tensor
from buildtrace.trace import BUS, emit, traced


def is_functional_model_init_params(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """True for ``Model(inputs, outputs)``-style arguments. Mirrors the Keras 2 helper."""
    return (
        (len(args) == 2)
        or (len(args) == 1 and "outputs" in kwargs)
        or ("inputs" in kwargs and "outputs" in kwargs)
    )


class Model(Layer):
    """A group of layers with training and inference features.

    Example:
        >>> from buildtrace import keras
        >>> inputs = keras.Input(shape=(3,))
        >>> outputs = keras.layers.Dense(2)(inputs)
        >>> type(keras.Model(inputs, outputs)).__name__
        'Functional'
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Model:
        # keras.Model(inputs, outputs) really builds a Functional model.
        if is_functional_model_init_params(args, kwargs):
            from buildtrace.keras.engine import functional

            if cls is Model:
                model: Model = functional.Functional(*args, skip_init=True, **kwargs)
                return model
            if not issubclass(cls, functional.Functional) and cls.__init__ is Model.__init__:
                # A subclass without an __init__ of its own, called with (inputs, outputs), is
                # a functional model with the subclass's methods (its own train_step...).
                # Mirrors Keras's `inject_functional_model_class`. A subclass with its own
                # __init__ (`VAE(encoder, decoder)`) stays subclassed unless that __init__
                # passes inputs and outputs on to `Model.__init__` (see there).
                cls = _with_functional(cls)
        return object.__new__(cls)

    @traced
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if is_functional_model_init_params(args, kwargs):
            from buildtrace.keras.engine import functional

            if not isinstance(self, functional.Functional):
                # `super().__init__(inputs, outputs)` in a subclass's own __init__: the model
                # becomes functional there. Mirrors `Model.__init__`'s call of
                # `inject_functional_model_class` in Keras 2.
                self.__class__ = _with_functional(type(self))
                functional.Functional.__init__(self, *args, **kwargs)
                return
        elif args:
            raise TypeError(
                f"Model.__init__() takes 1 positional argument but {len(args) + 1} were given"
            )
        allowed = {"trainable", "dtype", "dynamic", "name", "autocast", "inputs", "outputs"}
        generic_utils.validate_kwargs(kwargs, allowed)
        kwargs.pop("autocast", None)
        super().__init__(**{k: v for k, v in kwargs.items() if k in {"trainable", "dtype", "name"}})
        self._is_graph_network = False
        self._self_tracked_trackables: list[Layer] = []
        # Lists of KerasTensors once the model is a graph network.
        self.inputs: Any = None
        self.outputs: Any = None
        self.history: Any = None
        self.optimizer: Any = None
        self.compiled_loss: Any = None
        self.compiled_metrics: Any = None
        self.stop_training = False
        self.output_names: list[str] = []
        self.train_function: Any = None
        self.test_function: Any = None
        self.predict_function: Any = None

    def __getattr__(self, name: str) -> Any:
        # Only reached when normal lookup fails: a Keras API buildtrace lacks (or a typo).
        raise attribute_error(self, name)

    def __setattr__(self, attr: str, value: Any) -> None:
        # A subclassed model tracks the layers assigned to it, as Keras's auto-tracking does.
        if (
            isinstance(value, Layer)
            and not attr.startswith("_")
            and "_self_tracked_trackables" in self.__dict__
            and value not in self._self_tracked_trackables
        ):
            self._self_tracked_trackables.append(value)
        super().__setattr__(attr, value)

    @default
    @traced
    def build(self, input_shape: Any) -> None:
        """Build a model that is not a graph network by calling it on a placeholder.

        Mirrors: ``Model.build`` (simplified: Keras creates placeholders in a scratch
        graph and runs ``call`` on them; we run ``call`` on symbolic tensors).
        """
        # A Functional or Sequential model with a graph was built by making the graph:
        # there is nothing to call, only `built` to set.
        if self._is_graph_network:
            super().build(input_shape)
            return
        # A subclassed model's weights are made by its `call`, which needs inputs:
        # without a shape there is nothing to call it on.
        if input_shape is None:
            raise ValueError(
                "Input shape must be defined when calling `build()` on a `Model` subclass."
            )
        if not isinstance(input_shape, tuple | list | dict):
            raise ValueError(
                "Specified input shape is not one of the valid types. Please specify a batch "
                "input shape of type tuple or list of input shapes. User provided input "
                f"type: {type(input_shape)}."
            )
        # Call the model once on placeholders of that shape: every layer its `call` uses
        # gets built on the way, which creates the weights. Keras does it in a scratch
        # graph, so the call computes nothing that stays.
        if input_shape and not self.inputs:
            if isinstance(input_shape, list) and all(isinstance(s, tuple) for s in input_shape):
                x: Any = [KerasTensor(s) for s in input_shape]
            else:
                x = KerasTensor(tuple(input_shape))
            # Keras's placeholders are plain (graph) tensors, not KerasTensors: the layers
            # take their eager path (no Node, so `summary()` says "multiple"). Zeros with a
            # batch of 1 stand in for them.
            with symbolic_batch():  # shapes reported with the placeholder's None batch
                self.call(scratch_values(x, 1))
        super().build(input_shape)

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        """The forward pass; subclassed models override it."""
        raise NotImplementedError(
            "Unimplemented `tf.keras.Model.call()`: if you intend to create a `Model` with "
            "the Functional API, please provide `inputs` and `outputs` arguments. "
            "Otherwise, subclass `Model` with an overridden `call()` method."
        )

    # --------------------------------------------------------------- layers, weights
    @property
    def layers(self) -> list[Layer]:
        """The model's layers, in the order they run."""
        return list(self._self_tracked_trackables)

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """A layer by name or index, with Keras's errors."""
        if index is not None and name is not None:
            raise ValueError(
                f"Provide only a layer name or a layer index. Received: index={index}, name={name}."
            )
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has "
                    f"{len(self.layers)} layers."
                )
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: {self.layers}.")

    def _assert_weights_created(self) -> None:
        """Refuse to list weights of an unbuilt model whose class defines ``build``."""
        if "build" in type(self).__dict__ and type(self) is not Model and not self.built:
            raise ValueError(
                f"Weights for model '{self.name}' have not yet been created. Weights are "
                "created when the model is first called on inputs or `build()` is called "
                "with an `input_shape`."
            )

    @property
    def trainable_weights(self) -> list[backend.Variable]:
        self._assert_weights_created()
        if not self.trainable:
            return []
        weights = [w for layer in self.layers for w in layer.trainable_weights]
        return _dedup(weights + self._trainable_weights)

    @property
    def non_trainable_weights(self) -> list[backend.Variable]:
        self._assert_weights_created()
        if not self.trainable:
            weights = [w for layer in self.layers for w in layer.weights]
            return _dedup(weights + self._trainable_weights + self._non_trainable_weights)
        weights = [w for layer in self.layers for w in layer.non_trainable_weights]
        return _dedup(weights + self._non_trainable_weights)

    @property
    def weights(self) -> list[backend.Variable]:
        """All weights, layer by layer (each layer's trainable ones first)."""
        self._assert_weights_created()
        weights = [w for layer in self.layers for w in layer.weights]
        return _dedup(weights + self._trainable_weights + self._non_trainable_weights)

    def summary(self, line_length: int | None = None, positions: list[float] | None = None,
                print_fn: Any = None, expand_nested: bool = False, show_trainable: bool = False,
                layer_range: Any = None) -> None:  # fmt: skip
        """Print the layers, their output shapes and parameter counts, as Keras 2 does.

        Raises:
            ValueError: the model is not built yet (Keras's message).
        """
        if not self.built:
            raise ValueError(
                "This model has not yet been built. Build the model first by calling "
                "`build()` or by calling the model on a batch of data."
            )
        from buildtrace.keras.utils import layer_utils

        layer_utils.print_summary(
            self, line_length=line_length, positions=positions, print_fn=print_fn,
            expand_nested=expand_nested, show_trainable=show_trainable, layer_range=layer_range,
        )  # fmt: skip

    # ------------------------------------------------------------------ saving
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

    # ------------------------------------------------------------------ training
    @traced
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, metrics: Any = None,
                loss_weights: Any = None, weighted_metrics: Any = None,
                run_eagerly: bool | None = None, steps_per_execution: int | None = None,
                jit_compile: bool | None = None, **kwargs: Any) -> None:  # fmt: skip
        """Choose the optimizer, the loss and the metrics. Mirrors ``Model.compile``."""
        from buildtrace.keras import optimizers

        if kwargs:
            raise TypeError(f"Invalid keyword argument(s) in `compile()`: {tuple(kwargs)}.")
        self.optimizer = optimizers.get(optimizer)
        # What compile was given, for the saved model's compile_config.
        self._compile_args = {
            "optimizer": optimizer,
            "loss": loss,
            "metrics": metrics,
            "loss_weights": loss_weights,
            "weighted_metrics": weighted_metrics,
        }
        self.compiled_loss = compile_utils.LossesContainer(loss, loss_weights)
        self.compiled_metrics = compile_utils.MetricsContainer(metrics, weighted_metrics)
        self.loss = loss
        self._is_compiled = True
        self.train_function = self.test_function = self.predict_function = None
        emit("compile", "compile", self.name, **trace_details.compile_details(self, loss, metrics))

    def _assert_compile_was_called(self) -> None:
        if not getattr(self, "_is_compiled", False):
            raise RuntimeError(
                "You must compile your model before training/testing. "
                "Use `model.compile(optimizer, loss)`."
            )

    @property
    def metrics(self) -> list[Any]:
        """The loss tracker(s), the compiled metrics, then ``add_metric`` ones, as ``fit``."""
        found: list[Any] = []
        if self.compiled_loss is not None:
            found += self.compiled_loss.metrics
        if self.compiled_metrics is not None:
            found += self.compiled_metrics.metrics
        from buildtrace.keras.engine import added_losses  # (it imports base_layer)

        return found + added_losses.layer_metrics(self)

    @property
    def losses(self) -> list[Any]:
        """Every layer's weight penalties and added losses. Mirrors ``Model.losses``."""
        found = list(regularizers.layer_losses(self))
        for layer in self.layers:
            found += layer.losses
        return found

    @property
    def metrics_names(self) -> list[str]:
        """``["loss", "accuracy"]`` for the seed model."""
        return [m.name for m in self.metrics]

    def reset_metrics(self) -> None:
        """Start every metric afresh (``fit`` does it at each epoch)."""
        for metric in self.metrics:
            metric.reset_state()

    def _build_for_step(self, x: Any, training: bool) -> bool:
        """The deferred build: an unbuilt model meets its first batch inside a step.

        Returns whether the model is a graph of layers (``fit``'s fast path); a subclassed
        model is built by its first real call, as in Keras.
        """
        from buildtrace.keras.engine.functional import Functional

        if not isinstance(self, Functional):
            return False
        # A Sequential with no input shape yet: calling it on the batch makes its graph
        # (`_build_graph_network_for_inferred_shape`), for any batch size (None).
        if not self._is_graph_network:
            with symbolic_batch():
                self(x, training=training)
        # Still no graph: a layer refused the symbolic call (legacy deferred mode).
        if not self._is_graph_network:
            raise NotImplementedError(
                f"buildtrace can only train models with a graph of layers; {self.name} has "
                "none (subclassed models are not supported)."
            )
        return True

    def _subclassed_train_step(self, x: Any, y: Any, sample_weight: Any) -> dict[str, Any]:
        """Keras's default ``train_step`` as written, for a model with no graph of layers
        (or with losses added by its layers, which the tape differentiates).

        Mirrors: ``Model.train_step``: the forward pass and the loss under a
        ``tf.GradientTape`` (each built-in layer leaves one node on it, a layer of your own
        its ops, an ``add_loss`` tensor its ops too), ``tape.gradient``,
        ``apply_gradients``, then the metrics.
        """
        from buildtrace.tf.autodiff import GradientTape as TfTape

        with TfTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x, y, y_pred, sample_weight)
        variables = self.trainable_weights
        grads = tape.gradient(loss, variables)
        grads = [np.zeros_like(v.value) if g is None else g for g, v in zip(grads, variables)]
        penalised = regularizers.regularized(self.layers)
        if penalised:  # weight penalties are numbers here: their gradients are added
            grads = regularizers.add_penalty_gradients(grads, variables, penalised)
        self.optimizer.apply_gradients(zip(grads, variables))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    @traced
    def train_step(self, data: Any) -> dict[str, float]:
        """One optimisation step on a batch. Mirrors ``Model.train_step``.

        Forward pass under a tape, ``compute_loss``, the gradients, the optimizer's
        ``apply_gradients``, then ``compute_metrics``.
        """
        # The batch as `fit` packed it: (x,), (x, y) or (x, y, sample_weight).
        x, y, sample_weight = data_adapter.unpack_x_y_sample_weight(data)
        x = training_utils.flatten_to_reference_inputs(self, x)
        # Losses `add_loss` recorded in the previous step's calls belong to that step.
        regularizers.clear_eager_losses([self, *self.layers])
        # A model that did not know its input shape is built here, inside the first
        # step (Keras's deferred build): its first call in the step's graph builds it.
        deferred = not self._is_graph_network
        if not self._build_for_step(x, training=True) or gradients.adds_losses(self):
            # No graph of layers (a subclassed model), or losses added with `add_loss`
            # (which may depend on anything): the step runs as Keras writes it, under
            # a tf.GradientTape.
            return self._subclassed_train_step(x, y, sample_weight)
        # 1. Forward pass, recorded for the backward pass: Keras runs it under a
        #    tf.GradientTape; buildtrace's tape keeps what each layer's gradient needs.
        tape = GradientTape(self)  # type: ignore[arg-type]
        # The first (traced) step shows the forward pass as Keras's: the model's call (a
        # deferred build's call just did, and Keras calls the model once). Batch sizes
        # are reported as None, as in the step's graph.
        with symbolic_batch():
            y_pred = tape.forward(x, training=True, announce=BUS.active and not deferred)
        y_pred = _with_masks(y_pred, tape.output_masks())
        # 2. The loss: the compiled loss of every output, plus the regularization
        #    losses (`self.losses`), as one number.
        loss = self.compute_loss(x, y, y_pred, sample_weight, tape=tape)
        # 3. Backward pass: the gradient of the loss for each trainable weight, in the
        #    order of `trainable_weights` (frozen layers have none).
        variables = self.trainable_weights
        grads = tape.gradient(loss, variables)
        penalised = regularizers.regularized(self.layers)
        if penalised:  # the penalties' share of the gradient (TensorFlow's tape finds it)
            grads = regularizers.add_penalty_gradients(grads, variables, penalised)
        # 4. One update of every weight by the optimizer (this counts `iterations`).
        self.optimizer.apply_gradients(zip(grads, variables))
        # 5. The metrics, updated with this batch; their running values become the
        #    batch's logs, which the callbacks (the progress bar, History) receive.
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def compute_loss(
        self, x: Any = None, y: Any = None, y_pred: Any = None, sample_weight: Any = None,
        tape: Any = None,
    ) -> Any:  # fmt: skip
        """The batch's loss (and, given a tape, its gradient). Mirrors ``compute_loss``."""
        targets, preds = compile_utils.targets_and_outputs(self, y, y_pred)
        penalties = self.losses
        loss = self.compiled_loss(
            targets, preds, sample_weight, tape=tape, regularization_losses=penalties
        )
        return loss if tf_tape.is_recording() else float(loss)  # a tensor on a tf tape

    def compute_metrics(
        self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None
    ) -> dict[str, float]:
        """Update the metrics with a batch and return all their current values.

        Mirrors ``Model.compute_metrics``.
        """
        targets, preds = compile_utils.targets_and_outputs(self, y, y_pred)
        self.compiled_metrics.update_state(targets, preds, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self) -> dict[str, Any]:
        """Every metric's current value (a tensor), by name. Mirrors ``get_metrics_result``."""
        return {m.name: m.result() for m in self.metrics}

    def _validate_and_get_metrics_result(self, logs: dict[str, Any]) -> dict[str, Any]:
        """The metrics' results when they hold the same names as the step's logs (a
        custom ``train_step`` may return others: then its logs). Mirrors
        ``Model._validate_and_get_metrics_result``."""
        metric_logs = self.get_metrics_result()
        if set(logs) == set(metric_logs):
            return dict(tf_utils.sync_to_numpy_or_python_type(metric_logs))
        return dict(logs)

    @traced
    def make_train_function(self, force: bool = False) -> Any:
        """The function ``fit`` calls per batch: ``train_step``, traced only the first time."""
        if self.train_function is not None and not force:
            return self.train_function
        self.train_function = training_loop.trace_once(
            training_loop.packed_step(self, "train_step"), to_logs=True
        )
        return self.train_function

    def make_test_function(self, force: bool = False) -> Any:
        """The function ``evaluate`` calls per batch: ``test_step``, traced the first time."""
        if self.test_function is None or force:
            self.test_function = training_loop.trace_once(
                training_loop.packed_step(self, "test_step"), to_logs=True
            )
        return self.test_function

    def make_predict_function(self, force: bool = False) -> Any:
        """The function ``predict`` calls per batch: ``predict_step``, traced the first time."""
        if self.predict_function is None or force:
            self.predict_function = training_loop.trace_once(self.predict_step)
        return self.predict_function

    @traced
    def test_step(self, data: Any) -> dict[str, float]:
        """Loss and metrics of a batch, no update. Mirrors ``Model.test_step``."""
        x, y, sample_weight = data_adapter.unpack_x_y_sample_weight(data)
        x = training_utils.flatten_to_reference_inputs(self, x)
        regularizers.clear_eager_losses([self, *self.layers])
        self._build_for_step(x, training=False)
        y_pred = self(x, training=False)
        self.compute_loss(x, y, y_pred, sample_weight)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    @traced
    def predict_step(self, data: Any) -> Any:
        """The model's output for a batch. Mirrors ``Model.predict_step``."""
        x, _, _ = data_adapter.unpack_x_y_sample_weight(data)
        x = training_utils.flatten_to_reference_inputs(self, x)
        if not self.built:
            with symbolic_batch():
                return self(x, training=False)
        return self(x, training=False)

    @traced
    def fit(self, x: Any = None, y: Any = None, batch_size: int | None = None, epochs: int = 1,
            verbose: Any = "auto", callbacks: Any = None, validation_split: float = 0.0,
            validation_data: Any = None, shuffle: bool = True, class_weight: Any = None,
            sample_weight: Any = None, initial_epoch: int = 0,
            steps_per_epoch: int | None = None, validation_steps: int | None = None,
            validation_batch_size: int | None = None, validation_freq: int = 1,
            **kwargs: Any) -> Any:  # fmt: skip
        """Train for ``epochs`` epochs; returns the ``History``. Mirrors ``Model.fit``.

        The loop is Keras's: a ``DataHandler`` gives each epoch's batches, a
        ``CallbackList`` (the user's callbacks, ``History``, ``ProgbarLogger`` and
        buildtrace's ``TraceEvents``, which reports the loop on the trace bus) is told of
        every stage, validation runs at the end of an epoch and adds ``val_*`` logs.
        """
        training_loop.check_fit_kwargs(kwargs)
        self._assert_compile_was_called()
        # Keras splits off the *last* samples, before any shuffling.
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = data_adapter.train_validation_split(
                (x, y, sample_weight), validation_split=validation_split
            )
        if isinstance(validation_data, list):  # `[x_val, y_val]`, which Keras 2 reads as a tuple
            validation_data = tuple(validation_data)
        if validation_data:
            val_x, val_y, val_sample_weight = data_adapter.unpack_x_y_sample_weight(validation_data)
        # The data, cut into each epoch's batches (in a new order each epoch if `shuffle`).
        data_handler = data_adapter.DataHandler(
            x=x, y=y, sample_weight=sample_weight, batch_size=batch_size,
            steps_per_epoch=steps_per_epoch, initial_epoch=initial_epoch, epochs=epochs,
            shuffle=shuffle, class_weight=class_weight,
        )  # fmt: skip
        verbose = training_loop.get_verbosity(verbose)
        callbacks = training_loop.callback_list(
            self, callbacks, add_history=True, add_progbar=verbose != 0, verbose=verbose,
            epochs=epochs, steps=data_handler.inferred_steps,
            samples=data_handler.num_samples, batch_size=data_handler.batch_size,
        )  # fmt: skip
        # A callback (EarlyStopping) ends training by setting this flag.
        self.stop_training = False
        # Keras wraps `train_step` in a tf.function: traced on the first batch, then run.
        self.train_function = self.make_train_function()
        callbacks.on_train_begin()
        logs: dict[str, float] = {}
        training_logs: dict[str, float] = {}
        for epoch, iterator in data_handler.enumerate_epochs():
            # Each epoch's logs are its own running means, not the whole fit's.
            self.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            for step, batch in enumerate(iterator):
                callbacks.on_train_batch_begin(step)
                logs = self.train_function(batch)
                callbacks.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            # The metrics' own results, not the last step's logs (the same numbers, unless
            # the epoch had no step at all: a generator that ran out gives Keras's zeros).
            epoch_logs = self._validate_and_get_metrics_result(logs)
            # Validation, every `validation_freq` epochs: its logs join the epoch's as val_*.
            if validation_data and training_loop.should_eval(epoch, validation_freq):
                val_logs = self.evaluate(
                    val_x, val_y, sample_weight=val_sample_weight,
                    batch_size=validation_batch_size or batch_size, steps=validation_steps,
                    verbose=0, return_dict=True,
                )  # fmt: skip
                epoch_logs.update({"val_" + name: value for name, value in val_logs.items()})
            callbacks.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if self.stop_training:
                break
        callbacks.on_train_end(logs=training_logs)
        return self.history

    def evaluate(self, x: Any = None, y: Any = None, batch_size: int | None = None,
                 verbose: Any = "auto", sample_weight: Any = None, steps: int | None = None,
                 callbacks: Any = None, return_dict: bool = False,
                 **kwargs: Any) -> Any:  # fmt: skip
        """Loss and metrics over the data: a float, a list or a dict like Keras's.

        Mirrors: ``Model.evaluate``.
        """
        self._assert_compile_was_called()
        data_handler = data_adapter.DataHandler(
            x=x, y=y, sample_weight=sample_weight, batch_size=batch_size, steps_per_epoch=steps
        )
        verbose = training_loop.get_verbosity(verbose)
        callbacks = training_loop.callback_list(
            self, callbacks, add_progbar=verbose != 0, verbose=verbose, epochs=1,
            steps=data_handler.inferred_steps,
        )  # fmt: skip
        self.test_function = self.make_test_function()
        self.reset_metrics()
        callbacks.on_test_begin()
        logs: dict[str, float] = {}
        for _, iterator in data_handler.enumerate_epochs():
            for step, batch in enumerate(iterator):
                callbacks.on_test_batch_begin(step)
                logs = self.test_function(batch)
                callbacks.on_test_batch_end(step, logs)
        callbacks.on_test_end(logs)
        return training_loop.logs_as_keras_returns(logs, self.metrics_names, return_dict)

    @traced
    def predict(self, x: Any, batch_size: int | None = None, verbose: Any = "auto",
                steps: int | None = None, callbacks: Any = None,
                **kwargs: Any) -> Any:  # fmt: skip
        """The model's outputs for ``x``, batch by batch, joined. Mirrors ``Model.predict``."""
        data_handler = data_adapter.DataHandler(x=x, batch_size=batch_size, steps_per_epoch=steps)
        verbose = training_loop.get_verbosity(verbose)
        callbacks = training_loop.callback_list(
            self, callbacks, add_progbar=verbose != 0, verbose=verbose, epochs=1,
            steps=data_handler.inferred_steps,
        )  # fmt: skip
        self.predict_function = self.make_predict_function()
        callbacks.on_predict_begin()
        outputs: list[Any] = []
        for _, iterator in data_handler.enumerate_epochs():
            for step, batch in enumerate(iterator):
                callbacks.on_predict_batch_begin(step)
                outputs.append(self.predict_function(batch))
                callbacks.on_predict_batch_end(step, {"outputs": outputs[-1]})
        callbacks.on_predict_end()
        return training_loop.concat_outputs(outputs)

    def train_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None,
                       class_weight: Any = None, reset_metrics: bool = True,
                       return_dict: bool = False) -> Any:  # fmt: skip
        """One ``train_step`` on exactly this batch; returns ``[loss, metrics...]``."""
        self._assert_compile_was_called()
        batch_size = len(data_adapter.first_array(x))  # exactly this batch, in one step
        batch = data_adapter.DataHandler(
            x=x, y=y, sample_weight=sample_weight, batch_size=batch_size
        )
        logs = self.make_train_function()(next(next(batch.enumerate_epochs())[1]))
        if reset_metrics:
            self.reset_metrics()
        return training_loop.logs_as_keras_returns(logs, list(logs), return_dict)

    def test_on_batch(
        self, x: Any, y: Any = None, sample_weight: Any = None, reset_metrics: bool = True,
        return_dict: bool = False,
    ) -> Any:  # fmt: skip
        """Loss and metrics of exactly this batch, no update."""
        self._assert_compile_was_called()
        if reset_metrics:
            self.reset_metrics()
        logs = self.test_step((np.asarray(x, np.float32), y, sample_weight))
        logs = tf_utils.sync_to_numpy_or_python_type(logs)
        return training_loop.logs_as_keras_returns(logs, list(logs), return_dict)

    def predict_on_batch(self, x: Any) -> Any:
        """The model's output for exactly this batch."""
        return self.predict_step((np.asarray(x, np.float32),))

    # Keras 1's generator methods: tf-keras still has them, as a warning and a call of the
    # method that took their place (``fit`` and friends read generators and Sequences too).
    def fit_generator(self, generator: Any, steps_per_epoch: int | None = None,
                      epochs: int = 1, verbose: Any = 1, callbacks: Any = None,
                      validation_data: Any = None, validation_steps: int | None = None,
                      validation_freq: int = 1, class_weight: Any = None,
                      max_queue_size: int = 10, workers: int = 1,
                      use_multiprocessing: bool = False, shuffle: bool = True,
                      initial_epoch: int = 0) -> Any:  # fmt: skip
        """``fit`` on a generator, after Keras's deprecation warning. Mirrors
        ``Model.fit_generator``."""
        training_loop.warn_deprecated_generator_method("fit")
        return self.fit(generator, steps_per_epoch=steps_per_epoch, epochs=epochs,
                        verbose=verbose, callbacks=callbacks, validation_data=validation_data,
                        validation_steps=validation_steps, validation_freq=validation_freq,
                        class_weight=class_weight, max_queue_size=max_queue_size,
                        workers=workers, use_multiprocessing=use_multiprocessing,
                        shuffle=shuffle, initial_epoch=initial_epoch)  # fmt: skip

    def evaluate_generator(self, generator: Any, steps: int | None = None,
                           callbacks: Any = None, max_queue_size: int = 10, workers: int = 1,
                           use_multiprocessing: bool = False, verbose: Any = 0) -> Any:  # fmt: skip
        """``evaluate`` on a generator. Mirrors ``Model.evaluate_generator``."""
        training_loop.warn_deprecated_generator_method("evaluate")
        return self.evaluate(generator, steps=steps, callbacks=callbacks, verbose=verbose)

    def predict_generator(self, generator: Any, steps: int | None = None,
                          callbacks: Any = None, max_queue_size: int = 10, workers: int = 1,
                          use_multiprocessing: bool = False, verbose: Any = 0) -> Any:  # fmt: skip
        """``predict`` on a generator. Mirrors ``Model.predict_generator``."""
        training_loop.warn_deprecated_generator_method("predict")
        return self.predict(generator, steps=steps, callbacks=callbacks, verbose=verbose)


_FUNCTIONAL_SUBCLASSES: dict[type, type] = {}


def _with_functional(cls: type) -> type:
    """``cls`` with ``Functional`` behind it in the method order (made once per class)."""
    from buildtrace.keras.engine import functional

    if cls not in _FUNCTIONAL_SUBCLASSES:
        made = type(cls.__name__, (cls, functional.Functional), {"__module__": cls.__module__})
        _FUNCTIONAL_SUBCLASSES[cls] = made
    return _FUNCTIONAL_SUBCLASSES[cls]


def _with_masks(y_pred: Any, masks: list[Any]) -> Any:
    """The outputs the tape computed, each masked one as a tensor carrying its
    ``_keras_mask``, as Keras's outputs carry theirs into the loss and the metrics."""
    if all(m is None for m in masks):
        return y_pred
    preds = y_pred if isinstance(y_pred, list) else [y_pred]
    for i, mask in enumerate(masks):
        if mask is not None:
            preds[i] = Tensor(np.asarray(preds[i]))
            preds[i]._keras_mask = mask
    return preds if isinstance(y_pred, list) else preds[0]


def _dedup(weights: list[backend.Variable]) -> list[backend.Variable]:
    """Each weight once, where it first appears (a dict keeps insertion order)."""
    return list({id(w): w for w in weights}.values())
