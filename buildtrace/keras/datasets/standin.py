"""Procedurally drawn stand-in digits, shaped and typed like MNIST (NOT MNIST).

Keras has no such thing: this module exists so buildtrace's examples still run on a
machine that cannot download MNIST. The images are 28x28 ``uint8`` canvases with a black
background (0) and bright strokes (up to 255), like MNIST, so the same preprocessing code
(``x / 255.0``, ``reshape(-1, 784)``) works unchanged.

How the digits are drawn:

1. Each digit 0-9 is a few pen strokes (lines, arcs and Bezier curves) in a small
   "glyph space" where the digit spans roughly x in [-0.6, 0.6] and y in [-1, 1]
   (y points down, like image rows).
2. A bank of "writers" is made: for every class, several variants whose control points
   are jittered (and sometimes the style changes: a 7 with a crossbar, a 1 with a flag, ...).
   For each variant we precompute a *distance field*: for every point of a grid in glyph
   space, the distance to the nearest stroke.
3. Every image picks a variant and a random affine transform (shift, rotation, shear,
   scale), a smooth "elastic" wobble of the page, a stroke thickness and pen pressure.
   Rendering then only needs, per pixel, one lookup in the distance field: "how far is
   this pixel from the pen?" -> brightness. This is fully vectorised over a batch, which
   is why 70,000 images take only a few seconds.

How hard they are: no easier than MNIST. Real handwriting varies in slant, size,
position, stroke width and style, and no two people write alike: here each split has
its own 100 writers a digit, and every image is bent by a smooth elastic wobble on top of
its pose. The variation (:class:`Variation`) was tuned so that the seed example's model
(Dense 512 relu, Dense 10 softmax, RMSprop, batch 128, 5 epochs) scores on the stand-in
about what it scores on real MNIST: 0.977 on the full 60,000 / 10,000 (real MNIST:
~0.98; the stand-in used to give 0.998), and about 0.92 when trained on 8,000 images and
tested on 2,000 (real MNIST, the t10k set's first 8,000 / last 2,000: 0.951 in
buildtrace and in tf-keras 2.21 alike). ``tests/keras/datasets/test_standin_difficulty.py``
holds it there.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IMAGE_SIZE = 28
NUM_CLASSES = 10

# Distance fields live on a FIELD_RES x FIELD_RES grid covering [-FIELD_HALF, FIELD_HALF]^2
# of glyph space: big enough that a shifted/rotated glyph never samples outside its drawing.
FIELD_RES = 48
FIELD_HALF = 1.5
VARIANTS_PER_CLASS = 100  # writers per digit and split: many, so no split learns a few by heart
_CHUNK = 1024  # images rendered per batch: keeps temporaries small and cache-friendly


class Variation:
    """How much the drawn digits vary (the difficulty knobs, tuned as the module says).

    Attributes:
        wobble: std of the jitter of each control point of a writer's glyph (glyph units).
        angle, shear: std of the rotation (radians) and shear of each image.
        scale_x, scale_y: ranges of the size, in pixels per glyph unit.
        shift: std of the position, in pixels.
        thickness: range of the pen's half-width, in pixels.
        elastic: amplitude of the smooth wobble of the page, in pixels.
        pressure: how much the ink fades along a stroke (0 = even ink).
    """

    wobble = 0.06
    angle = 0.17
    shear = 0.15
    scale_x = (0.8, 1.15)
    scale_y = (0.85, 1.1)
    shift = 1.1
    thickness = (1.0, 2.0)
    elastic = 1.2
    pressure = 0.2


Points = npt.NDArray[np.float64]  # (k, 2) array of (x, y) glyph-space points
Pt = tuple[float, float]
Images = npt.NDArray[np.uint8]
Labels = npt.NDArray[np.uint8]


def _line(*pts: Pt) -> Points:
    """A polyline through the given points."""
    return np.array(pts, dtype=np.float64)


def _arc(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float) -> Points:
    """An elliptic arc from angle a0 to a1 (degrees; 0 = right, 90 = down, 270 = up)."""
    steps = max(4, int(abs(a1 - a0) / 15))  # ~15 degrees per segment looks smooth at 28 px
    t = np.radians(np.linspace(a0, a1, steps + 1))
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def _bezier(p0: Pt, p1: Pt, p2: Pt) -> Points:
    """A quadratic Bezier curve from p0 to p2 pulled towards p1 (a handwriting-like swoop)."""
    t = np.linspace(0.0, 1.0, 9)[:, None]
    a, b, c = (np.asarray(p, dtype=np.float64) for p in (p0, p1, p2))
    return (1 - t) ** 2 * a + 2 * (1 - t) * t * b + t**2 * c


def _end(stroke: Points, which: int) -> Pt:
    """First (which=0) or last (which=-1) point of a stroke, to join the next one to it."""
    return float(stroke[which, 0]), float(stroke[which, 1])


def _glyph(digit: int, rng: np.random.Generator) -> list[Points]:
    """The strokes of one written variant of ``digit`` (before per-point jitter)."""

    def u(lo: float, hi: float) -> float:  # a random style parameter
        return float(rng.uniform(lo, hi))

    style = rng.random()  # picks between alternative ways people write some digits
    if digit == 0:
        start = u(230, 290)  # where the pen starts; a small gap is left sometimes
        return [_arc(0, 0, u(0.45, 0.6), u(0.85, 1.0), start, start + u(345, 375))]
    if digit == 1:
        strokes = [_line((u(0.0, 0.15), -0.95), (u(-0.1, 0.05), 0.95))]
        if style < 0.5:  # a flag at the top
            strokes.append(_line((u(-0.35, -0.2), u(-0.7, -0.5)), (float(strokes[0][0, 0]), -0.95)))
        if style < 0.2:  # and a foot
            strokes.append(_line((-0.35, 0.95), (0.3, 0.95)))
        return strokes
    if digit == 2:
        top = _arc(0, -0.45, u(0.45, 0.55), 0.5, u(180, 200), u(380, 400))
        bottom = (u(-0.6, -0.45), 0.95)
        strokes = [top, _line(_end(top, -1), bottom), _line(bottom, (u(0.5, 0.65), 0.95))]
        return strokes
    if digit == 3:
        mid = u(-0.1, 0.0)
        upper = _arc(0, -0.5, u(0.42, 0.5), 0.45, u(190, 215), 450)
        lower = _arc(0, 0.45, u(0.5, 0.58), 0.5, 270, u(505, 525))
        upper[-1, 1] = lower[0, 1] = mid  # both bowls meet in the middle
        return [upper, lower]
    if digit == 4:
        bar_y = u(0.25, 0.45)
        if style < 0.6:  # closed 4: diagonal from the top of the stem
            return [
                _line((0.3, -0.95), (-0.55, bar_y), (0.6, bar_y)),
                _line((0.3, u(-0.95, -0.5)), (u(0.25, 0.35), 0.95)),
            ]
        return [  # open 4: two separate strokes
            _line((-0.45, -0.95), (-0.5, bar_y), (0.6, bar_y)),
            _line((0.3, -0.95), (0.3, 0.95)),
        ]
    if digit == 5:
        corner = (u(-0.5, -0.35), -0.95)
        bowl = _arc(0, 0.4, u(0.5, 0.6), 0.55, u(225, 240), u(500, 520))
        return [
            _line((u(0.45, 0.6), -0.95), corner, _end(bowl, 0)),
            bowl,
        ]
    if digit == 6:
        loop = _arc(0, 0.45, u(0.45, 0.55), u(0.42, 0.5), 180, 540)
        stem = _bezier((u(0.3, 0.5), -0.95), (u(-0.6, -0.45), u(-0.7, -0.4)), _end(loop, 0))
        return [stem, loop]
    if digit == 7:
        stem_end = (u(-0.2, 0.05), 0.95)
        strokes = [_line((-0.55, -0.95), (0.6, -0.95)), _line((0.6, -0.95), stem_end)]
        if style < 0.3:  # a crossbar, as written in much of Europe
            strokes.append(_line((u(-0.1, 0.0), 0.0), (u(0.4, 0.55), 0.0)))
        return strokes
    if digit == 8:
        return [
            _arc(0, -0.5, u(0.35, 0.45), 0.45, 0, 360),
            _arc(0, 0.45, u(0.45, 0.55), 0.5, 0, 360),
        ]
    # digit == 9
    loop = _arc(0, -0.45, u(0.45, 0.55), u(0.42, 0.5), 0, 360)
    if style < 0.6:
        return [loop, _line((0.5, -0.45), (u(0.2, 0.45), 0.95))]
    return [loop, _bezier((0.5, -0.45), (0.45, 0.7), (u(-0.2, 0.0), 0.95))]


def _distance_field(
    strokes: list[Points], grid: npt.NDArray[np.float32]
) -> npt.NDArray[np.float32]:
    """Distance from every grid point to the nearest stroke segment (glyph units)."""
    # float32 halves the memory traffic; sub-pixel precision is all we need.
    starts = np.concatenate([s[:-1] for s in strokes]).astype(np.float32)  # (S, 2)
    seg = np.concatenate([s[1:] for s in strokes]).astype(np.float32) - starts
    seg_len2 = np.maximum(seg[:, 0] ** 2 + seg[:, 1] ** 2, 1e-12)
    # x and y handled as separate (M, S) arrays: much faster than summing a last axis of 2.
    rel_x = grid[:, :1] - starts[None, :, 0]
    rel_y = grid[:, 1:] - starts[None, :, 1]
    # Projection of each point onto each segment, clamped to the segment's ends.
    t = np.clip((rel_x * seg[:, 0] + rel_y * seg[:, 1]) / seg_len2, 0.0, 1.0)
    dist2 = (rel_x - t * seg[:, 0]) ** 2 + (rel_y - t * seg[:, 1]) ** 2
    dist: npt.NDArray[np.float32] = np.sqrt(dist2.min(axis=1)).astype(np.float32)
    return dist


def _writer_bank(rng: np.random.Generator) -> npt.NDArray[np.float32]:
    """Distance fields of VARIANTS_PER_CLASS variants per digit: (10, V, RES*RES)."""
    axis = np.linspace(-FIELD_HALF, FIELD_HALF, FIELD_RES)
    gx, gy = np.meshgrid(axis, axis)  # row index = y, column index = x
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
    bank = np.empty((NUM_CLASSES, VARIANTS_PER_CLASS, FIELD_RES * FIELD_RES), np.float32)
    for digit in range(NUM_CLASSES):
        for v in range(VARIANTS_PER_CLASS):
            # Wobble every control point a little: no two writers draw the same curve.
            strokes = [s + rng.normal(0.0, Variation.wobble, s.shape) for s in _glyph(digit, rng)]
            bank[digit, v] = _distance_field(strokes, grid)
    return bank


def _render(
    bank: npt.NDArray[np.float32], labels: Labels, rng: np.random.Generator
) -> npt.NDArray[np.float32]:
    """Render one batch: pick a variant, warp the pixel grid into glyph space, look up."""
    n = len(labels)
    f32 = np.float32
    variant = rng.integers(0, VARIANTS_PER_CLASS, n)
    # Per-image pose. MNIST digits fill a ~20 px box, centred: 1 glyph unit ~ 10 px.
    vary = Variation
    angle = rng.normal(0.0, vary.angle, n).astype(f32)  # radians
    shear = rng.normal(0.0, vary.shear, n).astype(f32)  # slant
    scale_x = (10.0 * rng.uniform(*vary.scale_x, n)).astype(f32)
    scale_y = (10.0 * rng.uniform(*vary.scale_y, n)).astype(f32)
    shift = rng.normal(0.0, vary.shift, (n, 2)).astype(f32)
    thickness = rng.uniform(*vary.thickness, n).astype(f32)  # half-width of the pen, in pixels
    # Forward map glyph -> pixel is A = R(angle) @ Shear @ diag(scale); we need the inverse
    # (pixel -> glyph) so that each output pixel can ask "where in the glyph am I?".
    cos, sin = np.cos(angle), np.sin(angle)
    a11, a12 = cos * scale_x, (cos * shear - sin) * scale_y
    a21, a22 = sin * scale_x, (sin * shear + cos) * scale_y
    det = a11 * a22 - a12 * a21
    # Pixel (col, row) -> fractional index (fx, fy) into the distance-field grid is one
    # affine map per image: fx = px * col + qx * row + rx (same for fy). Folding the shift,
    # centring and grid scaling into (p, q, r) saves several passes over the big arrays.
    step = (FIELD_RES - 1) / (2.0 * FIELD_HALF)
    inv = step / det
    centre_x = (IMAGE_SIZE - 1) / 2.0 + shift[:, 0]
    centre_y = (IMAGE_SIZE - 1) / 2.0 + shift[:, 1]
    px, qx = a22 * inv, -a12 * inv
    py, qy = -a21 * inv, a11 * inv
    rx = FIELD_HALF * step - px * centre_x - qx * centre_y
    ry = FIELD_HALF * step - py * centre_x - qy * centre_y
    rows, cols = (g.ravel()[None, :] for g in np.mgrid[0:IMAGE_SIZE, 0:IMAGE_SIZE].astype(f32))
    # An elastic wobble: each image's page is bent by a smooth wave (one per axis, a
    # random direction and phase), as a hand never keeps a stroke quite straight.
    rows, cols = _wobble(rows, cols, n, rng)
    fx = px[:, None] * cols + qx[:, None] * rows + rx[:, None]  # (n, 784)
    fy = py[:, None] * cols + qy[:, None] * rows + ry[:, None]
    np.clip(fx, 0.0, FIELD_RES - 1.001, out=fx)
    np.clip(fy, 0.0, FIELD_RES - 1.001, out=fy)
    ix, iy = fx.astype(np.int32), fy.astype(np.int32)
    wx, wy = fx - np.floor(fx), fy - np.floor(fy)  # (floor keeps float32; fx - ix would not)
    # Bilinear lookup. Indexing the flat bank with one integer array avoids copying a
    # whole distance field per image.
    field_start = (labels.astype(np.int32) * VARIANTS_PER_CLASS + variant) * FIELD_RES**2
    idx = (field_start.astype(np.int32)[:, None] + ix) + iy * np.int32(FIELD_RES)
    flat = bank.reshape(-1)
    top = flat[idx] * (1 - wx) + flat[idx + 1] * wx
    bottom = flat[idx + FIELD_RES] * (1 - wx) + flat[idx + FIELD_RES + 1] * wx
    dist_px = (top * (1 - wy) + bottom * wy) * np.sqrt(np.abs(det))[:, None]
    # Brightness falls off over ~1 px at the stroke edge: anti-aliased like MNIST scans.
    ink = np.clip(thickness[:, None] + f32(0.5) - dist_px, 0.0, 1.0)
    # Slight noise on the ink only, so the background stays exactly 0 as in MNIST.
    ink *= 1.0 - f32(vary.pressure) * rng.random(ink.shape, dtype=f32)
    images: npt.NDArray[np.float32] = ink.reshape(n, IMAGE_SIZE, IMAGE_SIZE)
    return images


def _wobble(
    rows: npt.NDArray[np.float32], cols: npt.NDArray[np.float32], n: int, rng: np.random.Generator
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Pixel coordinates of ``n`` images, each bent by a smooth random wave."""
    amplitude = Variation.elastic
    if amplitude <= 0:
        return rows, cols
    f32 = np.float32
    bent: list[npt.NDArray[np.float32]] = []
    for coords in (rows, cols):
        direction = rng.uniform(0.0, 2 * np.pi, (n, 1)).astype(f32)
        wavelength = rng.uniform(14.0, 28.0, (n, 1)).astype(f32)  # pixels: a gentle bend
        phase = rng.uniform(0.0, 2 * np.pi, (n, 1)).astype(f32)
        size = rng.normal(0.0, amplitude, (n, 1)).astype(f32)
        along = np.cos(direction) * cols + np.sin(direction) * rows
        bent.append(coords + size * np.sin(along * (f32(2 * np.pi) / wavelength) + phase))
    return bent[0], bent[1]


