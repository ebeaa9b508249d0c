"""The Keras 2 names the readers look for, spelt once.

Events name the function they are about in full (``keras.engine.base_layer.Layer.build``,
DESIGN.md: the mini-Keras's module path plus the qualified name). The folds, the
narration, the diagrams and the viewer pick events out by these names; each is written
here once and imported, so that a misspelt name is a NameError at import rather than a
branch that silently never runs (``tests/architecture/test_keras_names.py`` checks that no
reader spells one itself, and that every name here is a function the mini-Keras has).

Where a reader matches the end of a name (``"Layer._maybe_build"``, so a subclass's or
another engine's module path still matches), it takes :func:`short` of the constant.

Example:
    >>> short(LAYER_MAYBE_BUILD)
    'Layer._maybe_build'
"""

from __future__ import annotations

from buildtrace.trace.events import short_name

# ---------------------------------------------------------------- module prefixes
#: Every name of the mini-Keras's engine (``keras/engine/``) starts so.
ENGINE = "keras.engine."
#: ... and every layer's (``keras/layers/``).
LAYERS = "keras.layers."
#: The methods of ``Layer`` (``keras/engine/base_layer.py``).
LAYER = "keras.engine.base_layer.Layer."
#: The methods of ``BaseRandomLayer`` (a layer with its own random generator).
BASE_RANDOM_LAYER = "keras.engine.base_layer.BaseRandomLayer."
#: The module of ``Sequential``.
SEQUENTIAL_MODULE = "keras.engine.sequential."
#: The module of ``Functional`` (and its graph helpers such as ``_map_graph_network``).
FUNCTIONAL_MODULE = "keras.engine.functional."
#: The methods of ``Model`` (``keras/engine/training.py``).
MODEL = "keras.engine.training.Model."
#: The methods of the optimizers' base class.
OPTIMIZER = "keras.optimizers.optimizer.Optimizer."
#: The methods of ``Conv``, the base of the convolution layers.
CONV = "keras.layers.convolutional.base_conv.Conv."

# ---------------------------------------------------------------- Layer
LAYER_INIT = LAYER + "__init__"
LAYER_CALL = LAYER + "__call__"
LAYER_BUILD = LAYER + "build"
LAYER_MAYBE_BUILD = LAYER + "_maybe_build"
LAYER_FUNCTIONAL_CONSTRUCTION_CALL = LAYER + "_functional_construction_call"
LAYER_INFER_OUTPUT_SIGNATURE = LAYER + "_infer_output_signature"
LAYER_ADD_WEIGHT = LAYER + "add_weight"

# ---------------------------------------------------------------- Input, Node
INPUT = "keras.engine.input_layer.Input"
INPUT_LAYER_INIT = "keras.engine.input_layer.InputLayer.__init__"
NODE_INIT = "keras.engine.node.Node.__init__"

# ---------------------------------------------------------------- Model
MODEL_INIT = MODEL + "__init__"
MODEL_BUILD = MODEL + "build"
MODEL_TRAIN_STEP = MODEL + "train_step"
MODEL_TEST_STEP = MODEL + "test_step"
MODEL_PREDICT_STEP = MODEL + "predict_step"

# ---------------------------------------------------------------- Sequential
SEQUENTIAL_INIT = SEQUENTIAL_MODULE + "Sequential.__init__"
SEQUENTIAL_ADD = SEQUENTIAL_MODULE + "Sequential.add"
SEQUENTIAL_POP = SEQUENTIAL_MODULE + "Sequential.pop"
SEQUENTIAL_BUILD = SEQUENTIAL_MODULE + "Sequential.build"
SEQUENTIAL_CALL = SEQUENTIAL_MODULE + "Sequential.call"
SEQUENTIAL_BUILD_GRAPH_NETWORK_FOR_INFERRED_SHAPE = (
    SEQUENTIAL_MODULE + "Sequential._build_graph_network_for_inferred_shape"
)

# ---------------------------------------------------------------- Functional
FUNCTIONAL_INIT = FUNCTIONAL_MODULE + "Functional.__init__"
FUNCTIONAL_INIT_GRAPH_NETWORK = FUNCTIONAL_MODULE + "Functional._init_graph_network"
FUNCTIONAL_VALIDATE_GRAPH_INPUTS_AND_OUTPUTS = (
    FUNCTIONAL_MODULE + "Functional._validate_graph_inputs_and_outputs"
)
FUNCTIONAL_SET_OUTPUT_NAMES = FUNCTIONAL_MODULE + "Functional._set_output_names"
FUNCTIONAL_COMPUTE_TENSOR_USAGE_COUNT = FUNCTIONAL_MODULE + "Functional._compute_tensor_usage_count"
FUNCTIONAL_CALL = FUNCTIONAL_MODULE + "Functional.call"
FUNCTIONAL_RUN_INTERNAL_GRAPH = FUNCTIONAL_MODULE + "Functional._run_internal_graph"
MAP_GRAPH_NETWORK = FUNCTIONAL_MODULE + "_map_graph_network"

# ---------------------------------------------------------------- datasets
MNIST_LOAD_DATA = "keras.datasets.mnist.load_data"


def short(name: str) -> str:
    """The end of a Keras name a reader matches on: the class and method.

    Example:
        >>> short(SEQUENTIAL_ADD), short(MAP_GRAPH_NETWORK)
        ('Sequential.add', 'functional._map_graph_network')
    """
    return short_name(name)
