"""Arithmetic: + - * / ** and negation, elementwise with broadcasting.

The engine sums each gradient back to its input's shape, so these backward
rules are written as if no broadcasting happened.
"""

from ..dtypes import get_default_dtype
from ..function import Function
from ._util import binary
from .elementwise import where


class Add(Function):
    """c = a + b  ->  dL/da = dL/dc,  dL/db = dL/dc"""

    name = "add"

    def forward(self, a, b):
        return a + b

    def backward(self, grad):
        return grad, grad


class Sub(Function):
    """c = a - b  ->  dL/da = dL/dc,  dL/db = -dL/dc"""

    name = "sub"

    def forward(self, a, b):
        return a - b

    def backward(self, grad):
        return grad, (-grad if self.needs_input_grad[1] else None)


class Mul(Function):
    """c = a * b  ->  dL/da = dL/dc * b,  dL/db = dL/dc * a"""

    name = "mul"

    def forward(self, a, b):
        return a * b

    def backward(self, grad):
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        return (grad * b if need_a else None), (grad * a if need_b else None)


class Div(Function):
    """c = a / b  ->  dL/da = dL/dc / b,  dL/db = -dL/dc * a / b^2"""

    name = "div"

    def forward(self, a, b):
        out = a / b
        if a.dtype.kind != "f":  # int / int is the default float dtype, as in PyTorch (NumPy: float64)
            out = out.astype(get_default_dtype())
        return out

    def backward(self, grad):
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        return (grad / b if need_a else None), (-grad * a / (b * b) if need_b else None)


class Neg(Function):
    """c = -a  ->  dL/da = -dL/dc"""

    name = "neg"

    def forward(self, a):
        return -a

    def backward(self, grad):
        return -grad


class Pow(Function):
    """c = a ** b  ->  dL/da = dL/dc * b * a^(b-1),  dL/db = dL/dc * c * ln(a)

    At a = 0 the formulas read 0 * 0^(-1) (for b = 0) and 0 * ln(0) (for b > 0),
    which NumPy evaluates to NaN; the true limits are 0, and PyTorch gives 0:
    dL/da = 0 where b = 0 (a^0 = 1 is flat), dL/db = 0 where a = 0 and b >= 0.
    Those points compute with a replaced by 1 (finite), then are set to 0, so no
    NaN appears there, not even in second derivatives.
    """

    name = "pow"
    saves_output = True

    def forward(self, a, b):
        return a**b

    def backward(self, grad):
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        grad_a = grad_b = None
        if need_a:
            grad_a = _masked(b.data == 0, a, lambda a: grad * b * a ** (b - 1))
        if need_b:
            grad_b = _masked((a.data == 0) & (b.data >= 0), a, lambda a: grad * self.output() * a.log())
        return grad_a, grad_b


def _masked(mask, a, rule):
    """``rule(a)``, but 0 where ``mask`` holds, with ``a`` replaced by 1 there so no NaN is computed.

    On the CPU the mask is read first, and the common case (x ** 2: nothing
    masked) costs no extra ops; a GPU would have to stop to read it, so there
    the masked form is always used.
    """
    if a.backend.eager_checks and not mask.any():
        return rule(a)
    return where(mask, 0.0, rule(where(mask, 1.0, a)))


def add(a, b):
    """Elementwise a + b (broadcasting)."""
    return binary(Add, "add", a, b)


def sub(a, b):
    """Elementwise a - b (broadcasting)."""
    return binary(Sub, "sub", a, b)


def mul(a, b):
    """Elementwise a * b (broadcasting)."""
    return binary(Mul, "mul", a, b)


def div(a, b):
    """Elementwise a / b (broadcasting)."""
    return binary(Div, "div", a, b)


def neg(a):
    """-a."""
    return Neg.apply(a)


def pow(a, b):
    """Elementwise a ** b; the exponent may be a number or a tensor."""
    return binary(Pow, "pow", a, b)
