"""Lessons for ``RandomFourierFeatures`` (Keras 2's ``keras/layers/kernelized.py``).

Checked against tf-keras ``tf_keras/src/layers/kernelized.py``: ``unscaled_kernel``
(input size × ``output_dim``, Gaussian ``RandomNormal(stddev=1)`` or Laplacian Cauchy
samples) and ``bias`` (uniform in ``[0, 2π)``) never train; ``kernel_scale`` (one value,
``sqrt(input_dim / 2)`` for the Gaussian kernel unless ``scale`` is given) trains when the
layer does, and Keras makes the layer ``trainable=False`` by default.
"""

from __future__ import annotations

from buildtrace.narration.texts_layers_more import _configured, fill, lesson

L = "kernelized.RandomFourierFeatures."

lesson(
    L + "__init__",
    "RandomFourierFeatures.__init__ — choose the kernel to approximate",
    (
        "A kernel machine compares every pair of samples; random Fourier features replace "
        "that by a fixed random map whose dot products approximate the kernel, so a plain "
        "linear layer on top acts like a kernel SVM or kernel regression."
    ),
    _configured("output_dim", "kernel_initializer", "scale"),
)
lesson(
    L + "build",
    "RandomFourierFeatures.build — draw the random projection",
    (
        "The projection and phases are drawn once and then frozen: they define the kernel. "
        "Only the scale (the kernel's width) may learn."
    ),
    fill(
        "{subject} gets input shape {input} and draws the frozen unscaled_kernel (inputs × "
        "output_dim) and bias (phases in [0, 2π)), then kernel_scale, one value, trainable "
        "only if the layer is (Keras makes it frozen by default)."
    ),
)
lesson(
    L + "call",
    "RandomFourierFeatures.call — cos(x · kernel / scale + bias)",
    (
        "Each feature is the cosine of a random direction's projection: averaged over many "
        "directions, products of these features approximate the Gaussian (or Laplacian) "
        "kernel between two samples."
    ),
    fill("{subject} computes cos(input · unscaled_kernel / kernel_scale + bias).{context}"),
)
