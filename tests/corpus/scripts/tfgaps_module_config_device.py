"""The TensorFlow basics tutorials: check the devices, place ops with `tf.device`, fit a
line with a `tf.Module` and a GradientTape, and read a text file with
`tf.data.TextLineDataset`."""

import tensorflow as tf

print("GPUs:", tf.config.list_physical_devices("GPU"))
gpus = tf.config.experimental.list_physical_devices("GPU")
for gpu in gpus:
    tf.config.experimental.set_memory_growth(gpu, True)
assert tf.config.list_physical_devices("CPU")

with tf.device("CPU:0"):
    x = tf.random.uniform([4, 4])
    assert x.device.endswith("CPU:0")


class Line(tf.Module):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = tf.Variable(5.0, name="w")
        self.b = tf.Variable(0.0, name="b")

    def __call__(self, x):
        return self.w * x + self.b


xs = tf.linspace(-2.0, 2.0, 101)
ys = 3.0 * xs + 2.0
line = Line(name="line")
print("variables:", [v.name for v in line.variables])
assert line.name == "line" and len(line.trainable_variables) == 2
for _ in range(60):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(line(xs) - ys))
    dw, db = tape.gradient(loss, [line.w, line.b])
    line.w.assign_sub(0.1 * dw)
    line.b.assign_sub(0.1 * db)
print(f"w = {line.w.numpy():.3f}, b = {line.b.numpy():.3f}")
assert abs(float(line.w.numpy()) - 3.0) < 0.05 and abs(float(line.b.numpy()) - 2.0) < 0.05

with open("notes.txt", "w") as f:
    f.write("first line\nsecond line\nthird line\n")
lines = [t.numpy() for t in tf.data.TextLineDataset("notes.txt")]
print(lines)
assert [str(s) for s in lines] == ["first line", "second line", "third line"]
