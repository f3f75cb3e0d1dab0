"""Elementwise math: exp, log, sqrt, abs, sin, cos, clip, maximum, minimum, where.

Each derivative is written with differentiable ops, so second derivatives work.
Masks (where a rule switches, e.g. inside or outside a clip) are constants: the
derivative of a step is zero almost everywhere.
"""

from ..dtypes import to_float
from ..function import Function, _device_mismatch
from ..tensor import Tensor, as_tensor_like
from ._util import binary, check_broadcast, constant, pair, promote


class Exp(Function):
    """y = e^a  ->  dL/da = dL/dy * y"""

    name = "exp"
    saves_output = True

    def forward(self, a):
        return self.backend.xp.exp(a)

    def backward(self, grad):
        return grad * self.output()


class Log(Function):
    """y = ln(a)  ->  dL/da = dL/dy / a"""

    name = "log"

    def forward(self, a):
        return self.backend.xp.log(a)

    def backward(self, grad):
        return grad / self.inputs[0]


class Sqrt(Function):
    """y = sqrt(a)  ->  dL/da = dL/dy / (2 y)"""

    name = "sqrt"
    saves_output = True

    def forward(self, a):
        return self.backend.xp.sqrt(a)

    def backward(self, grad):
        return grad * 0.5 / self.output()


class Abs(Function):
    """y = |a|  ->  dL/da = dL/dy * sign(a)   (0 at a = 0, as PyTorch)"""

    name = "abs"

    def forward(self, a):
        self.sign = self.backend.xp.sign(a)
        return self.backend.xp.abs(a)

    def backward(self, grad):
        return grad * constant(self.sign, grad)


class Sin(Function):
    """y = sin(a)  ->  dL/da = dL/dy * cos(a)"""

    name = "sin"

    def forward(self, a):
        return self.backend.xp.sin(a)

    def backward(self, grad):
        return grad * self.inputs[0].cos()


class Cos(Function):
    """y = cos(a)  ->  dL/da = -dL/dy * sin(a)"""

    name = "cos"

    def forward(self, a):
        return self.backend.xp.cos(a)

    def backward(self, grad):
        return -grad * self.inputs[0].sin()


class Clip(Function):
    """y = min(max(a, lo), hi)  ->  dL/da = dL/dy where lo <= a <= hi, else 0"""

    name = "clip"

    def forward(self, a, lo=None, hi=None):
        self.lo, self.hi = lo, hi
        xp = self.backend.xp
        inside = xp.ones(a.shape, dtype=a.dtype)
        if lo is not None:
            inside *= a >= lo
        if hi is not None:
            inside *= a <= hi
        self.inside = inside
        return xp.clip(a, lo, hi).astype(a.dtype, copy=False)

    def backward(self, grad):
        return grad * constant(self.inside, grad)

    def describe(self):
        return {"min": self.lo, "max": self.hi}


class Maximum(Function):
    """y = max(a, b)  ->  dL/da = dL/dy where a > b, dL/db where b > a; ties share half each"""

    name = "maximum"

    def forward(self, a, b):
        self.share_a = (a > b) + 0.5 * (a == b)
        return self.backend.xp.maximum(a, b)

    def backward(self, grad):
        share_a = constant(self.share_a.astype(grad.dtype), grad)
        return grad * share_a, grad * (1.0 - share_a)


class Minimum(Function):
    """y = min(a, b)  ->  dL/da = dL/dy where a < b, dL/db where b < a; ties share half each"""

    name = "minimum"

    def forward(self, a, b):
        self.share_a = (a < b) + 0.5 * (a == b)
        return self.backend.xp.minimum(a, b)

    def backward(self, grad):
        share_a = constant(self.share_a.astype(grad.dtype), grad)
        return grad * share_a, grad * (1.0 - share_a)


class Where(Function):
    """y = a where condition else b  ->  dL/da = dL/dy where condition, dL/db elsewhere"""

    name = "where"

    def forward(self, a, b, condition=None):
        self.condition = condition
        return self.backend.xp.where(condition, a, b)

    def backward(self, grad):
        zero = as_tensor_like(0.0, grad)
        return where(self.condition, grad, zero), where(self.condition, zero, grad)


