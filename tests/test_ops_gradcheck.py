"""Every differentiable op: first and second derivatives against central differences (float64).

``autograd.gradcheck`` weights the outputs with a random upstream gradient, so a
backward that ignores or mis-scales its incoming gradient fails; the last tests
here prove that it does.
"""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_cases import CASE_IDS, CASES, draw, float64_inputs

import autograd as ag
import autograd.functional as F


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_gradcheck(case):
    assert ag.gradcheck(case.fn, float64_inputs(case))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_gradgradcheck(case):
    assert ag.gradgradcheck(case.fn, float64_inputs(case, seed=1))


# ---------------------------------------------------------------- hypothesis: broadcast-compatible shapes

BINARY = {
    "add": (lambda a, b: a + b, "n"),
    "sub": (lambda a, b: a - b, "n"),
    "mul": (lambda a, b: a * b, "n"),
    "div": (lambda a, b: a / b, "pos"),
    "pow": (lambda a, b: a**b, "pos"),
    "maximum": (F.maximum, "n"),
    "minimum": (F.minimum, "n"),
    "where": (lambda a, b: F.where(a > 0, a, b), "n"),
}

pair_shapes = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=1, max_side=3)


@settings(max_examples=12, deadline=None, derandomize=True)
@given(shapes=pair_shapes, op=st.sampled_from(sorted(BINARY)), seed=st.integers(0, 2**16))
def test_binary_ops_broadcast_gradcheck(shapes, op, seed):
    fn, kind = BINARY[op]
    rng = np.random.default_rng(seed)
    a, b = (ag.tensor(draw(rng, s, kind), dtype="float64", requires_grad=True) for s in shapes.input_shapes)
    assert fn(a, b).shape == shapes.result_shape
    assert ag.gradcheck(fn, [a, b], seed=seed)
    assert ag.gradgradcheck(fn, [a, b], seed=seed)


@st.composite
def shape_and_axis(draw_, min_dims=1):
    shape = draw_(hnp.array_shapes(min_dims=min_dims, max_dims=3, min_side=1, max_side=3))
    axes = draw_(st.sets(st.integers(0, len(shape) - 1), min_size=1) | st.none())
    axis = None if axes is None else (tuple(sorted(axes)) if len(axes) > 1 else next(iter(axes)))
    return shape, axis, draw_(st.booleans())


REDUCTIONS = {
    "sum": F.sum,
    "mean": F.mean,
    "var": F.var,
    "std": F.std,
    "max": F.amax,  # F.max(x, 1) gives (values, indices), as torch.max
    "min": F.amin,
    "logsumexp": F.logsumexp,
}


@settings(max_examples=14, deadline=None, derandomize=True)
@given(sak=shape_and_axis(), op=st.sampled_from(sorted(REDUCTIONS)), seed=st.integers(0, 2**16))
def test_reductions_any_axis_gradcheck(sak, op, seed):
    shape, axis, keepdims = sak
    if op in ("var", "std"):
        axes = range(len(shape)) if axis is None else np.atleast_1d(axis)
        if int(np.prod([shape[i] for i in axes])) < 2:  # the std of one number has no derivative
            shape, axis = (2,) + shape, None
    x = ag.tensor(np.random.default_rng(seed).standard_normal(shape), dtype="float64", requires_grad=True)

    def fn(t):
        return REDUCTIONS[op](t, axis, keepdims)

    assert ag.gradcheck(fn, [x], seed=seed)
    assert ag.gradgradcheck(fn, [x], seed=seed)


# ---------------------------------------------------------------- subgradient conventions at kinks and ties


def _grad_of(fn, values):
    x = ag.tensor(values, dtype="float64", requires_grad=True)
    fn(x).sum().backward()
    return x.grad.numpy()


def test_max_min_ties_share_gradient_equally():
    assert np.allclose(_grad_of(lambda x: x.max(), [1.0, 3.0, 3.0, 2.0, 3.0]), [0, 1 / 3, 1 / 3, 0, 1 / 3])
    assert np.allclose(_grad_of(lambda x: x.min(axis=1), [[1.0, 1.0], [0.0, 2.0]]), [[0.5, 0.5], [1, 0]])


