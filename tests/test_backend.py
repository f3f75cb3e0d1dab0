"""The backend: one object per device, clear errors for a missing GPU and for mixed devices."""

import numpy as np
import pytest

import autograd as ag
import autograd.functional as F
from autograd import backend as backend_mod


class _FakeGPU(backend_mod.NumpyBackend):
    """A second device that stores NumPy arrays: enough to test device checks without a GPU."""

    name = "cuda"


def _on(backend, values):
    return ag.Tensor._make(np.asarray(values, dtype=np.float32), backend, True, None)


def test_cpu_backend_api():
    b = ag.get_backend("cpu")
    assert b is ag.get_backend() is ag.get_backend(None) is backend_mod.cpu
    assert ag.get_backend(b) is b and ag.get_backend("cpu").name == "cpu" and b.xp is np
    target = np.zeros(3)
    b.scatter_add(target, np.array([0, 0, 2]), np.array([1.0, 2.0, 5.0]))
    np.testing.assert_array_equal(target, [3, 0, 5])
    windows = b.sliding_windows(np.arange(5.0), 3, axis=0)
    np.testing.assert_array_equal(windows, [[0, 1, 2], [1, 2, 3], [2, 3, 4]])
    b.synchronize()
    before = b.device_to_host_copies
    assert isinstance(b.to_numpy(np.ones(2)), np.ndarray) and b.device_to_host_copies == before + 1
    assert repr(b) == "Backend('cpu')"


def test_random_generator_per_device_follows_manual_seed():
    b = ag.get_backend("cpu")
    ag.manual_seed(11)
    first = b.random().standard_normal(3)
    ag.manual_seed(11)
    np.testing.assert_array_equal(b.random().standard_normal(3), first)


@pytest.mark.skipif(ag.cuda.is_available(), reason="checks the message shown where no GPU is usable")
def test_asking_for_cuda_without_a_gpu_says_so():
    assert ag.cuda.is_available() is False
    for make in (lambda: ag.zeros(2, device="cuda"), lambda: ag.tensor([1.0]).to("cuda"),
                 lambda: ag.tensor([1.0]).cuda(), lambda: ag.tensor([1.0], device="cuda:0")):  # fmt: skip
        with pytest.raises(RuntimeError, match=r"device 'cuda' was asked for, but no GPU is usable.*device='cpu'"):
            make()
    ag.cuda.synchronize()  # a no-op without a GPU, not an error


def test_unknown_device():
    with pytest.raises(ValueError, match="unknown device 'gpu'"):
        ag.zeros(2, device="gpu")


@pytest.mark.parametrize(
    "op",
    [
        lambda a, b: a + b,
        lambda a, b: a * b,
        lambda a, b: a @ b,
        lambda a, b: F.maximum(a, b),
        lambda a, b: F.stack([a, b]),
        lambda a, b: F.where(a > 0, a, b),
    ],
    ids=["add", "mul", "matmul", "maximum", "stack", "where"],
)
def test_mixing_devices_names_both(op):
    gpu = _FakeGPU()
    a, b = _on(backend_mod.cpu, [1.0, 2.0]), _on(gpu, [3.0, 4.0])
    with pytest.raises(
        RuntimeError, match=r"inputs are on different devices \(cpu \(2,\), cuda \(2,\)\).*to\('cuda'\)"
    ):
        op(a, b)


def test_ops_run_on_the_inputs_backend_and_grads_come_back_there():
    gpu = _FakeGPU()
    x = _on(gpu, [1.0, 2.0])
    y = (x * x).sum()
    assert y.device == "cuda" and y.backend is gpu
    y.backward()
    assert x.grad.backend is gpu
    np.testing.assert_array_equal(x.grad.numpy(), [2, 4])


def test_to_device_is_differentiable_and_returns_a_new_tensor():
    gpu = _FakeGPU()
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x.to(gpu)
    assert y is not x and y.backend is gpu and x.device == "cpu"
    assert y.grad_fn.name == "to_device" and y.grad_fn.describe() == {"to": "cuda"}
    (y * 3.0).sum().backward()
    assert x.grad.device == "cpu"
    np.testing.assert_array_equal(x.grad.numpy(), [3, 3])
    assert x.to("cpu") is x


def test_tensor_on_the_device_fixture(device):
    x = ag.tensor([[1.0, -2.0]], device=device, requires_grad=True)
    y = F.relu(x).sum() + (x @ x.T).sum()
    y.backward()
    assert x.grad.device == device
    np.testing.assert_allclose(x.grad.numpy(), [[1 + 2, 0 - 4]])
