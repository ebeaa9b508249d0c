"""A tour of tensors before any model: shapes, dtypes, broadcasting, reductions."""

import numpy as np
import tensorflow as tf

print("TensorFlow version:", tf.version.VERSION)
matrix = tf.constant([[1.0, 2.0], [3.0, 4.0]])
assert matrix.shape.as_list() == [2, 2] and matrix.dtype == tf.float32
assert tf.shape(matrix).numpy().tolist() == [2, 2]

column = tf.reshape(tf.range(2, dtype=tf.float32), (2, 1))
assert (matrix + column).numpy().tolist() == [[1.0, 2.0], [4.0, 5.0]]  # broadcasting
assert tf.matmul(matrix, tf.ones((2, 1))).numpy().ravel().tolist() == [3.0, 7.0]
assert float(tf.reduce_sum(matrix)) == 10.0
assert tf.reduce_mean(matrix, axis=0).numpy().tolist() == [2.0, 3.0]
assert tf.argmax(matrix, axis=1).numpy().tolist() == [1, 1]
assert int(tf.cast(tf.constant(2.9), tf.int32)) == 2

both = tf.concat([matrix, tf.zeros((1, 2))], axis=0)
assert both.shape == (3, 2)
assert tf.expand_dims(matrix, 0).shape.as_list() == [1, 2, 2]
assert matrix[:, tf.newaxis, :].shape.as_list() == [2, 1, 2]
assert np.allclose(tf.nn.softmax(tf.constant([0.0, 0.0])).numpy(), [0.5, 0.5])
assert tf.nn.relu(tf.constant([-1.0, 1.0])).numpy().tolist() == [0.0, 1.0]

# numpy and tensors mix: numpy arrays convert, and np.asarray gives the values back.
mixed = np.ones((2, 2)) * matrix
assert isinstance(mixed, tf.Tensor) and mixed.dtype == tf.float32
assert np.asarray(mixed).sum() == 10.0

try:
    tf.constant([1.0, 2.0]) + tf.constant([1.0, 2.0, 3.0])
except tf.errors.InvalidArgumentError as error:
    print("as expected:", error)
else:
    raise AssertionError("shapes [2] and [3] must not broadcast")

counter = tf.Variable(0)
for _ in range(3):
    counter.assign_add(1)
assert int(counter) == 3
