"""Layers: parity with torch.nn (forward and gradients), float64 gradient checks, clear errors."""

from collections import OrderedDict

import numpy as np
import pytest

import autograd as ag
import nn


def _rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def _copy_params(ours, theirs, torch):
    """Give the torch layer our parameter values (same names, same layouts)."""
    with torch.no_grad():
        for name, p in ours.named_parameters():
            getattr(theirs, name).copy_(torch.from_numpy(p.numpy()))


def _compare(ours, theirs, x, torch, rtol=1e-5, atol=1e-5):
    """Forward and backward (random upstream gradient) of both; outputs and every gradient agree."""
    _copy_params(ours, theirs, torch)
    xt = torch.tensor(x, requires_grad=True)
    xa = ag.tensor(x, requires_grad=True)
    out_t, out_a = theirs(xt), ours(xa)
    np.testing.assert_allclose(out_a.numpy(), out_t.detach().numpy(), rtol=rtol, atol=atol)
    g = _rand(*out_t.shape, seed=7)
    out_t.backward(torch.from_numpy(g))
    out_a.backward(ag.tensor(g))
    np.testing.assert_allclose(xa.grad.numpy(), xt.grad.numpy(), rtol=rtol, atol=atol)
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), getattr(theirs, name).grad.numpy(), rtol=rtol, atol=atol,
                                   err_msg=name)  # fmt: skip


def _gradcheck_layer(layer, x, gradgrad=False):
    """Float64 central-difference check of d(layer(x)) w.r.t. x and every parameter."""
    layer.double()
    x = ag.tensor(x.astype(np.float64), requires_grad=True)
    params = list(layer.parameters())
    assert ag.gradcheck(lambda inp, *ps: layer(inp), [x, *params])
    if gradgrad:
        assert ag.gradgradcheck(lambda inp, *ps: layer(inp), [x, *params])


# ------------------------------------------------------------------ Linear, Flatten, Identity
def test_linear_matches_torch():
    torch = pytest.importorskip("torch")
    _compare(nn.Linear(5, 3), torch.nn.Linear(5, 3), _rand(4, 5), torch)
    _compare(nn.Linear(5, 3, bias=False), torch.nn.Linear(5, 3, bias=False), _rand(2, 6, 5), torch)


def test_linear_default_init_bounds_and_layout():
    layer = nn.Linear(400, 30)
    assert layer.weight.shape == (30, 400) and layer.bias.shape == (30,)
    bound = 1 / np.sqrt(400)
    for p in (layer.weight, layer.bias):
        assert np.abs(p.numpy()).max() <= bound
    assert np.abs(layer.weight.numpy()).max() > 0.95 * bound
    assert layer.weight.requires_grad and isinstance(layer.weight, nn.Parameter)


def test_linear_gradcheck():
    _gradcheck_layer(nn.Linear(3, 2), _rand(4, 3), gradgrad=True)


def test_linear_wrong_input_size_names_the_layer():
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(5, 2))
    with pytest.raises(ValueError) as err:
        model(ag.randn(3, 4))
    msg = str(err.value)
    assert "Linear '2'" in msg and "in_features=5" in msg and "(3, 8)" in msg


def test_flatten_and_identity():
    x = ag.randn(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 1)(x).shape == (6, 4, 5)
    assert nn.Identity(54, unused=1)(x) is x


# ------------------------------------------------------------------ Conv2d and pooling
@pytest.mark.parametrize(
    "stride, padding, dilation, bias", [(1, 0, 1, True), (2, 1, 1, True), (1, 2, 2, False), ((2, 1), (0, 1), 1, True)]
)
def test_conv2d_matches_torch(stride, padding, dilation, bias):
    torch = pytest.importorskip("torch")
    ours = nn.Conv2d(3, 4, 3, stride=stride, padding=padding, dilation=dilation, bias=bias)
    theirs = torch.nn.Conv2d(3, 4, 3, stride=stride, padding=padding, dilation=dilation, bias=bias)
    _compare(ours, theirs, _rand(2, 3, 9, 8), torch, rtol=1e-4, atol=1e-4)


def test_conv2d_init_and_shapes():
    conv = nn.Conv2d(3, 8, (3, 5))
    assert conv.weight.shape == (8, 3, 3, 5)
    assert np.abs(conv.weight.numpy()).max() <= 1 / np.sqrt(3 * 15)
    assert conv(ag.zeros(1, 3, 10, 10)).shape == (1, 8, 8, 6)


