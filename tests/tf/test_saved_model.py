"""``tf.saved_model`` and ``model.save("folder")`` as the "Intro to modules" guide uses them.

A module saved with ``tf.saved_model.save`` comes back from ``tf.saved_model.load`` as an
object of its class whose variables hold the saved values and which answers a call as
the original did; a subclassed Keras model saved with ``model.save("name")`` comes back
from ``load_model`` the same way (tf-keras revives it). The folder has TensorFlow's
layout; a class the loading program lacks, or a SavedModel written by TensorFlow, stops
with an error that says what the stand-in can and cannot do.
"""

from __future__ import annotations

import json
import os
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from buildtrace import keras, tf
from buildtrace.tf.unsupported import NotSupportedByBuildtrace


class Dense(tf.Module):
    def __init__(self, in_features: int, out_features: int, name: str | None = None) -> None:
        super().__init__(name=name)
        self.w = tf.Variable(tf.random.normal([in_features, out_features]), name="w")
        self.b = tf.Variable(tf.random.normal([out_features]), name="b")

    def __call__(self, x: object) -> object:
        return tf.nn.relu(tf.matmul(x, self.w) + self.b)


class FlexibleDense(tf.Module):
    """Makes its variables on the first call: the flag and width must come back too."""

    def __init__(self, out_features: int, name: str | None = None) -> None:
        super().__init__(name=name)
        self.is_built = False
        self.out_features = out_features

    def __call__(self, x: object) -> object:
        if not self.is_built:
            self.w = tf.Variable(tf.random.normal([x.shape[-1], self.out_features]), name="w")
            self.b = tf.Variable(tf.zeros([self.out_features]), name="b")
            self.is_built = True
        return tf.matmul(x, self.w) + self.b


class Stack(tf.Module):
    def __init__(self, name: str | None = None) -> None:
        super().__init__(name=name)
        self.first = Dense(3, 4)
        self.rest = [FlexibleDense(2), FlexibleDense(1)]
        self.scale = tf.Variable(2.0, trainable=False, name="scale")

    @tf.function
    def __call__(self, x: object) -> object:
        for layer in [self.first, *self.rest]:
            x = layer(x)
        return x * self.scale


X = [[1.0, -2.0, 3.0]]


def _saved_stack(tmp_path: Path) -> tuple[Stack, str]:
    stack = Stack(name="the_stack")
    stack(tf.constant(X))  # the flexible layers make their variables
    path = str(tmp_path / "the_saved_model")
    tf.saved_model.save(stack, path)
    return stack, path


def test_a_module_comes_back_with_its_values_and_answers_the_same(tmp_path: Path) -> None:
    stack, path = _saved_stack(tmp_path)
    loaded = tf.saved_model.load(path)
    assert type(loaded) is Stack and loaded.name == "the_stack"
    assert [v.name for v in loaded.variables] == [v.name for v in stack.variables]
    assert [v.trainable for v in loaded.variables] == [v.trainable for v in stack.variables]
    for mine, theirs in zip(loaded.variables, stack.variables, strict=True):
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy())
        assert mine is not theirs
    np.testing.assert_array_equal(loaded(tf.constant(X)).numpy(), stack(tf.constant(X)).numpy())
    batch = tf.random.normal([5, 3])  # any input: the class's own Python runs
    np.testing.assert_array_equal(loaded(batch).numpy(), stack(batch).numpy())
    assert loaded.rest[0].is_built is True and loaded.rest[1].out_features == 1
    stack.first.w.assign(tf.zeros([3, 4]))  # the two are separate objects
    assert np.abs(loaded.first.w.numpy()).sum() > 0


