"""Transforms: scaling features, one-hot labels, and image augmentation.

Feature scaling, as the lectures do it (population standard deviation):

    z = (x - mean) / std,     std = sqrt(mean((x - mean)^2))

>>> import numpy as np
>>> age = np.array([[28.0], [47.0], [35.0]])
>>> standardize(age).round(2).ravel().tolist()
[-1.1, 1.32, -0.21]

Fit a scaler on the training data only, then apply the same numbers to the
validation and test data (``Standardize().fit(x_train)``), so nothing about the
test set leaks into training.

Image transforms work on one image (C, H, W) or a batch (N, C, H, W), as NumPy
or CuPy arrays or Tensors, and are vectorised over the batch.
"""

from __future__ import annotations

import numpy as np

from autograd import backend as _backend
from autograd.dtypes import get_default_dtype
from autograd.tensor import Tensor

__all__ = [
    "Compose", "MinMaxScale", "Normalize", "RandomCrop", "RandomHorizontalFlip", "Standardize", "one_hot",
    "standardize",
]  # fmt: skip


def _unwrap(x):
    """(array, rewrap) where rewrap turns a result back into the kind of ``x`` (Tensor or array)."""
    if isinstance(x, Tensor):
        device = x.device
        return x.data, lambda a: Tensor(a, device=device)
    if _backend.backend_of_array(x) is _backend.cpu:
        x = np.asarray(x)
    return x, lambda a: a


def _float(array):
    return array if array.dtype.kind == "f" else array.astype(get_default_dtype())


def _rng(seed):
    return np.random.default_rng(seed) if seed is not None else _backend.cpu.random()


class Standardize:
    """Centre and scale each feature: ``z = (x - mean) / std`` with the population std.

    ``fit(x)`` learns ``mean`` and ``std`` per feature (along ``axis``, the sample
    axis); calling the scaler applies them. A feature with std 0 is only centred
    (divided by 1), so it does not become NaN.

    >>> x_train, x_test = np.array([[0.0], [2.0], [4.0]]), np.array([[6.0]])
    >>> scaler = Standardize().fit(x_train)       # mean 2, std sqrt(8/3) = 1.633
    >>> scaler(x_test).round(3).tolist()          # (6 - 2) / 1.633
    [[2.449]]
    """

    def __init__(self, axis=0):
        self.axis = axis
        self.mean = None
        self.std = None

    def fit(self, x):
        """Learn the mean and population standard deviation of the training data ``x``."""
        a, _ = _unwrap(x)
        a = _float(a)
        self.mean = a.mean(axis=self.axis, keepdims=True)
        std = a.std(axis=self.axis, keepdims=True)
        self.std = _backend.backend_of_array(std).xp.where(std == 0, 1, std).astype(std.dtype)
        return self

    def __call__(self, x):
        """``(x - mean) / std`` with the fitted numbers."""
        if self.mean is None:
            raise RuntimeError("Standardize: call fit(x_train) before transforming data")
        a, rewrap = _unwrap(x)
        if a.shape[1:] != self.mean.shape[1:] and self.axis == 0:
            raise ValueError(
                f"Standardize was fitted on features of shape {self.mean.shape[1:]}, got data of shape {a.shape}"
            )
        return rewrap((_float(a) - self.mean) / self.std)

    transform = __call__

    def fit_transform(self, x):
        """``fit(x)`` then transform ``x``."""
        return self.fit(x)(x)


def standardize(x, axis=0):
    """``z = (x - mean) / std`` per feature, with the mean and population std of ``x`` itself."""
    return Standardize(axis).fit_transform(x)


class MinMaxScale:
    """Rescale each feature to ``feature_range`` (default [0, 1]): ``(x - min) / (max - min) * (hi - lo) + lo``.

    ``fit(x_train)`` learns min and max per feature; a constant feature maps to ``lo``.
    """

    def __init__(self, feature_range=(0.0, 1.0), axis=0):
        self.low, self.high = feature_range
        if self.low >= self.high:
            raise ValueError(f"MinMaxScale: feature_range must be (low, high) with low < high, got {feature_range}")
        self.axis = axis
        self.min = None
        self.range = None

    def fit(self, x):
        """Learn the minimum and maximum of each feature of the training data."""
        a, _ = _unwrap(x)
        a = _float(a)
        self.min = a.min(axis=self.axis, keepdims=True)
        spread = a.max(axis=self.axis, keepdims=True) - self.min
        self.range = _backend.backend_of_array(spread).xp.where(spread == 0, 1, spread).astype(spread.dtype)
        return self

    def __call__(self, x):
        """Scale ``x`` with the fitted minimum and maximum."""
        if self.min is None:
            raise RuntimeError("MinMaxScale: call fit(x_train) before transforming data")
        a, rewrap = _unwrap(x)
        scaled = (_float(a) - self.min) / self.range
        return rewrap((scaled * (self.high - self.low) + self.low).astype(scaled.dtype))

    transform = __call__

    def fit_transform(self, x):
        """``fit(x)`` then transform ``x``."""
        return self.fit(x)(x)


