"""``tf.config``, ``tf.device``, ``tf.Module`` and ``tf.data.TextLineDataset``.

What the tensorflow.org tutorials print or rely on: the device lists of a machine without
a GPU, the errors TensorFlow gives, the order ``tf.Module`` collects variables in (checked
against TensorFlow 2.21 by hand: each level's attributes in sorted order, then the
sub-modules), and the lines of a text file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from buildtrace import tf


def test_a_machine_with_one_cpu_and_no_gpu() -> None:
    (cpu,) = tf.config.list_physical_devices()
    assert (cpu.name, cpu.device_type) == ("/physical_device:CPU:0", "CPU")
    assert tf.config.experimental.list_physical_devices("GPU") == []
    assert [d.name for d in tf.config.list_logical_devices("CPU")] == ["/device:CPU:0"]
    tf.config.set_visible_devices([], "GPU")  # the usual "hide the GPUs" line
    assert tf.config.get_visible_devices() == [cpu]


def test_memory_growth_is_for_gpus_only() -> None:
    with pytest.raises(ValueError, match="Cannot set memory growth on non-GPU"):
        tf.config.experimental.set_memory_growth(tf.config.list_physical_devices("CPU")[0], True)
    with pytest.raises(ValueError, match="Unrecognized device"):
        tf.config.set_visible_devices([tf.config.PhysicalDevice("/physical_device:GPU:0", "GPU")])


def test_switches_are_remembered() -> None:
    tf.config.threading.set_intra_op_parallelism_threads(2)
    assert tf.config.threading.get_intra_op_parallelism_threads() == 2
    tf.config.run_functions_eagerly(True)
    assert tf.config.functions_run_eagerly() is True
    tf.config.run_functions_eagerly(False)
    tf.config.experimental.enable_op_determinism()


def test_ops_under_any_device_run_on_the_cpu() -> None:
    with tf.device("GPU:0"):  # soft placement: no GPU, so the CPU
        x = tf.random.uniform([2, 2])
    assert x.device.endswith("CPU:0")
    assert tf.Variable(1.0).device == "/job:localhost/replica:0/task:0/device:CPU:0"


class _Dense(tf.Module):
    def __init__(self, n_in: int, n_out: int, name: str | None = None) -> None:
        super().__init__(name=name)
        self.w = tf.Variable(tf.ones([n_in, n_out]), name="w")
        self.b = tf.Variable(tf.zeros([n_out]), name="b", trainable=False)

    def __call__(self, x: object) -> object:
        return tf.matmul(x, self.w) + self.b


class _TwoLayers(tf.Module):
    def __init__(self) -> None:
        super().__init__()
        self.second = _Dense(3, 2, name="second")
        self.first = [_Dense(2, 3, name="first")]
        self.scale = tf.Variable(2.0, name="scale")


def test_module_collects_variables_level_by_level_in_sorted_order() -> None:
    model = _TwoLayers()
    assert model.name == "__two_layers"  # TensorFlow names it so too
    assert [m.name for m in model.submodules] == ["first", "second"]
    # This level's variables first (`scale`), then `first`'s, then `second`'s.
    assert [v.name for v in model.variables] == ["scale:0", "b:0", "w:0", "b:0", "w:0"]
    assert [v.name for v in model.trainable_variables] == ["scale:0", "w:0", "w:0"]
    assert len(model.non_trainable_variables) == 2
    assert model.first[0](tf.ones([1, 2])).shape == (1, 3)


def test_module_name_is_checked_and_scoped() -> None:
    assert _Dense(1, 1, name="simple").name_scope.name == "simple/"
    with pytest.raises(ValueError, match="'bad name' is not a valid module name"):
        _Dense(1, 1, name="bad name")


def test_text_line_dataset_yields_each_line_without_its_ending(tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    path.write_text("Line 1\nLine 2\r\nLine 3\n  ", encoding="utf-8")
    lines = [str(t.numpy()) for t in tf.data.TextLineDataset(str(path))]
    assert lines == ["Line 1", "Line 2", "Line 3", "  "]
    batches = list(tf.data.TextLineDataset([str(path), str(path)]).batch(3))
    assert [b.shape[0] for b in batches] == [3, 3, 2]


def test_summaries_are_accepted_and_written_nowhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fresh_notices: None
) -> None:
    writer = tf.summary.create_file_writer(str(tmp_path / "logs"))
    with writer.as_default():
        assert tf.summary.scalar("loss", 0.5, step=1) is False  # TensorFlow: nothing written
    tf.summary.trace_on(graph=True)
    tf.summary.trace_export("trace", step=0)
    writer.flush()
    assert "tf.summary writes nothing" in capsys.readouterr().err
    assert not (tmp_path / "logs").exists()
