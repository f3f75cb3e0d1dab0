"""Rounding and remainders: floor, ceil, round, trunc, sign, fmod, remainder (%), floor_divide (//), lerp.

A step function is flat between its jumps, so its derivative is 0 almost
everywhere: floor, ceil, round, trunc and sign pass back a zero gradient (as
PyTorch does) instead of cutting the graph, so a model that uses them still
trains its other paths. A remainder a - b * q(a / b) has slope 1 in a and
-q(a / b) in b, where q is the rounding it uses (trunc for fmod, floor for %).
"""

from ..function import Function
from ..tensor import Tensor
from ._util import binary, constant, pair


class _Step(Function):
    """y = step(a), piecewise constant  ->  dL/da = 0"""

    def backward(self, grad):
        return grad * 0.0


class Floor(_Step):
    """y = floor(a), the largest integer <= a  ->  dL/da = 0"""

    name = "floor"

    def forward(self, a):
        return self.backend.xp.floor(a)


class Ceil(_Step):
    """y = ceil(a), the smallest integer >= a  ->  dL/da = 0"""

    name = "ceil"

    def forward(self, a):
        return self.backend.xp.ceil(a)


class Trunc(_Step):
    """y = trunc(a), a rounded towards 0  ->  dL/da = 0"""

    name = "trunc"

    def forward(self, a):
        return self.backend.xp.trunc(a)


class Round(_Step):
    """y = a rounded to ``decimals`` places, halves to even  ->  dL/da = 0"""

    name = "round"

    def forward(self, a, decimals=0):
        return self.backend.xp.round(a, decimals)


class Sign(_Step):
    """y = -1, 0 or 1 by the sign of a  ->  dL/da = 0"""

    name = "sign"

    def forward(self, a):
        return self.backend.xp.sign(a)


class FloorDivide(Function):
    """q = floor(a / b)  ->  dL/da = 0,  dL/db = 0   (a step in both)"""

    name = "floor_divide"

    def forward(self, a, b):
        return self.backend.xp.floor_divide(a, b)

    def backward(self, grad):
        return grad * 0.0, grad * 0.0


class Fmod(Function):
    """r = a - b * trunc(a / b) (the sign of a, as C's fmod)  ->  dL/da = dL/dr,  dL/db = -dL/dr * trunc(a / b)"""

    name = "fmod"

    def forward(self, a, b):
        return self.backend.xp.fmod(a, b)

    def backward(self, grad):
        a, b = self.inputs
        return grad, -grad * constant(self.backend.xp.trunc(a.data / b.data), grad)


class Remainder(Function):
    """r = a - b * floor(a / b) (the sign of b, as Python's %)  ->  dL/da = dL/dr,  dL/db = -dL/dr * floor(a / b)"""

    name = "remainder"

    def forward(self, a, b):
        return self.backend.xp.remainder(a, b)

    def backward(self, grad):
        a, b = self.inputs
        return grad, -grad * constant(self.backend.xp.floor_divide(a.data, b.data), grad)


def _step(op_class, a, **params):
    if a.dtype.kind in "iub":  # integers are already whole numbers: a copy, as PyTorch
        return constant(a.data.copy(), a)
    return op_class.apply(a, **params)


def floor(input):
    """The largest integer <= x, elementwise (float in, float out); the gradient is 0."""
    return _step(Floor, input)


def ceil(input):
    """The smallest integer >= x, elementwise; the gradient is 0."""
    return _step(Ceil, input)


def trunc(input):
    """x rounded towards 0 (its integer part); the gradient is 0."""
    return _step(Trunc, input)


fix = trunc


def round(input, decimals=0):
    """x rounded to ``decimals`` places, halves to even (round(2.5) = 2, as PyTorch); the gradient is 0."""
    if decimals == 0:
        return _step(Round, input)
    return _step(Round, input, decimals=decimals)


def sign(input):
    """-1, 0 or 1 by the sign of each element; the gradient is 0 (as PyTorch)."""
    return _step(Sign, input)


def fmod(input, other):
    """The remainder of a / b with the sign of a (C's fmod): fmod(-7, 3) = -1."""
    return binary(Fmod, "fmod", input, other)


def remainder(input, other):
    """The remainder of a / b with the sign of b (Python's %): -7 % 3 = 2."""
    return binary(Remainder, "remainder", input, other)


def floor_divide(input, other):
    """floor(a / b), Python's //; the gradient is 0 (PyTorch raises in backward instead)."""
    input, other = pair(input, other)
    if input.dtype.kind in "iub" and other.dtype.kind in "iub":
        return constant(input._backend.xp.floor_divide(input.data, other.data), input)
    return binary(FloorDivide, "floor_divide", input, other)


def lerp(input, end, weight):
    """start + weight * (end - start), the straight line from ``input`` to ``end``.

    dL/dstart = dL/dy * (1 - weight),  dL/dend = dL/dy * weight,  dL/dweight = dL/dy * (end - start).
    Built from add, sub and mul, whose backward rules give exactly these.
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"lerp: input must be a Tensor, got {type(input).__name__}")
    return input + weight * (end - input)
