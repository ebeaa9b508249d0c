"""TensorFlow snippets whose results the tests compare with TensorFlow's own.

Each case is code that sets ``out`` (a tensor, a structure of tensors, or a value),
run with ``tf`` and ``np`` in scope. ``scripts/record_tf_facts.py`` runs them on real
TensorFlow and stores what came out in ``tests/data/tf_facts.json``; ``test_tf_facts.py``
runs them on ``buildtrace.tf`` and compares values, shapes, dtypes and error classes.
"""

from __future__ import annotations

CASES: dict[str, str] = {
    # ---------------------------------------------------------------- dtypes
    "constant_float": "out = tf.constant(1.5)",
    "constant_int": "out = tf.constant(1)",
    "constant_int_list": "out = tf.constant([1, 2])",
    "constant_numpy_float64": "out = tf.constant(np.array([1.0, 2.0]))",
    "constant_numpy_int64": "out = tf.constant(np.array([1, 2]))",
    "constant_with_shape": "out = tf.constant(2.0, shape=(2, 3))",
    "ones": "out = tf.ones((2, 3))",
    "zeros_int": "out = tf.zeros((2,), dtype=tf.int32)",
    "ones_like": "out = tf.ones_like(tf.constant([[1, 2]]))",
    "zeros_like_float": "out = tf.zeros_like(np.array([1.0, 2.0], 'float32'))",
    "fill": "out = tf.fill((2, 2), 7)",
    "range": "out = tf.range(5)",
    "range_float": "out = tf.range(0.0, 1.0, 0.25)",
    "cast_truncates": "out = tf.cast(tf.constant([1.7, -1.7]), tf.int32)",
    "cast_bool": "out = tf.cast(tf.constant([0.0, 2.0]), tf.bool)",
    "dtype_name": "out = tf.constant([1.0]).dtype.name",
    "dtype_equals_string": "out = tf.float32 == 'float32'",
    "variable_dtype": "out = tf.Variable(1.0).dtype.name",
    "variable_name": "out = tf.Variable(1.0, name='w').name",
    # ------------------------------------------------------------ arithmetic
    "float_plus_numpy_float64": "out = tf.constant([1.0, 2.0]) + np.array([1.0, 2.0])",
    "numpy_float64_plus_float": "out = np.array([1.0, 2.0]) + tf.constant([1.0, 2.0])",
    "float_plus_python_int": "out = tf.constant([1.0, 2.0]) + 1",
    "int_truediv_int": "out = tf.constant([1, 2]) / 2",
    "int_floordiv": "out = tf.constant([7, -7]) // 2",
    "int_mod": "out = tf.constant([7, -7]) % 3",
    "broadcast_row_column": "out = tf.constant([[1.0], [2.0]]) * tf.constant([10.0, 20.0, 30.0])",
    "power": "out = tf.constant([2.0, 3.0]) ** 2",
    "negative_abs": "out = abs(-tf.constant([-1.5, 2.0]))",
    "variable_plus_one": "out = tf.Variable(1.0) + 1",
    "compare": "out = tf.constant([1, 2, 3]) > 1",
    "equal_elementwise": "out = tf.constant([1, 2]) == tf.constant([1, 3])",
    "maximum": "out = tf.maximum(tf.constant([1.0, 5.0]), 3.0)",
    "squared_difference": "out = tf.math.squared_difference(tf.constant([1.0, 4.0]), 2.0)",
    # ------------------------------------------------------------ unary maths
    "square_int": "out = tf.square(tf.constant([4]))",
    "sqrt": "out = tf.sqrt(tf.constant([4.0, 9.0]))",
    "exp_log": "out = tf.math.log(tf.exp(tf.constant([0.5, 1.0])))",
    "sigmoid": "out = tf.sigmoid(tf.constant([0.0, 2.0]))",
    "tanh": "out = tf.tanh(tf.constant([0.5]))",
    "round_half_even": "out = tf.round(tf.constant([0.5, 1.5, 2.5]))",
    # ------------------------------------------------------------ reductions
    "reduce_mean_all": "out = tf.reduce_mean(tf.constant([[1.0, 2.0], [3.0, 4.0]]))",
    "reduce_mean_axis0": "out = tf.reduce_mean(tf.constant([[1.0, 2.0], [3.0, 4.0]]), axis=0)",
    "reduce_mean_int": "out = tf.reduce_mean(tf.constant([1, 2]))",
    "reduce_sum_keepdims": "out = tf.reduce_sum(tf.ones((2, 3)), axis=1, keepdims=True)",
    "reduce_sum_axes": "out = tf.reduce_sum(tf.ones((2, 3, 4)), axis=[0, 2])",
    "reduce_max_negative_axis": (
        "out = tf.reduce_max(tf.constant([[1.0, 5.0], [7.0, 2.0]]), axis=-1)"
    ),
    "reduce_min": "out = tf.reduce_min(tf.constant([[1.0, 5.0], [7.0, 2.0]]))",
    "reduce_prod": "out = tf.reduce_prod(tf.constant([1.0, 2.0, 3.0]))",
    "reduce_std": "out = tf.math.reduce_std(tf.constant([1.0, 2.0, 3.0, 4.0]))",
    "argmax_default_axis": "out = tf.argmax(tf.constant([[1.0, 3.0], [4.0, 2.0]]))",
    "argmax_axis1": "out = tf.argmax(tf.constant([[1.0, 3.0], [4.0, 2.0]]), axis=1)",
    "argmin_int32": "out = tf.argmin(tf.constant([3, 1, 2]), output_type=tf.int32)",
    # --------------------------------------------------------------- shapes
    "shape_op": "out = tf.shape(tf.ones((2, 3)))",
    "shape_as_list": "out = tf.ones((2, 3)).shape.as_list()",
    "shape_index": "out = tf.ones((2, 3)).shape[1]",
    "shape_str": "out = str(tf.ones((2, 3)).shape)",
    "shape_repr": "out = repr(tf.ones((2, 3)).shape)",
    "rank": "out = tf.rank(tf.ones((2, 3)))",
    "size": "out = tf.size(tf.ones((2, 3)))",
    "reshape_infer": "out = tf.reshape(tf.range(6), (-1, 2))",
    "expand_dims": "out = tf.expand_dims(tf.ones((2,)), 0)",
    "squeeze": "out = tf.squeeze(tf.ones((1, 2, 1)))",
    "transpose": "out = tf.transpose(tf.reshape(tf.range(6), (2, 3)))",
    "newaxis": "out = tf.ones((2,))[tf.newaxis, :]",
    "index_row": "out = tf.reshape(tf.range(6.0), (2, 3))[1]",
    "index_slice": "out = tf.reshape(tf.range(6.0), (2, 3))[:, 1:]",
    "int_of_scalar": "out = int(tf.constant(3))",
    "float_of_scalar": "out = float(tf.constant(2.5))",
    "len": "out = len(tf.ones((4, 3)))",
    "iterate_rows": "out = [row.shape.as_list() for row in tf.ones((2, 3))]",
    "numpy_conversion": "out = np.asarray(tf.constant([1.0, 2.0])).dtype.name",
    "str_tensor": "out = str(tf.constant([1.0, 2.0]))",
    "repr_tensor": "out = repr(tf.constant([1.0, 2.0]))",
    # ------------------------------------------------------- joining, picking
    "concat": "out = tf.concat([tf.ones((1, 2)), tf.zeros((2, 2))], axis=0)",
    "stack": "out = tf.stack([tf.ones((2,)), tf.zeros((2,))], axis=1)",
    "one_hot": "out = tf.one_hot([0, 2, 5], 3)",
    "gather": "out = tf.gather(tf.constant([10.0, 20.0, 30.0]), [2, 0])",
    "where": "out = tf.where(tf.constant([True, False]), 1.0, -1.0)",
    "clip_by_value": "out = tf.clip_by_value(tf.constant([-2.0, 0.5, 3.0]), -1.0, 1.0)",
    "matmul": "out = tf.matmul(tf.ones((2, 3)), tf.ones((3, 4)))",
    "matmul_transpose_b": "out = tf.matmul(tf.ones((2, 3)), tf.ones((4, 3)), transpose_b=True)",
    "matmul_operator": "out = tf.ones((2, 3)) @ tf.ones((3, 1))",
    # -------------------------------------------------------------- tf.nn
    "softmax": "out = tf.nn.softmax(tf.constant([1.0, 2.0, 3.0]))",
    "softmax_numpy_float64": "out = tf.nn.softmax(np.array([1.0, 2.0, 3.0]))",
    "softmax_axis0": "out = tf.nn.softmax(tf.constant([[1.0, 2.0], [3.0, 5.0]]), axis=0)",
    "relu": "out = tf.nn.relu(tf.constant([-1.0, 0.0, 2.0]))",
    "leaky_relu": "out = tf.nn.leaky_relu(tf.constant([-1.0, 2.0]))",
    "log_softmax": "out = tf.nn.log_softmax(tf.constant([1.0, 2.0, 3.0]))",
    "l2_normalize": "out = tf.math.l2_normalize(tf.constant([[3.0, 4.0]]), axis=1)",
    "sparse_xent": (
        "out = tf.nn.sparse_softmax_cross_entropy_with_logits("
        "labels=[0, 1], logits=tf.constant([[2.0, 1.0], [0.5, 1.5]]))"
    ),
    # ------------------------------------------------------------ variables
    "variable_assign": "v = tf.Variable([1.0, 2.0]); v.assign([3.0, 4.0]); out = v.numpy()",
    "variable_assign_add": "v = tf.Variable(1.0); v.assign_add(2.0); out = v.numpy()",
    "variable_assign_sub": "v = tf.Variable(1.0); v.assign_sub(0.5); out = v.numpy()",
    "version_is_a_string": (
        "out = isinstance(tf.version.VERSION, str) and tf.__version__ == tf.version.VERSION"
    ),
    # ------------------------------------------------------------ gradients
    "grad_square": (
        "x = tf.Variable(3.0)\n"
        "with tf.GradientTape() as tape:\n    y = x * x\n"
        "out = tape.gradient(y, x)"
    ),
    "grad_mse_matmul": (
        "w = tf.Variable([[1.0], [2.0]]); b = tf.Variable([0.5])\n"
        "x = tf.constant([[1.0, 2.0], [3.0, 4.0]]); y = tf.constant([[1.0], [0.0]])\n"
        "with tf.GradientTape() as tape:\n"
        "    loss = tf.reduce_mean(tf.square(y - (tf.matmul(x, w) + b)))\n"
        "out = tape.gradient(loss, [w, b])"
    ),
    "grad_softmax_log": (
        "z = tf.Variable([1.0, 2.0, 0.5])\n"
        "with tf.GradientTape() as tape:\n"
        "    loss = -tf.math.log(tf.nn.softmax(z)[1])\n"
        "out = tape.gradient(loss, z)"
    ),
    "grad_broadcast_bias": (
        "b = tf.Variable([1.0, 2.0])\n"
        "with tf.GradientTape() as tape:\n"
        "    y = tf.reduce_sum(tf.ones((3, 2)) * b)\n"
        "out = tape.gradient(y, b)"
    ),
    "grad_reduce_max_relu_sigmoid": (
        "x = tf.Variable([[-1.0, 2.0, 0.5], [3.0, -2.0, 1.0]])\n"
        "with tf.GradientTape() as tape:\n"
        "    y = tf.reduce_sum(tf.reduce_max(tf.nn.relu(x), axis=1))\n"
        "    y = y + tf.reduce_sum(tf.sigmoid(x))\n"
        "out = tape.gradient(y, x)"
    ),
    "grad_concat_reshape_index": (
        "a = tf.Variable([1.0, 2.0]); b = tf.Variable([3.0])\n"
        "with tf.GradientTape() as tape:\n"
        "    c = tf.reshape(tf.concat([a, b], 0), (3, 1))\n"
        "    y = tf.reduce_sum(c[1:] * 2.0) + tf.reduce_sum(tf.exp(c))\n"
        "out = tape.gradient(y, [a, b])"
    ),
    "grad_unconnected_is_none": (
        "x = tf.Variable(1.0); z = tf.Variable(2.0)\n"
        "with tf.GradientTape() as tape:\n    y = x * 3.0\n"
        "out = tape.gradient(y, [x, z])"
    ),
    "grad_watched_constant": (
        "c = tf.constant(3.0)\n"
        "with tf.GradientTape() as tape:\n    tape.watch(c)\n    y = c ** 2\n"
        "out = tape.gradient(y, c)"
    ),
    "grad_unwatched_constant_is_none": (
        "c = tf.constant(3.0)\n"
        "with tf.GradientTape() as tape:\n    y = c ** 2\n"
        "out = tape.gradient(y, c)"
    ),
    "grad_persistent_twice": (
        "x = tf.Variable(2.0)\n"
        "with tf.GradientTape(persistent=True) as tape:\n    y = x ** 3\n    z = x * 5.0\n"
        "out = [tape.gradient(y, x), tape.gradient(z, x)]"
    ),
    "grad_division_and_sqrt": (
        "x = tf.Variable([4.0, 9.0])\n"
        "with tf.GradientTape() as tape:\n    y = tf.reduce_sum(1.0 / tf.sqrt(x))\n"
        "out = tape.gradient(y, x)"
    ),
    "grad_intermediate_tensor": (
        "x = tf.constant(3.0)\n"
        "with tf.GradientTape() as tape:\n    tape.watch(x)\n    y = x * x\n    z = y * y\n"
        "out = tape.gradient(z, y)"
    ),
    "grad_dict_sources_and_targets": (
        "x = tf.Variable(2.0); w = tf.Variable([1.0, 2.0])\n"
        "with tf.GradientTape(persistent=True) as tape:\n"
        "    y0 = x ** 2\n    y1 = tf.reduce_sum(w * x)\n"
        "by_name = tape.gradient(y1, {'x': x, 'w': w})\n"
        "out = [by_name['x'], by_name['w'], tape.gradient({'a': y0, 'b': y1}, x)]"
    ),
    "grad_int_source_is_none": (
        "x = tf.constant(10)\n"
        "with tf.GradientTape() as tape:\n    tape.watch(x)\n    y = x * x\n"
        "out = tape.gradient(y, x)"
    ),
    "grad_unconnected_zero": (
        "x = tf.Variable(2.0); y = tf.Variable(3.0)\n"
        "with tf.GradientTape() as tape:\n    z = y * y\n"
        "out = tape.gradient(z, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)"
    ),
    "grad_not_trainable_variable_is_none": (
        "x = tf.Variable(3.0, trainable=False)\n"
        "with tf.GradientTape() as tape:\n    y = x * x\n"
        "out = tape.gradient(y, x)"
    ),
    "grad_softplus_sin_stop_recording": (
        "x = tf.Variable([0.5, 2.0])\n"
        "with tf.GradientTape() as tape:\n"
        "    y = tf.reduce_sum(tf.nn.softplus(x))\n"
        "    with tape.stop_recording():\n        ignored = tf.sin(x)\n"
        "    y = y + tf.reduce_sum(ignored * x)\n"
        "out = tape.gradient(y, x)"
    ),
    "softplus": "out = tf.nn.softplus(tf.constant([-1.0, 0.0, 30.0]))",
    "linspace": "out = tf.linspace(-1.0, 1.0, 5)",
    # ------------------------------------------------- gaps found in public scripts
    "zeros_dtype_enum": "out = tf.zeros(3, 1)",
    "ones_dtype_enum_int32": "out = tf.ones((2,), 3)",
    "ones_dtype_enum_int64": "out = tf.ones((2,), 9)",
    "cast_dtype_enum_bool": "out = tf.cast(tf.constant([0.0, 2.0]), 10)",
    "datatype_enum": "out = [tf.float32.as_datatype_enum, tf.int64.as_datatype_enum]",
    "split_even": "out = tf.split(tf.reshape(tf.range(8.0), (2, 4)), 2, axis=1)",
    "split_sizes": "out = tf.split(tf.reshape(tf.range(12), (3, 4)), [1, -1], axis=1)",
    "split_axis0": "out = tf.split(tf.range(6.0), 3)",
    "error_split_uneven": "out = tf.split(tf.ones((2, 5)), 2, axis=1)",
    "grad_split": (
        "x = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])\n"
        "with tf.GradientTape() as tape:\n"
        "    a, b = tf.split(x, [2, 1], axis=1)\n"
        "    y = tf.reduce_sum(a * a) + tf.reduce_sum(3.0 * b)\n"
        "out = tape.gradient(y, x)"
    ),
    "embedding_lookup": (
        "out = tf.nn.embedding_lookup(tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), "
        "tf.constant([[0, 2], [1, 1]]))"
    ),
    "grad_embedding_lookup": (
        "e = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\n"
        "with tf.GradientTape() as tape:\n"
        "    y = tf.reduce_sum(tf.nn.embedding_lookup(e, [[0, 2], [0, 0]]) * 2.0)\n"
        "out = tf.convert_to_tensor(tape.gradient(y, e))"
    ),
    "dropout_zero_rate": "out = tf.nn.dropout(tf.constant([[1.0, 2.0]]), rate=0.0)",
    "dropout_kept_scaled": (
        "y = tf.nn.dropout(tf.ones((50, 40)), rate=0.25)\n"
        "out = sorted(set(np.round(y.numpy().ravel(), 4).tolist()))"
    ),
    "dropout_shape_dtype": "out = tf.zeros_like(tf.nn.dropout(tf.ones((3, 2), tf.float64), 0.5))",
    "grad_dropout_matches_mask": (
        "x = tf.Variable(tf.ones((20, 10)))\n"
        "with tf.GradientTape() as tape:\n"
        "    y = tf.nn.dropout(x, rate=0.5)\n"
        "    s = tf.reduce_sum(y)\n"
        "out = bool(np.array_equal(tape.gradient(s, x).numpy(), y.numpy()))"
    ),
    "error_dropout_rate": "out = tf.nn.dropout(tf.ones((2,)), rate=1.5)",
    "test_is_gpu_available": "out = tf.test.is_gpu_available()",
    "test_gpu_device_name": "out = tf.test.gpu_device_name()",
    "train_latest_checkpoint_missing": "out = tf.train.latest_checkpoint('no-such-folder')",
    # --------------------------------------------------------------- errors
    "error_add_shapes": "out = tf.constant([1.0, 2.0]) + tf.constant([1.0, 2.0, 3.0])",
    "error_matmul_shapes": "out = tf.matmul(tf.ones((2, 3)), tf.ones((2, 3)))",
    "error_reshape": "out = tf.reshape(tf.ones((2, 3)), (4, 2))",
    "error_int_plus_float": "out = tf.constant([1, 2]) + 1.5",
    "error_float_plus_int_tensor": "out = tf.constant([1.0, 2.0]) + tf.constant([1, 2])",
    "error_sqrt_int": "out = tf.sqrt(tf.constant([4]))",
    "error_concat_shapes": "out = tf.concat([tf.ones((1, 2)), tf.ones((1, 3))], axis=0)",
    "error_second_gradient": (
        "x = tf.Variable(3.0)\n"
        "with tf.GradientTape() as tape:\n    y = x * x\n"
        "tape.gradient(y, x)\nout = tape.gradient(y, x)"
    ),
    "error_assign_shape": "v = tf.Variable([1.0, 2.0]); out = v.assign([1.0, 2.0, 3.0])",
    "error_uniform_int_without_maxval": "out = tf.random.uniform((2,), dtype=tf.int32)",
}
