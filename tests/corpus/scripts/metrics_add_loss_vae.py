"""A small variational autoencoder, in the two shapes Keras 2 tutorials give it.

1. Functional: a sampling layer draws z, a KL layer adds its divergence with add_loss
   (and reports it with add_metric); compile() gets only the reconstruction loss.
2. Subclassed: train_step computes both losses under a GradientTape and keeps them in
   Mean trackers listed in `metrics`, so fit resets them each epoch.
"""

import numpy as np
import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers

keras.utils.set_random_seed(7)
rng = np.random.default_rng(7)
# 256 black-and-white "images" of 16 pixels made from 2 hidden factors: a 2-d code can
# explain most of each one.
factors = rng.normal(size=(256, 2)).astype("float32")
mixing = rng.normal(size=(2, 16)).astype("float32")
images = (factors @ mixing > 0).astype("float32")
latent_dim = 2


class Sampling(layers.Layer):
    """z = mean + sigma * epsilon, the reparameterisation trick."""

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = tf.random.normal(shape=tf.shape(z_mean))
        return z_mean + tf.exp(0.5 * z_log_var) * epsilon


class KLDivergence(layers.Layer):
    """Adds the KL divergence to the standard normal as a loss, and reports it."""

    def call(self, inputs):
        z_mean, z_log_var = inputs
        kl = -0.5 * tf.reduce_sum(1 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var), axis=1)
        kl = tf.reduce_mean(kl)
        self.add_loss(kl / 16.0)
        self.add_metric(kl, name="kl_divergence")
        return inputs


pixels = keras.Input(shape=(16,), name="pixels")
h = layers.Dense(32, activation="relu")(pixels)
z_mean = layers.Dense(latent_dim, name="z_mean")(h)
z_log_var = layers.Dense(latent_dim, name="z_log_var")(h)
z_mean, z_log_var = KLDivergence(name="kl")([z_mean, z_log_var])
z = Sampling(name="z")([z_mean, z_log_var])
decoded = layers.Dense(32, activation="relu")(z)
decoded = layers.Dense(16, activation="sigmoid", name="reconstruction")(decoded)
vae = keras.Model(pixels, decoded, name="vae")
vae.summary()
vae.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy")
history = vae.fit(images, images, epochs=6, batch_size=32, verbose=2)
print({k: [round(v, 4) for v in vals] for k, vals in history.history.items()})
assert list(history.history) == ["loss", "kl_divergence"]
# The KL term has a gradient: the codes are pulled towards N(0, 1) while they learn.
assert history.history["loss"][-1] < history.history["loss"][0]
assert len(vae.losses) == 1


# --- the subclassed version, with its own train_step and loss trackers
encoder = keras.Model(pixels, [z_mean, z_log_var, z], name="encoder")
codes = keras.Input(shape=(latent_dim,))
decoder_out = layers.Dense(16, activation="sigmoid")(layers.Dense(32, activation="relu")(codes))
decoder = keras.Model(codes, decoder_out, name="decoder")


class VAE(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker]

    def train_step(self, data):
        with tf.GradientTape() as tape:
            _, _, z = self.encoder(data)
            reconstruction = self.decoder(z)
            reconstruction_loss = tf.reduce_mean(
                keras.losses.binary_crossentropy(data, reconstruction)
            )
            total_loss = reconstruction_loss + sum(self.encoder.losses)
        grads = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.total_loss_tracker.update_state(total_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        return {m.name: m.result() for m in self.metrics}


model = VAE(encoder, decoder)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01))
history = model.fit(images, epochs=4, batch_size=32, verbose=2)
result = model.total_loss_tracker.result()
print("last total loss:", result.numpy(), type(history.history["total_loss"][-1]).__name__)
assert isinstance(history.history["total_loss"][-1], float)
assert history.history["total_loss"][-1] < history.history["total_loss"][0]
