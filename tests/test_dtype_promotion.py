"""PyTorch's type promotion (autograd/dtypes.py), checked as a table against PyTorch cell by cell.

Without PyTorch the table tests skip; the tests with values written out below
still run (they are PyTorch's answers, checked once by hand).
"""

import itertools

import numpy as np
import pytest

import autograd as ag
import autograd.functional as F
import nn

try:
    import torch
except ImportError:  # the tables below skip; the written-out cases still run
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

DTYPES = ["bool", "uint8", "int8", "int32", "int64", "float16", "float32", "float64"]
NUMBERS = [True, 3, 2.5]


def ours(dtype, zero_d):
    values = [1, 0] if dtype == "bool" else [2, 3]
    return ag.tensor(values[0] if zero_d else values, dtype=dtype)


def theirs(dtype, zero_d):
    values = [1, 0] if dtype == "bool" else [2, 3]
    return torch.tensor(values[0] if zero_d else values, dtype=getattr(torch, dtype))


def torch_dtype_name(t):
    return str(t.dtype).replace("torch.", "")


OPERANDS = [(d, z) for d in DTYPES for z in (False, True)]


@needs_torch
@pytest.mark.filterwarnings("ignore:divide by zero", "ignore:invalid value")
@pytest.mark.parametrize("op", ["add", "mul", "maximum", "div"])
@pytest.mark.parametrize("left", OPERANDS, ids=lambda o: f"{o[0]}{'-0d' if o[1] else ''}")
def test_tensor_with_tensor_matches_torch(op, left):
    torch_op = {"add": torch.add, "mul": torch.mul, "maximum": torch.maximum, "div": torch.div}[op]
    for right in OPERANDS:
        expected = torch_op(theirs(*left), theirs(*right))
        got = getattr(F, op)(ours(*left), ours(*right))
        assert str(got.dtype) == torch_dtype_name(expected), f"{op}({left}, {right})"
        np.testing.assert_allclose(got.numpy().astype(float), expected.double().numpy(), rtol=1e-3)


@needs_torch
@pytest.mark.parametrize("number", NUMBERS, ids=repr)
@pytest.mark.parametrize("left", OPERANDS, ids=lambda o: f"{o[0]}{'-0d' if o[1] else ''}")
def test_tensor_with_python_number_matches_torch(left, number):
    for op in ("add", "mul", "div"):
        for swap in (False, True):
            a, b = (number, ours(*left)) if swap else (ours(*left), number)
            ta, tb = (number, theirs(*left)) if swap else (theirs(*left), number)
            if op == "div":
                got, expected = a / b, ta / tb
            else:
                got = getattr(F, op)(a, b)
                expected = getattr(torch, op)(ta, tb) if not swap else getattr(torch, op)(tb, ta)
            assert str(got.dtype) == torch_dtype_name(expected), f"{op}({a!r}, {b!r})"


@needs_torch
def test_result_type_matches_torch_result_type():
    for left, right in itertools.product(OPERANDS + NUMBERS, repeat=2):
        if not isinstance(left, tuple) and not isinstance(right, tuple):
            continue  # two Python numbers: no tensor involved
        a = ours(*left) if isinstance(left, tuple) else left
        b = ours(*right) if isinstance(right, tuple) else right
        ta = theirs(*left) if isinstance(left, tuple) else left
        tb = theirs(*right) if isinstance(right, tuple) else right
        assert str(ag.result_type(a, b)) == str(torch.result_type(ta, tb)).replace("torch.", "")


@needs_torch
def test_promote_types_matches_torch():
    for a, b in itertools.product(DTYPES, repeat=2):
        ours_ = ag.promote_types(np.dtype(a), np.dtype(b))
        assert str(ours_) == torch_dtype_name(
            torch.empty(0, dtype=torch.promote_types(getattr(torch, a), getattr(torch, b)))
        )


def test_promotion_rules_written_out():
    f32, f64 = ag.tensor([1.0, 2.0]), ag.tensor([1.0, 2.0], dtype="float64")
    i64 = ag.tensor([1, 2])
    assert (f32 + ag.tensor(1.0, dtype="float64")).dtype == np.float32  # 0-d tensors don't outrank
    assert (f32 + f64).dtype == np.float64
    assert (f32 + i64).dtype == np.float32  # NumPy: float64
    assert (i64 + ag.tensor(1.0, dtype="float64")).dtype == np.float64  # higher category from a 0-d
    assert (i64 * 0.5).dtype == np.float32 and (0.5 * i64).dtype == np.float32
    assert (i64 / i64).dtype == np.float32  # NumPy: float64
    assert (ag.tensor([True]) + 1).dtype == np.int64
    assert (ag.tensor([1], dtype="int32") + ag.tensor(5)).dtype == np.int32
    assert (f32 * 0.5).dtype == np.float32 and (f32 * True).dtype == np.float32  # numbers never change floats
    assert F.where(ag.tensor([True, False]), i64, 0.5).dtype == np.float32
    assert (f32 @ ag.tensor([1, 2])).dtype == np.float32


def test_int_tensor_times_float_follows_the_default_dtype():
    try:
        ag.set_default_dtype("float64")
        assert (ag.tensor([1, 2]) * 0.5).dtype == np.float64
    finally:
        ag.set_default_dtype("float32")
    assert (ag.tensor([1, 2]) * 0.5).dtype == np.float32


def test_gradients_keep_each_inputs_dtype_across_promotion():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    s = ag.tensor(3.0, dtype="float64", requires_grad=True)
    y = w * s  # float32: the 0-d float64 tensor is converted
    assert y.dtype == np.float32
    y.sum().backward()
    assert w.grad.dtype == np.float32 and s.grad.dtype == np.float64
    np.testing.assert_allclose(s.grad.item(), 3.0)


