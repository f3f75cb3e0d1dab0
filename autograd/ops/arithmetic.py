"""Arithmetic: + - * / ** and negation, elementwise with broadcasting.

The engine sums each gradient back to its input's shape, so these backward
rules are written as if no broadcasting happened.
"""

from ..function import Function
from ._util import binary


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
        return a / b

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
    """c = a ** b  ->  dL/da = dL/dc * b * a^(b-1),  dL/db = dL/dc * c * ln(a)"""

    name = "pow"
    saves_output = True

    def forward(self, a, b):
        return a**b

    def backward(self, grad):
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        grad_a = grad * b * a ** (b - 1) if need_a else None
        grad_b = grad * self.output() * a.log() if need_b else None
        return grad_a, grad_b


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
