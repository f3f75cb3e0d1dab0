"""The ops of tests/op_cases_more.py: gradients against central differences (first and second
order, float64) and values and gradients against PyTorch (float64 and float32, dtype kept);
then what a table of cases cannot say: indices, kinks, zeros, randomness, booleans, errors.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_cases import assert_matches_torch, draw, float64_inputs
from op_cases_more import CASE_IDS, CASES

import autograd as ag
import autograd.functional as F
import nn

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_gradcheck(case):
    assert ag.gradcheck(case.fn, float64_inputs(case))


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_gradgradcheck(case):
    assert ag.gradgradcheck(case.fn, float64_inputs(case, seed=1))


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_forward_and_gradients_match_torch(case, dtype):
    assert_matches_torch(case, dtype)


@pytest.mark.gpu
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_every_op_gives_the_same_on_cuda_as_on_the_cpu(case):
    """Values and gradients on the GPU (CuPy's kernels, or tests/fake_cupy.py) match the CPU's."""
    arrays = case.arrays(seed=4)
    results = []
    for device in ("cpu", "cuda"):
        inputs = [ag.tensor(a, dtype="float64", device=device, requires_grad=True) for a in arrays]
        out = case.fn(*inputs)
        assert out.device == device
        upstream = np.random.default_rng(5).standard_normal(out.shape)
        out.backward(ag.tensor(upstream, dtype="float64", device=device))
        results.append([out.numpy()] + [x.grad.numpy() for x in inputs])
    for ours_cpu, ours_gpu in zip(*results):
        np.testing.assert_allclose(ours_gpu, ours_cpu, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_the_viewers_numerical_check_agrees_for_every_op(case):
    import viz

    xs = [ag.tensor(a, dtype="float64", requires_grad=True) for a in case.arrays(seed=2)]
    out = case.fn(*xs)
    weights = ag.tensor(np.random.default_rng(1).standard_normal(out.shape), dtype="float64")
    checks = viz.backprop_steps((out * weights).sum()).check_all()
    assert checks
    bad = [c.text() for c in checks if c.agree is not True]
    assert not bad, bad


def test_every_new_op_states_its_chain_rule_for_the_viewer():
    """Each op class's first docstring line is its rule, 'y = f(a)  ->  dL/da = ...', which viz shows."""
    import importlib

    from viz.rules import parse

    modules = ["einsum", "exp_log", "gather", "hard_activations", "rearrange", "rounding", "scans"]
    modules += ["smooth_activations", "trig"]
    own = {
        c
        for name in modules
        for c in vars(importlib.import_module(f"autograd.ops.{name}")).values()
        if isinstance(c, type) and issubclass(c, ag.Function) and c.__module__ == f"autograd.ops.{name}"
        and not c.__name__.startswith("_")  # a base class (_Step) has no op of its own
    }  # fmt: skip
    assert len(own) >= 40, sorted(c.__name__ for c in own)
    for cls in own:
        rule = parse(cls.__doc__.strip().splitlines()[0])
        assert rule.forward and rule.parts, f"{cls.__name__}: no 'y = ...  ->  dL/da = ...' first line"
        assert all(expr for _, expr in rule.parts)


# ops whose output size depends on the values: the GPU must report it (PyTorch's too)
_SIZE_FROM_DATA = {"masked_select", "masked_select_bcast"}


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_every_op_on_a_simulated_gpu_keeps_its_numbers_there(fake_cuda, case):
    """Forward and backward on "cuda" copy nothing to the host, call no NumPy on device arrays, and
    wait for the GPU only where the output size depends on the data."""
    arrays = case.arrays(seed=3)
    inputs = [ag.tensor(a, device="cuda", requires_grad=True) for a in arrays]
    cuda = inputs[0].backend
    out = case.fn(*inputs)
    upstream = ag.tensor(np.random.default_rng(1).standard_normal(out.shape), device="cuda")
    before = cuda.device_to_host_copies + fake_cuda.device_to_host
    fake_cuda.numpy_calls.clear()
    fake_cuda.host_syncs.clear()
    out = case.fn(*inputs)
    out.backward(upstream)
    assert cuda.device_to_host_copies + fake_cuda.device_to_host == before, fake_cuda.implicit_sites
    assert fake_cuda.numpy_calls == [], "NumPy called on device arrays instead of backend.xp"
    assert case.id in _SIZE_FROM_DATA or fake_cuda.host_syncs == []
    assert all(x.grad.device == "cuda" for x in inputs)


# ---------------------------------------------------------------- broadcasting, size-1 and empty axes

BINARY = {
    "atan2": (F.atan2, torch.atan2, "away"),
    "logaddexp": (F.logaddexp, torch.logaddexp, "n"),
    "fmod": (F.fmod, torch.fmod, "pos"),
    "remainder": (lambda a, b: a % b, lambda a, b: a % b, "pos"),
    "lerp": (lambda a, b: F.lerp(a, b, 0.25), lambda a, b: torch.lerp(a, b, 0.25), "n"),
}

pair_shapes = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=1, max_side=3)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(shapes=pair_shapes, op=st.sampled_from(sorted(BINARY)), seed=st.integers(0, 2**16))
def test_binary_ops_broadcast_like_torch(shapes, op, seed):
    fn, torch_fn, kind = BINARY[op]
    rng = np.random.default_rng(seed)
    arrays = [draw(rng, shapes.input_shapes[0], "n") * 3, draw(rng, shapes.input_shapes[1], kind)]
    ours = [ag.tensor(a, dtype="float64", requires_grad=True) for a in arrays]
    out = fn(*ours)
    assert out.shape == shapes.result_shape
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    expected = torch_fn(*theirs)
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert ag.gradcheck(fn, ours, seed=seed)
    assert ag.gradgradcheck(fn, ours, seed=seed)