def one_hot(labels, num_classes=None, dtype=None):
    """Class indices -> one-hot rows: label ``k`` becomes a row of zeros with a 1 at position ``k``.

    ``one_hot([2, 0], 3)`` -> ``[[0, 0, 1], [1, 0, 0]]`` (default float dtype).
    ``num_classes`` defaults to max(label) + 1.
    """
    a, rewrap = _unwrap(labels)
    if a.dtype.kind not in "iu":
        raise TypeError(f"one_hot needs integer class labels, got dtype {a.dtype}")
    xp = _backend.backend_of_array(a).xp
    if num_classes is None:
        num_classes = int(a.max()) + 1 if a.size else 0
    if a.size and (int(a.min()) < 0 or int(a.max()) >= num_classes):
        raise ValueError(
            f"one_hot: labels must lie in [0, {num_classes - 1}] for num_classes={num_classes}, "
            f"got labels from {int(a.min())} to {int(a.max())}"
        )
    out = (a[..., None] == xp.arange(num_classes)).astype(dtype or get_default_dtype())
    return rewrap(out)


def _check_image(a, who):
    if a.ndim not in (3, 4):
        raise ValueError(f"{who} takes an image (C, H, W) or a batch (N, C, H, W), got shape {a.shape}")


class Normalize:
    """Per channel: ``out[c] = (x[c] - mean[c]) / std[c]`` for images (C, H, W) or batches (N, C, H, W)."""

    def __init__(self, mean, std):
        self.mean = np.asarray(mean, dtype=np.float64).reshape(-1)
        self.std = np.asarray(std, dtype=np.float64).reshape(-1)
        if np.any(self.std <= 0):
            raise ValueError(f"Normalize: std must be positive, got {self.std.tolist()}")

    def __call__(self, x):
        a, rewrap = _unwrap(x)
        _check_image(a, "Normalize")
        channels = a.shape[-3]
        if len(self.mean) not in (1, channels) or len(self.std) not in (1, channels):
            raise ValueError(
                f"Normalize: {len(self.mean)} means and {len(self.std)} stds for images with {channels} channels"
            )
        a = _float(a)
        xp = _backend.backend_of_array(a).xp
        mean = xp.asarray(self.mean, dtype=a.dtype).reshape(-1, 1, 1)
        std = xp.asarray(self.std, dtype=a.dtype).reshape(-1, 1, 1)
        return rewrap((a - mean) / std)


class RandomHorizontalFlip:
    """Mirror each image left-right with probability ``p`` (each image of a batch decides on its own)."""

    def __init__(self, p=0.5, seed=None):
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"RandomHorizontalFlip: p must be in [0, 1], got {p}")
        self.p = p
        self.seed = seed
        self._generator = np.random.default_rng(seed) if seed is not None else None

    def __call__(self, x):
        a, rewrap = _unwrap(x)
        _check_image(a, "RandomHorizontalFlip")
        rng = self._generator or _rng(None)
        batch = a if a.ndim == 4 else a[None]
        xp = _backend.backend_of_array(a).xp
        flip = xp.asarray(rng.random(len(batch)) < self.p)[:, None, None, None]
        out = xp.where(flip, batch[..., ::-1], batch)
        return rewrap(out if a.ndim == 4 else out[0])


class RandomCrop:
    """Pad each image with ``padding`` zeros on every side, then cut a random ``size`` window from it.

    ``size`` is an int (square) or (height, width). Each image of a batch gets its
    own random offset; the crop is one gather, no loop over images.
    """

    def __init__(self, size, padding=0, seed=None):
        self.size = (size, size) if isinstance(size, int) else tuple(size)
        self.padding = padding
        self.seed = seed
        self._generator = np.random.default_rng(seed) if seed is not None else None

    def __call__(self, x):
        a, rewrap = _unwrap(x)
        _check_image(a, "RandomCrop")
        xp = _backend.backend_of_array(a).xp
        batch = a if a.ndim == 4 else a[None]
        p = self.padding
        padded = xp.pad(batch, ((0, 0), (0, 0), (p, p), (p, p))) if p else batch
        n, c, height, width = padded.shape
        h, w = self.size
        if h > height or w > width:
            raise ValueError(f"RandomCrop: crop {self.size} is larger than the padded image ({height}, {width})")
        rng = self._generator or _rng(None)
        top = xp.asarray(rng.integers(0, height - h + 1, size=n))
        left = xp.asarray(rng.integers(0, width - w + 1, size=n))
        rows = (top[:, None] + xp.arange(h))[:, None, :, None]
        cols = (left[:, None] + xp.arange(w))[:, None, None, :]
        out = padded[xp.arange(n)[:, None, None, None], xp.arange(c)[None, :, None, None], rows, cols]
        return rewrap(out if a.ndim == 4 else out[0])


class Compose:
    """Apply transforms one after another: ``Compose([t1, t2])(x) == t2(t1(x))``."""

    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, x):
        for t in self.transforms:
            x = t(x)
        return x

    def __repr__(self):
        inner = ", ".join(type(t).__name__ for t in self.transforms)
        return f"Compose([{inner}])"
