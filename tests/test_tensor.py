"""The Tensor object: attributes, conversions, factories, dtypes and random seeds."""

import numpy as np
import pytest
from op_cases import CASE_IDS, CASES

import autograd as ag


@pytest.fixture
def default_dtype():
    """Restore the default dtype after a test that changes it."""
    before = ag.get_default_dtype()
    yield
    ag.set_default_dtype(before)


def test_attributes(device):
    x = ag.tensor([[1.0, 2.0, 3.0]], requires_grad=True, name="x", device=device)
    assert (
        x.shape == (1, 3) and x.ndim == 2 and x.numel() == 3 and x.size() == (1, 3) and x.size(1) == 3 and len(x) == 1
    )
    assert x.dtype == np.float32 and str(x.dtype) == "float32"
    assert x.device == device and x.backend.name == device
    assert x.name == "x" and x.is_leaf and x.grad_fn is None and x.grad is None and x.requires_grad
    y = x * 2.0
    assert not y.is_leaf and y.grad_fn.name == "mul" and y.grad_fn.inputs[0] is x


def test_repr_shows_values_dtype_device_and_grad_fn():
    x = ag.tensor([1.0, 2.5], requires_grad=True, name="w")
    assert repr(x) == "tensor([1. , 2.5], dtype=float32, device=cpu, requires_grad=True, name='w')"
    assert repr(x * 2.0) == "tensor([2., 5.], dtype=float32, device=cpu, grad_fn=<MulBackward>)"
    assert repr(ag.tensor(3, dtype="float64")) == "tensor(3., dtype=float64, device=cpu)"


def test_dtype_names_and_types():
    assert ag.tensor([1.0]).dtype == np.float32
    assert ag.tensor([1.0], dtype="float64").dtype == np.float64
    assert ag.tensor([1.0], dtype=np.float64).dtype == np.float64
    assert ag.tensor([1, 2]).dtype == np.int64
    assert ag.tensor([True]).dtype == np.bool_
    assert ag.tensor(np.arange(3, dtype=np.float64)).dtype == np.float64  # arrays keep their dtype
    with pytest.raises(TypeError, match="not a dtype"):
        ag.tensor([1.0], dtype="floaty")


def test_set_default_dtype(default_dtype):
    ag.set_default_dtype("float64")
    assert ag.get_default_dtype() == np.float64
    assert ag.tensor([1.0]).dtype == np.float64 and ag.zeros(2).dtype == np.float64 and ag.randn(2).dtype == np.float64
    ag.set_default_dtype(np.float32)
    assert ag.tensor([1.0]).dtype == np.float32
    with pytest.raises(TypeError, match="floating dtype"):
        ag.set_default_dtype("int32")


def test_manual_seed_repeats_random_tensors(device):
    ag.manual_seed(42)
    a, b = ag.rand(3, device=device), ag.randn(2, 2, device=device)
    ag.manual_seed(42)
    c, d = ag.rand(3, device=device), ag.randn(2, 2, device=device)
    np.testing.assert_array_equal(a.numpy(), c.numpy())
    np.testing.assert_array_equal(b.numpy(), d.numpy())
    assert not np.array_equal(ag.rand(3, device=device).numpy(), a.numpy())
    assert ((a.numpy() >= 0) & (a.numpy() < 1)).all()


def test_factories(device):
    assert ag.zeros(2, 3, device=device).tolist() == [[0, 0, 0]] * 2
    assert ag.zeros((2, 3)).shape == (2, 3)
    assert ag.ones(2, dtype="float64").tolist() == [1.0, 1.0] and ag.ones(2, dtype="float64").dtype == np.float64
    assert ag.full((2,), 7.0).tolist() == [7.0, 7.0]
    assert ag.arange(4).tolist() == [0, 1, 2, 3] and ag.arange(4).dtype == np.int64
    assert ag.arange(0.0, 1.0, 0.5).tolist() == [0.0, 0.5] and ag.arange(0.0, 1.0, 0.5).dtype == np.float32
    assert ag.eye(2).tolist() == [[1, 0], [0, 1]] and ag.eye(2, 3).shape == (2, 3)
    assert ag.rand(2, 3).shape == (2, 3) and ag.randn((4,)).dtype == np.float32
    x = ag.randn(2, 3, dtype="float64", device=device)
    assert ag.zeros_like(x).dtype == np.float64 and ag.ones_like(x).shape == (2, 3)
    assert ag.zeros_like(x).device == device
    w = ag.zeros(3, requires_grad=True)
    assert w.requires_grad and w.is_leaf
    with pytest.raises(TypeError, match="floating-point"):
        ag.arange(3, requires_grad=True)