UNARY = [
    "tan", "atan", "sinh", "cosh", "asinh", "exp2", "expm1", "erf", "floor", "ceil", "round", "trunc", "sign",
    "gelu", "silu", "mish", "selu", "celu", "relu6", "hardtanh", "hardsigmoid", "hardswish", "logsigmoid",
    "softsign",
]  # fmt: skip


@pytest.mark.parametrize("shape", [(0,), (2, 0, 3), (1,), (1, 1), ()], ids=str)
@pytest.mark.parametrize("name", UNARY)
def test_unary_ops_on_empty_size1_and_0d_tensors_match_torch(name, shape):
    values = np.random.default_rng(1).standard_normal(shape)
    x = ag.tensor(values, dtype="float64", requires_grad=True)
    t = torch.tensor(values, requires_grad=True)
    ours = getattr(F, name)(x)
    theirs = getattr(torch, name)(t) if hasattr(torch, name) else getattr(torch.nn.functional, name)(t)
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    ours.sum().backward()
    theirs.sum().backward()
    rtol = 1e-7 if name == "hardsigmoid" else 1e-10  # PyTorch's slope is 1/6 rounded to float32
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=1e-12)


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.cumsum(1),
        lambda t: t.cumprod(0),
        lambda t: t.logcumsumexp(1),
        lambda t: t.prod(1),
        lambda t: t.flip(0),
        lambda t: t.roll(1, 1),
        lambda t: t.repeat(2, 1),
        lambda t: t.tril(),
        lambda t: t.sort(0).values,
        lambda t: t.gather(1, t.detach().argsort(1)),
        lambda t: t.movedim(0, 1),
        lambda t: t.diagonal(),
    ],
    ids=[
        "cumsum",
        "cumprod",
        "logcumsumexp",
        "prod",
        "flip",
        "roll",
        "repeat",
        "tril",
        "sort",
        "gather",
        "movedim",
        "diagonal",
    ],
)
def test_shape_ops_on_an_empty_axis_match_torch(call):
    values = np.zeros((0, 3))
    x, t = ag.tensor(values, dtype="float64", requires_grad=True), torch.tensor(values, requires_grad=True)
    ours, theirs = call(x), call(t)
    assert ours.shape == tuple(theirs.shape)
    ours.sum().backward()
    theirs.sum().backward()
    assert x.grad.shape == (0, 3) and tuple(t.grad.shape) == (0, 3)


# ---------------------------------------------------------------- (values, indices) results

