"""A simulated CUDA device for tests: NumPy-backed stand-ins for the ``cupy`` and ``cupyx`` modules.

No GPU is needed to check most of what the ``cuda`` device promises: that every op
keeps its arrays on the device, that nothing copies to the host behind the
learner's back, and that host and device arrays are never mixed. This module
imitates the parts of CuPy the engine uses, with CuPy's strictness:

* ``ndarray`` is a distinct type (it is *not* a ``numpy.ndarray`` subclass) whose
  ``__module__`` is ``"cupy"``, so ``autograd.backend.backend_of_array`` files it
  under ``cuda``. It holds a NumPy array and delegates the arithmetic to it.
* Mixing it with a plain NumPy array in an operation raises ``TypeError``, and so
  does ``numpy.asarray(device_array)`` (CuPy: "Implicit conversion to a NumPy
  array is not allowed"). NumPy functions called *on* a device array are served
  (CuPy supports ``__array_function__``/``__array_ufunc__``) but recorded in
  ``counters.numpy_calls``, since the engine should call ``backend.xp`` instead.
* Every way data leaves the device is counted in ``counters``: explicit
  (``cupy.asnumpy``, ``.get()``) in ``explicit_copies``, implicit (``.item()``,
  ``.tolist()``, ``float()``, ``int()``, ``bool()``, printing) in
  ``implicit_copies``. Host-to-device copies are counted in ``host_to_device``.
* Ops whose output size depends on the values (boolean-mask indexing,
  ``nonzero``, ``unique``...) make CuPy wait for the GPU and read a count back:
  they are listed in ``counters.host_syncs``.
* ``random.default_rng`` has its own stream (different numbers from the CPU's for
  the same seed, as on a real GPU) and only the generator methods CuPy has (no
  ``permutation``, ``shuffle`` or ``normal``).

``install()`` puts the fakes in ``sys.modules`` (the ``fake_cuda`` fixture of
``tests/test_fake_cuda.py`` does, and undoes it). As a pytest plugin it gives the
whole suite a simulated GPU, so every test taking the ``device`` fixture also runs
on ``"cuda"``::

    PYTHONPATH=tests python -m pytest -p fake_cupy -k cuda tests/

What this cannot show: real GPU speed, CuPy's own numerical results (cuBLAS,
float32 reductions in another order), kernel compilation, and the NumPy
functions CuPy lacks beyond the generator methods above.
"""

from __future__ import annotations

import sys
import types

import numpy as np


class Counters:
    """What crossed between host and device, and NumPy calls made on device arrays."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.explicit_copies = 0  # cupy.asnumpy / ndarray.get
        self.implicit_copies = 0  # item, tolist, float, int, bool, repr
        self.host_to_device = 0  # cupy.asarray(numpy array) and friends
        self.synchronizations = 0
        self.host_syncs = []  # ops whose output size depends on the data: CuPy waits for the GPU and reads a count
        self.numpy_calls = []  # names of NumPy functions/ufuncs called on device arrays
        self.implicit_sites = []  # "file:line (what)" of each implicit copy, for the failure message

    @property
    def device_to_host(self):
        """Every copy from the device to the host, explicit or not."""
        return self.explicit_copies + self.implicit_copies


counters = Counters()


def _implicit_copy(what):
    """Count an implicit device-to-host copy and remember the line of engine code that made it."""
    counters.implicit_copies += 1
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back
    where = f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else "?"
    counters.implicit_sites.append(f"{where} ({what})")


def _mixed(value):
    return TypeError(
        f"Unsupported type {type(value)}: a host (NumPy) array was mixed with a device (CuPy) array. "
        f"Move it to the device first (cupy.asarray) or use the backend's array module."
    )


def _dev(value):
    """The NumPy array inside a device array; host arrays are refused, as CuPy refuses them."""
    if type(value) is ndarray:
        return value._a
    if isinstance(value, np.ndarray):
        raise _mixed(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_dev(v) for v in value)
    return value


def _index(key):
    """An index: device arrays unwrapped; host arrays allowed (CuPy copies them to the device)."""
    if type(key) is ndarray:
        return key._a
    if isinstance(key, np.ndarray):
        counters.host_to_device += 1
        return key
    if isinstance(key, tuple):
        return tuple(_index(k) for k in key)
    if isinstance(key, list):
        return [_index(k) for k in key]
    return key


def _wrap(result):
    """NumPy results as device arrays; a reduction's NumPy scalar becomes a 0-d device array, as in CuPy."""
    if isinstance(result, np.ndarray):
        return ndarray(result)
    if isinstance(result, np.generic):
        return ndarray(np.asarray(result))
    if isinstance(result, tuple):
        return tuple(_wrap(r) for r in result)
    if isinstance(result, list):
        return [_wrap(r) for r in result]
    return result