def test_conversions():
    x = ag.tensor([[1.0, 2.0]], requires_grad=True)
    assert isinstance(x.numpy(), np.ndarray) and x.numpy().dtype == np.float32
    assert x.tolist() == [[1.0, 2.0]]
    assert np.asarray(x).tolist() == [[1.0, 2.0]]
    assert np.asarray(x, dtype=np.float64).dtype == np.float64
    assert x.sum().item() == 3.0 and isinstance(x.sum().item(), float)
    assert float(x.sum()) == 3.0 and int(ag.tensor(2)) == 2
    with pytest.raises(ValueError, match=r"one element.*\(1, 2\)"):
        x.item()
    with pytest.raises(ValueError, match="ambiguous"):
        bool(x)


def test_detach_cuts_the_graph():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    d = (x * 2.0).detach()
    assert d.grad_fn is None and not d.requires_grad
    np.testing.assert_array_equal(d.numpy(), [2, 4])
    (x * d).sum().backward()  # d is a constant: dL/dx = d
    np.testing.assert_array_equal(x.grad.numpy(), [2, 4])


def test_to_cpu_returns_a_tensor():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x.to("cpu")
    assert isinstance(y, ag.Tensor) and y.device == "cpu"
    assert isinstance(x.cpu(), ag.Tensor)
    z = x.to(dtype="float64")
    assert z.dtype == np.float64 and x.dtype == np.float32  # a new tensor, x unchanged


def test_astype_is_differentiable_and_grads_keep_the_input_dtype():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x.astype("float64")
    assert y.dtype == np.float64 and y.grad_fn.name == "astype"
    (y * y).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.numpy(), [2, 4])
    assert x.astype("float32") is x
    assert x.double().dtype == np.float64 and x.double().float().dtype == np.float32
    i = x.long()
    assert i.dtype == np.int64 and not i.requires_grad


def test_requires_grad_only_for_floats():
    with pytest.raises(TypeError, match="only floating-point tensors can require gradients"):
        ag.tensor([1, 2], requires_grad=True)


# ---------------------------------------------------------------- float32 stays float32


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_float32_is_preserved_forward_and_backward(case):
    xs = [ag.tensor(a, dtype="float32", requires_grad=True) for a in case.arrays()]
    out = case.fn(*xs)
    assert out.dtype == np.float32, f"{case.id} gives {out.dtype}"
    out.backward(ag.ones(out.shape))
    for x in xs:
        assert x.grad.dtype == np.float32


@pytest.mark.parametrize("scalar", [2, 0.5, True], ids=["int", "float", "bool"])
def test_python_scalars_never_change_the_dtype(scalar):
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    results = [x + scalar, scalar + x, x - scalar, scalar - x, x * scalar, scalar * x, x / 2.0, 2.0 / x]
    results += [x**scalar, 2.0**x, ag.functional.maximum(x, scalar), ag.functional.where(x > 1, x, scalar)]
    for r in results:
        assert r.dtype == np.float32
    sum(results).sum().backward()
    assert x.grad.dtype == np.float32


def test_numpy_scalars_count_as_python_scalars():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    scale = np.float64(0.5)  # e.g. what np.sqrt(0.25) or array.mean() returns
    assert (x * scale).dtype == np.float32 and (scale * x).dtype == np.float32
    assert (x + np.float64(1.0)).dtype == np.float32 and (x ** np.int64(2)).dtype == np.float32


def test_numpy_arrays_on_the_left_give_tensors():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0], dtype=np.float32) * x
    assert isinstance(y, ag.Tensor) and y.dtype == np.float32
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3, 4])


def test_int_tensors_mix_as_pytorch_does():
    i = ag.tensor([1, 2])
    assert (i * 0.5).dtype == np.float32  # PyTorch: int64 tensor * Python float -> the default float dtype
    assert (i + 1).dtype == np.int64


def test_factories_take_a_name_for_pictures():
    assert ag.randn(3, 2, requires_grad=True, name="W").name == "W"
    assert ag.zeros(2, name="b").name == "b"
    assert ag.full((2,), 3.0, name="c").name == "c"