X = np.array([[3.0, 1.0, 4.0, 1.0, 5.0], [9.0, 2.0, 6.0, 5.0, 3.0], [5.0, 8.0, 9.0, 7.0, 9.0]])


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.max(1),
        lambda t: t.min(0, keepdim=True),
        lambda t: t.max(dim=-1, keepdim=False),
        lambda t: t.sort(1),
        lambda t: t.sort(0, descending=True),
        lambda t: t.topk(2, dim=1),
        lambda t: t.topk(2, dim=0, largest=False),
        lambda t: t.cummax(1),
        lambda t: t.cummin(1),
        lambda t: t.median(1),
    ],
    ids=["max", "min_keepdim", "max_kw", "sort", "sort_desc", "topk", "topk_small", "cummax", "cummin", "median"],
)
def test_values_and_indices_match_torch_with_ties(call):
    """Ties included (1.0 twice, 9.0 twice, 5.0 three times): the same indices as PyTorch."""
    ours, theirs = call(ag.tensor(X)), call(torch.tensor(X))
    assert type(ours).__name__ == type(theirs).__name__.split(".")[-1]
    assert ours._fields == ("values", "indices")
    values, indices = ours  # unpacks like PyTorch's named tuple
    np.testing.assert_array_equal(values.numpy(), theirs.values.numpy())
    np.testing.assert_array_equal(indices.numpy(), theirs.indices.numpy())
    assert indices.dtype == np.int64


def test_max_over_a_dim_sends_the_gradient_to_the_index_not_shared():
    x = ag.tensor([[2.0, 7.0, 7.0]], requires_grad=True)
    t = torch.tensor([[2.0, 7.0, 7.0]], requires_grad=True)
    x.max(1).values.sum().backward()
    t.max(1).values.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), t.grad.numpy())
    y = ag.tensor([[2.0, 7.0, 7.0]], requires_grad=True)
    y.max().backward()  # without a dim: ties share, as torch.amax
    np.testing.assert_array_equal(y.grad.numpy(), [[0, 0.5, 0.5]])


def test_argsort_argmax_keepdim_median_all_match_torch():
    np.testing.assert_array_equal(
        F.argsort(ag.tensor(X), 1).numpy(), torch.tensor(X).argsort(dim=1, stable=True).numpy()
    )
    np.testing.assert_array_equal(
        ag.tensor(X).argsort(0, descending=True).numpy(),
        torch.tensor(X).argsort(dim=0, descending=True, stable=True).numpy(),
    )
    assert ag.tensor(X).argmax(1, keepdim=True).shape == (3, 1)
    np.testing.assert_array_equal(
        ag.tensor(X).argmin(dim=0, keepdim=True).numpy(), torch.tensor(X).argmin(0, keepdim=True).numpy()
    )
    assert ag.tensor(X).median().item() == torch.tensor(X).median().item()
    assert ag.tensor([1, 2, 2, 1]).median().item() == 1  # the lower middle, as PyTorch


# ---------------------------------------------------------------- kinks, zeros and edges follow PyTorch


@pytest.mark.parametrize(
    "name, kwargs",
    [("hardtanh", {}), ("relu6", {}), ("hardsigmoid", {}), ("hardswish", {}), ("celu", {}), ("selu", {}),
     ("softsign", {}), ("silu", {}), ("mish", {}), ("gelu", {}), ("logsigmoid", {}), ("rrelu", {})],
)  # fmt: skip
def test_activation_gradients_at_the_kinks_match_torch(name, kwargs):
    values = [-6.0, -3.0, -1.0, 0.0, 1.0, 3.0, 6.0, 7.0]
    x = ag.tensor(values, dtype="float64", requires_grad=True)
    t = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    getattr(F, name)(x, **kwargs).sum().backward()
    getattr(torch.nn.functional, name)(t, **kwargs).sum().backward()
    # rtol 1e-7: PyTorch's hardsigmoid slope is 1/6 rounded to float32; a wrong kink is off by far more
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-7, atol=1e-15)


@pytest.mark.parametrize("values", [[2.0, 0.0, 3.0, 4.0], [0.0, 2.0, 0.0, 5.0], [0.0, 0.0, 0.0, 1.0]])
def test_products_with_zeros_have_exact_gradients(values):
    """y / x_i is 0/0 at a zero: the backward multiplies the other factors instead, as PyTorch."""
    for fn in (
        lambda a: a.prod(),
        lambda a: a.reshape(2, 2).prod(1).sum(),
        lambda a: (a.cumprod(0) * a.detach() + a.cumprod(0)).sum(),
    ):
        x = ag.tensor(values, dtype="float64", requires_grad=True)
        t = torch.tensor(values, dtype=torch.float64, requires_grad=True)
        fn(x).backward()
        fn(t).backward()
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12)
    x = ag.tensor(values, dtype="float64", requires_grad=True)
    assert ag.gradgradcheck(lambda a: a.prod() + a.cumprod(0).sum(), [x])


