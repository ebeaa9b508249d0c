"""Keras 2's image preprocessing layers: resizing, cropping, rescaling and the random
augmentations of the image tutorials (flip, rotation, zoom, translation, contrast, crop).

Mirrors: ``keras/layers/preprocessing/image_preprocessing.py`` (Keras 2). The deterministic
layers (``Resizing``, ``CenterCrop``, ``Rescaling``) always run. The random ones are
``BaseRandomLayer``s active only when ``training`` is true (``fit`` passes it; ``predict``
and ``evaluate`` pass ``False``), the identity otherwise (``RandomCrop`` then centre-crops
and resizes). Called by hand with no ``training``, they augment: Keras fills a missing
``training`` with ``call``'s default, ``True``.

Where numbers differ from Keras: the random draws. Keras draws with TensorFlow's stateless
generator, which numpy cannot reproduce, so a ``seed`` makes buildtrace repeat *itself*,
not TensorFlow. Given the same draw (a rotation angle, a zoom), the pixels match: the
warps run TensorFlow's ``ImageProjectiveTransformV3`` (``buildtrace/tf/image_ops.py``)
and the resizes ``tf.image.resize`` (``keras/utils/image_utils.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from buildtrace.keras.engine.base_layer import BaseRandomLayer, Layer
from buildtrace.keras.utils import image_utils
from buildtrace.tf import image_ops
from buildtrace.trace import traced

H_AXIS, W_AXIS = -3, -2
HORIZONTAL, VERTICAL = "horizontal", "vertical"
HORIZONTAL_AND_VERTICAL = "horizontal_and_vertical"


def check_fill_mode_and_interpolation(fill_mode: str, interpolation: str) -> None:
    """Keras's check of the warp options, with its messages."""
    if fill_mode not in {"reflect", "wrap", "constant", "nearest"}:
        raise NotImplementedError(
            f"Unknown `fill_mode` {fill_mode}. Only `reflect`, `wrap`, `constant` and "
            "`nearest` are supported."
        )
    if interpolation not in {"nearest", "bilinear"}:
        raise NotImplementedError(
            f"Unknown `interpolation` {interpolation}. Only `nearest` and `bilinear` are supported."
        )


def training_mode(training: Any) -> bool:
    # No `training` given (a layer or a model called by hand): Keras takes `call`'s
    # default, True, when no outer call and no learning phase decides.
    return True if training is None else bool(training)


def _random_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    # Keras's configs carry `rng_type` (which TensorFlow generator the layer holds);
    # buildtrace has one kind, numpy's, so a config read back drops it.
    return {k: v for k, v in kwargs.items() if k != "rng_type"}


def _random_config(layer: Layer) -> dict[str, Any]:
    """``Layer.get_config`` and the ``rng_type`` Keras's generator-holding layers add."""
    return {**Layer.get_config(layer), "rng_type": "stateful"}


def _sized_shape(input_shape: Any, height: int, width: int) -> tuple[Any, ...]:
    shape = list(input_shape)
    shape[H_AXIS], shape[W_AXIS] = height, width
    return tuple(shape)


class Resizing(Layer):
    """Resize images to ``(height, width)``, like ``tf.image.resize``.

    Example:
        >>> Resizing(2, 2)(np.ones((1, 4, 4, 3), "float32")).shape
        TensorShape([1, 2, 2, 3])
    """

    @traced
    def __init__(
        self,
        height: int,
        width: int,
        interpolation: str = "bilinear",
        crop_to_aspect_ratio: bool = False,
        **kwargs: Any,
    ) -> None:
        self.height = height
        self.width = width
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self._interpolation_method = image_utils.get_interpolation(interpolation)
        super().__init__(**kwargs)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        size = (self.height, self.width)
        if self.crop_to_aspect_ratio:  # the largest centred window of the target's ratio
            outputs = image_utils.smart_resize(inputs, size, self._interpolation_method)
        else:
            outputs = image_utils.resize_images(inputs, size, self._interpolation_method)
        return np.asarray(outputs, dtype=self.dtype)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return _sized_shape(input_shape, self.height, self.width)

    def get_config(self) -> dict[str, Any]:
        config = {
            "height": self.height,
            "width": self.width,
            "interpolation": self.interpolation,
            "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
        }
        return {**super().get_config(), **config}