def _dev_kwargs(kwargs):
    return {k: _dev(v) for k, v in kwargs.items()}


class ndarray:  # noqa: N801 - the name CuPy uses
    """A device array: a NumPy array that refuses to meet host arrays or leave quietly."""

    __slots__ = ("_a",)
    __array_priority__ = 100  # below autograd.Tensor's, so ``array * tensor`` reaches the Tensor
    __hash__ = None

    def __init__(self, array):
        self._a = array

    # what numpy.asarray(device_array) meets: refused, as in CuPy
    def __array__(self, dtype=None, copy=None):
        _implicit_copy("__array__")
        raise TypeError(
            "Implicit conversion to a NumPy array is not allowed. Please use `.get()` to construct a NumPy "
            "array explicitly."
        )

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        counters.numpy_calls.append(ufunc.__name__)
        if "out" in kwargs:
            kwargs["out"] = tuple(_dev(o) for o in kwargs["out"])
        return _wrap(getattr(ufunc, method)(*_dev(inputs), **_dev_kwargs(kwargs)))

    def __array_function__(self, func, types_, args, kwargs):
        counters.numpy_calls.append(func.__name__)
        return _wrap(func(*_dev(args), **_dev_kwargs(kwargs)))

    def __getattr__(self, name):
        if name.startswith("__"):  # never expose __array_interface__ & co: NumPy would read the data through them
            raise AttributeError(name)
        value = getattr(self._a, name)
        if callable(value):
            return _Method(value)
        return _wrap(value) if isinstance(value, np.ndarray) else value

    # shape, dtype & co. are plain attributes of the inner array (via __getattr__); these copy to the host
    def get(self):
        """Copy to a NumPy array (counted)."""
        counters.explicit_copies += 1
        return self._a.copy()

    def item(self, *args):
        _implicit_copy("item")
        return self._a.item(*args)

    def tolist(self):
        _implicit_copy("tolist")
        return self._a.tolist()

    def tobytes(self, *args, **kwargs):
        _implicit_copy("tobytes")
        return self._a.tobytes(*args, **kwargs)

    def __float__(self):
        _implicit_copy("__float__")
        return float(self._a)

    def __int__(self):
        _implicit_copy("__int__")
        return int(self._a)

    def __index__(self):
        _implicit_copy("__index__")
        return self._a.__index__()

    def __bool__(self):
        _implicit_copy("__bool__")
        return bool(self._a)

    def __repr__(self):
        _implicit_copy("__repr__")
        return repr(self._a).replace("array(", "device_array(", 1)

    def __str__(self):
        _implicit_copy("__str__")
        return str(self._a)

    def __format__(self, spec):
        _implicit_copy("__format__")
        return format(self._a, spec)

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (_wrap(row) for row in self._a)

    def __getitem__(self, key):
        key = _index(key)
        if any(
            getattr(getattr(k, "dtype", None), "kind", "") == "b" for k in (key if isinstance(key, tuple) else (key,))
        ):
            counters.host_syncs.append("boolean mask indexing")  # the result's size must be read back
        return _wrap(self._a[key])

    def __setitem__(self, key, value):
        if isinstance(value, np.ndarray):  # CuPy copies a host value to the device
            counters.host_to_device += 1
        else:
            value = _dev(value)
        self._a[_index(key)] = value

    def __copy__(self):
        return ndarray(self._a.copy())

    def __deepcopy__(self, memo):
        return ndarray(self._a.copy())

    def __reduce__(self):
        raise TypeError("a device array cannot be pickled here; copy it to the host first (cupy.asnumpy)")