def test_rounding_and_sign_pass_back_zero_gradients_as_torch():
    x = ag.tensor([-1.5, -0.2, 0.0, 0.7, 2.5], requires_grad=True)
    loss = (x.floor() + x.ceil() + x.round() + x.trunc() + x.sign() + x).sum()
    loss.backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones(5))  # only the plain x contributes
    np.testing.assert_array_equal(x.round().numpy(), torch.tensor([-1.5, -0.2, 0.0, 0.7, 2.5]).round().numpy())
    i = ag.tensor([3, -7])
    assert i.floor().dtype == np.int64 and (i // 2).tolist() == [1, -4] and (i % 3).tolist() == [0, 2]


def test_normalize_of_a_zero_vector_gives_pytorchs_finite_gradient():
    values = [[0.0, 0.0], [3.0, 4.0]]
    x = ag.tensor(values, dtype="float64", requires_grad=True)
    t = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    F.normalize(x).sum().backward()
    torch.nn.functional.normalize(t).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12)


def test_norm_of_a_zero_vector_has_pytorchs_zero_gradient():
    x = ag.tensor([[0.0, 0.0], [3.0, 4.0]], dtype="float64", requires_grad=True)
    t = torch.tensor([[0.0, 0.0], [3.0, 4.0]], dtype=torch.float64, requires_grad=True)
    x.norm(dim=1).sum().backward()
    t.norm(dim=1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy())
    assert ag.zeros(2, 3).dim() == 2 and ag.zeros(2, 3).nelement() == 6 and ag.zeros(1).is_floating_point()
    assert ag.zeros(2).type_as(ag.zeros(1, dtype="float64")).dtype == np.float64


def test_erf_is_accurate_across_its_range():
    values = np.concatenate([np.linspace(-7, 7, 2001), [0.0, 1e-8, -3e-300, np.inf, -np.inf]])
    ours = F.erf(ag.tensor(values, dtype="float64")).numpy()
    np.testing.assert_allclose(ours, torch.special.erf(torch.tensor(values)).numpy(), rtol=2e-15, atol=2e-16)
    assert np.isnan(F.erf(ag.tensor([np.nan])).numpy()).all()
    single = F.erf(ag.tensor(values, dtype="float32"))  # fewer terms in float32: still within its precision
    assert single.dtype == np.float32
    np.testing.assert_allclose(
        single.numpy(), torch.special.erf(torch.tensor(values, dtype=torch.float32)).numpy(), rtol=3e-7, atol=1e-7
    )


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_logcumsumexp_gradient_where_a_prefix_lies_far_below_the_largest_value(dtype):
    values = [-200.0, 0.0, -500.0, 3.0]
    x = ag.tensor(values, dtype=dtype, requires_grad=True)
    t = torch.tensor(values, dtype=getattr(torch, dtype), requires_grad=True)
    upstream = [1.0, -2.0, 0.0, 3.0]
    x.logcumsumexp(0).backward(ag.tensor(upstream, dtype=dtype))
    t.logcumsumexp(0).backward(torch.tensor(upstream, dtype=getattr(torch, dtype)))
    assert np.isfinite(x.grad.numpy()).all()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-5, atol=1e-30)


def test_logcumsumexp_handles_values_too_large_for_exp():
    values = [1000.0, 1001.0, -1000.0, 999.0]
    x = ag.tensor(values, dtype="float64", requires_grad=True)
    t = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    y, ty = x.logcumsumexp(0), t.logcumsumexp(0)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-14)
    y.backward(ag.tensor([1.0, -2.0, 0.5, 3.0], dtype="float64"))
    ty.backward(torch.tensor([1.0, -2.0, 0.5, 3.0], dtype=torch.float64))
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12, atol=1e-300)


# ---------------------------------------------------------------- randomized leaky ReLU