def _center_crop_or_resize(inputs: np.ndarray, height: int, width: int, dtype: Any) -> Any:
    """The centre ``height x width`` window; an image too small is resized up instead
    (``smart_resize``: the largest window of the target's aspect ratio, resized)."""
    h_diff, w_diff = inputs.shape[H_AXIS] - height, inputs.shape[W_AXIS] - width
    if h_diff < 0 or w_diff < 0:
        return np.asarray(image_utils.smart_resize(inputs, (height, width)), dtype=dtype)
    # An odd difference leaves the extra row or column on the bottom-right, as Keras's
    # int cast of `diff / 2` does.
    top, left = int(h_diff / 2), int(w_diff / 2)
    return inputs[..., top : top + height, left : left + width, :]


class CenterCrop(Layer):
    """Cut the central ``(height, width)`` window out of each image.

    Example:
        >>> CenterCrop(2, 2)(np.arange(16.0).reshape(1, 4, 4, 1))[0, :, :, 0].numpy()
        array([[ 5.,  6.],
               [ 9., 10.]], dtype=float32)
    """

    @traced
    def __init__(self, height: int, width: int, **kwargs: Any) -> None:
        self.height = height
        self.width = width
        super().__init__(**kwargs)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        outputs: np.ndarray = _center_crop_or_resize(
            np.asarray(inputs), self.height, self.width, self.dtype
        )
        return outputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return _sized_shape(input_shape, self.height, self.width)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "height": self.height, "width": self.width}


class RandomCrop(BaseRandomLayer):
    """In training, a random ``(height, width)`` window, the same one for the whole
    batch; at inference (or for an image too small), the centre window resized.

    Example:
        >>> RandomCrop(2, 3, seed=1)(np.ones((1, 4, 4, 1), "float32")).shape
        TensorShape([1, 2, 3, 1])
    """

    @traced
    def __init__(self, height: int, width: int, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(seed=seed, force_generator=True, **_random_kwargs(kwargs))
        self.height = height
        self.width = width
        self.seed = seed

    def _window(self, x: np.ndarray, training: Any) -> tuple[int, int] | None:
        """The random ``(top, left)`` corner, or None when the layer resizes instead."""
        h_diff, w_diff = x.shape[H_AXIS] - self.height, x.shape[W_AXIS] - self.width
        if not (training_mode(training) and h_diff >= 0 and w_diff >= 0):
            return None
        return int(self._random().integers(0, h_diff + 1)), int(
            self._random().integers(0, w_diff + 1)
        )

    @traced
    def call(self, inputs: np.ndarray, training: Any = True) -> np.ndarray:
        x = np.asarray(inputs)
        window = self._window(x, training)
        if window is not None:
            top, left = window
            return x[..., top : top + self.height, left : left + self.width, :]
        # Keras resizes here (smart_resize), not crops: the centre window at the target's
        # aspect ratio, scaled to the target size.
        return np.asarray(image_utils.smart_resize(x, (self.height, self.width)), self.dtype)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return _sized_shape(input_shape, self.height, self.width)

    def get_config(self) -> dict[str, Any]:
        config = {"height": self.height, "width": self.width, "seed": self.seed}
        return {**_random_config(self), **config}


class Rescaling(Layer):
    """``inputs * scale + offset``: pixels 0..255 to 0..1 with ``scale=1/255``.

    Example:
        >>> Rescaling(1.0 / 255)(np.array([[255.0, 0.0]], "float32"))
        <tf.Tensor: shape=(1, 2), dtype=float32, numpy=array([[1., 0.]], dtype=float32)>
    """

    @traced
    def __init__(self, scale: float, offset: float = 0.0, **kwargs: Any) -> None:
        # Keras stores these before Layer.__init__, and so do we.
        self.scale = scale
        self.offset = offset
        super().__init__(**kwargs)

    @traced
    def call(self, inputs: np.ndarray) -> np.ndarray:
        # Keras casts to the layer's float dtype (integer pixels become float32).
        x = np.asarray(inputs)
        if x.dtype.kind != "f":
            x = x.astype(self.dtype)
        outputs: np.ndarray = x * np.asarray(self.scale, x.dtype) + np.asarray(self.offset, x.dtype)
        return outputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}