#: How a trace names the stand-in: ``load_data``'s ``return`` event carries
#: ``dataset: "standin"`` and this ``dataset_label`` (real MNIST: ``"mnist"``, ``"MNIST"``).
LABEL = "stand-in digits (not MNIST)"


class StandinData(tuple[tuple[Images, Labels], tuple[Images, Labels]]):
    """``(x_train, y_train), (x_test, y_test)`` of the stand-in: a plain tuple that
    remembers it is not MNIST, so ``load_data`` can say so in the trace."""


def dataset_fields(data: object) -> dict[str, str]:
    """The fields ``load_data``'s ``return`` event carries: which data it returned.

    Example:
        >>> dataset_fields(((None, None), (None, None)))
        {'dataset': 'mnist', 'dataset_label': 'MNIST'}
    """
    if isinstance(data, StandinData):
        return {"dataset": "standin", "dataset_label": LABEL}
    return {"dataset": "mnist", "dataset_label": "MNIST"}


def make_digits(n: int, *, seed: int | np.random.Generator = 0) -> tuple[Images, Labels]:
    """Draw ``n`` stand-in digits with random labels.

    Mirrors: nothing in Keras (buildtrace only); output matches one split of
    keras/datasets/mnist.py::load_data in shape, dtype and value range.

    Args:
        n: Number of images.
        seed: An int seed or a ``numpy.random.Generator``; the same seed gives the same images.

    Returns:
        ``(x, y)``: ``x`` uint8 of shape ``(n, 28, 28)`` (0 = background, up to 255 = ink)
        and ``y`` uint8 labels 0-9 of shape ``(n,)``.
    """
    rng = np.random.default_rng(seed)
    bank = _writer_bank(rng)
    labels = rng.integers(0, NUM_CLASSES, n).astype(np.uint8)
    images = np.empty((n, IMAGE_SIZE, IMAGE_SIZE), dtype=np.uint8)
    for start in range(0, n, _CHUNK):
        stop = min(start + _CHUNK, n)
        ink = _render(bank, labels[start:stop], rng)
        images[start:stop] = np.rint(ink * 255.0).astype(np.uint8)
    return images, labels


def load_standin(n_train: int = 60000, n_test: int = 10000, *, seed: int = 0) -> StandinData:
    """Stand-in for MNIST: ``(x_train, y_train), (x_test, y_test)`` of MNIST's shapes.

    Mirrors: keras/datasets/mnist.py::load_data (return layout only). Differs: the digits
    are procedurally drawn by buildtrace, NOT MNIST. The test split is drawn by a different
    bank of "writers" than the train split, so test accuracy measures generalisation to
    new handwriting, as with the real MNIST test set.

    Args:
        n_train: Number of training images (MNIST has 60,000).
        n_test: Number of test images (MNIST has 10,000).
        seed: Seed for both splits; the same seed gives the same data.

    Returns:
        ``(x_train, y_train), (x_test, y_test)`` as uint8 arrays.
    """
    train_rng, test_rng = np.random.default_rng(seed).spawn(2)
    return StandinData((make_digits(n_train, seed=train_rng), make_digits(n_test, seed=test_rng)))