def test_rrelu_draws_slopes_in_training_and_uses_the_mean_slope_in_eval():
    ag.manual_seed(0)
    layer = nn.RReLU(0.1, 0.3)
    x = ag.tensor(-np.ones((200, 50)), requires_grad=True)
    y = layer(x)
    slopes = -y.numpy()
    assert 0.1 <= slopes.min() and slopes.max() <= 0.3 and slopes.std() > 0.04  # one slope per element
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), slopes)  # the gradient is the slope each element drew
    assert (layer(ag.tensor([2.0, 3.0])).numpy() == [2.0, 3.0]).all()
    layer.eval()
    np.testing.assert_allclose(layer(ag.tensor([-1.0, 0.0, 2.0])).numpy(), [-0.2, 0.0, 2.0], rtol=1e-6)
    assert repr(layer) == "RReLU(lower=0.1, upper=0.3)"


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (lambda: nn.GELU(), lambda: torch.nn.GELU()),
        (lambda: nn.GELU("tanh"), lambda: torch.nn.GELU("tanh")),
        (lambda: nn.SiLU(), lambda: torch.nn.SiLU()),
        (lambda: nn.Mish(), lambda: torch.nn.Mish()),
        (lambda: nn.SELU(), lambda: torch.nn.SELU()),
        (lambda: nn.CELU(0.7), lambda: torch.nn.CELU(0.7)),
        (lambda: nn.ReLU6(), lambda: torch.nn.ReLU6()),
        (lambda: nn.Hardtanh(-2.0, 0.5), lambda: torch.nn.Hardtanh(-2.0, 0.5)),
        (lambda: nn.Hardsigmoid(), lambda: torch.nn.Hardsigmoid()),
        (lambda: nn.Hardswish(), lambda: torch.nn.Hardswish()),
        (lambda: nn.LogSigmoid(), lambda: torch.nn.LogSigmoid()),
        (lambda: nn.Softsign(), lambda: torch.nn.Softsign()),
        (lambda: nn.Softmin(dim=0), lambda: torch.nn.Softmin(dim=0)),
        (lambda: nn.RReLU().eval(), lambda: torch.nn.RReLU().eval()),
    ],
)
def test_activation_modules_match_torch(ours, theirs):
    values = np.random.default_rng(0).standard_normal((4, 5)) * 4
    np.testing.assert_allclose(
        ours()(ag.tensor(values)).numpy(),
        theirs()(torch.tensor(values, dtype=torch.float32)).numpy(),
        rtol=2e-5,
        atol=2e-6,
    )


# ---------------------------------------------------------------- booleans and tests


def test_logical_ops_and_operators_match_torch():
    a = np.array([-1.0, 0.0, 2.0, np.nan, np.inf, -np.inf])
    x, t = ag.tensor(a), torch.tensor(a)
    for name in ("isnan", "isinf", "isfinite"):
        np.testing.assert_array_equal(getattr(F, name)(x).numpy(), getattr(torch, name)(t).numpy())
        assert getattr(x, name)().dtype == bool
    b = np.array([-1.0, 1e-9, 2.0 + 1e-6, np.nan, np.inf, 0.0])
    np.testing.assert_array_equal(F.isclose(x, ag.tensor(b)).numpy(), torch.isclose(t, torch.tensor(b)).numpy())
    np.testing.assert_array_equal(
        x.isclose(ag.tensor(b), equal_nan=True).numpy(), t.isclose(torch.tensor(b), equal_nan=True).numpy()
    )
    for name in ("logical_and", "logical_or", "logical_xor"):
        np.testing.assert_array_equal(
            getattr(F, name)(x, ag.tensor(b)).numpy(), getattr(torch, name)(t, torch.tensor(b)).numpy()
        )
    np.testing.assert_array_equal(F.logical_not(x).numpy(), torch.logical_not(t).numpy())
    v = ag.tensor([0.5, 1.5, 2.5, 3.5])
    np.testing.assert_array_equal(((v > 1) & (v < 3)).numpy(), [False, True, True, False])
    np.testing.assert_array_equal(((v < 1) | (v > 3)).numpy(), [True, False, False, True])
    np.testing.assert_array_equal(((v > 1) ^ (v > 2)).numpy(), [False, True, False, False])
    np.testing.assert_array_equal((~(v > 2)).numpy(), [True, True, False, False])
    np.testing.assert_array_equal((ag.tensor([6, 3]) & 5).numpy(), [4, 1])  # integers: bitwise, as PyTorch


