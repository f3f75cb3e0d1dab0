"""Trigonometric and hyperbolic functions beyond sin and cos, with their inverses.

Every derivative is written with Tensor ops, so second derivatives work:
tan' = 1 + tan^2, asin' = 1 / sqrt(1 - a^2), atan' = 1 / (1 + a^2),
sinh' = cosh, cosh' = sinh, asinh' = 1 / sqrt(a^2 + 1), acosh' = 1 / sqrt(a^2 - 1),
atanh' = 1 / (1 - a^2), and for atan2(y, x) the angle's gradient is (-y, x) / (x^2 + y^2).
"""

from ..function import Function
from ._util import binary


class Tan(Function):
    """y = tan(a)  ->  dL/da = dL/dy * (1 + y^2)"""

    name = "tan"
    saves_output = True

    def forward(self, a):
        return self.backend.xp.tan(a)

    def backward(self, grad):
        y = self.output()
        return grad * (1.0 + y * y)


class Asin(Function):
    """y = asin(a)  ->  dL/da = dL/dy / sqrt(1 - a^2)"""

    name = "asin"

    def forward(self, a):
        return self.backend.xp.arcsin(a)

    def backward(self, grad):
        a = self.inputs[0]
        return grad / (1.0 - a * a).sqrt()


class Acos(Function):
    """y = acos(a)  ->  dL/da = -dL/dy / sqrt(1 - a^2)"""

    name = "acos"

    def forward(self, a):
        return self.backend.xp.arccos(a)

    def backward(self, grad):
        a = self.inputs[0]
        return -grad / (1.0 - a * a).sqrt()


class Atan(Function):
    """y = atan(a)  ->  dL/da = dL/dy / (1 + a^2)"""

    name = "atan"

    def forward(self, a):
        return self.backend.xp.arctan(a)

    def backward(self, grad):
        a = self.inputs[0]
        return grad / (1.0 + a * a)


class Atan2(Function):
    """theta = atan2(y, x), the angle of the point (x, y)  ->  dL/dy = dL/dtheta * x / r^2,  dL/dx = -dL/dtheta * y / r^2,  r^2 = x^2 + y^2"""

    name = "atan2"

    def forward(self, y, x):
        return self.backend.xp.arctan2(y, x)

    def backward(self, grad):
        y, x = self.inputs
        per_r2 = grad / (x * x + y * y)
        return per_r2 * x, -per_r2 * y


class Sinh(Function):
    """y = sinh(a)  ->  dL/da = dL/dy * cosh(a)"""

    name = "sinh"

    def forward(self, a):
        return self.backend.xp.sinh(a)

    def backward(self, grad):
        return grad * cosh(self.inputs[0])


class Cosh(Function):
    """y = cosh(a)  ->  dL/da = dL/dy * sinh(a)"""

    name = "cosh"

    def forward(self, a):
        return self.backend.xp.cosh(a)

    def backward(self, grad):
        return grad * sinh(self.inputs[0])


class Asinh(Function):
    """y = asinh(a)  ->  dL/da = dL/dy / sqrt(a^2 + 1)"""

    name = "asinh"

    def forward(self, a):
        return self.backend.xp.arcsinh(a)

    def backward(self, grad):
        a = self.inputs[0]
        return grad / (a * a + 1.0).sqrt()


class Acosh(Function):
    """y = acosh(a), a >= 1  ->  dL/da = dL/dy / sqrt(a^2 - 1)"""

    name = "acosh"

    def forward(self, a):
        return self.backend.xp.arccosh(a)

    def backward(self, grad):
        a = self.inputs[0]
        return grad / (a * a - 1.0).sqrt()


class Atanh(Function):
    """y = atanh(a), -1 < a < 1  ->  dL/da = dL/dy / (1 - a^2)"""

    name = "atanh"

    def forward(self, a):
        return self.backend.xp.arctanh(a)

    def backward(self, grad):
        a = self.inputs[0]
        return grad / (1.0 - a * a)


def tan(input):
    """tan(x), elementwise; d/dx = 1 + tan(x)^2."""
    return Tan.apply(input)


def asin(input):
    """The angle whose sine is x (x in [-1, 1]); d/dx = 1 / sqrt(1 - x^2)."""
    return Asin.apply(input)


def acos(input):
    """The angle whose cosine is x (x in [-1, 1]); d/dx = -1 / sqrt(1 - x^2)."""
    return Acos.apply(input)


def atan(input):
    """The angle whose tangent is x, in (-pi/2, pi/2); d/dx = 1 / (1 + x^2)."""
    return Atan.apply(input)


def atan2(input, other):
    """The angle of the point (x=other, y=input) in (-pi, pi], as ``torch.atan2(y, x)`` (broadcasting)."""
    return binary(Atan2, "atan2", input, other)


def sinh(input):
    """(e^x - e^-x) / 2; d/dx = cosh(x)."""
    return Sinh.apply(input)


def cosh(input):
    """(e^x + e^-x) / 2; d/dx = sinh(x)."""
    return Cosh.apply(input)


def asinh(input):
    """The inverse of sinh; d/dx = 1 / sqrt(x^2 + 1)."""
    return Asinh.apply(input)


def acosh(input):
    """The inverse of cosh (x >= 1); d/dx = 1 / sqrt(x^2 - 1)."""
    return Acosh.apply(input)


def atanh(input):
    """The inverse of tanh (-1 < x < 1); d/dx = 1 / (1 - x^2)."""
    return Atanh.apply(input)


arcsin, arccos, arctan, arctan2, arcsinh, arccosh, arctanh = asin, acos, atan, atan2, asinh, acosh, atanh