def test_maximum_minimum_ties_split_half():
    x = ag.tensor([1.0, 2.0, 3.0], dtype="float64", requires_grad=True)
    y = ag.tensor([1.0, 5.0, 0.0], dtype="float64", requires_grad=True)
    (F.maximum(x, y) + 10 * F.minimum(x, y)).sum().backward()
    assert np.allclose(x.grad.numpy(), [5.5, 10, 1])
    assert np.allclose(y.grad.numpy(), [5.5, 1, 10])


def test_kinks_follow_pytorch_conventions():
    assert np.allclose(_grad_of(F.relu, [-1.0, 0.0, 2.0]), [0, 0, 1])
    assert np.allclose(_grad_of(F.abs, [-1.0, 0.0, 2.0]), [-1, 0, 1])
    assert np.allclose(_grad_of(lambda x: F.leaky_relu(x, 0.1), [-1.0, 0.0, 2.0]), [0.1, 0.1, 1])
    assert np.allclose(_grad_of(lambda x: x.clip(-1.0, 1.0), [-1.0, 1.0, 2.0, 0.0]), [1, 1, 0, 1])


# ---------------------------------------------------------------- gradcheck can fail


class _IgnoresGrad(ag.Function):
    """y = 3 a, with a backward that forgets to multiply by the incoming gradient."""

    name = "ignores_grad"

    def forward(self, a):
        return 3.0 * a

    def backward(self, grad):
        return ag.ones_like(grad) * 3.0


class _TwiceTooBig(ag.Function):
    """y = a^2 with a backward off by a factor of two (2 * 2a)."""

    name = "twice_too_big"

    def forward(self, a):
        return a * a

    def backward(self, grad):
        return grad * self.inputs[0] * 4.0


def test_gradcheck_fails_on_a_backward_that_ignores_its_gradient():
    x = ag.tensor(np.linspace(-1, 1, 6).reshape(2, 3), dtype="float64", requires_grad=True, name="x")
    with pytest.raises(ag.GradcheckError) as err:
        ag.gradcheck(_IgnoresGrad.apply, [x])
    msg = str(err.value)
    assert "input 0" in msg and "'x'" in msg and "(2, 3)" in msg
    assert "at index (" in msg and "backward gives 3" in msg and "central differences give" in msg
    assert ag.gradcheck(_IgnoresGrad.apply, [x], raise_exception=False) is False


def test_gradcheck_failure_names_worst_element_and_values():
    w = ag.tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    x = ag.tensor([0.5, -3.0, 1.0], dtype="float64", requires_grad=True)
    with pytest.raises(ag.GradcheckError) as err:
        ag.gradcheck(lambda w, x: w.sum() * _TwiceTooBig.apply(x), [w, x], seed=3)
    msg = str(err.value)
    assert "input 1" in msg and "index (1,)" in msg  # |x| is largest at index 1, so is the error
    v = np.random.default_rng(3).standard_normal(3)
    true = 3.0 * v[1] * 2 * -3.0
    analytic, numeric = (float(v) for v in re.findall(r"give?s? (-?[\d.e+-]+)", msg))
    assert analytic == pytest.approx(2 * true, rel=1e-6) and numeric == pytest.approx(true, rel=1e-6)


def test_gradgradcheck_fails_on_a_wrong_second_derivative():
    class WrongSecond(ag.Function):
        """y = a^3 with a backward whose own derivative is wrong (a detached a^2)."""

        name = "wrong_second"

        def forward(self, a):
            return a**3

        def backward(self, grad):
            return grad * 3.0 * self.inputs[0].detach() ** 2

    x = ag.tensor([0.5, -1.5], dtype="float64", requires_grad=True)
    assert ag.gradcheck(WrongSecond.apply, [x])
    with pytest.raises(ag.GradcheckError):
        ag.gradgradcheck(WrongSecond.apply, [x])


def test_gradcheck_wants_float64():
    x = ag.tensor([1.0, 2.0], requires_grad=True)  # float32
    with pytest.raises(TypeError, match="float64"):
        ag.gradcheck(F.exp, [x])


def test_gradcheck_on_non_contiguous_input():
    x = ag.tensor(np.arange(6.0).reshape(2, 3).T, dtype="float64", requires_grad=True)
    assert not x.data.flags.c_contiguous
    assert ag.gradcheck(lambda t: (t * t).sum(axis=0), [x])
