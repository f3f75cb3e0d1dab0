"""Data sets, batches and splits: ``Dataset``, ``TensorDataset``, ``DataLoader``, ``random_split``.

One **epoch** is one pass over the training data; it is cut into **batches** of
``batch_size`` samples, so an epoch has ceil(N / batch_size) batches (floor with
``drop_last=True``): 1000 samples in batches of 128 give 8 batches per epoch.

>>> import numpy as np
>>> x, y = np.random.rand(1000, 3), np.random.randint(0, 2, 1000)
>>> loader = DataLoader(TensorDataset(x, y), batch_size=128, shuffle=True, seed=0)
>>> len(loader)
8
>>> xb, yb = next(iter(loader))
>>> xb.shape, yb.shape
((128, 3), (128,))
"""

from __future__ import annotations

import math

import numpy as np

from autograd import backend as _backend
from autograd.dtypes import get_default_dtype
from autograd.tensor import Tensor

__all__ = ["DataLoader", "Dataset", "Subset", "TensorDataset", "random_split", "train_val_test_split"]


class Dataset:
    """A data set: ``len(ds)`` samples, ``ds[i]`` gives sample ``i`` (e.g. an ``(input, target)`` pair).

    Subclass it and write ``__len__`` and ``__getitem__``. A data set that can
    fetch many samples at once may also define ``get_batch(indices)``, returning
    a tuple of arrays whose first axis is the batch; ``DataLoader`` then makes
    each batch with one indexing operation instead of a Python loop.
    """

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__")

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")


def _as_array(data):
    """An array for a data set: Tensors keep their dtype and device; NumPy floats get the default dtype.

    NumPy makes float64 by default while weights are float32, and mixing the two
    silently doubles memory and time, so plain float arrays are converted (as
    Keras does). Pass a Tensor to keep a dtype exactly.
    """
    if isinstance(data, Tensor):
        return data.data
    if _backend.backend_of_array(data) is not _backend.cpu:
        array = data
    else:
        array = np.asarray(data)
    if array.dtype.kind == "f":
        return array.astype(get_default_dtype(), copy=False)
    if array.dtype.kind in "iu" and array.dtype != np.uint8:
        return array.astype(np.int64, copy=False)
    return array


class TensorDataset(Dataset):
    """Samples are rows of arrays of the same length: sample ``i`` is ``(a[i], b[i], ...)``.

    ``TensorDataset(x, y)`` with ``x`` of shape (N, ...) and ``y`` of shape (N, ...).
    Inputs may be Tensors, NumPy/CuPy arrays or nested lists; NumPy float arrays
    become the default float dtype (float32), integer labels int64.
    """

    def __init__(self, *tensors):
        if not tensors:
            raise ValueError("TensorDataset needs at least one array, e.g. TensorDataset(x, y)")
        self.tensors = tuple(_as_array(t) for t in tensors)
        for i, t in enumerate(self.tensors):
            if t.ndim == 0:
                raise ValueError(f"TensorDataset: array {i} is a scalar; each array needs a first (sample) axis")
        lengths = [len(t) for t in self.tensors]
        if len(set(lengths)) > 1:
            described = ", ".join(f"array {i} has {n}" for i, n in enumerate(lengths))
            raise ValueError(f"TensorDataset: all arrays need the same number of samples (first axis), but {described}")

    def __len__(self):
        return len(self.tensors[0])

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def get_batch(self, indices):
        """The samples at ``indices`` at once: one fancy-indexing operation per array."""
        return tuple(t[_index_for(t, indices)] for t in self.tensors)