class Shared(tf.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = Dense(2, 2)
        self.blocks = [self.encoder, Dense(2, 2)]
        self.tied = self.encoder.w  # one variable, reached by two paths


def test_an_object_held_twice_comes_back_as_one_object(tmp_path: Path) -> None:
    tf.saved_model.save(Shared(), str(tmp_path / "shared"))
    loaded = tf.saved_model.load(str(tmp_path / "shared"))
    assert loaded.blocks[0] is loaded.encoder
    assert loaded.tied is loaded.encoder.w
    assert len(loaded.variables) == 4  # as the saved module: each variable once


def test_the_folder_has_tensorflows_layout_and_names_variables_by_object_path(
    tmp_path: Path,
) -> None:
    _, path = _saved_stack(tmp_path)
    assert sorted(os.listdir(path)) == ["assets", "saved_model.pb", "variables"]
    assert os.listdir(os.path.join(path, "variables")) == ["variables.index"]
    assert tf.saved_model.contains_saved_model(path)
    names = [name for name, _ in tf.train.list_variables(os.path.join(path, "variables/variables"))]
    assert "first/w/.ATTRIBUTES/VARIABLE_VALUE" in names
    assert "rest/1/b/.ATTRIBUTES/VARIABLE_VALUE" in names
    with open(os.path.join(path, "saved_model.pb"), encoding="utf-8") as file:
        graph = json.load(file)
    assert "not TensorFlow's" in graph["format"]
    assert graph["root"]["class"] == f"{__name__}:Stack"


def test_saving_says_once_what_the_stand_in_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fresh_notices: None
) -> None:
    module = Dense(2, 2)
    tf.saved_model.save(module, str(tmp_path / "a"))
    tf.saved_model.save(module, str(tmp_path / "b"))
    err = capsys.readouterr().err
    assert err.count("tf.saved_model.save") == 1
    assert "TensorFlow cannot read it" in err


def test_a_class_the_loading_program_lacks_stops_with_what_the_stand_in_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = types.ModuleType("tutorial_models")
    monkeypatch.setitem(sys.modules, "tutorial_models", elsewhere)
    gone = type("Gone", (Dense,), {"__module__": "tutorial_models"})
    elsewhere.Gone = gone  # type: ignore[attr-defined]
    tf.saved_model.save(gone(2, 2), str(tmp_path / "gone"))
    monkeypatch.delitem(sys.modules, "tutorial_models")  # a program that never defined it
    with pytest.raises(NotSupportedByBuildtrace, match="must define that class") as caught:
        tf.saved_model.load(str(tmp_path / "gone"))
    assert "tutorial_models.Gone" in str(caught.value)
    assert "traced tf.functions" in str(caught.value)


def test_a_saved_model_from_tensorflow_or_no_folder_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "from_tensorflow"
    real.mkdir()
    (real / "saved_model.pb").write_bytes(b"\x08\x01\x12\x8f\x02\n\x0b\n\x05serve")
    with pytest.raises(NotSupportedByBuildtrace, match="written by TensorFlow"):
        tf.saved_model.load(str(real))
    with pytest.raises(OSError, match="SavedModel file does not exist at"):
        tf.saved_model.load(str(tmp_path / "nothing_here"))