def test_any_and_all_give_bool_tensors_over_dims():
    m = np.array([[True, False, True], [True, True, True]])
    x, t = ag.tensor(m), torch.tensor(m)
    for dim in (None, 0, 1):
        for keepdim in (False, True):
            if dim is None and keepdim:
                continue
            kw = {} if dim is None else dict(dim=dim, keepdim=keepdim)
            for name in ("any", "all"):
                ours, theirs = getattr(x, name)(**kw), getattr(t, name)(**kw)
                assert ours.dtype == bool and ours.shape == tuple(theirs.shape)
                np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert x.any() and not x.all() and bool(F.all(x, 1)[1])


def test_nonzero_one_hot_masked_and_where_with_numbers():
    a = np.array([[0.0, 1.5, 0.0], [2.0, 0.0, -1.0]])
    np.testing.assert_array_equal(F.nonzero(ag.tensor(a)).numpy(), torch.nonzero(torch.tensor(a)).numpy())
    for ours, theirs in zip(ag.tensor(a).nonzero(as_tuple=True), torch.tensor(a).nonzero(as_tuple=True)):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    labels = np.array([[0, 2], [3, 1]])
    oh = F.one_hot(ag.tensor(labels))
    assert oh.dtype == np.int64
    np.testing.assert_array_equal(oh.numpy(), torch.nn.functional.one_hot(torch.tensor(labels)).numpy())
    assert F.one_hot(ag.tensor([1]), num_classes=4).tolist() == [[0, 1, 0, 0]]
    cond = ag.tensor([True, False])
    assert F.where(cond, 1.0, 0.0).dtype == np.float32 and F.where(cond, 1.0, 0.0).tolist() == [1.0, 0.0]
    assert F.where(cond, 3, -1).dtype == np.int64
    assert F.where(np.array([True, False]), 2.0, ag.tensor([5.0], dtype="float64")).dtype == np.float64


def test_torch_spellings_max_of_two_tensors_and_where_of_a_condition():
    a, b = np.array([1.0, 5.0, 2.0]), np.array([3.0, 2.0, 2.0])
    x, y = ag.tensor(a, requires_grad=True), ag.tensor(b, requires_grad=True)
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    (F.max(x, y) + 2 * x.min(y)).sum().backward()
    (torch.max(tx, ty) + 2 * tx.min(ty)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())
    np.testing.assert_allclose(y.grad.numpy(), ty.grad.numpy())
    (rows,) = F.where(ag.tensor(a) > 1.5)
    np.testing.assert_array_equal(rows.numpy(), torch.where(torch.tensor(a) > 1.5)[0].numpy())
    with pytest.raises(TypeError, match="give both values"):
        F.where(ag.tensor(a) > 1, 1.0)


# ---------------------------------------------------------------- tensor basics


def test_size_numel_dtypes_views_and_factories_as_pytorch():
    x = ag.zeros(2, 3, 4)
    assert x.size() == (2, 3, 4) and x.size(0) == 2 and x.size(-1) == 4 and x.numel() == 24
    with pytest.raises(IndexError, match="dims -3..2"):
        x.size(3)
    assert x.int().dtype == np.int32 and x.long().dtype == np.int64 and x.bool().dtype == bool
    h = ag.tensor([1.0, 2.0], requires_grad=True)
    (h.half() * 2).float().sum().backward()
    assert h.half().dtype == np.float16 and h.grad.tolist() == [2.0, 2.0]
    assert x.contiguous() is x
    assert x.view(6, 4).shape == (6, 4) and x.view(-1).shape == (24,) and x.view((4, 6)).shape == (4, 6)
    assert x[:, :1].expand(-1, 5, -1).shape == (2, 5, 4) and x.expand(3, 2, 3, 4).shape == (3, 2, 3, 4)
    assert x.sum(dtype="float64").dtype == np.float64 and x.sum(1, keepdims=True).shape == (2, 1, 4)
    assert x.unsqueeze(dim=0).shape == (1, 2, 3, 4) and x[:1].squeeze(dim=0).shape == (3, 4)
    assert ag.full((2,), 4).dtype == np.int64 and ag.full((2,), True).dtype == bool
    assert ag.full((2,), 4.0).dtype == np.float32 and ag.full((2,), 4, dtype="float64").dtype == np.float64
    assert ag.full_like(x, 7).dtype == np.float32 and ag.full_like(x, 7).shape == (2, 3, 4)
    np.testing.assert_allclose(ag.linspace(0, 1, 5).numpy(), torch.linspace(0, 1, 5).numpy())
    np.testing.assert_allclose(ag.logspace(0, 2, 3).numpy(), torch.logspace(0, 2, 3).numpy())
    np.testing.assert_allclose(ag.logspace(0, 3, 4, base=2).numpy(), torch.logspace(0, 3, 4, base=2).numpy())
    assert ag.linspace(0, 1, 3).dtype == np.float32