class _Method:
    """A bound method of the inner NumPy array, with CuPy's argument rules."""

    __slots__ = ("_f",)

    def __init__(self, f):
        self._f = f

    def __call__(self, *args, **kwargs):
        return _wrap(self._f(*_dev(args), **_dev_kwargs(kwargs)))


def _binary(name):
    def op(self, other):
        if type(other) is not ndarray and not isinstance(other, np.ndarray):
            if getattr(other, "__array_priority__", 0) > ndarray.__array_priority__:
                return NotImplemented  # e.g. an autograd.Tensor: let it handle the operation
        return _wrap(getattr(self._a, name)(_dev(other)))

    op.__name__ = name
    return op


def _inplace(name):
    def op(self, other):
        getattr(self._a, name)(_dev(other))
        return self

    op.__name__ = name
    return op


def _unary(name):
    def op(self):
        return _wrap(getattr(self._a, name)())

    op.__name__ = name
    return op


for _op in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or", "xor"):
    for _form in (f"__{_op}__", f"__r{_op}__"):
        setattr(ndarray, _form, _binary(_form))
    setattr(ndarray, f"__i{_op}__", _inplace(f"__i{_op}__"))
for _op in ("lt", "le", "gt", "ge", "eq", "ne"):
    setattr(ndarray, f"__{_op}__", _binary(f"__{_op}__"))
for _op in ("neg", "pos", "abs", "invert"):
    setattr(ndarray, f"__{_op}__", _unary(f"__{_op}__"))
ndarray.__module__ = "cupy"  # what backend_of_array looks at


class _Function:
    """A NumPy function served as a CuPy one: device arrays in, device arrays out, host arrays refused."""

    __slots__ = ("_f", "__name__")

    def __init__(self, f):
        self._f = f
        self.__name__ = getattr(f, "__name__", "function")

    def __call__(self, *args, **kwargs):
        return _wrap(self._f(*_dev(args), **_dev_kwargs(kwargs)))

    def __getattr__(self, name):  # ufunc methods (reduce, at, outer...) and attributes (nin, identity...)
        value = getattr(self._f, name)
        return _Function(value) if callable(value) else value


def _from_host(f):
    """``cupy.array``/``asarray``: the one place a host array may enter (a counted host-to-device copy)."""

    def make(obj, *args, **kwargs):
        if type(obj) is ndarray:
            return _wrap(f(obj._a, *args, **kwargs))
        if isinstance(obj, np.ndarray) or (isinstance(obj, (list, tuple)) and any(_holds_host_array(obj))):
            counters.host_to_device += 1
        elif isinstance(obj, (list, tuple)):
            obj = _dev(obj)
        # device memory is separate: never share the host's buffer
        return ndarray(np.array(f(obj, *args, **kwargs), copy=True))

    make.__name__ = f.__name__
    return make


def _holds_host_array(seq):
    for v in seq:
        yield isinstance(v, np.ndarray) or (isinstance(v, (list, tuple)) and any(_holds_host_array(v)))


def _syncing(f):
    """A function whose output size depends on the data: CuPy reads a count back from the GPU."""
    served = _Function(f)

    def call(*args, **kwargs):
        counters.host_syncs.append(f.__name__)
        return served(*args, **kwargs)

    call.__name__ = f.__name__
    return call


class _Namespace(types.ModuleType):
    """A module whose missing names come from a NumPy namespace, served as CuPy functions."""

    def __init__(self, name, numpy_namespace):
        super().__init__(name)
        self._numpy = numpy_namespace

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        value = getattr(self._numpy, name)
        if isinstance(value, types.ModuleType):
            value = _Namespace(f"{self.__name__}.{name}", value)
        elif callable(value) and not isinstance(value, type):
            value = _Function(value)
        setattr(self, name, value)  # cache: looked up once
        return value