# -------------------------------------------------------------------- Keras models
class KerasFlexibleDense(keras.layers.Layer):
    def __init__(self, out_features: int, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.out_features = out_features

    def build(self, input_shape: object) -> None:
        self.w = tf.Variable(tf.random.normal([input_shape[-1], self.out_features]), name="w")
        self.b = tf.Variable(tf.random.normal([self.out_features]), name="b")

    def call(self, inputs: object) -> object:
        return tf.matmul(inputs, self.w) + self.b


class TwoLayers(keras.Model):
    def __init__(self, name: str | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.dense_1 = KerasFlexibleDense(out_features=3)
        self.dense_2 = KerasFlexibleDense(out_features=2)

    def call(self, x: object) -> object:
        return self.dense_2(self.dense_1(x))


class Widened(TwoLayers):
    """Needs an argument: revived through its own ``get_config``."""

    def __init__(self, width: int, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.width = width
        self.dense_2 = KerasFlexibleDense(out_features=width)

    def get_config(self) -> dict[str, object]:
        return {"width": self.width}


class NeedsArguments(TwoLayers):
    def __init__(self, width: int, **kwargs: object) -> None:
        super().__init__(**kwargs)


def test_variables_in_keras_layers_are_weights_and_submodules_lists_the_layers() -> None:
    model = TwoLayers()
    model(tf.constant(X))
    assert model.submodules == (model.dense_1, model.dense_2)
    assert len(model.variables) == 4 and len(model.dense_1.trainable_weights) == 2
    # Made in `build` during the model's call: named inside both layers' scopes (tf-keras:
    # 'my_sequential_model/flexible_dense/w:0'); a module's own variable has no scope.
    assert model.variables[2].name == f"{model.name}/{model.dense_2.name}/w:0"
    assert Dense(1, 1).w.name == "w:0"


def test_a_subclassed_model_saved_to_a_folder_is_revived_by_load_model(tmp_path: Path) -> None:
    model = TwoLayers()
    model(tf.constant(X))
    path = str(tmp_path / "exname_of_file")
    model.save(path)
    assert sorted(os.listdir(path)) == ["assets", "saved_model.pb", "variables"]
    again = keras.models.load_model(path)
    assert type(again) is TwoLayers
    assert again.name == model.name
    assert [layer.name for layer in again.layers] == [layer.name for layer in model.layers]
    assert [v.name for v in again.variables] == [v.name for v in model.variables]
    batch = tf.random.normal([4, 3])
    np.testing.assert_array_equal(again(batch).numpy(), model(batch).numpy())
    np.testing.assert_array_equal(tf.saved_model.load(path)(batch).numpy(), model(batch).numpy())


def test_a_class_with_arguments_is_revived_from_its_config_or_refused_clearly(
    tmp_path: Path,
) -> None:
    widened = Widened(width=4)
    widened(tf.constant(X))
    widened.save(str(tmp_path / "widened"))
    again = keras.models.load_model(str(tmp_path / "widened"))
    assert again.width == 4
    np.testing.assert_array_equal(again(tf.constant(X)).numpy(), widened(tf.constant(X)).numpy())

    stubborn = NeedsArguments(width=4)
    stubborn(tf.constant(X))
    stubborn.save(str(tmp_path / "stubborn"))
    with pytest.raises(NotSupportedByBuildtrace, match="define get_config"):
        keras.models.load_model(str(tmp_path / "stubborn"))


def test_a_compiled_subclassed_model_is_revived_compiled_and_trains_on_as_the_original(
    tmp_path: Path,
) -> None:
    x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = TwoLayers()
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=2, verbose=0)
    model.save(str(tmp_path / "trained"))
    again = keras.models.load_model(str(tmp_path / "trained"))
    assert int(again.optimizer.iterations.numpy()) == 2
    for net in (model, again):  # Adam's moments come back too: the next steps agree
        net.fit(x, y, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5)  # fmt: skip


def test_an_unbuilt_subclassed_model_cannot_be_saved_to_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="cannot be saved either because the input shape"):
        TwoLayers().save(str(tmp_path / "unbuilt"))


class Head(tf.Module):
    def __init__(self) -> None:
        super().__init__()
        self.dense = keras.layers.Dense(2, activation="relu")

    def __call__(self, x: object) -> object:
        return self.dense(x)


def test_a_keras_layer_held_by_a_module_comes_back_from_its_config(tmp_path: Path) -> None:
    head = Head()
    head(tf.constant(X))
    tf.saved_model.save(head, str(tmp_path / "head"))
    loaded = tf.saved_model.load(str(tmp_path / "head"))
    assert loaded.dense.name == head.dense.name and loaded.dense.units == 2
    batch = tf.random.normal([4, 3])
    np.testing.assert_array_equal(loaded(batch).numpy(), head(batch).numpy())


def test_a_sequential_model_in_a_folder_loads_with_either_function(tmp_path: Path) -> None:
    model = keras.Sequential([keras.layers.Dense(4, input_shape=(3,)), keras.layers.Dense(1)])
    path = str(tmp_path / "seq")
    tf.saved_model.save(model, path)
    batch = tf.random.normal([2, 3])
    expected = model(batch).numpy()
    np.testing.assert_allclose(tf.saved_model.load(path)(batch).numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(keras.models.load_model(path)(batch).numpy(), expected, rtol=1e-6)


# ------------------------------------------------------- the profiler and graph tracing
def test_the_profiler_writes_nothing_says_so_once_and_keeps_tensorflows_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fresh_notices: None
) -> None:
    logdir = str(tmp_path / "logs")
    tf.profiler.experimental.start(logdir)
    with pytest.raises(tf.errors.AlreadyExistsError, match="Another profiler is running"):
        tf.profiler.experimental.start(logdir)
    tf.profiler.experimental.stop()
    with pytest.raises(tf.errors.UnavailableError, match="No profiler is running"):
        tf.profiler.experimental.stop()
    with tf.profiler.experimental.Profile(logdir), tf.profiler.experimental.Trace("step"):
        pass
    assert capsys.readouterr().err.count("tf.profiler writes nothing") == 1
    assert not os.path.exists(logdir)


def test_graph_tracing_exports_nothing_and_says_so_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fresh_notices: None
) -> None:
    writer = tf.summary.create_file_writer(str(tmp_path / "logs"))
    for step in range(2):
        tf.summary.trace_on(graph=True)
        with writer.as_default():
            tf.summary.trace_export(name="my_func_trace", step=step, profiler_outdir="logs")
    err = capsys.readouterr().err
    assert err.count("export no graph") == 1
    assert err.count("tf.summary writes nothing") == 1
    assert not (tmp_path / "logs").exists()