class RandomFlip(BaseRandomLayer):
    """In training, flip each image left-right and/or upside down, each with chance 1/2.

    Example:
        >>> RandomFlip("horizontal")(np.ones((2, 3, 3, 1)), training=False).shape
        TensorShape([2, 3, 3, 1])
    """

    @traced
    def __init__(
        self, mode: str = HORIZONTAL_AND_VERTICAL, seed: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(seed=seed, force_generator=True, **_random_kwargs(kwargs))
        self.mode = mode
        if mode not in (HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL):
            raise ValueError(
                f"RandomFlip layer {self.name} received an unknown mode argument {mode}"
            )
        self.horizontal = mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL)
        self.vertical = mode in (VERTICAL, HORIZONTAL_AND_VERTICAL)
        self.seed = seed

    def _draw_flips(self, x: np.ndarray) -> list[tuple[int, np.ndarray]]:
        """``(axis, which images flip)`` per flip direction: one draw per image, chance 1/2."""
        count = 1 if x.ndim == 3 else x.shape[0]
        axes = ([W_AXIS] if self.horizontal else []) + ([H_AXIS] if self.vertical else [])
        return [(axis, np.asarray(self._random().random(count) < 0.5)) for axis in axes]

    @staticmethod
    def _apply_flips(x: np.ndarray, flips: list[tuple[int, np.ndarray]]) -> np.ndarray:
        """``x`` with the drawn flips applied (a flip undoes itself: also the gradient's)."""
        images = x[None] if x.ndim == 3 else x
        for axis, chosen in flips:
            images = np.where(chosen[:, None, None, None], np.flip(images, axis=axis), images)
        return images[0] if x.ndim == 3 else images

    @traced
    def call(self, inputs: np.ndarray, training: Any = True) -> np.ndarray:
        x = np.asarray(inputs)
        if not training_mode(training):
            return x
        return self._apply_flips(x, self._draw_flips(x))

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**_random_config(self), "mode": self.mode, "seed": self.seed}