class Generator:
    """CuPy's ``random.Generator``: its own stream, and only the methods CuPy's has."""

    def __init__(self, seed):
        # a stream different from numpy.random.default_rng(seed), as a GPU's is
        self._rng = np.random.default_rng(None if seed is None else [int(seed), 0xC0DA])

    @staticmethod
    def _float(dtype, method):
        dtype = np.dtype(dtype)
        if dtype.char not in "fd":
            raise TypeError(f"Unsupported dtype {dtype.name} for {method}")
        return dtype

    def random(self, size=None, dtype=np.float64, out=None):
        return ndarray(np.asarray(self._rng.random(size, dtype=self._float(dtype, "random"))))

    def standard_normal(self, size=None, dtype=np.float64, out=None):
        return ndarray(np.asarray(self._rng.standard_normal(size, dtype=self._float(dtype, "standard_normal"))))

    def uniform(self, low=0.0, high=1.0, size=None, dtype=np.float64):
        return ndarray(np.asarray(self._rng.uniform(low, high, size)).astype(dtype))

    def integers(self, low, high=None, size=None, dtype=np.int64, endpoint=False):
        return ndarray(np.asarray(self._rng.integers(low, high, size, dtype=dtype, endpoint=endpoint)))

    def standard_exponential(self, size=None, dtype=np.float64, method="inv", out=None):
        return ndarray(np.asarray(self._rng.standard_exponential(size)).astype(dtype))

    def exponential(self, scale=1.0, size=None):
        return ndarray(np.asarray(self._rng.exponential(scale, size)))


class _Device:
    def __init__(self, device=0):
        self.id = device

    def synchronize(self):
        counters.synchronizations += 1


def _asnumpy(a, stream=None, order="C", out=None):
    if type(a) is ndarray:
        counters.explicit_copies += 1
        return a._a.copy()
    return np.asarray(a)


def _get_array_module(*args):
    return sys.modules["cupy"] if any(type(a) is ndarray for a in args) else np


def _scatter_add(a, slices, value):
    """``cupyx.scatter_add``: ``a[slices] += value`` with repeated indices summed, in place."""
    if type(a) is not ndarray:
        raise TypeError(f"cupyx.scatter_add: the target must be a device array, got {type(a)}")
    np.add.at(a._a, _index(slices), _dev(value))


def make_modules():
    """Fresh ``cupy`` and ``cupyx`` stand-ins."""
    cupy = _Namespace("cupy", np)
    cupy.ndarray = ndarray
    cupy.asnumpy = _asnumpy
    cupy.get_array_module = _get_array_module
    for name in ("array", "asarray", "asanyarray"):
        setattr(cupy, name, _from_host(getattr(np, name)))
    cupy.random = types.SimpleNamespace(default_rng=Generator, Generator=Generator)
    cupy.cuda = types.SimpleNamespace(
        Device=_Device,
        runtime=types.SimpleNamespace(getDeviceCount=lambda: 1),
        is_available=lambda: True,
    )
    cupy.lib = types.SimpleNamespace(
        stride_tricks=types.SimpleNamespace(
            sliding_window_view=_Function(np.lib.stride_tricks.sliding_window_view),
            as_strided=_Function(np.lib.stride_tricks.as_strided),
        )
    )
    for name in ("nonzero", "flatnonzero", "argwhere", "unique", "compress"):
        setattr(cupy, name, _syncing(getattr(np, name)))
    cupyx = types.ModuleType("cupyx")
    cupyx.scatter_add = _scatter_add
    return cupy, cupyx


def install():
    """Put fresh fakes in ``sys.modules``; returns an ``undo()`` that restores what was there."""
    saved = {name: sys.modules.get(name) for name in ("cupy", "cupyx")}
    sys.modules["cupy"], sys.modules["cupyx"] = make_modules()
    counters.reset()

    def undo():
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module

    return undo


def uninstall():
    """A machine without CuPy: ``import cupy`` fails until the next ``install()`` or its ``undo()``."""
    sys.modules["cupy"] = sys.modules["cupyx"] = None  # None in sys.modules makes the import raise


def pytest_configure(config):
    """Loaded as a plugin (``PYTHONPATH=tests pytest -p fake_cupy``): the whole suite sees a simulated GPU.

    Every test that takes the ``device`` fixture then also runs on ``"cuda"``.
    """
    install()
