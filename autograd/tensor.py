"""``Tensor``: an array that remembers how it was made, so gradients can flow back.

A tensor holds ``data`` (a NumPy or CuPy array), and, when it was produced by an
op while gradients were recorded, ``grad_fn``: the op node that made it. Calling
``backward()`` on a scalar result walks those nodes in reverse and fills ``.grad``
of every leaf tensor that ``requires_grad``.

>>> w = Tensor(0.5, requires_grad=True)
>>> loss = (2.0 * w - 4.0) ** 2
>>> loss.backward()
>>> w.grad            # dE/dw = 2x(xw - y) = 2*2*(1 - 4) = -12
tensor(-12., dtype=float32, device=cpu)
"""

from __future__ import annotations

import weakref

import numpy as np

from . import backend as _backend_mod
from . import engine, function, inplace
from . import tensor_methods as _methods
from .dtypes import data_dtype, scalar_dtype, to_dtype

_new_object = object.__new__


class Tensor(_methods.TensorMethods):
    """An n-dimensional array with reverse-mode automatic differentiation.

    ``Tensor(data, requires_grad=False, dtype=None, device=None, name=None)``

    * ``data``: a number, nested list, NumPy/CuPy array or Tensor (always copied).
    * ``requires_grad``: track ops on this tensor so ``backward()`` fills ``.grad``.
    * ``dtype``: e.g. ``"float32"`` or ``np.float64``; Python floats default to
      ``autograd.get_default_dtype()`` (float32), ints to int64.
    * ``device``: ``"cpu"`` (NumPy) or ``"cuda"`` (CuPy).
    * ``name``: shown in graph pictures and traces.
    """

    __slots__ = ("data", "grad", "requires_grad", "_grad_fn", "_backend", "name", "_hooks", "__weakref__")
    __array_priority__ = 1000  # so ndarray * Tensor calls Tensor.__rmul__

    def __init__(self, data, requires_grad=False, dtype=None, device=None, name=None):
        if isinstance(data, Tensor):
            data = data.data
        backend = _backend_mod.get_backend(device) if device is not None else _backend_mod.backend_of_array(data)
        try:
            dtype = data_dtype(data, to_dtype(dtype))  # before any copy, which would make lists float64
            if _backend_mod.backend_of_array(data) is not backend:
                data = _backend_mod.backend_of_array(data).to_numpy(data)
            # a copy, as torch.tensor makes: optimizers update .data in place, and must
            # never change the array a learner passed in
            self.data = backend.xp.array(data, dtype=dtype, copy=True)
        except ValueError as e:
            raise ValueError(
                f"Tensor: cannot make an array of this {type(data).__name__} ({e}). Nested lists must be "
                f"rectangular (every row the same length) and hold numbers."
            ) from None
        self._backend = backend
        self.grad = None
        self._grad_fn = None
        self.name = name
        self._hooks = None
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @staticmethod
    def _make(data, backend, requires_grad, grad_fn):
        """Wrap an array an op produced (the fast path: no checks, no copies)."""
        t = _new_object(Tensor)
        t.data = data
        t._backend = backend
        t.requires_grad = requires_grad
        t._grad_fn = grad_fn
        t.grad = None
        t.name = None
        t._hooks = None
        return t

    # ------------------------------------------------------------ properties
    @property
    def shape(self):
        """The size of each axis, a tuple."""
        return self.data.shape

    @property
    def ndim(self):
        """The number of axes."""
        return self.data.ndim

    def size(self, dim=None):
        """The shape as a tuple, or the length of axis ``dim``: ``x.size()``, ``x.size(0)`` (as PyTorch).

        The element count is ``x.numel()`` (NumPy's ``a.size`` attribute).
        """
        if dim is None:
            return self.data.shape
        try:
            return self.data.shape[dim]
        except (IndexError, TypeError):
            raise IndexError(
                f"size(dim={dim!r}): a tensor of shape {self.shape} has dims -{self.ndim}..{self.ndim - 1}"
            ) from None

    def numel(self):
        """The number of elements (the product of the shape)."""
        return self.data.size

    @property
    def dtype(self):
        """The element type (a NumPy dtype)."""
        return self.data.dtype

    @property
    def device(self):
        """``"cpu"`` or ``"cuda"``."""
        return self._backend.name

    @property
    def backend(self):
        """The backend object of this tensor's device (array module, random generator...)."""
        return self._backend

    @property
    def grad_fn(self):
        """The op node that produced this tensor (None for leaves and untracked tensors)."""
        return self._grad_fn

    @property
    def is_leaf(self):
        """True unless this tensor was produced by a recorded op."""
        return self._grad_fn is None

    @property
    def T(self):
        """The transpose (all axes reversed)."""
        return F.transpose(self)

    @property
    def mT(self):
        """The transpose of the last two axes (batched matrices)."""
        return F.swapaxes(self, -1, -2)

    def __len__(self):
        """The size of the first axis, as in PyTorch (a 0-d tensor has none)."""
        if self.data.ndim == 0:
            raise TypeError(
                f"len() of a 0-d tensor (the single number {self.item()!r}): it has no axis to count; "
                f"use t.item() for its value, or t.numel() for its number of elements (1)"
            )
        return len(self.data)

    # ------------------------------------------------------------ conversion
    def numpy(self):
        """The values as a NumPy array (copied to the host from a GPU)."""
        return self._backend.to_numpy(self.data)

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a tensor with one element, this one has shape {self.shape}")
        return self.numpy().reshape(()).item()

    def tolist(self):
        """The values as (nested) Python lists."""
        return self.numpy().tolist()

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()
        return a.astype(dtype) if dtype is not None else a

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        if self.data.size != 1:
            raise ValueError(
                f"the truth value of a tensor with {self.data.size} elements is ambiguous; use (t > 0).any() or .all()"
            )
        return bool(self.item())

    def detach(self):
        """The same values, cut from the graph (no grad_fn, requires_grad False)."""
        return Tensor._make(self.data, self._backend, False, None)

    def to(self, device=None, dtype=None):
        """A tensor on ``device`` (and/or of ``dtype``); a new tensor, never in place.

        The copy is differentiable: gradients flow back to the original device.
        """
        out = self
        if dtype is not None:
            out = out.astype(dtype)
        if device is not None and _backend_mod.get_backend(device) is not out._backend:
            out = F.to_device(out, _backend_mod.get_backend(device))
        return out

    def cpu(self):
        """This tensor on the CPU."""
        return self.to("cpu")

    def cuda(self):
        """This tensor on the GPU."""
        return self.to("cuda")

    def astype(self, dtype):
        """A copy converted to ``dtype`` (differentiable for floating types)."""
        return F.astype(self, dtype)

    def float(self):
        """A float32 copy."""
        return self.astype(np.float32)

    def double(self):
        """A float64 copy."""
        return self.astype(np.float64)

    def long(self):
        """An int64 copy (carries no gradient)."""
        return self.astype(np.int64)

    def int(self):
        """An int32 copy (carries no gradient)."""
        return self.astype(np.int32)

    def bool(self):
        """A bool copy: True where nonzero."""
        return self.astype(bool)

    def half(self):
        """A float16 copy (differentiable; NumPy computes float16 slowly, a GPU fast)."""
        return self.astype(np.float16)

    def contiguous(self):
        """This tensor (every op here accepts any memory layout; kept so PyTorch code runs)."""
        return self

    # ------------------------------------------------------------ autograd
    def requires_grad_(self, requires_grad=True):
        """Switch gradient tracking for this leaf tensor in place; returns self."""
        if requires_grad and self.data.dtype.kind not in "fc":
            raise TypeError(
                f"only floating-point tensors can require gradients, this one is {self.dtype}; "
                f"create it with dtype='float32' (or call .float())"
            )
        if not requires_grad and self._grad_fn is not None:
            raise RuntimeError("requires_grad_(False) is for leaf tensors; use .detach() on results")
        self.requires_grad = requires_grad
        return self

    def backward(self, grad=None, retain_graph=False, create_graph=False):
        """Compute the gradient of this tensor with respect to every leaf; add it to ``.grad``.

        ``grad`` is dL/d(self); it may be omitted for a scalar (it is then 1).
        The graph is freed afterwards unless ``retain_graph=True``;
        ``create_graph=True`` records the backward pass too, for second derivatives.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward(): this tensor does not require grad and has no grad_fn. "
                "Create the parameters with requires_grad=True, and don't call backward "
                "on a result computed inside no_grad()."
            )
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward() without an argument needs a scalar, but this tensor has "
                    f"shape {self.shape}. Reduce it first (e.g. loss.mean()), or pass "
                    f"grad= of the same shape."
                )
            grad = Tensor._make(self._backend.xp.ones_like(self.data), self._backend, False, None)
        else:
            grad = as_tensor_like(grad, self)
            if grad.shape != self.shape:
                raise ValueError(f"backward(): grad has shape {grad.shape}, but the tensor has shape {self.shape}")
        engine.run_backward([self], [grad], retain_graph or create_graph, create_graph)

    def retain_grad(self):
        """Keep ``.grad`` on this non-leaf tensor after backward (leaves always keep it)."""
        if self._grad_fn is not None:
            self._grad_fn.retained = weakref.ref(self)
            if self._grad_fn.hooks is None:  # the engine looks at .hooks only
                self._grad_fn.hooks = []

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned tensor replaces it."""
        if not self.requires_grad:
            raise RuntimeError("register_hook: this tensor does not require grad")
        if self._grad_fn is None:
            self._hooks = (self._hooks or []) + [hook]
        else:
            self._grad_fn.hooks = (self._grad_fn.hooks or []) + [hook]
        return hook

    def zero_grad(self):
        """Forget the accumulated gradient (sets ``.grad`` to None)."""
        self.grad = None

    # ------------------------------------------------------------ in place (see inplace.py)
    @property
    def _version(self):
        """How many times this tensor's memory was changed in place (shared with detach() and views)."""
        return inplace.version(self.data)

    def __iadd__(self, other):
        return inplace.add_(self, other)

    def __isub__(self, other):
        return inplace.sub_(self, other)

    def __imul__(self, other):
        return inplace.mul_(self, other)

    def __itruediv__(self, other):
        return inplace.div_(self, other)

    def add_(self, other):
        """``self += other``, in place; returns self."""
        return inplace.add_(self, other)

    def sub_(self, other):
        """``self -= other``, in place; returns self."""
        return inplace.sub_(self, other)

    def mul_(self, other):
        """``self *= other``, in place; returns self."""
        return inplace.mul_(self, other)

    def div_(self, other):
        """``self /= other``, in place; returns self."""
        return inplace.div_(self, other)

    def zero_(self):
        """Set every element to 0, in place (e.g. ``w.grad.zero_()``); returns self."""
        return inplace.zero_(self)

    def fill_(self, value):
        """Set every element to ``value``, in place; returns self."""
        return inplace.fill_(self, value)

    def copy_(self, src):
        """Write ``src``'s values (broadcast, converted to this dtype) into this tensor; returns self."""
        return inplace.copy_(self, src)

    def clamp_(self, min=None, max=None):
        """Limit the values to [min, max], in place; returns self."""
        return inplace.clamp_(self, min, max)

    clip_ = clamp_

    # ------------------------------------------------------------ display
    def __repr__(self):
        values = np.array2string(
            self._backend.to_numpy(self.data) if self._backend.name != "cpu" else self.data,
            separator=", ",
            precision=4,
            prefix="tensor(",
            threshold=100,
        )
        extras = [f"dtype={self.dtype}", f"device={self.device}"]
        if self._grad_fn is not None:
            extras.append(f"grad_fn={self._grad_fn!r}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        if self.name:
            extras.append(f"name={self.name!r}")
        return f"tensor({values}, {', '.join(extras)})"

    # ------------------------------------------------------------ arithmetic
    def __add__(self, other):
        return F.add(self, other)

    def __radd__(self, other):
        return F.add(other, self)

    def __sub__(self, other):
        return F.sub(self, other)

    def __rsub__(self, other):
        return F.sub(other, self)

    def __mul__(self, other):
        return F.mul(self, other)

    def __rmul__(self, other):
        return F.mul(other, self)

    def __truediv__(self, other):
        return F.div(self, other)

    def __rtruediv__(self, other):
        return F.div(other, self)

    def __pow__(self, exponent):
        return F.pow(self, exponent)

    def __rpow__(self, base):
        return F.pow(base, self)

    def __neg__(self):
        return F.neg(self)

    def __matmul__(self, other):
        return F.matmul(self, other)

    def __rmatmul__(self, other):
        return F.matmul(other, self)

    def __getitem__(self, index):
        return F.getitem(self, index)

    # comparisons give plain (non-differentiable) boolean tensors
    def __lt__(self, other):
        return F.compare("lt", self, other)

    def __le__(self, other):
        return F.compare("le", self, other)

    def __gt__(self, other):
        return F.compare("gt", self, other)

    def __ge__(self, other):
        return F.compare("ge", self, other)

    def __eq__(self, other):
        return F.compare("eq", self, other)

    def __ne__(self, other):
        return F.compare("ne", self, other)

    __hash__ = object.__hash__  # tensors are graph nodes: hash by identity

    # ------------------------------------------------------------ methods mirroring functional
    def exp(self):
        """e^x, elementwise (see ``F.exp``)."""
        return F.exp(self)

    def log(self):
        """ln(x), elementwise."""
        return F.log(self)

    def sqrt(self):
        """sqrt(x), elementwise."""
        return F.sqrt(self)

    def abs(self):
        """|x|, elementwise."""
        return F.abs(self)

    def sin(self):
        """sin(x), elementwise."""
        return F.sin(self)

    def cos(self):
        """cos(x), elementwise."""
        return F.cos(self)

    def tanh(self):
        """tanh(x); its derivative is 1 - tanh(x)^2."""
        return F.tanh(self)

    def sigmoid(self):
        """1 / (1 + e^-x); its derivative is s(1 - s)."""
        return F.sigmoid(self)

    def relu(self):
        """max(0, x)."""
        return F.relu(self)

    def clip(self, min=None, max=None):
        """x limited to [min, max]; the gradient is 0 outside."""
        return F.clip(self, min, max)

    clamp = clip

    def sum(self, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
        """Sum over ``dim`` (or NumPy's ``axis``); all dims when None. ``keepdims`` = ``keepdim``."""
        return F.sum(self, dim, keepdim, dtype=dtype, axis=axis, keepdims=keepdims)

    def mean(self, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
        """Average over ``dim`` (or ``axis``)."""
        return F.mean(self, dim, keepdim, dtype=dtype, axis=axis, keepdims=keepdims)

    def var(self, dim=None, keepdim=False, *, correction=0, unbiased=None, axis=None, keepdims=None):
        """Variance over ``dim``: sum((x - mean)^2) / (n - correction); population (correction=0) by default."""
        return F.var(self, dim, keepdim, correction=correction, unbiased=unbiased, axis=axis, keepdims=keepdims)

    def std(self, dim=None, keepdim=False, *, correction=0, unbiased=None, axis=None, keepdims=None):
        """Standard deviation: sqrt(var)."""
        return F.std(self, dim, keepdim, correction=correction, unbiased=unbiased, axis=axis, keepdims=keepdims)

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """``x.max()``: the largest value (tied maxima share the gradient). ``x.max(dim)``: PyTorch's
        ``(values, indices)`` along one dim. ``x.max(axis=...)``: the largest values over any axes (as amax)."""
        return F.max(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def min(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """``x.min()``: the smallest value. ``x.min(dim)``: ``(values, indices)``. ``x.min(axis=...)``: as amin."""
        return F.min(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def logsumexp(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """log(sum(exp(x))) over ``dim``, without overflow."""
        return F.logsumexp(self, dim, keepdim, axis=axis, keepdims=keepdims)

    def argmax(self, dim=None, keepdim=False, *, axis=None):
        """Index of the largest value (no gradient)."""
        return F.argmax(self, dim, keepdim, axis=axis)

    def argmin(self, dim=None, keepdim=False, *, axis=None):
        """Index of the smallest value (no gradient)."""
        return F.argmin(self, dim, keepdim, axis=axis)

    def softmax(self, axis=-1, dim=None):
        """e^x_i / sum_j e^x_j along ``axis``: probabilities that sum to 1."""
        return F.softmax(self, axis, dim=dim)

    def log_softmax(self, axis=-1, dim=None):
        """log(softmax(x)) along ``axis``, computed stably."""
        return F.log_softmax(self, axis, dim=dim)

    def matmul(self, other):
        """Matrix product self @ other."""
        return F.matmul(self, other)

    def reshape(self, *shape):
        """The same values in a new shape (one size may be -1)."""
        return F.reshape(self, *shape)

    view = reshape

    def flatten(self, start_dim=0, end_dim=-1):
        """Merge the axes from ``start_dim`` to ``end_dim`` into one."""
        return F.flatten(self, start_dim, end_dim)

    def transpose(self, *axes):
        """Reverse the axes, swap two (``transpose(0, 1)``), or permute them."""
        return F.transpose(self, *axes)

    def permute(self, *axes):
        """Reorder the axes, e.g. ``permute(0, 2, 3, 1)``."""
        return F.permute(self, *axes)

    def swapaxes(self, axis1, axis2):
        """Exchange two axes."""
        return F.swapaxes(self, axis1, axis2)

    def unsqueeze(self, dim=None, *, axis=None):
        """Insert a size-1 axis at ``dim`` (or ``axis``)."""
        return F.unsqueeze(self, dim if axis is None else axis)

    expand_dims = unsqueeze

    def squeeze(self, dim=None, *, axis=None):
        """Remove size-1 axes (only ``dim``, or ``axis``, when given)."""
        return F.squeeze(self, dim if axis is None else axis)

    def broadcast_to(self, shape):
        """Repeat along new or size-1 axes to reach ``shape``; the gradient sums the copies."""
        return F.broadcast_to(self, shape)

    def expand(self, *sizes):
        """Repeat along size-1 (or new leading) axes: ``x.expand(4, -1)``; -1 keeps a size (as PyTorch)."""
        return F.expand(self, *sizes)

    def sum_to(self, shape):
        """Sum down to ``shape``: the inverse of broadcasting."""
        return F.sum_to(self, shape)

    def pow(self, exponent):
        """x ** exponent, elementwise."""
        return F.pow(self, exponent)

    def all(self, dim=None, keepdim=False, *, axis=None):
        """True where every element (along ``dim``) is nonzero: a bool tensor (``if x.all():`` works)."""
        return F.all(self, dim, keepdim, axis=axis)

    def any(self, dim=None, keepdim=False, *, axis=None):
        """True where some element (along ``dim``) is nonzero: a bool tensor."""
        return F.any(self, dim, keepdim, axis=axis)


def as_tensor_like(value, like):
    """``value`` as a Tensor on ``like``'s device; Python scalars take ``like``'s dtype.

    The scalar rule is NumPy 2's: ``float32 * 0.5`` stays float32, ``int64 * 0.5``
    becomes float64.
    """
    if isinstance(value, Tensor):
        return value
    backend = like._backend
    if isinstance(value, (int, float, bool)):
        dtype = scalar_dtype(like.data.dtype, value)
        return Tensor._make(backend.xp.asarray(value, dtype=dtype), backend, False, None)
    if _backend_mod.backend_of_array(value) is not backend:
        value = _backend_mod.backend_of_array(value).to_numpy(value)
    array = backend.xp.asarray(value)
    if array.dtype == np.float64 and not hasattr(value, "dtype"):
        array = array.astype(like.data.dtype if like.data.dtype.kind == "f" else np.float64)
    return Tensor._make(array, backend, False, None)


def tensor(data, requires_grad=False, dtype=None, device=None, name=None):
    """Make a Tensor, as ``torch.tensor``: ``tensor([1.0, 2.0], requires_grad=True)``."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, device=device, name=name)


function._make_tensor = Tensor._make

from . import functional as F  # noqa: E402  (functional imports Tensor from here)