class AsType(Function):
    """y = a converted to another float dtype  ->  dL/da = dL/dy converted back"""

    name = "astype"

    def forward(self, a, dtype=None):
        self.source = a.dtype
        return a.astype(dtype)

    def backward(self, grad):
        return grad.astype(self.source)


class ToDevice(Function):
    """y = a copied to another device  ->  dL/da = dL/dy copied back"""

    name = "to_device"

    def forward(self, a, target=None):
        self.source = self.backend
        self.backend = target
        if self.source.name != "cpu":
            a = self.source.to_numpy(a)
        return target.xp.asarray(a)

    def backward(self, grad):
        return grad.to(self.source)

    def describe(self):
        return {"to": self.backend.name}


def exp(a):
    """e^a, elementwise (integers become the default float dtype first, as in PyTorch)."""
    return Exp.apply(to_float(a))


def log(a):
    """Natural logarithm ln(a), elementwise."""
    return Log.apply(to_float(a))


def sqrt(a):
    """Square root, elementwise."""
    return Sqrt.apply(to_float(a))


def abs(a):
    """|a|, elementwise."""
    return Abs.apply(a)


def sin(a):
    """sin(a), elementwise."""
    return Sin.apply(to_float(a))


def cos(a):
    """cos(a), elementwise."""
    return Cos.apply(to_float(a))


def clip(a, min=None, max=None):
    """Limit a to [min, max] (either may be None); the gradient is 0 outside."""
    if min is None and max is None:
        raise ValueError("clip: give min, max or both")
    return Clip.apply(a, lo=min, hi=max)


clamp = clip


def maximum(a, b):
    """Elementwise larger of a and b (on ties each gets half the gradient)."""
    return binary(Maximum, "maximum", a, b)


def minimum(a, b):
    """Elementwise smaller of a and b (on ties each gets half the gradient)."""
    return binary(Minimum, "minimum", a, b)


def where(condition, a, b):
    """Pick a where ``condition`` holds and b elsewhere (the condition carries no gradient)."""
    a, b = pair(a, b)
    if a.data.dtype is not b.data.dtype:
        a, b = promote(a, b)
    if isinstance(condition, Tensor) and condition._backend is not a._backend:
        _device_mismatch(Where, (condition, a, b))
    cond = condition.data if isinstance(condition, Tensor) else a._backend.xp.asarray(condition)
    if cond.dtype != bool:
        if cond.dtype.kind not in "iu":  # a float "condition" is most likely the values themselves
            raise TypeError(
                f"where: the condition must be a boolean mask, got dtype {cond.dtype}; compare first, "
                f"e.g. where(x > 0, a, b), or convert 0/1 values with mask != 0"
            )
        cond = cond.astype(bool)
    check_broadcast("where", cond.shape, a.shape, b.shape)
    return Where.apply(a, b, condition=cond)


def sign(a):
    """-1, 0 or 1 by the sign of each element (no gradient)."""
    return constant(a._backend.xp.sign(a.data), a)


_COMPARE = {"lt": "less", "le": "less_equal", "gt": "greater", "ge": "greater_equal", "eq": "equal", "ne": "not_equal"}


def compare(op, a, b):
    """A boolean tensor (no gradient): ``op`` is one of lt, le, gt, ge, eq, ne."""
    a, b = pair(a, b)
    try:
        return constant(getattr(a._backend.xp, _COMPARE[op])(a.data, b.data), a)
    except ValueError:
        check_broadcast(f"comparison ({op})", a.shape, b.shape)
        raise


def astype(a, dtype):
    """A copy of ``a`` as ``dtype``; differentiable between float types."""
    from ..dtypes import to_dtype

    dtype = to_dtype(dtype)
    if dtype == a.dtype:
        return a
    if dtype.kind not in "fc":
        return constant(a.data.astype(dtype), a)
    return AsType.apply(a, dtype=dtype)


def to_device(a, backend):
    """A copy of ``a`` on another device's backend (differentiable)."""
    return ToDevice.apply(a, target=backend)


def detach(a):
    """The values of ``a`` without its graph."""
    return a.detach()


def is_tensor(x):
    """True for an autograd Tensor."""
    return isinstance(x, Tensor)
