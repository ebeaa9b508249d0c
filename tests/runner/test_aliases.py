"""Keras imports in a script resolve to buildtrace.keras for the run, and only for it."""

from __future__ import annotations

import sys
import types

import pytest

import buildtrace.keras
from buildtrace.keras.unsupported import NotSupportedByBuildtrace
from buildtrace.runner import NotSupportedImport, run_script
from buildtrace.runner.aliases import KerasAliasFinder, is_alias, keras_aliases, target_of

# ------------------------------------------------------------------- each import form


def test_import_tensorflow_as_tf_gives_tf_keras_layers_dense(run_ok) -> None:
    run_ok(
        """
        import tensorflow as tf
        import buildtrace.keras
        assert tf.keras is buildtrace.keras
        layer = tf.keras.layers.Dense(3)
        assert type(layer) is buildtrace.keras.layers.Dense
        """
    )


def test_from_tensorflow_import_keras(run_ok) -> None:
    run_ok(
        """
        from tensorflow import keras
        import buildtrace.keras
        assert keras is buildtrace.keras
        model = keras.Sequential([keras.layers.Dense(2)])
        model.build(input_shape=(None, 4))
        assert model.built
        """
    )


def test_from_tensorflow_keras_layers_import_dense(run_ok) -> None:
    run_ok(
        """
        from tensorflow.keras.layers import Dense
        from tensorflow.keras.models import Sequential
        from tensorflow.keras import layers
        import buildtrace.keras
        assert Dense is buildtrace.keras.layers.Dense
        assert Sequential is buildtrace.keras.Sequential
        assert layers is buildtrace.keras.layers
        """
    )


def test_import_keras_and_its_submodules(run_ok) -> None:
    run_ok(
        """
        import keras
        import keras.layers
        import keras.models
        import keras.backend
        import keras.utils
        import keras.initializers
        import keras.activations
        import keras.datasets.mnist
        import keras.layers.core.dense
        import buildtrace.keras
        assert keras is buildtrace.keras
        assert keras.layers is buildtrace.keras.layers
        assert keras.datasets.mnist.__name__ == "buildtrace.keras.datasets.mnist"
        assert keras.layers.core.dense.Dense is buildtrace.keras.layers.Dense
        """
    )


def test_tf_keras_and_tensorflow_keras_submodules(run_ok) -> None:
    run_ok(
        """
        import tf_keras
        import tensorflow.keras
        import tensorflow.keras.datasets.mnist as mnist
        from keras.datasets import mnist as mnist_too
        import buildtrace.keras
        assert tf_keras is buildtrace.keras is tensorflow.keras
        assert mnist is mnist_too
        """
    )


def test_tensorflow_parts_import_by_name(run_ok) -> None:
    run_ok(
        """
        import tensorflow as tf
        import tensorflow.saved_model
        from tensorflow.summary import create_file_writer
        from tensorflow.profiler import experimental
        assert tensorflow.saved_model.load is tf.saved_model.load
        assert create_file_writer is tf.summary.create_file_writer
        assert experimental.start is tf.profiler.experimental.start
        """
    )


def test_tf_random_set_seed_seeds_the_weights(run_ok) -> None:
    run_ok(
        """
        import tensorflow as tf

        def kernel():
            layer = tf.keras.layers.Dense(3)
            layer.build((None, 2))
            return layer.kernel.numpy()

        tf.random.set_seed(7)
        first = kernel()
        tf.random.set_seed(7)
        assert (kernel() == first).all()
        assert "buildtrace" in tf.__version__
        """
    )


# --------------------------------------------------------------- what is not supported

TF = "import tensorflow as tf\n"


@pytest.mark.parametrize(
    ("line", "error", "named"),
    [
        (TF + "tf.distribute", NotSupportedByBuildtrace, "tensorflow.distribute"),
        (TF + "tf.lite", NotSupportedByBuildtrace, "tensorflow.lite"),
        (TF + "tf.random.poisson", NotSupportedByBuildtrace, "tf.random.poisson"),
        (TF + "tf.keras.layers.ConvLSTM2D", NotSupportedByBuildtrace, "keras.layers.ConvLSTM2D"),
        ("from tensorflow import distribute", NotSupportedImport, "tensorflow.distribute"),
        ("import tensorflow.distribute", NotSupportedImport, "tensorflow.distribute"),
        (
            "from tensorflow.keras.applications import ResNet50",
            NotSupportedImport,
            "tensorflow.keras.applications",
        ),
        ("import keras.applications", NotSupportedImport, "keras.applications"),
        ("from keras import applications", NotSupportedImport, "keras.applications"),
        (
            "from tensorflow.keras.layers import Cropping3D",
            NotSupportedImport,
            "keras.layers.Cropping3D",
        ),
    ],
)
def test_unsupported_names_fail_clearly(write_script, line, error, named) -> None:
    result = run_script(write_script(line))
    assert result.exit_code == 1
    assert isinstance(result.error, error)
    assert f"`{named}` is not supported by buildtrace" in str(result.error)
    assert result.events[-1]["message"] == str(result.error)