def test_conv2d_gradcheck():
    _gradcheck_layer(nn.Conv2d(2, 2, 3, stride=2, padding=1, dilation=1), _rand(1, 2, 5, 5))


def test_conv2d_wrong_channels_names_the_layer():
    model = nn.Sequential(nn.Conv2d(3, 4, 3))
    with pytest.raises(ValueError, match=r"Conv2d '0'.*in_channels=3.*\(2, 1, 8, 8\)"):
        model(ag.zeros(2, 1, 8, 8))
    with pytest.raises(ValueError, match="unsqueeze"):
        model(ag.zeros(3, 8, 8))


@pytest.mark.parametrize("kernel, stride, padding, ceil_mode", [(2, None, 0, False), (3, 2, 1, True), (2, 2, 0, True)])
def test_pools_match_torch(kernel, stride, padding, ceil_mode):
    torch = pytest.importorskip("torch")
    x = _rand(2, 3, 7, 8)  # ceil_mode changes the output width in every case below
    _compare(nn.MaxPool2d(kernel, stride, padding, ceil_mode=ceil_mode), torch.nn.MaxPool2d(kernel, stride, padding,
             ceil_mode=ceil_mode), x, torch)  # fmt: skip
    _compare(nn.AvgPool2d(kernel, stride, padding, ceil_mode), torch.nn.AvgPool2d(kernel, stride, padding,
             ceil_mode=ceil_mode), x, torch)  # fmt: skip
    assert list(nn.MaxPool2d(kernel).parameters()) == []


def test_pool_gradcheck():
    x = np.random.default_rng(0).permutation(50).reshape(1, 2, 5, 5).astype(np.float64)  # no ties in a window
    _gradcheck_layer(nn.MaxPool2d(2, ceil_mode=True), x)
    _gradcheck_layer(nn.AvgPool2d(3, 2, padding=1), x)


# ------------------------------------------------------------------ BatchNorm
@pytest.mark.parametrize("shape", [(6, 3), (5, 3, 4)])
def test_batchnorm1d_matches_torch_in_train_and_eval(shape):
    torch = pytest.importorskip("torch")
    _check_batchnorm(nn.BatchNorm1d(3, momentum=0.3), torch.nn.BatchNorm1d(3, momentum=0.3), shape, torch)


def test_batchnorm2d_matches_torch_in_train_and_eval():
    torch = pytest.importorskip("torch")
    _check_batchnorm(nn.BatchNorm2d(3), torch.nn.BatchNorm2d(3), (4, 3, 5, 5), torch)