def _index_for(array, indices):
    """``indices`` as an index array on the same device as ``array``."""
    backend = _backend.backend_of_array(array)
    return indices if backend is _backend.cpu else backend.xp.asarray(indices)


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices`` (in that order); what ``random_split`` returns."""

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.int64)

    def __len__(self):
        return len(self.indices)

    def __getitem__(self, index):
        return self.dataset[int(self.indices[index])]

    def get_batch(self, indices):
        """The samples at ``indices`` of this subset, fetched in one go where the parent can."""
        return _fetch(self.dataset, self.indices[indices])


def _fetch(dataset, indices):
    """A batch of samples from ``dataset``: vectorised through ``get_batch``, else a loop and a stack."""
    if hasattr(dataset, "get_batch"):
        batch = dataset.get_batch(indices)
        return batch if isinstance(batch, tuple) else (batch,)
    indices = [int(i) for i in indices]
    samples = [dataset[i] for i in indices]
    if not isinstance(samples[0], (tuple, list)):
        return (_stack(samples, indices, None),)
    fields = len(samples[0])
    for i, s in zip(indices, samples):
        if not isinstance(s, (tuple, list)) or len(s) != fields:
            got = f"{len(s)} fields" if isinstance(s, (tuple, list)) else f"a single {type(s).__name__}"
            raise ValueError(
                f"DataLoader: sample {indices[0]} has {fields} fields (e.g. input, label) but sample {i} has {got}; "
                f"every sample of a data set must have the same fields"
            )
    return tuple(_stack([s[field] for s in samples], indices, field) for field in range(fields))


def _stack(values, indices, field):
    """One field of a batch of samples, stacked along a new first axis; ragged samples are refused by name."""
    if isinstance(values[0], Tensor):
        values = [v.data if isinstance(v, Tensor) else v for v in values]
    xp = _backend.backend_of_array(values[0]).xp
    arrays = []
    what = "sample" if field is None else f"field {field} of sample"
    for i, v in zip(indices, values):
        try:
            arrays.append(xp.asarray(v))
        except ValueError:  # a ragged nested list
            raise ValueError(
                f"DataLoader: {what} {i} cannot be made into an array (a nested list with rows of different "
                f"lengths?); each sample must be a rectangular array of numbers"
            ) from None
    shapes = [a.shape for a in arrays]
    if len(set(shapes)) > 1:
        odd = next(k for k, shape in enumerate(shapes) if shape != shapes[0])
        raise ValueError(
            f"DataLoader: cannot stack a batch: {what} {indices[0]} has shape {shapes[0]} but {what} "
            f"{indices[odd]} has shape {shapes[odd]}. Samples of one batch must have the same shape: resize, "
            f"crop or pad them to one size (e.g. in the data set's __getitem__ or a transform), or use batch_size=1"
        )
    return xp.stack(arrays)


def _check_length(dataset, who):
    try:
        n = len(dataset)
    except TypeError:
        raise TypeError(f"{who}: the data set must define __len__ (got {type(dataset).__name__})") from None
    if n == 0:
        raise ValueError(f"{who}: the data set is empty (0 samples); check that the data was loaded")
    return n


class DataLoader:
    """Iterate over a data set in batches of Tensors: one full iteration is one epoch.

    ``DataLoader(dataset, batch_size=1, shuffle=False, seed=None, drop_last=False,
    device=None, transform=None)``

    * ``shuffle``: a new random order every epoch. With ``seed`` the sequence of
      orders repeats exactly; without it the order comes from autograd's CPU
      generator, so ``autograd.manual_seed(n)`` makes it repeatable too.
    * ``drop_last``: skip the last, smaller batch.
    * ``device``: where the batches go (``"cpu"``/``"cuda"``); by default where the data is.
    * ``transform``: a function applied to each batch's inputs (the first field)
      as an array of shape (batch, ...), e.g. ``transforms.RandomHorizontalFlip()``.

    Each batch is a tuple of Tensors (one per field of a sample), or one Tensor
    when samples are single arrays. ``len(loader)`` is the number of batches.
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, seed=None, drop_last=False, device=None, transform=None):
        n = _check_length(dataset, "DataLoader")
        for flag, value in (("shuffle", shuffle), ("drop_last", drop_last)):
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"DataLoader: {flag} must be True or False, got {value!r} ({type(value).__name__})")
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise ValueError(f"DataLoader: batch_size must be a positive whole number, got {batch_size!r}")
        if drop_last and batch_size > n:
            raise ValueError(
                f"DataLoader: drop_last=True with batch_size {batch_size} > {n} samples leaves no batch at all; "
                f"use a smaller batch_size or drop_last=False"
            )
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.seed = seed
        self.drop_last = drop_last
        self.device = device
        self.transform = transform
        self._rng = np.random.default_rng(seed) if seed is not None else None
        if device is not None:
            _backend.get_backend(device)  # fail now, not at the first batch, if the device is unusable

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def _order(self):
        n = len(self.dataset)
        if not self.shuffle:
            return np.arange(n)
        rng = self._rng if self._rng is not None else _backend.cpu.random()
        return rng.permutation(n)

    def __iter__(self):
        order = self._order()
        for b in range(len(self)):
            indices = order[b * self.batch_size : (b + 1) * self.batch_size]
            fields = list(_fetch(self.dataset, indices))
            if self.transform is not None:
                fields[0] = self.transform(fields[0])
            tensors = tuple(self._to_tensor(f) for f in fields)
            yield tensors[0] if len(tensors) == 1 else tensors

    def _to_tensor(self, array):
        if isinstance(array, Tensor):
            return array if self.device is None else array.to(self.device)
        return Tensor(array, device=self.device)

    def __repr__(self):
        return (
            f"DataLoader({len(self.dataset)} samples, batch_size={self.batch_size}, shuffle={self.shuffle}, "
            f"drop_last={self.drop_last}, {len(self)} batches)"
        )


def _split_sizes(n, fractions, who):
    """Sizes for splitting ``n`` samples by ``fractions`` (floored, the remainder dealt out in turn)."""
    if not all(isinstance(f, (int, float, np.integer, np.floating)) and not isinstance(f, bool) for f in fractions):
        raise TypeError(f"{who}: fractions must be numbers such as (0.8, 0.1, 0.1), got {tuple(fractions)!r}")
    fractions = [float(f) for f in fractions]
    if any(f < 0 for f in fractions) or not math.isclose(sum(fractions), 1.0, abs_tol=1e-6):
        raise ValueError(f"{who}: fractions must be non-negative and add up to 1, got {fractions}")
    sizes = [math.floor(f * n + 1e-9) for f in fractions]
    for i in range(n - sum(sizes)):
        sizes[i % len(sizes)] += 1
    return sizes


