"""Lessons for the image layers of the tutorials: ``Resizing``, ``CenterCrop`` and the
random augmentations (``RandomFlip``, ``RandomRotation``, ``RandomZoom``,
``RandomTranslation``, ``RandomContrast``, ``RandomCrop``).

Checked against tf-keras ``tf_keras/src/layers/preprocessing/image_preprocessing.py``:
none has weights (their build is ``Layer.build``'s); the random ones are
``BaseRandomLayer``s that change the images only when ``training`` is true, which ``fit``
passes and ``predict`` / ``evaluate`` do not.
"""

from __future__ import annotations

from buildtrace.narration.context import Ctx, shape
from buildtrace.narration.layer_maths import in_shape, run_context
from buildtrace.narration.registry import Piece
from buildtrace.narration.texts_layers_more import NO_WEIGHTS, _configured, lesson

P = "preprocessing.image_preprocessing."
ONLY_IN_TRAINING = (
    "It is active only in training (fit): at inference (predict, evaluate) it passes the "
    "images through unchanged, so the model sees real pictures when it is used."
)


def _random_call(what: str, inference: str = "passes the images through unchanged") -> Piece:
    def text(ctx: Ctx) -> str:
        x = in_shape(ctx)
        on = f" on {shape(x)}" if x is not None else ""
        return (
            f"{ctx.subject} runs{on}: in training it {what}; otherwise it {inference}."
            f"{run_context(ctx)}"
        )

    return text


def _random_init(what: str, *keys: str) -> None:
    name = what.split(".")[0]
    lesson(
        f"{P}{name}.__init__",
        f"{name}.__init__ — store its random range",
        "Showing the model slightly changed copies of each picture makes it learn what "
        "stays the same: more data for free, less overfitting.",
        lambda ctx: (
            f"{ctx.subject} stores {', '.join(keys)} and its seed. {NO_WEIGHTS} {ONLY_IN_TRAINING}"
        ),
        _configured(*keys, "seed"),
    )


_random_init("RandomFlip", "mode")
lesson(
    f"{P}RandomFlip.call",
    "RandomFlip.call — mirror some of the images",
    "A cat looking left is still a cat: a flipped copy is a new, honest example.",
    _random_call("flips each image with chance 1/2 (left-right for 'horizontal')"),
)
_random_init("RandomRotation", "factor", "fill_mode", "interpolation")
lesson(
    f"{P}RandomRotation.call",
    "RandomRotation.call — turn each image by a random angle",
    "factor is a fraction of a full turn: 0.1 means up to ±36°.",
    _random_call(
        "rotates each image about its centre, filling the corners by fill_mode "
        "(TensorFlow's ImageProjectiveTransformV3)"
    ),
)
_random_init("RandomZoom", "height_factor", "width_factor", "fill_mode")
lesson(
    f"{P}RandomZoom.call",
    "RandomZoom.call — zoom each image in or out",
    "A negative factor zooms in (crops), a positive one zooms out (fills the border).",
    _random_call("zooms each image about its centre by a random amount"),
)
_random_init("RandomTranslation", "height_factor", "width_factor", "fill_mode")
lesson(
    f"{P}RandomTranslation.call",
    "RandomTranslation.call — shift each image",
    "The object need not be in the middle: shifted copies teach the model so.",
    _random_call("shifts each image by a random fraction of its height and width"),
)
_random_init("RandomContrast", "factor")
lesson(
    f"{P}RandomContrast.call",
    "RandomContrast.call — stretch or flatten the contrast",
    "Pictures come in every lighting: a contrast change is another honest example.",
    _random_call(
        "moves every pixel away from (or toward) its channel's mean, then clips to 0..255"
    ),
)
_random_init("RandomCrop", "height", "width")
lesson(
    f"{P}RandomCrop.call",
    "RandomCrop.call — cut a random window",
    "It changes the shape, so at inference too it must give the same size.",
    _random_call(
        "cuts the same random window out of every image in the batch",
        inference="resizes the centre window to the target size",
    ),
)
lesson(
    f"{P}Resizing.__init__",
    "Resizing.__init__ — store the target size",
    "A model that resizes by itself accepts pictures of any size.",
    lambda ctx: f"{ctx.subject} stores height, width and the interpolation. {NO_WEIGHTS}",
    _configured("height", "width", "interpolation", "crop_to_aspect_ratio"),
)
lesson(
    f"{P}Resizing.call",
    "Resizing.call — resize every image",
    "It runs in training and at inference alike: it is preprocessing, not augmentation.",
    lambda ctx: (
        f"{ctx.subject} resizes {shape(in_shape(ctx))} like tf.image.resize (half-pixel "
        f"centres), cropping first to the target's aspect ratio if asked.{run_context(ctx)}"
    ),
)
lesson(
    f"{P}CenterCrop.__init__",
    "CenterCrop.__init__ — store the window size",
    "Keeps the middle of the picture, where the subject usually is.",
    lambda ctx: f"{ctx.subject} stores height and width. {NO_WEIGHTS}",
    _configured("height", "width"),
)
lesson(
    f"{P}CenterCrop.call",
    "CenterCrop.call — keep the central window",
    "It runs in training and at inference alike; an image too small is resized up instead.",
    lambda ctx: (
        f"{ctx.subject} cuts the central window out of {shape(in_shape(ctx))}.{run_context(ctx)}"
    ),
)
