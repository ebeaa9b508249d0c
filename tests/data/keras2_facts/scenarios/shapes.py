# input_shape / output_shape of built models, and how often Functional.__init__ runs.
# ruff: noqa: F821  (mark, fact and summary are given by scripts/record_keras2_facts.py)
import keras
from keras import layers

seq = keras.Sequential([layers.Dense(3), layers.Dense(2)])
seq.build((None, 4))
fact("seq_input_shape", list(seq.input_shape))
fact("seq_output_shape", list(seq.output_shape))
seq2 = keras.Sequential([layers.Dense(3, input_shape=(4,))])
fact("seq2_input_shape", list(seq2.input_shape))
fact("seq2_output_shape", list(seq2.output_shape))
inputs = keras.Input(shape=(16,))
outputs = layers.Dense(8)(inputs)
mark("functional")
func = keras.Model(inputs, outputs)
mark("after")
fact("func_input_shape", list(func.input_shape))
fact("func_output_shape", list(func.output_shape))
fact("input_layer_output_shape", repr(func.layers[0].output_shape))
fact("input_layer_input_shape", repr(func.layers[0].input_shape))
pair = [keras.Input((2,)), keras.Input((3,))]
both = keras.Model(pair, layers.Concatenate()(pair))
fact("two_input_shape", repr(both.input_shape))
two = keras.Model(inputs, [outputs, outputs])
fact("two_output_shape", repr(two.output_shape))
