"""One backend object per device: where arrays live and the few operations that differ.

Every op works on the array module ``backend.xp`` (NumPy on ``cpu``, CuPy on
``cuda``). The handful of things NumPy and CuPy spell differently live here, once,
so that no op needs an ``if cupy`` branch:

* ``scatter_add``    - ``target[index] += values`` with repeated indices summed
* ``sliding_windows`` - a strided view of every window (the heart of conv and pool)
* ``rng`` / ``manual_seed`` - a random generator per device
* ``synchronize``    - wait for the device (for honest timings)
* ``to_numpy``       - copy to host memory (counted, so tests can prove a training
  step makes no hidden device-to-host copies)
* ``eager_checks``   - whether code may read a value back to check it (``if bad.any(): raise``)
  for free: yes on ``cpu``; on ``cuda`` that read makes the host wait for the GPU
  and copy, so a hot path skips such checks there and lets a bad value show as NaN
"""

from __future__ import annotations

import numpy as np


class Backend:
    """A device: its name, its array module ``xp`` and its random generator."""

    name = "abstract"
    xp = None
    #: reading a value back to validate it is free (cpu); on a GPU it is a sync and a copy
    eager_checks = True

    def __init__(self):
        self.seed = None
        self.rng = None
        self.device_to_host_copies = 0

    def manual_seed(self, seed):
        """Restart this device's random generator from ``seed``."""
        self.seed = seed
        self.rng = self._new_rng(seed)

    def random(self):
        """This device's random generator (created on first use)."""
        if self.rng is None:
            self.rng = self._new_rng(self.seed)
        return self.rng

    def __repr__(self):
        return f"Backend({self.name!r})"


class NumpyBackend(Backend):
    """The ``cpu`` device: NumPy arrays."""

    name = "cpu"
    xp = np

    def _new_rng(self, seed):
        return np.random.default_rng(seed)

    def scatter_add(self, target, index, values):
        """``target[index] += values``, summing over repeated indices, in place."""
        np.add.at(target, index, values)
        return target

    def sliding_windows(self, x, window_shape, axis):
        """A read-only strided view of every window of ``x`` (no copy)."""
        return np.lib.stride_tricks.sliding_window_view(x, window_shape, axis=axis)

    def synchronize(self):
        """NumPy runs synchronously; nothing to wait for."""

    def to_numpy(self, a):
        """``a`` as a NumPy array (already on the host; counted like a GPU copy, for tests)."""
        self.device_to_host_copies += 1
        return np.asarray(a)


class CupyBackend(Backend):
    """The ``cuda`` device: CuPy arrays on an NVIDIA GPU (CuPy imported lazily)."""

    name = "cuda"
    eager_checks = False

    def __init__(self, cupy):
        super().__init__()
        self.xp = cupy

    def _new_rng(self, seed):
        return self.xp.random.default_rng(seed)

    def scatter_add(self, target, index, values):
        """``target[index] += values`` with repeats summed (cupyx.scatter_add), in place."""
        import cupyx

        cupyx.scatter_add(target, index, values)
        return target

    def sliding_windows(self, x, window_shape, axis):
        """A strided view of every window of ``x`` on the GPU (no copy)."""
        return self.xp.lib.stride_tricks.sliding_window_view(x, window_shape, axis=axis)

    def synchronize(self):
        """Wait until the GPU has finished its queued work."""
        self.xp.cuda.Device().synchronize()

    def to_numpy(self, a):
        """Copy ``a`` from the GPU to a NumPy array (counted)."""
        self.device_to_host_copies += 1
        return self.xp.asnumpy(a)


cpu = NumpyBackend()
_cuda = None


def _load_cupy():
    try:
        import cupy

        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None
        return cupy
    except Exception:  # noqa: BLE001 - any failure here means "no usable GPU"
        return None


def cuda_is_available():
    """True when CuPy is installed and sees at least one GPU."""
    return _cuda is not None or _load_cupy() is not None


def get_backend(device=None):
    """The backend for ``device`` (``"cpu"``, ``"cuda"``, ``"cuda:0"`` or a Backend)."""
    global _cuda
    if device is None or isinstance(device, Backend):
        return device or cpu
    name = str(device).split(":")[0]
    if name == "cpu":
        return cpu
    if name == "cuda":
        if _cuda is None:
            cupy = _load_cupy()
            if cupy is None:
                raise RuntimeError(
                    "device 'cuda' was asked for, but no GPU is usable here: CuPy is not "
                    "installed or sees no GPU. Install the 'gpu' extra "
                    "(pip install -e '.[gpu]') on a machine with an NVIDIA GPU, or "
                    "use device='cpu'. autograd.cuda.is_available() tells which."
                )
            _cuda = CupyBackend(cupy)
            _cuda.seed = cpu.seed
        return _cuda
    raise ValueError(f"unknown device {device!r}: use 'cpu' or 'cuda'")


def backend_of_array(a):
    """The backend an array belongs to (NumPy arrays -> cpu, CuPy arrays -> cuda)."""
    if isinstance(a, np.ndarray) or np.isscalar(a):
        return cpu
    if type(a).__module__.startswith("cupy"):
        return get_backend("cuda")
    return cpu


def loaded_backends():
    """The backends created so far (cuda only once it has been used)."""
    return [b for b in (cpu, _cuda) if b is not None]
