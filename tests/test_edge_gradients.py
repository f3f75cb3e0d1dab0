"""Gradients at edge points and over empty axes, as PyTorch gives them.

``x ** y`` at zero, ``std`` where the standard deviation is 0, variances with
no degrees of freedom, reductions over empty axes, and pooling whose padding
differs per axis. Each case asserts the values; where PyTorch imports, it is
also run there and the results compared.
"""

import warnings

import numpy as np
import pytest

import autograd as ag
import autograd.functional as F

try:
    import torch
except ImportError:  # the values asserted below still test the engine
    torch = None

# NumPy and PyTorch both warn when a variance has no degrees of freedom: expected here
pytestmark = [
    pytest.mark.filterwarnings("ignore:Degrees of freedom:RuntimeWarning"),
    pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning"),
    pytest.mark.filterwarnings("ignore:.*degrees of freedom is <= 0:UserWarning"),
]


def _both(values, **kw):
    """The same float64 values as our leaf and (where it imports) PyTorch's."""
    ours = ag.tensor(values, dtype="float64", requires_grad=True)
    theirs = torch.tensor(values, dtype=torch.float64, requires_grad=True) if torch else None
    return ours, theirs


def _same(ours, theirs):
    """Our tensor equals PyTorch's (NaN where it has NaN, the same infinities); skipped without PyTorch."""
    if theirs is not None:
        np.testing.assert_array_equal(ours.numpy(), theirs.detach().numpy())


# ---------------------------------------------------------------- x ** y at zero


def test_zeroth_power_has_zero_gradient_at_zero():
    x, tx = _both([0.0, 1.0, -2.0])
    (x**0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0])
    if torch:
        (tx**0).sum().backward()
        _same(x.grad, tx.grad)


def test_zero_base_gives_zero_exponent_gradient_for_nonnegative_exponents():
    y, ty = _both([2.0, 0.5, 0.0, -1.0])
    (ag.zeros(4, dtype="float64") ** y).sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), [0.0, 0.0, 0.0, -np.inf])  # 0^b ln 0 for b < 0 is -inf
    if torch:
        (torch.zeros(4, dtype=torch.float64) ** ty).sum().backward()
        _same(y.grad, ty.grad)


def test_power_with_a_tensor_exponent_at_zero_base():
    x, tx = _both([0.0, 2.0, 3.0])
    e, te = _both(2.0)
    upstream = np.array([0.5, -1.5, 2.0])
    (x**e).backward(ag.tensor(upstream))
    assert np.isfinite(e.grad.item())
    np.testing.assert_allclose(e.grad.item(), (upstream[1:] * np.array([2.0, 3.0]) ** 2 * np.log([2.0, 3.0])).sum())
    np.testing.assert_allclose(x.grad.numpy(), upstream * 2 * np.array([0.0, 2.0, 3.0]))
    if torch:
        (tx**te).backward(torch.tensor(upstream))
        np.testing.assert_allclose(e.grad.numpy(), te.grad.numpy(), rtol=1e-12)
        _same(x.grad, tx.grad)


def test_power_at_zero_is_twice_differentiable():
    x = ag.tensor([0.0, 1.5], dtype="float64", requires_grad=True)
    e = ag.tensor(2.0, dtype="float64", requires_grad=True)
    assert ag.gradcheck(lambda x, e: x**e, [x, e])
    assert ag.gradgradcheck(lambda x, e: x**e, [x, e])
    z = ag.tensor([0.0, 0.5], dtype="float64", requires_grad=True)
    assert ag.gradcheck(lambda z: z**0, [z])
    assert ag.gradgradcheck(lambda z: z**0, [z])
    y = ag.tensor([1.0, 2.5], dtype="float64", requires_grad=True)
    assert ag.gradgradcheck(lambda y: ag.zeros(2, dtype="float64") ** y, [y])