def test_every_added_tensor_method_has_a_docstring():
    from autograd.tensor_methods import TensorMethods

    undocumented = [name for name, m in vars(TensorMethods).items() if callable(m) and not m.__doc__]
    assert not undocumented, undocumented
    assert "y_j = x_0 + ... + x_j" in ag.zeros(2).cumsum.__doc__  # the function's own docstring


# ---------------------------------------------------------------- errors say what to write


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: ag.tensor([1.0, 2.0]) & ag.tensor([1.0, 0.0]), r"compare first: \(x > a\) & \(x < b\)"),
        (lambda: ~ag.tensor([1.0]), r"bool or integer tensors"),
        (lambda: F.gather(ag.zeros(3, 4), 1, np.array([[4]])), r"gather: index values must lie in \[-4, 4\)"),
        (lambda: F.gather(ag.zeros(3, 4), 1, np.array([0, 1])), r"gather: index must have as many dims"),
        (lambda: F.gather(ag.zeros(3, 4), 1, np.array([[0.5]])), r"gather: index must hold integers"),
        (lambda: F.one_hot(ag.tensor([0, 3]), 3), r"one_hot: class indices must lie in \[0, 3\)"),
        (
            lambda: F.scatter(ag.zeros(2, 2), 0, np.array([[0, 1]]), ag.ones(1, 2, dtype="float64")),
            r"scatter: src \(float64, cpu\) must match the input \(float32, cpu\)",
        ),
        (
            lambda: F.scatter_add(ag.zeros(2, 2), 0, np.array([[0, 1]]), ag.ones(1, 2, dtype="float64")),
            r"scatter_add: src \(float64",
        ),
        (lambda: F.one_hot(ag.tensor([0.0, 1.0])), r"one_hot: expects a tensor of class indices \(int64\)"),
        (lambda: ag.zeros(2, 3).repeat(2), r"repeat: give at least one count per dim.*repeat_interleave"),
        (lambda: F.masked_fill(ag.zeros(2), np.array([1, 0]), 1.0), r"masked_fill: mask must be a bool tensor"),
        (lambda: F.split(ag.zeros(4), [1, 2]), r"split: sizes \[1, 2\] add up to 3, but dim 0 has size 4"),
        (
            lambda: F.einsum("ij,jk->ik", ag.zeros(2, 3), ag.zeros(4, 2)),
            r"einsum 'ij,jk->ik': the sizes of a shared letter",
        ),
        (lambda: F.einsum("ij->i", ag.zeros(2, 3), ag.zeros(2)), r"einsum: the equation 'ij->i' names 1 operands"),
        (lambda: F.gelu(ag.zeros(2), approximate="fast"), r"gelu: approximate must be 'none' or 'tanh'"),
        (lambda: ag.zeros(2, 3).max(2), r"max: axis 2 is out of range"),
        (lambda: ag.zeros(2, 3).topk(4), r"topk: k=4 is out of range for dim 1 of size 3"),
        (lambda: F.prod(ag.zeros(2, 3), (0, 1)), r"prod: dim must be one int"),
        (lambda: F.tril(ag.zeros(3)), r"tril: expects at least 2 dims"),
        (lambda: F.mm(ag.zeros(2, 2, 2), ag.zeros(2, 2)), r"mm: expects 2-D tensors.*use matmul"),
        (lambda: ag.zeros(2, 2, 2).t(), r"t\(\): expects at most 2 dims.*transpose\(0, 1\)"),
        (lambda: ag.zeros(2, 3).narrow(1, 2, 2), r"narrow: start 2 and length 2 do not fit dim 1 of size 3"),
    ],
)
def test_errors_name_the_op_and_the_fix(call, message):
    with pytest.raises((TypeError, ValueError, IndexError), match=message):
        call()
