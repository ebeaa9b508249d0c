"""The ``Layer``: the class every layer and model derives from.

Mirrors: ``keras/engine/base_layer.py::Layer`` of Keras 2, simplified. The path a layer
takes the first time it is called on a symbolic tensor is the heart of every build::

    Layer.__call__                      # symbolic input? -> functional construction
      _functional_construction_call     # infer the output, then record a Node
        _keras_tensor_symbolic_call
          _infer_output_signature       # build if needed, then run `call` on a stand-in
            _maybe_build                #   check input_spec, then build(input_shape)
              assert_input_compatibility
              Dense.build -> add_weight  #  the layer's own build creates its weights
              Layer.build               #   ...and built = True (written twice: see there)
            Dense.call                  #   runs once; the shape is compute_output_shape's
        _set_connectivity_metadata -> Node

Called on real data (numpy arrays) instead, ``__call__`` checks the input, builds if
needed, and returns ``call``'s result. The numbered comments in these functions follow
the steps Keras's own comments describe.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from buildtrace.keras import backend, initializers
from buildtrace.keras.engine import base_layer_utils, gradients, trace_details
from buildtrace.keras.engine import input_spec as input_spec_module
from buildtrace.keras.engine.base_layer_utils import scratch_values
from buildtrace.keras.engine.keras_tensor import KerasTensor, Shape
from buildtrace.keras.engine.node import Node
from buildtrace.keras.utils import generic_utils, layer_utils, tf_utils, traceback_utils
from buildtrace.keras.utils.nest import flatten, map_structure
from buildtrace.tf import tape as tf_tape
from buildtrace.tf.tensors import Variable, register_symbolic_handler
from buildtrace.trace import emit, emit_set, traced

#: Attributes whose every write is reported as a ``set`` event.
TRACED_FLAGS = frozenset({"built", "_graph_initialized"})

#: The keyword arguments every layer accepts (Keras's list in ``Layer.__init__``).
_ALLOWED_KWARGS = frozenset(
    {"input_dim", "input_shape", "batch_input_shape", "batch_size", "weights",
     "activity_regularizer", "autocast", "implementation"}
)  # fmt: skip


class Layer:
    """A layer: configuration in ``__init__``, weights in ``build``, maths in ``call``.

    Example:
        >>> from buildtrace import keras
        >>> layer = keras.layers.Dense(3)
        >>> layer.built
        False
        >>> _ = layer(np.ones((2, 4), "float32"))  # builds on first call
        >>> layer.built, [w.shape.as_list() for w in layer.weights]
        (True, [[4, 3], [3]])
    """

    @traced
    def __init__(
        self,
        trainable: bool = True,
        name: str | None = None,
        dtype: str | None = None,
        dynamic: bool = False,
        **kwargs: Any,
    ) -> None:
        generic_utils.validate_kwargs(kwargs, _ALLOWED_KWARGS)
        self.built = False
        self._init_set_name(name)
        # Its penalty on the outputs joins `losses` at each call (engine/added_losses.py).
        self._activity_regularizer = kwargs.get("activity_regularizer")
        self._trainable = trainable
        self._dtype = dtype or backend.floatx()
        self._dynamic = dynamic
        self.input_spec: Any = None
        self.supports_masking = False
        self._build_input_shape: Any = None
        self._trainable_weights: list[Variable] = []
        self._non_trainable_weights: list[Variable] = []
        self._inbound_nodes: list[Node] = []
        self._outbound_nodes: list[Node] = []
        self._expects_training_arg = "training" in inspect.signature(self.call).parameters
        self._expects_mask_arg = base_layer_utils.expects_mask_arg(self.call)
        if "input_dim" in kwargs and "input_shape" not in kwargs:
            kwargs["input_shape"] = (kwargs["input_dim"],)
        if "batch_input_shape" in kwargs:
            self._batch_input_shape: Shape = tuple(kwargs["batch_input_shape"])
        elif "input_shape" in kwargs:
            batch_size = kwargs.get("batch_size")
            self._batch_input_shape = (batch_size, *tuple(kwargs["input_shape"]))
        self._initial_weights = kwargs.get("weights")

    def _init_set_name(self, name: str | None, zero_based: bool = True) -> None:
        if not name:
            self._name = backend.unique_object_name(
                generic_utils.to_snake_case(type(self).__name__), zero_based=zero_based
            )
        elif not isinstance(name, str):
            raise TypeError(f"Expected `name` argument to be a string, but got: {name}")
        else:
            self._name = name

    def __setattr__(self, attr: str, value: Any) -> None:
        # The flags a student watches are reported on every write, with the line that
        # wrote them, exactly where Keras writes them.
        if attr in TRACED_FLAGS:
            emit_set(self, attr, self.__dict__.get(attr), value)
        elif not attr.startswith("_") and "_trainable_weights" in self.__dict__:
            base_layer_utils.track_attribute(self, value)
        object.__setattr__(self, attr, value)

    # ------------------------------------------------------------------ properties
    @property
    def name(self) -> str:
        """The layer's unique name (``dense``, ``dense_1``...)."""
        return self._name

    @property
    def dtype(self) -> str:
        """The dtype of the layer's weights, ``"float32"``."""
        return self._dtype

    @property
    def dynamic(self) -> bool:
        """Whether the layer can only run eagerly (never, here)."""
        return self._dynamic

    @property
    def trainable(self) -> bool:
        """Whether the layer's weights are updated by training."""
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)

    @property
    def trainable_weights(self) -> list[Variable]:
        """The weights training updates (none when the layer is frozen)."""
        if not self.trainable:
            return []
        inner = self.__dict__.get("_tracked_layers")
        if not inner:
            return list(self._trainable_weights)
        nested = [w for layer in inner for w in layer.trainable_weights]
        return list({id(w): w for w in self._trainable_weights + nested}.values())

    @property
    def non_trainable_weights(self) -> list[Variable]:
        """The weights training leaves alone."""
        inner = self.__dict__.get("_tracked_layers") or []
        if self.trainable:
            nested = [w for layer in inner for w in layer.non_trainable_weights]
            return list({id(w): w for w in self._non_trainable_weights + nested}.values())
        nested = [w for layer in inner for w in layer.weights]
        own = self._trainable_weights + self._non_trainable_weights
        return list({id(w): w for w in own + nested}.values())

    @property
    def weights(self) -> list[Variable]:
        """All weights: trainable ones first, as Keras orders them."""
        return self.trainable_weights + self.non_trainable_weights

    @property
    def variables(self) -> list[Variable]:
        """Same as ``weights``."""
        return self.weights

    @property
    def trainable_variables(self) -> list[Variable]:
        """Same as ``trainable_weights``: what ``tape.gradient`` differentiates against."""
        return self.trainable_weights

    @property
    def non_trainable_variables(self) -> list[Variable]:
        """Same as ``non_trainable_weights``."""
        return self.non_trainable_weights

    #: The layers this one holds, at any depth (``tf.Module.submodules``).
    submodules = property(base_layer_utils.submodules)

    # --------------------------------------------------------------- the call path
    @traced(details=trace_details.call_details, result=trace_details.output_details)
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the layer on symbolic tensors (to build a graph) or on data.

        Mirrors: ``Layer.__call__``. Steps 1-3 are here, 4-8 in the eager helpers below:

        1. check the layer was initialised, and split off ``inputs``;
        2. symbolic inputs: functional construction (build, infer the output, a Node);
        3. real data: clear the losses of the last call (outermost call only);
        4. convert the inputs to arrays of the layer's dtype, check ``input_spec``;
        5. enter the layer's name scope (it names the weights a ``call`` creates);
        6. build on the first call, from the inputs' shapes;
        7. pass ``training`` only to a ``call`` that takes it; under a GradientTape,
           record the call on the tape;
        8. run ``call``; an error inside says which layer and which arguments.
        """
        # 1. Every step below reads what `Layer.__init__` sets up; without it the user
        #    would meet an AttributeError far from the cause: a forgotten super().__init__.
        if "_name" not in self.__dict__:
            raise RuntimeError("You must call `super().__init__()` in the layer constructor.")
        # `inputs`, the first argument, is special: only it is converted, checked against
        # `input_spec` and used to build the layer. Every other argument goes to `call`
        # as it is. So a layer cannot be called without inputs.
        if args:
            inputs, args = args[0], args[1:]
        elif "inputs" in kwargs:
            inputs = kwargs.pop("inputs")
        elif layer_utils.first_call_arg(self) in kwargs:  # `layer(logits=x)`: by `call`'s name
            inputs = kwargs.pop(str(layer_utils.first_call_arg(self)))
        else:
            raise TypeError(f"{self.name}.__call__() missing 1 required positional argument")
        input_list = flatten(inputs)
        # 2. Functional construction: called on `keras.Input` tensors (or on what layers
        #    called on them returned), the layer computes nothing. It records itself in
        #    the graph a Functional model is made of:
        #        inputs = keras.Input(shape=(784,))
        #        outputs = Dense(10)(inputs)          # <- this path
        #        model = keras.Model(inputs, outputs)
        if _in_functional_construction_mode(input_list):
            return self._functional_construction_call(inputs, args, kwargs, input_list)
        # 3. Eager call on real data. `add_loss` losses of the previous call are dropped
        #    at the outermost call only: a sublayer may run several times inside one call
        #    of its model, and `model.losses` must then hold all of those runs' losses.
        if not base_layer_utils.CALL_STACK:
            base_layer_utils.clear_added_losses(self)
        # Keras's call context: inner calls see that an outer call is running.
        base_layer_utils.CALL_STACK.append(self)
        try:
            return self._eager_call(inputs, args, kwargs)
        finally:
            base_layer_utils.CALL_STACK.pop()

    def _eager_call(self, inputs: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Steps 4-5 of ``__call__`` on real data (inline in Keras's ``__call__``)."""
        input_masks = base_layer_utils.pass_input_masks(self, inputs, flatten(inputs), kwargs)
        # 4. Numpy arrays and Python numbers are accepted: Keras converts them to tensors,
        #    floats in the layer's dtype. Then `input_spec` (rank, last axis...) is
        #    checked *before* `call` runs, so a wrong input fails with a message naming
        #    the layer and the expected shape instead of a broadcast error deep in `call`.
        arrays = map_structure(base_layer_utils.input_caster(self.dtype), inputs)
        input_spec_module.assert_input_compatibility(self.input_spec, arrays, self.name)
        # 5. The layer's name scope: weights created during this call are named inside
        #    it, so a subclassed model's `call` that builds a Dense makes
        #    `two_layer/dense/kernel:0`, not `dense/kernel:0`.
        backend.NAME_SCOPES.append(self.name)
        try:
            outputs = self._eager_call_in_scope(inputs, arrays, args, kwargs)
        finally:
            backend.NAME_SCOPES.pop()
        if self._activity_regularizer is not None:
            from buildtrace.keras.engine import added_losses

            added_losses.handle_activity_regularization(self, outputs)
        if self.supports_masking:
            self._set_mask_metadata(arrays, outputs, input_masks)
        return outputs

    def _eager_call_in_scope(
        self, inputs: Any, arrays: Any, args: Any, kwargs: dict[str, Any]
    ) -> Any:
        """Steps 6-8 of ``__call__`` on real data, inside the layer's name scope."""
        # 6. Lazy building: the weights' shapes come from the first real input, so a
        #    layer can be made without knowing its input size (Dense(10) needs none).
        if not self.built:
            self._maybe_build(arrays)
        # 7. `training` is a call-context argument: `fit` passes it to every layer, but a
        #    layer's own `call` may not declare it, and must not receive it then.
        call_kwargs = self._call_kwargs(kwargs)
        if tf_tape.is_recording():
            # Under a tf.GradientTape the call must be differentiable: a layer with a
            # gradient rule records one node on the tape; any other runs `call` on
            # tensors, so the tf ops inside record themselves.
            if not args and gradients.has_gradient_rule(self):
                return gradients.call_on_tape(self, inputs, arrays, call_kwargs)
            arrays = map_structure(tf_utils.as_float_tensor(self.dtype), inputs)
        # 8. The call itself. Keras's traceback filtering adds to any error raised in
        #    `call` the layer's name and the arguments it got: the first thing to check.
        with traceback_utils.explained_call_errors(self, arrays, call_kwargs):
            outputs = self.call(arrays, *args, **call_kwargs)
        if tf_tape.is_recording() and self.trainable_weights:
            gradients.check_differentiable(self, outputs)  # a tape must see its weights used
        return gradients.as_tensors(outputs)

    def _call_kwargs(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Pass ``training`` only to layers whose ``call`` accepts it."""
        if not self._expects_training_arg:
            kwargs = {k: v for k, v in kwargs.items() if k != "training"}
        return kwargs

    @traced
    def _functional_construction_call(
        self, inputs: Any, args: tuple[Any, ...], kwargs: dict[str, Any], input_list: list[Any]
    ) -> Any:
        """Call on symbolic tensors: infer the outputs, then wire a ``Node``.

        Mirrors: ``Layer._functional_construction_call``. Two steps: the symbolic call
        works out what the layer returns (building it on the way), then
        ``_set_connectivity_metadata`` records the call in the graph.
        """
        # Keras would turn the data among the inputs into constants of the graph; a
        # graph is only useful here if every input leads back to a `keras.Input`.
        if any(not isinstance(x, KerasTensor) for x in input_list):
            raise ValueError(
                f"Layer {self.name} was called with a mix of symbolic tensors and data "
                f"({[type(x).__name__ for x in input_list]}). buildtrace builds graphs only "
                "from `keras.Input` tensors."
            )
        mask_given = "mask" in kwargs  # else Keras passes the inputs' masks, if any
        input_masks = base_layer_utils.pass_input_masks(self, inputs, input_list, kwargs)
        # 1. The outputs as symbolic tensors: their shape and dtype, nothing computed.
        #    Keras passes the inputs' masks along here (None when no input carries one).
        outputs = self._keras_tensor_symbolic_call(inputs, input_masks, args, kwargs)
        # A `call` that forgot its `return` would give None, which no later layer can be
        # called on: Keras stops here with a message naming the layer.
        if outputs is None:
            raise ValueError(
                "A layer's `call` method should return a Tensor or a list of Tensors, "
                f"not None (layer: {self.name})."
            )
        if not mask_given:  # the node records what the user passed
            kwargs.pop("mask", None)
        # 2. Wire the call into the graph: a Node links the layers that made the inputs
        #    to this one, and the outputs learn where they came from (`_keras_history`).
        return self._set_connectivity_metadata((inputs, *args), kwargs, outputs)

    @traced
    def _keras_tensor_symbolic_call(
        self, inputs: Any, input_masks: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        """Mirrors: ``Layer._keras_tensor_symbolic_call`` (dynamic layers don't exist here)."""
        # Keras has two ways to know a layer's output. A `dynamic=True` layer (Python
        # control flow a graph cannot hold) is only asked `compute_output_shape`; every
        # other layer is run in a scratch graph. buildtrace runs every layer on numpy,
        # so no layer needs the first way: all take the second.
        return self._infer_output_signature(inputs, args, kwargs, input_masks)

    @traced(result=trace_details.output_details)
    def _infer_output_signature(
        self, inputs: Any, args: tuple[Any, ...], kwargs: dict[str, Any], input_masks: Any
    ) -> Any:
        """Build the layer if needed, then work out the output's shape.

        Mirrors: ``Layer._infer_output_signature``. Keras runs ``call`` on placeholders in
        a scratch graph, which computes nothing. We run ``call`` on a scratch batch of
        zeros (one sample, ``training=False`` so nothing is updated) whenever every size
        but the batch is known, so the student sees ``call`` run here as in Keras; the
        shape itself comes from ``compute_output_shape``, which also handles unknown sizes.
        """
        # 1. Build first: `call` reads the weights, and `build` makes them from the input
        #    shapes the symbolic inputs carry.
        self._maybe_build(inputs)
        input_shapes = tf_utils.shapes_of(inputs)
        dtype = self.dtype
        scratch = None
        # 2. Run `call` once on a stand-in for the inputs, as Keras runs it on placeholders
        #    in a scratch graph that is then thrown away: the real model's state is never
        #    touched. With a size unknown besides the batch, zeros cannot stand in.
        if all(d is not None for t in flatten(inputs) for d in t.shape[1:]):
            # Inference mode: a Dropout or BatchNormalization must not act (or update
            # its moving statistics) on a stand-in batch.
            call_kwargs = self._call_kwargs({**kwargs, "training": False})
            # The scratch batch stands for a placeholder: its batch size is unknown, which
            # matters when this layer is a model that builds its own graph from it.
            with (
                base_layer_utils.symbolic_batch(),
                traceback_utils.explained_call_errors(self, inputs, call_kwargs),
            ):
                # Symbolic tensors in the other arguments (an endpoint layer's targets) get
                # a scratch batch too, so a loss computed on them in `call` runs.
                scratch = self.call(
                    scratch_values(inputs, 1),
                    *scratch_values(args, 1),
                    **scratch_values(call_kwargs, 1),
                )
            # The output's dtype is what `call` really returned (an Embedding's int
            # inputs still give float outputs; a cast layer changes it).
            dtype = tf_utils.dtype_name(flatten(scratch)[0])
        # 3. The output shape, with None wherever it depends on an unknown size.
        if base_layer_utils.has_symbolic(args, kwargs) and _default_output_shape(self):
            # The fallback below calls `call` on the inputs alone; with symbolic tensors in
            # the other arguments too, the scratch calls must get those as well.
            shapes = base_layer_utils.scratch_output_shape(self, input_shapes, args, kwargs)
        else:
            shapes = self.compute_output_shape(input_shapes)
        # 4. The symbolic outputs. Keras converts the scratch graph's tensors to
        #    KerasTensors of the same shape and dtype; they carry no history yet (the
        #    Node made next gives them that).
        outputs = base_layer_utils.keras_tensors(shapes, dtype, self.name)
        base_layer_utils.copy_joint_masks(self, outputs, scratch)
        self._set_mask_metadata(inputs, outputs, input_masks)
        return outputs

    @traced
    def _maybe_build(self, inputs: Any) -> None:
        """Build the layer on the first call: check the input, then ``build``.

        Mirrors: ``Layer._maybe_build``. It calls the layer's own ``build`` (unless that
        is the default one) and then ``Layer.build`` again, because a user's ``build``
        might forget ``super().build``: that is why Keras writes ``built = True`` twice.
        """
        # Building happens once: a layer called again (a shared layer, a second batch)
        # reuses its weights.
        if self.built:
            return
        # The input_spec checks that can be made before the weights exist (the rank, a
        # minimum rank); a Dense given 1-D inputs fails here, not in `build`.
        input_spec_module.assert_input_compatibility(self.input_spec, inputs, self.name)
        # `build` receives shapes, never tensors: it must not depend on the values.
        input_shapes = tf_utils.shapes_of(inputs)
        # Only a `build` the layer overrides is worth a call: the default one (marked by
        # `generic_utils.default`) has nothing of its own to create.
        if not getattr(self.build, "_is_default", False):
            self.build(input_shapes)
        # Then the base `build` again, whatever the layer's `build` did: a user's
        # `build` may never call `super().build`, and the layer must still end up
        # `built`, with its build input shape stored.
        Layer.build(self, input_shapes)
        # Weights given to the constructor (`Dense(3, weights=[k, b])`) can only be set
        # now that they exist.
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    @generic_utils.default
    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any) -> None:
        """Create the layer's weights; the base version only marks the layer built.

        Mirrors: ``Layer.build``.
        """
        # The shape is kept for later: a saved layer or subclassed model is rebuilt from
        # it when loaded (Keras's `get_build_config`, the config's `build_input_shape`).
        self._build_input_shape = input_shape
        self.built = True

    def call(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """The layer's computation. The base layer returns its input unchanged."""
        return inputs

    # ------------------------------------------------------------------ masking
    @traced
    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The outputs' mask: the input mask, carried over by a layer that supports masking.

        Mirrors: ``Layer.compute_mask`` (and its error for a layer that does not).
        """
        return base_layer_utils.carried_mask(self, mask)

    @traced
    def _set_mask_metadata(self, inputs: Any, outputs: Any, previous_mask: Any) -> None:
        """Ask ``compute_mask`` for the outputs' masks and attach each as ``_keras_mask``.

        Mirrors: ``Layer._set_mask_metadata`` (see ``base_layer_utils.set_mask_metadata``).
        """
        base_layer_utils.set_mask_metadata(self, inputs, outputs, previous_mask)

    @traced
    def _set_connectivity_metadata(
        self, args: tuple[Any, ...], kwargs: dict[str, Any], outputs: Any
    ) -> Any:
        """Record this call as a ``Node`` of the graph. Mirrors the Keras 2 method."""
        # The Node wires itself in: it joins this layer's `_inbound_nodes` and the
        # `_outbound_nodes` of the layers that made the inputs, and stamps each output
        # with `_keras_history` (layer, node index, tensor index). A Functional model
        # later walks these stamps back from its outputs to find its layers.
        Node(self, call_args=args, call_kwargs=kwargs, outputs=outputs)
        return outputs

    @traced
    def add_weight(
        self,
        name: str | None = None,
        shape: Any = None,
        dtype: str | None = None,
        initializer: Any = None,
        regularizer: Any = None,
        trainable: bool | None = None,
        constraint: Any = None,
        **kwargs: Any,
    ) -> Variable:
        """Create a weight, initialise it, and track it on the layer.

        Mirrors: ``Layer.add_weight``. Keras's default initializer for float weights is
        ``glorot_uniform``; the variable is named ``<layer>/<weight>:0``.
        """
        # A scalar weight has the shape (); the dtype defaults to the layer's.
        shape = tuple(int(d) for d in (shape or ()))
        dtype = dtype or self.dtype
        trainable = True if trainable is None else trainable
        # No initializer given: Keras picks glorot_uniform for floats, which keeps the
        # variance of activations about the same from layer to layer.
        init = initializers.get(initializer) or initializers.GlorotUniform()
        value = np.asarray(init(shape, dtype=dtype), dtype=dtype)
        # The TensorFlow name: the name scopes it is created in, then `name:0`.
        scope = base_layer_utils.weight_name_scope(self)
        variable = Variable(value, name=f"{scope}/{name}:0", trainable=trainable)
        # Tracked on the layer: `trainable_weights` is what the optimizer updates,
        # `non_trainable_weights` (BatchNormalization's moving statistics) is not.
        (self._trainable_weights if trainable else self._non_trainable_weights).append(variable)
        details = trace_details.add_weight_details(
            self, name, shape, dtype, init, trainable, variable
        )
        emit("add_weight", "add_weight", self.name, **details)
        if regularizer is not None:  # its penalty joins `self.losses` (keras/regularizers.py)
            from buildtrace.keras import regularizers

            regularizers.track(self, variable, regularizer)
        return variable

    @property
    def losses(self) -> list[Any]:
        """Weight penalties at the current weights, then ``add_loss`` losses. Mirrors ``losses``."""
        from buildtrace.keras import regularizers

        # Keras collects them over `_flatten_layers()`: a layer's sublayers' losses too.
        found = regularizers.layer_losses(self)
        for layer in self.__dict__.get("_tracked_layers") or []:
            found += layer.losses
        return found

    def add_loss(self, losses: Any, **kwargs: Any) -> None:
        """Add losses to ``self.losses`` (see ``engine/added_losses.py``). Mirrors ``add_loss``."""
        from buildtrace.keras.engine import added_losses

        added_losses.add_loss(self, losses, **kwargs)

    def add_metric(self, value: Any, name: str | None = None, **kwargs: Any) -> None:
        """Report the running mean of ``value`` as metric ``name``. Mirrors ``add_metric``."""
        from buildtrace.keras.engine import added_losses

        added_losses.add_metric(self, value, name, **kwargs)

    # ---------------------------------------------------- gradients (not in Keras)
    # Keras gets gradients from TensorFlow's GradientTape. Built-in layers state their
    # vector-Jacobian products in keras/backprop (fast, exact); any other layer is
    # differentiated by the tf ops its `call` runs (see engine/gradients.py).
    def _forward(self, inputs: Any, training: bool = True) -> tuple[Any, Any]:
        """Run ``call`` and keep what ``_backward`` needs: the inputs, for a layer with a
        backward pass of its own; otherwise ``call`` runs on tensors under a tape."""
        if type(self)._backward is not Layer._backward:
            return self.call(inputs, **self._call_kwargs({"training": training})), inputs
        return gradients.autodiff_forward(self, inputs, training)

    def _backward(self, dy: Any, cache: Any, need_dx: bool = True) -> tuple[Any, list[Any]]:
        """Given ``dy = dL/d(outputs)``, return ``dL/d(inputs)`` and one gradient per
        trainable weight (in ``trainable_weights`` order), from the forward pass's tape."""
        return gradients.autodiff_backward(self, dy, cache, need_dx)

    # ------------------------------------------------------------- shapes & config
    def compute_output_shape(self, input_shape: Any) -> Any:
        """The output shape for an input shape, found by scratch calls as Keras does.

        Layers override this with a formula. This fallback (for your own layers) runs
        ``call`` on zeros twice, with 1 and then 2 for every unknown size: an output size
        that changes between the two runs depends on an unknown size, so it is unknown.
        """
        return base_layer_utils.scratch_output_shape(self, input_shape, (), {})

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments; ``from_config`` rebuilds an equal layer from them."""
        config: dict[str, Any] = {"name": self.name, "trainable": self.trainable}
        config["dtype"] = self.dtype
        if hasattr(self, "_batch_input_shape"):
            config["batch_input_shape"] = self._batch_input_shape
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        """A new layer from ``get_config()``'s output."""
        return cls(**config)

    def count_params(self) -> int:
        """Number of scalars in the layer's weights."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer {self.name}, but the layer isn't "
                f"built. You can build it manually via: `{self.name}.build(batch_input_shape)`."
            )
        return sum(int(np.prod(w.shape)) for w in self.weights)

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the weights' values, in ``weights`` order."""
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights: list[Any]) -> None:
        """Overwrite the weights' values, checking count and shapes as Keras does."""
        params = self.weights
        if len(params) != len(weights):
            raise ValueError(
                f'You called `set_weights(weights)` on layer "{self.name}" with a weight list '
                f"of length {len(weights)}, but the layer was expecting {len(params)} weights. "
                f"Provided weights: {str(weights)[:50]}..."
            )
        for param, value in zip(params, weights):
            value = np.asarray(value)
            if param.shape != value.shape:
                raise ValueError(
                    f"Layer {self.name} weight shape {param.shape} is not compatible with "
                    f"provided weight shape {value.shape}."
                )
        for param, value in zip(params, weights):
            param.assign(value)
        # Then every layer inside remakes what it derives from its weights, as Keras's
        # `for layer in self._flatten_layers(): layer.finalize_state()`.
        base_layer_utils.finalize_state_of_all(self)

    # --------------------------------------------------------- graph introspection
    def _single_node_attribute(self, attr: str, what: str) -> Any:
        """``attr`` of the layer's inbound node(s); Keras refuses when they disagree."""
        if not self._inbound_nodes:
            raise AttributeError(
                f"The layer {self.name} has never been called and thus has no defined {what}."
            )
        values = [getattr(node, attr) for node in self._inbound_nodes]
        # Tensors differ per call by nature; shapes may agree across calls.
        ambiguous = len(values) > 1 and (
            not attr.endswith("shapes") or any(v != values[0] for v in values[1:])
        )
        if ambiguous:
            raise AttributeError(
                f'Layer "{self.name}" has multiple inbound nodes, hence the notion of '
                f'"layer {what}" is ill-defined. Use `get_{what.replace(" ", "_")}_at'
                "(node_index)` instead."
            )
        return values[0]

    @property
    def input(self) -> Any:
        """The symbolic input of the layer's only call."""
        if not self._inbound_nodes:  # Keras's own words for this one
            raise AttributeError(f"Layer {self.name} is not connected, no input to return.")
        return self._single_node_attribute("input_tensors", "input")

    @property
    def output(self) -> Any:
        """The symbolic output of the layer's only call."""
        if not self._inbound_nodes:  # Keras's own words for this one
            raise AttributeError(f"Layer {self.name} has no inbound nodes.")
        return self._single_node_attribute("outputs", "output")

    @property
    def input_shape(self) -> Any:
        """The input shape of the layer's calls (all must agree)."""
        return base_layer_utils.single_shape(
            self._single_node_attribute("input_shapes", "input shape")
        )

    @property
    def output_shape(self) -> Any:
        """The output shape of the layer's calls (all must agree)."""
        return base_layer_utils.single_shape(
            self._single_node_attribute("output_shapes", "output shape")
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} built={self.__dict__.get('built')}>"


def _in_functional_construction_mode(input_list: list[Any]) -> bool:
    """True when the layer is called on symbolic tensors. Mirrors the Keras function."""
    return any(isinstance(x, KerasTensor) for x in input_list)


def _default_output_shape(layer: Layer) -> bool:
    """Whether ``layer`` has no ``compute_output_shape`` formula of its own."""
    return type(layer).compute_output_shape is Layer.compute_output_shape


class BaseRandomLayer(Layer):
    """A layer that draws random numbers (``Dropout``, the RNN cells...).

    Mirrors: ``keras/engine/base_layer.py::BaseRandomLayer`` (Keras 2). Keras gives each
    such layer its own random generator; here it is seeded by ``seed`` or drawn from the
    backend's generator. Its ``build`` only calls ``Layer.build``, so ``_maybe_build``
    writes ``built = True`` twice, as in Keras.
    """

    @traced
    def __init__(
        self, seed: int | None = None, force_generator: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self._random_seed = seed
        self._rng = np.random.default_rng(seed) if seed is not None else None

    def _random(self) -> np.random.Generator:
        """This layer's generator (its ``seed``'s), else the backend's."""
        return self._rng if self._rng is not None else backend.rng()

    @traced(details=trace_details.build_details)
    def build(self, input_shape: Any) -> None:
        """Mirrors: ``BaseRandomLayer.build``: ``super().build(input_shape)``."""
        super().build(input_shape)


def _symbolic_op_call(symbol: str, function: Any, args: Any, kwargs: Any) -> Any:
    # tf sits below Keras: it hands ops on KerasTensors up here, to become TFOpLambda layers.
    from buildtrace.keras.layers.core import tf_op_layer

    return tf_op_layer.symbolic_op_call(symbol, function, args, kwargs)


register_symbolic_handler(KerasTensor, _symbolic_op_call)