def _check_batchnorm(ours, theirs, shape, torch):
    with torch.no_grad():
        theirs.weight.copy_(torch.linspace(0.5, 2, 3))
        theirs.bias.copy_(torch.linspace(-1, 1, 3))
    ours.load_state_dict(theirs.state_dict())
    for step in range(3):  # training: batch statistics, running statistics updated each step
        x = _rand(*shape, seed=step) * 2 + 1
        _compare(ours, theirs, x, torch, rtol=1e-4, atol=1e-4)
        ours.zero_grad(), theirs.zero_grad()
        np.testing.assert_allclose(ours.running_mean.numpy(), theirs.running_mean.numpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(ours.running_var.numpy(), theirs.running_var.numpy(), rtol=1e-5, atol=1e-6)
    assert int(ours.num_batches_tracked.item()) == 3
    ours.eval(), theirs.eval()
    before = ours.running_mean.numpy().copy()
    _compare(ours, theirs, _rand(*shape, seed=9), torch, rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(ours.running_mean.numpy(), before)  # eval does not update


def test_batchnorm_is_the_four_lecture_formulas():
    x = _rand(8, 3, seed=2) * 3 + 2
    bn = nn.BatchNorm1d(3)
    nn.init.uniform_(bn.weight, 0.5, 1.5)
    nn.init.uniform_(bn.bias, -1, 1)
    mu = x.mean(axis=0)  # mini-batch mean
    var = ((x - mu) ** 2).mean(axis=0)  # mini-batch variance (population)
    x_hat = (x - mu) / np.sqrt(var + bn.eps)  # normalize
    y = bn.weight.numpy() * x_hat + bn.bias.numpy()  # scale and shift
    np.testing.assert_allclose(bn(ag.tensor(x)).numpy(), y, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(bn.running_var.numpy(), 0.9 + 0.1 * var * 8 / 7, rtol=1e-5)  # unbiased


def test_batchnorm_gradcheck_train_and_eval():
    bn = nn.BatchNorm2d(2)
    nn.init.uniform_(bn.weight, 0.5, 1.5)
    _gradcheck_layer(bn, _rand(3, 2, 2, 2), gradgrad=True)
    bn.eval()
    bn.running_var.data[...] = 2.0
    _gradcheck_layer(bn, _rand(3, 2, 2, 2))


def test_batchnorm_without_affine_or_tracking():
    torch = pytest.importorskip("torch")
    ours, theirs = (
        nn.BatchNorm1d(3, affine=False, track_running_stats=False),
        torch.nn.BatchNorm1d(3, affine=False, track_running_stats=False),
    )
    assert list(ours.parameters()) == [] and list(ours.buffers()) == []
    ours.eval(), theirs.eval()  # without running statistics eval still uses the batch's
    _compare(ours, theirs, _rand(5, 3), torch)


def test_batchnorm_errors():
    with pytest.raises(ValueError, match=r"BatchNorm1d.*num_features = 4.*\(2, 3\)"):
        nn.BatchNorm1d(4)(ag.randn(2, 3))
    with pytest.raises(ValueError, match="more than one value per channel"):
        nn.BatchNorm1d(3)(ag.randn(1, 3))
    nn.BatchNorm1d(3).eval()(ag.randn(1, 3))  # fine in evaluation


# ------------------------------------------------------------------ Dropout
def test_dropout_train_and_eval():
    drop = nn.Dropout(0.25)
    x = ag.ones(200, 50)
    y = drop(x).numpy()
    kept = y != 0
    assert 0.7 < kept.mean() < 0.8
    np.testing.assert_allclose(y[kept], 1 / 0.75, rtol=1e-6)
    drop.eval()
    np.testing.assert_array_equal(drop(x).numpy(), x.numpy())
    with pytest.raises(ValueError, match="Dropout"):
        nn.Dropout(1.5)


# ------------------------------------------------------------------ activations
ACTIVATIONS = [
    ("ReLU", {}), ("LeakyReLU", {"negative_slope": 0.2}), ("Sigmoid", {}), ("Tanh", {}), ("ELU", {"alpha": 0.7}),
    ("Softplus", {"beta": 2.0}), ("Softmax", {"dim": 1}), ("LogSoftmax", {"dim": 1}), ("PReLU", {}),
    ("PReLU", {"num_parameters": 4, "init": 0.1}),
]  # fmt: skip


@pytest.mark.parametrize("name, kwargs", ACTIVATIONS)
def test_activations_match_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    x = _rand(3, 4, 2) * 3
    x[np.abs(x) < 1e-3] = 0.5  # away from the kink of ReLU-like functions
    _compare(ours, theirs, x, torch)


@pytest.mark.parametrize("name, kwargs", ACTIVATIONS)
def test_activations_gradcheck(name, kwargs):
    x = _rand(3, 4, seed=3)
    x[np.abs(x) < 1e-2] = 0.5
    _gradcheck_layer(getattr(nn, name)(**kwargs), x)


def test_prelu_slope_is_learned():
    act = nn.PReLU()
    assert [n for n, _ in act.named_parameters()] == ["weight"] and act.weight.item() == 0.25
    x = ag.tensor([[-2.0, 3.0]])
    act(x).sum().backward()
    assert act.weight.grad.item() == -2.0  # dy/da = min(0, x)


def test_layers_run_on_device(device):
    model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.BatchNorm2d(2), nn.PReLU(), nn.MaxPool2d(2),
                          nn.Dropout(0.1), nn.Flatten(), nn.Linear(2 * 2 * 2, 3), nn.LogSoftmax(dim=1)).to(device)  # fmt: skip
    out = model(ag.randn(4, 1, 4, 4, device=device))
    assert out.device == device and out.shape == (4, 3)
    out.sum().backward()
    assert all(p.grad is not None and p.grad.device == device for p in model.parameters())


def test_plain_arrays_are_accepted_in_the_default_dtype():
    layer = nn.Linear(2, 3)
    out = layer(np.ones((4, 2)))  # NumPy's float64 becomes float32, as in the data loaders
    assert out.dtype == np.float32 and out.shape == (4, 3)
    assert nn.Sequential(OrderedDict(fc=nn.Linear(2, 1)))([[1.0, 2.0]]).shape == (1, 1)
