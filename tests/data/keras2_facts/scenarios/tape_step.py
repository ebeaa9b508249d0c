# A hand-written step under tf.GradientTape: the model called on data.
# ruff: noqa: F821  (mark, fact and summary are given by scripts/record_keras2_facts.py)
import keras
import numpy as np
import tensorflow as tf

model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
mark("tape")
with tf.GradientTape() as tape:
    loss = tf.reduce_mean(tf.square(model(np.ones((4, 3), "float32"), training=True)))
grads = tape.gradient(loss, model.trainable_variables)
mark("end")