def test_power_backward_warns_nothing_at_zero():
    """The masked points are computed with a finite stand-in, not as 0 * inf then replaced."""
    x = ag.tensor([0.0, 1.0], dtype="float64", requires_grad=True)
    e = ag.tensor([0.0, 3.0], dtype="float64", requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (g,) = ag.grad((x**e).sum(), [x], create_graph=True)
        g.sum().backward()
    assert np.isfinite(x.grad.numpy()).all() and np.isfinite(e.grad.numpy()).all()


# ---------------------------------------------------------------- std where it is 0


@pytest.mark.parametrize(
    "values, axis",
    [([[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]], 1), ([[3.0], [5.0]], 1), ([7.0], None), ([[2.0, 2.0], [2.0, 2.0]], None)],
    ids=["constant_row", "one_element_per_row", "one_element", "all_constant"],
)
def test_std_gradient_is_zero_where_std_is_zero(values, axis):
    x, tx = _both(values)
    out = x.std(axis)
    upstream = np.arange(1.0, 1.0 + out.numpy().size).reshape(out.shape)
    out.backward(ag.tensor(upstream, dtype="float64"))
    grad = x.grad.numpy()
    assert np.isfinite(grad).all()
    flat = np.asarray(values).std(axis=axis, keepdims=True) == 0
    assert (grad[np.broadcast_to(flat, grad.shape)] == 0).all()
    if torch:
        t_out = tx.std(axis, correction=0) if axis is not None else tx.std(correction=0)
        t_out.backward(torch.tensor(upstream))
        np.testing.assert_allclose(grad, tx.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_layer_norm_on_a_constant_row_trains():
    """A learner's own layer norm: (x - mean) / (std + eps) with a constant row used to give NaN."""
    x = ag.tensor([[0.5, 0.5, 0.5, 0.5], [1.0, -1.0, 2.0, 0.0]], dtype="float64", requires_grad=True)
    y = (x - x.mean(1, keepdims=True)) / (x.std(1, keepdims=True) + 1e-5)
    (y * ag.tensor(np.arange(8.0).reshape(2, 4))).sum().backward()
    assert np.isfinite(x.grad.numpy()).all()


def test_std_second_derivatives_stay_finite_at_zero():
    x = ag.tensor([[1.0, 1.0], [1.0, 3.0]], dtype="float64", requires_grad=True)
    (g,) = ag.grad(x.std(1).sum(), [x], create_graph=True)
    (g * g).sum().backward()
    assert np.isfinite(x.grad.numpy()).all()
    assert ag.gradgradcheck(lambda x: x.std(1), [ag.tensor([[1.0, 2.5, 0.0]], dtype="float64", requires_grad=True)])


# ---------------------------------------------------------------- no degrees of freedom, empty axes


def test_sample_variance_of_one_element_is_nan_without_zero_division():
    for op in ("var", "std"):
        x, tx = _both([3.0])
        out = getattr(x, op)(correction=1)
        out.backward()
        assert np.isnan(out.item()) and np.isnan(x.grad.numpy()).all()
        if torch:
            t_out = getattr(tx, op)(correction=1)
            t_out.backward()
            _same(out, t_out)
            _same(x.grad, tx.grad)


def test_mean_of_an_empty_tensor_backpropagates():
    x = ag.zeros(0, requires_grad=True)
    m = x.mean()
    m.backward()
    assert np.isnan(m.item()) and x.grad.shape == (0,)
    if torch:
        t = torch.zeros(0, requires_grad=True)
        tm = t.mean()
        tm.backward()
        _same(m, tm)
        assert tuple(t.grad.shape) == x.grad.shape


@pytest.mark.parametrize("op", ["mean", "var", "std", "sum", "logsumexp"])
def test_reductions_over_an_empty_axis_give_their_identity(op):
    x, tx = _both(np.zeros((2, 0)))
    out = getattr(x, op)(1)
    expected = {"mean": np.nan, "var": np.nan, "std": np.nan, "sum": 0.0, "logsumexp": -np.inf}[op]
    np.testing.assert_array_equal(out.numpy(), [expected, expected])
    out.backward(ag.tensor([1.0, 2.0], dtype="float64"))
    assert x.grad.shape == (2, 0)
    if torch:
        t_out = getattr(tx, op)(1, correction=0) if op in ("var", "std") else getattr(tx, op)(1)
        _same(out, t_out)
        t_out.backward(torch.tensor([1.0, 2.0], dtype=torch.float64))
        assert tuple(tx.grad.shape) == x.grad.shape


def test_reductions_over_a_nonempty_axis_of_an_empty_tensor():
    x = ag.zeros(0, 3, requires_grad=True)
    for op in ("max", "min", "logsumexp", "mean", "sum", "argmax", "argmin"):
        assert getattr(F, op)(x, axis=1).shape == (0,)
    F.max(x, axis=1).sum().backward()
    assert x.grad.shape == (0, 3)


@pytest.mark.parametrize("op", ["softmax", "log_softmax"])
def test_softmax_of_an_empty_axis_is_empty(op):
    for shape in [(2, 0), (0, 3), (0,)]:
        x, tx = _both(np.zeros(shape))
        out = getattr(x, op)(-1)
        assert out.shape == shape
        out.sum().backward()
        assert x.grad.shape == shape
        if torch:
            assert tuple(getattr(tx, op)(-1).shape) == shape


@pytest.mark.parametrize(
    "call, op, where",
    [
        (lambda x: F.max(x), "max", r"shape \(2, 0\) is empty"),
        (lambda x: F.min(x, axis=1), "min", r"axis 1 of the tensor of shape \(2, 0\) is empty"),
        (lambda x: F.max(x, axis=(0, 1)), "max", "axis 1"),
        (lambda x: F.argmax(x), "argmax", r"shape \(2, 0\) is empty"),
        (lambda x: F.argmin(x, axis=-1), "argmin", "axis 1"),
    ],
)
def test_reductions_without_an_identity_refuse_an_empty_axis(call, op, where):
    with pytest.raises(IndexError, match=rf"^{op}: .*{where}.*undefined"):
        call(ag.zeros(2, 0))
    if torch:  # PyTorch refuses too
        t = torch.zeros(2, 0)
        torch_call = {"max": lambda: t.amax(1), "min": lambda: t.amin(1)}.get(op, lambda: getattr(t, op)(1))
        with pytest.raises((IndexError, RuntimeError)):
            torch_call()


# ---------------------------------------------------------------- pooling: half-kernel padding per axis


@pytest.mark.parametrize("op", ["max_pool2d", "avg_pool2d"])
@pytest.mark.parametrize("kernel, padding", [((1, 2), (0, 1)), ((3, 2), (1, 1)), ((2, 5), (1, 2))])
def test_pooling_padding_is_checked_per_axis(op, kernel, padding):
    rng = np.random.default_rng(0)
    values = rng.standard_normal((2, 3, 5, 6))
    x = ag.tensor(values, requires_grad=True)
    out = getattr(F, op)(x, kernel, padding=padding)
    upstream = rng.standard_normal(out.shape)
    out.backward(ag.tensor(upstream))
    assert ag.gradcheck(lambda x: getattr(F, op)(x, kernel, padding=padding), [x])
    if torch:
        t = torch.tensor(values, requires_grad=True)
        t_out = getattr(torch.nn.functional, op)(t, kernel, padding=padding)
        assert out.shape == tuple(t_out.shape)
        np.testing.assert_allclose(out.numpy(), t_out.detach().numpy(), rtol=1e-12)
        t_out.backward(torch.tensor(upstream))
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12)


@pytest.mark.parametrize("op", ["max_pool2d", "avg_pool2d"])
def test_pooling_refuses_more_than_half_a_kernel_of_padding_on_either_axis(op):
    with pytest.raises(ValueError, match=rf"{op}: padding 1 must be at most half the kernel size 1 along the height"):
        getattr(F, op)(ag.zeros(1, 1, 4, 4), (1, 2), padding=(1, 0))
    with pytest.raises(ValueError, match="along the width"):
        getattr(F, op)(ag.zeros(1, 1, 4, 4), (4, 2), padding=(2, 2))
    if torch:
        with pytest.raises(RuntimeError, match="pad should be at most half"):
            getattr(torch.nn.functional, op)(torch.zeros(1, 1, 4, 4), (1, 2), padding=(1, 0))


# ---------------------------------------------------------------- the same on a (simulated) GPU


def _edge_gradients(device):
    """Every edge above in one graph, on ``device``; the gradients as NumPy arrays."""
    x = ag.tensor([0.0, 1.5, 0.0], dtype="float64", device=device, requires_grad=True)
    e = ag.tensor([0.0, 2.0, 3.0], dtype="float64", device=device, requires_grad=True)
    rows = ag.tensor([[2.0, 2.0, 2.0], [1.0, 0.0, 4.0]], dtype="float64", device=device, requires_grad=True)
    loss = (x**e).sum() + (ag.zeros(3, dtype="float64", device=device) ** e).sum() + rows.std(1).sum()
    loss = loss + ag.zeros(0, dtype="float64", device=device, requires_grad=True).mean().sum() * 0
    loss.backward()
    return [t.grad.numpy() for t in (x, e, rows)]


def test_edge_gradients_on_a_simulated_gpu_match_the_cpu(fake_cuda):
    """On a GPU the masks are never read back (no eager checks): the masked form must give the same numbers."""
    expected = _edge_gradients("cpu")
    got = _edge_gradients("cuda")
    for ours, reference in zip(got, expected):
        assert np.isfinite(reference).all()
        np.testing.assert_array_equal(ours, reference)


def test_edge_gradients_on_each_device(device):
    assert all(np.isfinite(g).all() for g in _edge_gradients(device))