def _lengths(n, lengths_or_fractions, who):
    values = list(lengths_or_fractions)
    if len(values) < 2:
        raise ValueError(f"{who}: give at least two lengths or fractions, got {values}")
    if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        if any(v < 0 for v in values) or sum(values) != n:
            raise ValueError(f"{who}: lengths {values} must be non-negative and add up to the {n} samples")
        return values
    return _split_sizes(n, values, who)


def _permutation(n, seed):
    rng = np.random.default_rng(seed) if seed is not None else _backend.cpu.random()
    return rng.permutation(n)


def random_split(dataset, lengths_or_fractions, seed=None):
    """Split a data set at random into non-overlapping ``Subset``s.

    ``lengths_or_fractions``: sample counts adding up to ``len(dataset)``, e.g.
    ``[800, 100, 100]``, or fractions adding up to 1, e.g. ``[0.8, 0.1, 0.1]``.
    ``seed`` makes the split repeatable.
    """
    n = _check_length(dataset, "random_split")
    sizes = _lengths(n, lengths_or_fractions, "random_split")
    order = _permutation(n, seed)
    bounds = np.cumsum([0] + sizes)
    return [Subset(dataset, order[bounds[i] : bounds[i + 1]]) for i in range(len(sizes))]


def _stratified_order(labels, fractions, rng):
    """Per class, shuffle its samples and deal them into the splits by ``fractions``."""
    parts = [[] for _ in fractions]
    for cls in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == cls))
        bounds = np.cumsum([0] + _split_sizes(len(members), fractions, "train_val_test_split"))
        for i in range(len(fractions)):
            parts[i].append(members[bounds[i] : bounds[i + 1]])
    return [rng.permutation(np.concatenate(p)) for p in parts]


def _is_fractions(value):
    """A plain tuple or list of three numbers (the split's fractions), not data."""
    return isinstance(value, (tuple, list)) and len(value) == 3 and all(isinstance(f, float) for f in value)


def train_val_test_split(*arrays_or_dataset, fractions=(0.8, 0.1, 0.1), seed=0, shuffle=True, stratify=None):
    """Split data into training, validation and test parts (80:10:10 by default); no sample is in two parts.

    * ``train_val_test_split(x, y)`` -> ``(x_train, y_train), (x_val, y_val), (x_test, y_test)``
    * ``train_val_test_split(x)``    -> ``x_train, x_val, x_test``
    * ``train_val_test_split(dataset)`` -> three ``Subset``s
    * the fractions may also come last: ``train_val_test_split(x, y, (0.8, 0.1, 0.1))``

    Sizes are floor(fraction * N), with the few samples left over dealt to the
    parts in turn, so they always add up to N (1000 samples -> 800, 100, 100).
    ``shuffle=False`` keeps the original order (e.g. for time series).
    ``stratify=labels`` keeps each class's share the same in every part.
    """
    if arrays_or_dataset and _is_fractions(arrays_or_dataset[-1]):  # train_val_test_split(x, y, (0.8, 0.1, 0.1))
        *arrays_or_dataset, fractions = arrays_or_dataset
    if not arrays_or_dataset:
        raise ValueError("train_val_test_split needs data: arrays (x, y) or a Dataset")
    first = arrays_or_dataset[0]
    is_dataset = len(arrays_or_dataset) == 1 and isinstance(first, Dataset)
    if is_dataset:
        n = _check_length(first, "train_val_test_split")
    else:
        lengths = [len(a) for a in arrays_or_dataset]
        if len(set(lengths)) > 1:
            described = ", ".join(f"array {i} has {m}" for i, m in enumerate(lengths))
            raise ValueError(f"train_val_test_split: arrays need the same number of samples, but {described}")
        n = lengths[0]
        if n == 0:
            raise ValueError("train_val_test_split: the data is empty (0 samples)")
    rng = np.random.default_rng(seed)
    if stratify is not None:
        labels = np.asarray(stratify.numpy() if isinstance(stratify, Tensor) else stratify).reshape(-1)
        if len(labels) != n:
            raise ValueError(f"train_val_test_split: stratify has {len(labels)} labels for {n} samples")
        parts = _stratified_order(labels, fractions, rng)
    else:
        order = rng.permutation(n) if shuffle else np.arange(n)
        bounds = np.cumsum([0] + _split_sizes(n, fractions, "train_val_test_split"))
        parts = [order[bounds[i] : bounds[i + 1]] for i in range(len(bounds) - 1)]
    if is_dataset:
        return tuple(Subset(first, p) for p in parts)
    taken = [tuple(_take(a, p) for a in arrays_or_dataset) for p in parts]
    return tuple(t[0] if len(arrays_or_dataset) == 1 else t for t in taken)


def _take(array, indices):
    if isinstance(array, Tensor):
        return Tensor(array.data[_index_for(array.data, indices)])
    if isinstance(array, list):
        array = np.asarray(array)
    return array[_index_for(array, indices)]
