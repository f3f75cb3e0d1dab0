"""``ImageDataset``: the common part of MNIST, Fashion-MNIST and CIFAR-10 (arrays in memory, batched by indexing)."""

from __future__ import annotations

import numpy as np

from ..data import Dataset

__all__ = ["ImageDataset"]


class ImageDataset(Dataset):
    """Images ``data`` (uint8, N x H x W or N x H x W x C) and class labels ``targets`` (int64, N).

    A sample is ``(image, label)`` with the image as float32 (C, H, W) scaled to
    [0, 1] (pixel / 255), the layout ``Conv2d`` takes. ``get_batch`` converts a
    whole batch in one vectorised step, so ``DataLoader`` needs no Python loop.
    """

    classes: list = []

    def __init__(self, data, targets):
        self.data = data
        self.targets = targets

    def __len__(self):
        return len(self.targets)

    def _images(self, raw):
        images = raw[:, None] if raw.ndim == 3 else raw.transpose(0, 3, 1, 2)  # to (N, C, H, W)
        return images.astype(np.float32) / np.float32(255.0)

    def __getitem__(self, index):
        index = range(len(self))[index]  # negative indices count from the end; out of range is an IndexError
        return self._images(self.data[index : index + 1])[0], self.targets[index]

    def get_batch(self, indices):
        """The images at ``indices`` as float32 (B, C, H, W) in [0, 1], and their labels."""
        return self._images(self.data[indices]), self.targets[indices]

    def __repr__(self):
        return f"{type(self).__name__}({len(self)} images of shape {self.data.shape[1:]}, {len(self.classes)} classes)"