class RandomContrast(BaseRandomLayer):
    """In training, ``(x - mean) * factor + mean`` per image and channel, one random
    factor in ``[1 - lower, 1 + upper]`` for the batch, clipped to 0..255.

    Example:
        >>> float(RandomContrast(0.5)(np.full((1, 2, 2, 1), 300.0), training=False).numpy().max())
        300.0
    """

    @traced
    def __init__(self, factor: Any, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(seed=seed, force_generator=True, **_random_kwargs(kwargs))
        self.factor = factor
        if isinstance(factor, tuple | list):
            self.lower, self.upper = factor[0], factor[1]
        else:
            self.lower = self.upper = factor
        if self.lower < 0.0 or self.upper < 0.0 or self.lower > 1.0:
            raise ValueError(
                "`factor` argument cannot have negative values or values greater than 1."
                f"Received: factor={factor}"
            )
        self.seed = seed

    @traced
    def call(self, inputs: np.ndarray, training: Any = True) -> np.ndarray:
        x = np.asarray(inputs)
        if not training_mode(training):
            return x
        outputs: np.ndarray = np.clip(adjust_contrast(x, self._draw_factor()), 0, 255)
        return outputs.astype(x.dtype)

    def _draw_factor(self) -> float:
        """One contrast factor for the whole batch, as ``tf.image.random_contrast``."""
        return float(self._random().uniform(1.0 - self.lower, 1.0 + self.upper))

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict[str, Any]:
        return {**_random_config(self), "factor": self.factor, "seed": self.seed}


def adjust_contrast(images: np.ndarray, contrast_factor: float) -> Any:
    """Mirrors ``tf.image.adjust_contrast``: each channel of each image moved away from
    (or toward) its mean over height and width."""
    x = np.asarray(images, dtype=np.float32)
    mean = x.mean(axis=(H_AXIS, W_AXIS), keepdims=True)
    return (x - mean) * np.float32(contrast_factor) + mean


# ------------------------------------------------------------------ the affine warps
def transform(
    images: Any,
    transforms: Any,
    fill_mode: str = "reflect",
    fill_value: float = 0.0,
    interpolation: str = "bilinear",
    output_shape: Any = None,
) -> Any:
    """Warp NHWC images by projective ``transforms`` (output pixel -> input point).

    Mirrors: ``image_preprocessing.transform``, which hands the work to TensorFlow's
    ``ImageProjectiveTransformV3`` (see ``buildtrace/tf/image_ops.py``).
    """
    return image_ops.image_projective_transform_v3(
        images,
        transforms,
        output_shape=output_shape,
        fill_value=fill_value,
        fill_mode=fill_mode.upper(),
        interpolation=interpolation.upper(),
    )


def get_translation_matrix(translations: Any) -> Any:
    """One transform row per ``[dx, dy]``: the output reads the input ``(dx, dy)`` back."""
    t = np.asarray(translations, dtype=np.float32).reshape(-1, 2)
    ones, zeros = np.ones(len(t), np.float32), np.zeros(len(t), np.float32)
    return np.stack([ones, zeros, -t[:, 0], zeros, ones, -t[:, 1], zeros, zeros], axis=1)


def get_rotation_matrix(angles: Any, image_height: float, image_width: float) -> Any:
    """One transform row per angle (radians, counter-clockwise), about the image centre.

    The centre of pixel ``i`` is at ``i``, so the image's centre is at ``(size - 1) / 2``.
    """
    a = np.asarray(angles, dtype=np.float32).reshape(-1)
    cos, sin = np.cos(a), np.sin(a)
    w, h = np.float32(image_width - 1), np.float32(image_height - 1)
    x_offset = (w - (cos * w - sin * h)) / np.float32(2)
    y_offset = (h - (sin * w + cos * h)) / np.float32(2)
    zeros = np.zeros(len(a), np.float32)
    return np.stack([cos, -sin, x_offset, sin, cos, y_offset, zeros, zeros], axis=1)


def get_zoom_matrix(zooms: Any, image_height: float, image_width: float) -> Any:
    """One transform row per ``[zx, zy]``: a zoom > 1 reads a larger window (zooms out)."""
    z = np.asarray(zooms, dtype=np.float32).reshape(-1, 2)
    x_offset = np.float32((image_width - 1.0) / 2.0) * (1 - z[:, 0])
    y_offset = np.float32((image_height - 1.0) / 2.0) * (1 - z[:, 1])
    zeros = np.zeros(len(z), np.float32)
    return np.stack([z[:, 0], zeros, x_offset, zeros, z[:, 1], y_offset, zeros, zeros], axis=1)


def _bounds(factor: Any) -> tuple[float, float]:
    """``(lower, upper)`` of a factor given as a pair or as one symmetric number."""
    if isinstance(factor, tuple | list):
        return factor[0], factor[1]
    return -factor, factor


class _RandomWarp(BaseRandomLayer):
    """What the three warping layers share: the fill and interpolation options, and a
    ``call`` that draws one transform per image and warps the batch (identity unless
    training). Not a Keras class: Keras repeats this in each layer."""

    def _set_warp_options(
        self, fill_mode: str, interpolation: str, seed: Any, fill_value: float
    ) -> None:
        # Keras checks these after the factors, so the messages come in its order.
        check_fill_mode_and_interpolation(fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self.seed = seed

    def _transforms(self, batch_size: int, height: int, width: int) -> Any:
        raise NotImplementedError

    def _draw_transforms(self, inputs: np.ndarray) -> Any:
        """One transform row per image (one for an unbatched image)."""
        batch = 1 if inputs.ndim == 3 else inputs.shape[0]
        return self._transforms(batch, inputs.shape[H_AXIS], inputs.shape[W_AXIS])

    def _warp(self, inputs: np.ndarray, matrices: Any = None) -> np.ndarray:
        if matrices is None:
            matrices = self._draw_transforms(inputs)
        # The op takes batches only: an unbatched image is warped as a batch of one.
        images = inputs[None] if inputs.ndim == 3 else inputs
        output = transform(images, matrices, self.fill_mode, self.fill_value, self.interpolation)
        return np.asarray(output[0] if inputs.ndim == 3 else output, dtype=inputs.dtype)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def _warp_config(self) -> dict[str, Any]:
        return {
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "interpolation": self.interpolation,
            "seed": self.seed,
        }


class RandomTranslation(_RandomWarp):
    """In training, shift each image by a random fraction of its height and width.

    Example:
        >>> layer = RandomTranslation(0.1, 0.1)
        >>> layer(np.ones((2, 8, 8, 3)), training=True).shape
        TensorShape([2, 8, 8, 3])
    """

    @traced
    def __init__(
        self,
        height_factor: Any,
        width_factor: Any,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, force_generator=True, **_random_kwargs(kwargs))
        self.height_factor = height_factor
        self.height_lower, self.height_upper = _bounds(height_factor)
        if self.height_upper < self.height_lower:
            raise ValueError(
                "`height_factor` cannot have upper bound less than "
                f"lower bound, got {height_factor}"
            )
        if abs(self.height_lower) > 1.0 or abs(self.height_upper) > 1.0:
            raise ValueError(
                "`height_factor` argument must have values between [-1, 1]. "
                f"Received: height_factor={height_factor}"
            )
        self.width_factor = width_factor
        self.width_lower, self.width_upper = _bounds(width_factor)
        if self.width_upper < self.width_lower:
            raise ValueError(
                f"`width_factor` cannot have upper bound less than lower bound, got {width_factor}"
            )
        if abs(self.width_lower) > 1.0 or abs(self.width_upper) > 1.0:
            raise ValueError(f"`width_factor` must have values between [-1, 1], got {width_factor}")
        self._set_warp_options(fill_mode, interpolation, seed, fill_value)

    def _transforms(self, batch_size: int, height: int, width: int) -> Any:
        rng = self._random()
        dy = rng.uniform(self.height_lower, self.height_upper, (batch_size, 1)) * height
        dx = rng.uniform(self.width_lower, self.width_upper, (batch_size, 1)) * width
        return get_translation_matrix(np.concatenate([dx, dy], axis=1))

    @traced
    def call(self, inputs: np.ndarray, training: Any = True) -> np.ndarray:
        x = np.asarray(inputs)
        return self._warp(x) if training_mode(training) else x

    def get_config(self) -> dict[str, Any]:
        config = {"height_factor": self.height_factor, "width_factor": self.width_factor}
        return {**_random_config(self), **config, **self._warp_config()}


class RandomRotation(_RandomWarp):
    """In training, rotate each image by a random ``factor`` of a full turn (2π).

    Example:
        >>> RandomRotation(0.1)(np.ones((1, 8, 8, 3)), training=False).shape
        TensorShape([1, 8, 8, 3])
    """

    @traced
    def __init__(
        self,
        factor: Any,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, force_generator=True, **_random_kwargs(kwargs))
        self.factor = factor
        self.lower, self.upper = _bounds(factor)
        if self.upper < self.lower:
            raise ValueError(
                f"`factor` argument cannot have a negative value. Received: factor={factor}"
            )
        self._set_warp_options(fill_mode, interpolation, seed, fill_value)

    def _transforms(self, batch_size: int, height: int, width: int) -> Any:
        angles = self._random().uniform(
            self.lower * 2.0 * np.pi, self.upper * 2.0 * np.pi, batch_size
        )
        return get_rotation_matrix(angles, height, width)

    @traced
    def call(self, inputs: np.ndarray, training: Any = True) -> np.ndarray:
        x = np.asarray(inputs)
        return self._warp(x) if training_mode(training) else x

    def get_config(self) -> dict[str, Any]:
        return {**_random_config(self), "factor": self.factor, **self._warp_config()}


class RandomZoom(_RandomWarp):
    """In training, zoom each image in (negative factor) or out (positive) at random;
    ``width_factor=None`` keeps the aspect ratio (the height's zoom for both).

    Example:
        >>> RandomZoom((-0.2, 0.2))(np.ones((1, 8, 8, 3)), training=True).shape
        TensorShape([1, 8, 8, 3])
    """

    @traced
    def __init__(
        self,
        height_factor: Any,
        width_factor: Any = None,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, force_generator=True, **_random_kwargs(kwargs))
        self.height_factor = height_factor
        self.height_lower, self.height_upper = _bounds(height_factor)
        if abs(self.height_lower) > 1.0 or abs(self.height_upper) > 1.0:
            raise ValueError(
                "`height_factor` argument must have values between [-1, 1]. "
                f"Received: height_factor={height_factor}"
            )
        self.width_factor = width_factor
        if width_factor is not None:
            self.width_lower, self.width_upper = _bounds(width_factor)
            if self.width_lower < -1.0 or self.width_upper < -1.0:
                raise ValueError(
                    "`width_factor` argument must have values larger than -1. "
                    f"Received: width_factor={width_factor}"
                )
        self._set_warp_options(fill_mode, interpolation, seed, fill_value)

    def _transforms(self, batch_size: int, height: int, width: int) -> Any:
        rng = self._random()
        zy = rng.uniform(1.0 + self.height_lower, 1.0 + self.height_upper, (batch_size, 1))
        zx = zy
        if self.width_factor is not None:
            zx = rng.uniform(1.0 + self.width_lower, 1.0 + self.width_upper, (batch_size, 1))
        return get_zoom_matrix(np.concatenate([zx, zy], axis=1), height, width)

    @traced
    def call(self, inputs: np.ndarray, training: Any = True) -> np.ndarray:
        x = np.asarray(inputs)
        return self._warp(x) if training_mode(training) else x

    def get_config(self) -> dict[str, Any]:
        config = {"height_factor": self.height_factor, "width_factor": self.width_factor}
        return {**_random_config(self), **config, **self._warp_config()}
