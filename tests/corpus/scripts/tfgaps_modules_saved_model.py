"""A thermometer calibration built from `tf.Module`s, then from Keras layers: variables
found by `.variables` / `.submodules`, a graph trace and a profile asked for (buildtrace
writes neither and says so), the module exported with `tf.saved_model` and loaded back,
and a subclassed Keras model saved to a folder and revived by `load_model`."""

import os
from datetime import datetime

import numpy as np
import tensorflow as tf


class Affine(tf.Module):
    def __init__(self, size, name=None):
        super().__init__(name=name)
        self.gain = tf.Variable(tf.random.normal([size, size]), name="gain")
        self.offset = tf.Variable(tf.zeros([size]), name="offset")
        self.frozen = tf.Variable(1.0, trainable=False, name="frozen")

    def __call__(self, x):
        return tf.matmul(x, self.gain) + self.offset * self.frozen


class LazyAffine(tf.Module):
    def __init__(self, units, name=None):
        super().__init__(name=name)
        self.units = units
        self.ready = False

    def __call__(self, x):
        if not self.ready:
            self.gain = tf.Variable(tf.random.normal([x.shape[-1], self.units]), name="gain")
            self.ready = True
        return tf.nn.relu(tf.matmul(x, self.gain))


class Calibration(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.first = Affine(4)
        self.second = LazyAffine(2)

    @tf.function
    def __call__(self, x):
        return self.second(self.first(x))


readings = tf.constant([[20.5, 21.0, 19.8, 22.1]])
calibration = Calibration(name="calibration")
print("calibrated:", calibration(readings))
print("trainable:", [v.name for v in calibration.trainable_variables])
print("submodules:", calibration.submodules)
assert len(calibration.variables) == 4 and len(calibration.trainable_variables) == 3

logdir = "logs/calibration/" + datetime.now().strftime("%Y%m%d-%H%M%S")
writer = tf.summary.create_file_writer(logdir)
tf.summary.trace_on(graph=True)
tf.profiler.experimental.start(logdir)
more = tf.random.normal([3, 4])
calibration(more)  # a second input shape: TensorFlow traces (and exports) it too
with writer.as_default():
    tf.summary.trace_export(name="calibration_trace", step=0, profiler_outdir=logdir)
tf.profiler.experimental.stop()

tf.saved_model.save(calibration, "exported_calibration")
print(sorted(os.listdir("exported_calibration")))
restored = tf.saved_model.load("exported_calibration")
np.testing.assert_array_equal(restored(readings).numpy(), calibration(readings).numpy())
np.testing.assert_array_equal(restored(more).numpy(), calibration(more).numpy())


class KerasAffine(tf.keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.gain = tf.Variable(tf.random.normal([input_shape[-1], self.units]), name="gain")
        self.offset = tf.Variable(tf.zeros([self.units]), name="offset")

    def call(self, x):
        return tf.matmul(x, self.gain) + self.offset


layer = KerasAffine(3)
print("before the first call:", layer.variables)
layer(readings)
assert len(layer.trainable_weights) == 2
try:
    layer(tf.constant([[1.0, 2.0]]))
except tf.errors.InvalidArgumentError as error:
    print("wrong width:", error)


class KerasCalibration(tf.keras.Model):
    def __init__(self, name=None, **kwargs):
        super().__init__(**kwargs)
        self.first = KerasAffine(4)
        self.second = KerasAffine(1)

    def call(self, x):
        return self.second(self.first(x))


model = KerasCalibration(name="ignored")
print("model:", model(readings))
print("its layers:", model.submodules)
assert model.submodules == (model.first, model.second)

model.save("calibration_folder")
revived = tf.keras.models.load_model("calibration_folder")
np.testing.assert_array_equal(revived(readings).numpy(), model(readings).numpy())
print("revived:", revived(more))