# ---------------------------------------------------------------- float ops on integer tensors
FLOAT_OPS = {
    "exp": (F.exp, lambda t: torch.exp(t)),
    "log": (F.log, lambda t: torch.log(t)),
    "sqrt": (F.sqrt, lambda t: torch.sqrt(t)),
    "sin": (F.sin, lambda t: torch.sin(t)),
    "cos": (F.cos, lambda t: torch.cos(t)),
    "tanh": (F.tanh, lambda t: torch.tanh(t)),
    "sigmoid": (F.sigmoid, lambda t: torch.sigmoid(t)),
    "logsumexp": (lambda t: F.logsumexp(t, 0), lambda t: torch.logsumexp(t, 0)),
    "div": (lambda t: t / t, lambda t: t / t),
    "mean": (F.mean, lambda t: torch.mean(t)),
    "var": (lambda t: F.var(t, correction=1), lambda t: torch.var(t)),
    "std": (lambda t: F.std(t, correction=1), lambda t: torch.std(t)),
    "softmax": (lambda t: F.softmax(t, 0), lambda t: torch.softmax(t, 0)),
    "log_softmax": (lambda t: F.log_softmax(t, 0), lambda t: torch.log_softmax(t, 0)),
    "elu": (F.elu, lambda t: torch.nn.functional.elu(t)),
    "softplus": (F.softplus, lambda t: torch.nn.functional.softplus(t)),
    "leaky_relu": (F.leaky_relu, lambda t: torch.nn.functional.leaky_relu(t)),
    "sum": (F.sum, lambda t: torch.sum(t)),
    "relu": (F.relu, lambda t: torch.relu(t)),
}


@needs_torch
@pytest.mark.parametrize("name", list(FLOAT_OPS))
@pytest.mark.parametrize("dtype", ["bool", "uint8", "int32", "int64", "float32", "float64"])
def test_float_ops_on_each_dtype_match_torch(name, dtype):
    if name == "relu" and dtype == "bool":
        pytest.skip("relu of a bool tensor: PyTorch refuses, NumPy's maximum keeps bools (not a float op)")
    mine, torchs = FLOAT_OPS[name]
    values = [1, 0, 1] if dtype == "bool" else [1, 2, 4]
    try:
        expected = torchs(torch.tensor(values, dtype=getattr(torch, dtype)))
    except (RuntimeError, NotImplementedError):
        with pytest.raises(TypeError, match=rf"{name}: needs a floating-point tensor, got {dtype}.*x\.float\(\)"):
            mine(ag.tensor(values, dtype=dtype))
        return
    with np.errstate(divide="ignore", invalid="ignore"):
        got = mine(ag.tensor(values, dtype=dtype))
    assert str(got.dtype) == torch_dtype_name(expected)
    np.testing.assert_allclose(got.numpy().astype(float), expected.double().numpy(), rtol=1e-6)


def test_integer_tensors_through_float_ops_written_out():
    s = F.sigmoid(ag.tensor([1, 2]))
    assert s.dtype == np.float32
    np.testing.assert_allclose(s.numpy(), [0.7310586, 0.8807971], rtol=1e-6)
    assert F.tanh(ag.tensor([1, 2])).dtype == np.float32
    assert F.exp(ag.tensor([True, False])).dtype == np.float32
    with pytest.raises(TypeError, match=r"softplus: needs a floating-point tensor, got int64.*x\.float\(\)"):
        F.softplus(ag.tensor([1, 2]))
    with pytest.raises(TypeError, match=r"elu: needs a floating-point tensor, got int64"):
        F.elu(ag.tensor([-1, 2]))
    with pytest.raises(TypeError, match=r"mean: needs a floating-point tensor, got bool"):
        (ag.tensor([1, 2]) == ag.tensor([1, 3])).mean()
    np.testing.assert_allclose(F.softplus(ag.tensor([1, 2]).float()).numpy(), [1.3132616, 2.126928], rtol=1e-6)


# ---------------------------------------------------------------- layers
def test_linear_refuses_another_dtype_naming_both_and_the_fix():
    layer = nn.Linear(3, 2)
    for dtype in ("float64", "int64"):
        x = ag.tensor(np.ones((4, 3)), dtype=dtype)
        with pytest.raises(TypeError, match=rf"linear: the input is {dtype} but the weight is float32.*x\.float\(\)"):
            layer(x)
    assert layer(ag.tensor(np.ones((4, 3)), dtype="float64").float()).dtype == np.float32
    assert layer.double()(ag.tensor(np.ones((4, 3)), dtype="float64")).dtype == np.float64


def test_conv2d_refuses_another_dtype():
    conv = nn.Conv2d(1, 2, 3)
    with pytest.raises(TypeError, match=r"conv2d: the input is float64 but the weight is float32"):
        conv(ag.tensor(np.ones((1, 1, 5, 5))))  # a float64 NumPy array keeps its dtype
    w = ag.randn(1, 2, 3, 3)
    with pytest.raises(TypeError, match=r"conv_transpose2d: the input is int64 but the weight is float32"):
        F.conv_transpose2d(ag.tensor(np.ones((1, 1, 4, 4), dtype=np.int64)), w)


@needs_torch
def test_linear_dtype_rule_is_pytorchs():
    with pytest.raises(RuntimeError, match="same dtype"):
        torch.nn.Linear(3, 2)(torch.ones(4, 3, dtype=torch.float64))
