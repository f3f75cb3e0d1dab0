"""More exponentials and logarithms: exp2, expm1, log2, log10, log1p, rsqrt, logaddexp, and erf.

log1p(a) = ln(1 + a) and expm1(a) = e^a - 1 keep their precision for tiny a,
where 1 + a would round away the digits that matter. erf, the Gaussian's
integral, is what the exact GELU is built on.
"""

import math

import numpy as np

from ..function import Function
from ._util import binary

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class Exp2(Function):
    """y = 2^a  ->  dL/da = dL/dy * y * ln 2"""

    name = "exp2"
    saves_output = True

    def forward(self, a):
        return self.backend.xp.exp2(a)

    def backward(self, grad):
        return grad * self.output() * _LN2


class Expm1(Function):
    """y = e^a - 1  ->  dL/da = dL/dy * (y + 1)"""

    name = "expm1"
    saves_output = True

    def forward(self, a):
        return self.backend.xp.expm1(a)

    def backward(self, grad):
        return grad * (self.output() + 1.0)


class Log2(Function):
    """y = log2(a)  ->  dL/da = dL/dy / (a ln 2)"""

    name = "log2"

    def forward(self, a):
        return self.backend.xp.log2(a)

    def backward(self, grad):
        return grad / (self.inputs[0] * _LN2)


class Log10(Function):
    """y = log10(a)  ->  dL/da = dL/dy / (a ln 10)"""

    name = "log10"

    def forward(self, a):
        return self.backend.xp.log10(a)

    def backward(self, grad):
        return grad / (self.inputs[0] * _LN10)


class Log1p(Function):
    """y = ln(1 + a)  ->  dL/da = dL/dy / (1 + a)"""

    name = "log1p"

    def forward(self, a):
        return self.backend.xp.log1p(a)

    def backward(self, grad):
        return grad / (self.inputs[0] + 1.0)


class Rsqrt(Function):
    """y = 1 / sqrt(a)  ->  dL/da = -dL/dy * y^3 / 2"""

    name = "rsqrt"
    saves_output = True

    def forward(self, a):
        return 1.0 / self.backend.xp.sqrt(a)

    def backward(self, grad):
        y = self.output()
        return grad * y * y * y * -0.5


class LogAddExp(Function):
    """y = ln(e^a + e^b)  ->  dL/da = dL/dy * e^(a - y),  dL/db = dL/dy * e^(b - y)   (softmax weights of a and b)"""

    name = "logaddexp"
    saves_output = True

    def forward(self, a, b):
        return self.backend.xp.logaddexp(a, b)

    def backward(self, grad):
        a, b = self.inputs
        y = self.output()
        return grad * (a - y).exp(), grad * (b - y).exp()


class Erf(Function):
    """y = erf(a) = 2/sqrt(pi) * integral_0^a e^(-t^2) dt  ->  dL/da = dL/dy * 2/sqrt(pi) * e^(-a^2)"""

    name = "erf"

    def forward(self, a):
        return erf_array(a, self.backend.xp)

    def backward(self, grad):
        a = self.inputs[0]
        return grad * (-(a * a)).exp() * _TWO_OVER_SQRT_PI


def erf_array(a, xp):
    """erf of an array, in its dtype: CuPy's kernel where there is one, else computed in two pieces.

    * |x| < 2: erf(x) = 2/sqrt(pi) * e^(-x^2) * sum_n 2^n x^(2n+1) / (1 * 3 * ... * (2n+1)); every
      term is positive, so no digits cancel; 40 terms reach double precision (20 are within 1e-9,
      plenty for float32).
    * |x| >= 2: erf(x) = sign(x) (1 - erfc(|x|)), with Laplace's continued fraction
      erfc(x) = e^(-x^2) / sqrt(pi) / (x + (1/2) / (x + (2/2) / (x + (3/2) / (x + ...)))), as deep.

    Both pieces run on every element (each on its clipped range) and ``where`` picks: the
    loops run over terms, never over elements, and the same code serves NumPy and CuPy.
    """
    if xp is not np:
        try:
            from cupyx.scipy.special import erf

            return erf(a)
        except ImportError:  # a CuPy without its SciPy kernels: the formula below works on any xp
            pass
    x = a.astype(xp.float64)
    terms = 40 if a.dtype == xp.float64 else 20
    xs = xp.clip(x, -2.0, 2.0)
    x2 = xs * xs
    twice_x2 = 2.0 * x2
    term, total = xs.copy(), xs.copy()
    for n in range(1, terms + 1):  # in place: one pass over the numbers per step, no temporaries
        term *= twice_x2
        term /= 2 * n + 1
        total += term
    series = _TWO_OVER_SQRT_PI * xp.exp(-x2) * total
    xl = xp.maximum(xp.abs(x), 2.0)  # NaN stays NaN through both pieces
    tail = xp.zeros_like(xl)
    for k in range(terms, 0, -1):
        tail += xl
        xp.divide(k / 2.0, tail, out=tail)
    erfc = xp.exp(-xl * xl) / math.sqrt(math.pi) / (xl + tail)
    out = xp.where(xp.abs(x) < 2.0, series, xp.copysign(1.0 - erfc, x))
    return out.astype(a.dtype if a.dtype.kind == "f" else xp.float64, copy=False)


def exp2(input):
    """2^x, elementwise; d/dx = 2^x ln 2."""
    return Exp2.apply(input)


def expm1(input):
    """e^x - 1, exact for tiny x (where exp(x) - 1 loses digits); d/dx = e^x."""
    return Expm1.apply(input)


def log2(input):
    """Base-2 logarithm; d/dx = 1 / (x ln 2)."""
    return Log2.apply(input)


def log10(input):
    """Base-10 logarithm; d/dx = 1 / (x ln 10)."""
    return Log10.apply(input)


def log1p(input):
    """ln(1 + x), exact for tiny x; d/dx = 1 / (1 + x)."""
    return Log1p.apply(input)


def rsqrt(input):
    """1 / sqrt(x); d/dx = -x^(-3/2) / 2."""
    return Rsqrt.apply(input)


def logaddexp(input, other):
    """ln(e^a + e^b) without overflow (broadcasting); the gradients are the softmax weights of a and b."""
    return binary(LogAddExp, "logaddexp", input, other)


def erf(input):
    """The error function 2/sqrt(pi) * integral_0^x e^(-t^2) dt; d/dx = 2/sqrt(pi) * e^(-x^2)."""
    return Erf.apply(input)