def test_an_unsupported_import_is_an_import_error(write_script) -> None:
    script = write_script(
        """
        try:
            from tensorflow.keras.applications import ResNet50
        except ImportError as exc:
            print("caught", type(exc).__name__)
        else:
            raise AssertionError("no error")
        """
    )
    assert run_script(script).exit_code == 0
    assert issubclass(NotSupportedImport, ModuleNotFoundError)


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("from keras.models import model_from_yaml", "keras.models.model_from_yaml"),
        (
            "import keras\nkeras.utils.timeseries_dataset_from_array",
            "keras.utils.timeseries_dataset_from_array",
        ),
    ],
)
def test_errors_python_words_itself_are_explained(write_script, line, named) -> None:
    # Python, not buildtrace, words these errors; the trace and the report reword them.
    result = run_script(write_script(line))
    assert result.exit_code == 1
    assert f"`{named}` is not supported by buildtrace" in result.events[-1]["message"]


def test_our_own_error_keeps_its_hint_in_the_report(write_script) -> None:
    # Python fills in `obj` of an error a module's __getattr__ raises; ours is kept whole.
    result = run_script(write_script("import keras\nkeras.optimizers.rmsprop(lr=0.001)"))
    assert result.exit_code == 1
    assert "Use `keras.optimizers.RMSprop(learning_rate=...)`" in result.events[-1]["message"]


def test_a_module_missing_from_the_engine_is_not_called_unsupported() -> None:
    # The engine's own imports are not the script's: a gap there is a bug, shown as such.
    engine_globals = {"__name__": "buildtrace.keras.somewhere"}
    with keras_aliases(), pytest.raises(ImportError) as caught:
        exec("from buildtrace.keras.layers import NoSuchThing", engine_globals)
    assert not isinstance(caught.value, NotSupportedImport)


def test_star_import_of_tensorflow_works(run_ok) -> None:
    run_ok("from tensorflow import *\nassert keras.__name__ == 'buildtrace.keras'")


# ------------------------------------------------------------- for the run only


def test_sys_modules_and_meta_path_are_restored(run_ok) -> None:
    before_modules = {k for k in sys.modules if is_alias(k)}
    before_finders = list(sys.meta_path)
    run_ok("import tensorflow as tf\nimport keras.layers\nimport tf_keras")
    assert {k for k in sys.modules if is_alias(k)} == before_modules
    assert sys.meta_path == before_finders


def test_real_modules_imported_before_are_put_back(run_ok, monkeypatch) -> None:
    fake_keras = types.ModuleType("keras")
    fake_layers = types.ModuleType("keras.layers")
    fake_tf = types.ModuleType("tensorflow")
    monkeypatch.setitem(sys.modules, "keras", fake_keras)
    monkeypatch.setitem(sys.modules, "keras.layers", fake_layers)
    monkeypatch.setitem(sys.modules, "tensorflow", fake_tf)
    run_ok(
        """
        import keras, keras.layers, tensorflow
        assert keras.__name__ == "buildtrace.keras"
        assert keras.layers.__name__ == "buildtrace.keras.layers"
        assert tensorflow.keras is keras
        """
    )
    assert sys.modules["keras"] is fake_keras
    assert sys.modules["keras.layers"] is fake_layers
    assert sys.modules["tensorflow"] is fake_tf


def test_context_restores_even_when_the_block_raises() -> None:
    before = {name: module for name, module in sys.modules.items() if is_alias(name)}
    with pytest.raises(RuntimeError), keras_aliases():
        import keras  # noqa: F401

        raise RuntimeError("boom")
    assert {name: module for name, module in sys.modules.items() if is_alias(name)} == before
    assert not any(isinstance(finder, KerasAliasFinder) for finder in sys.meta_path)


def test_real_modules_keep_their_spec() -> None:
    spec = buildtrace.keras.__spec__
    with keras_aliases():
        import keras

        assert keras is buildtrace.keras
    assert buildtrace.keras.__spec__ is spec


def test_target_of() -> None:
    assert target_of("keras") == "buildtrace.keras"
    assert target_of("tf_keras.layers") == "buildtrace.keras.layers"
    assert target_of("tensorflow.keras.layers.core") == "buildtrace.keras.layers.core"
    assert target_of("tensorflow") is None
    assert target_of("tensorflow.data") is None
    assert not is_alias("keras_tuner")
    assert not is_alias("tensorflowjs")
