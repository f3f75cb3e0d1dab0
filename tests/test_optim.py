"""Optimizers and learning-rate schedules: the same trajectories as torch.optim, state_dict, errors."""

import numpy as np
import pytest

import autograd as ag
import nn
from nn import optim
from nn.optim import lr_scheduler

torch = pytest.importorskip("torch")

_rng = np.random.default_rng(0)
A = _rng.standard_normal((8, 3))
Y = _rng.standard_normal((8, 2))
W0 = _rng.standard_normal((3, 2))
B0 = _rng.standard_normal(2)


def _loss(w, b, A, Y):
    """A small least-squares problem with a quartic term, so the curvature changes along the way."""
    err = A @ w + b - Y
    return (err * err).mean() + 0.05 * (w * w * w * w).sum()


class _Pair:
    """The same two parameters (weights w and bias b) in our engine and in torch."""

    def __init__(self, device="cpu", dtype="float64"):
        # copies: the optimizers update parameters in place, and ag.tensor(array) may share the array's memory
        self.w = ag.tensor(W0.copy(), dtype=dtype, device=device, requires_grad=True)
        self.b = ag.tensor(B0.copy(), dtype=dtype, device=device, requires_grad=True)
        self.tw = torch.tensor(W0, dtype=getattr(torch, dtype), requires_grad=True)
        self.tb = torch.tensor(B0, dtype=getattr(torch, dtype), requires_grad=True)
        self.A, self.Y = ag.tensor(A, dtype=dtype, device=device), ag.tensor(Y, dtype=dtype, device=device)
        self.tA, self.tY = torch.tensor(A, dtype=getattr(torch, dtype)), torch.tensor(Y, dtype=getattr(torch, dtype))

    def ours_step(self, opt):
        opt.zero_grad()
        _loss(self.w, self.b, self.A, self.Y).backward()
        opt.step()

    def torch_step(self, opt):
        opt.zero_grad()
        _loss(self.tw, self.tb, self.tA, self.tY).backward()
        opt.step()

    def assert_same(self, rtol=1e-10, atol=1e-12):
        np.testing.assert_allclose(self.w.numpy(), self.tw.detach().numpy(), rtol=rtol, atol=atol)
        np.testing.assert_allclose(self.b.numpy(), self.tb.detach().numpy(), rtol=rtol, atol=atol)


CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.5}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.1}),
    ("Adam", {}),
    ("Adam", {"lr": 0.05, "betas": (0.8, 0.9), "eps": 1e-6}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05, "amsgrad": True}),
    ("AdamW", {"lr": 0.05}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.5, "amsgrad": True}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5, "weight_decay": 0.1, "eps": 1e-6}),
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.1}),
    ("Adagrad", {"lr": 0.1, "weight_decay": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-5}),
]


def _ids(case):
    return case[0] + "".join(f"-{k}={v}" for k, v in case[1].items())


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_trajectory_matches_torch_over_20_steps(case, device):
    name, kwargs = case
    pair = _Pair(device)
    ours = getattr(optim, name)([pair.w, pair.b], **kwargs)
    theirs = getattr(torch.optim, name)([pair.tw, pair.tb], **kwargs)
    start = pair.w.numpy().copy()
    for _ in range(20):
        pair.ours_step(ours)
        pair.torch_step(theirs)
        pair.assert_same()
    assert np.abs(pair.w.numpy() - start).max() > 1e-3  # it really moved


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop"])
def test_float32_trajectory_stays_float32_and_close_to_torch(name):
    pair = _Pair(dtype="float32")
    ours = getattr(optim, name)([pair.w, pair.b], lr=0.01)
    theirs = getattr(torch.optim, name)([pair.tw, pair.tb], lr=0.01)
    for _ in range(20):
        pair.ours_step(ours)
        pair.torch_step(theirs)
    pair.assert_same(rtol=1e-4, atol=1e-5)
    assert pair.w.dtype == np.float32
    assert all(v.dtype == np.float32 for s in ours.state.values() for v in s.values() if hasattr(v, "dtype"))


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_parameter_groups_with_their_own_learning_rates_match_torch(name):
    pair = _Pair()
    extra = {"momentum": 0.9} if name in ("SGD", "RMSprop") else {}
    ours = getattr(optim, name)([{"params": [pair.w], "lr": 0.03}, {"params": pair.b}], lr=0.2, **extra)
    theirs = getattr(torch.optim, name)([{"params": [pair.tw], "lr": 0.03}, {"params": pair.tb}], lr=0.2, **extra)
    assert [g["lr"] for g in ours.param_groups] == [0.03, 0.2]
    for _ in range(20):
        pair.ours_step(ours)
        pair.torch_step(theirs)
        pair.assert_same()


@pytest.mark.parametrize("case", [c for c in CASES if c[1]], ids=[_ids(c) for c in CASES if c[1]])
def test_state_dict_round_trip_continues_identically(case):
    name, kwargs = case
    pair, copy = _Pair(), _Pair()
    ours = getattr(optim, name)([{"params": [pair.w]}, {"params": [pair.b], "lr": 0.02}], **kwargs)
    theirs = getattr(torch.optim, name)([{"params": [pair.tw]}, {"params": [pair.tb], "lr": 0.02}], **kwargs)
    for _ in range(10):
        pair.ours_step(ours)
        pair.torch_step(theirs)
    saved = ours.state_dict()
    assert sorted(saved) == ["param_groups", "state"] and saved["param_groups"][1]["params"] == [1]
    torch_state = {k: v for k, v in theirs.state_dict()["state"].get(0, {}).items() if v is not None}
    assert sorted(saved["state"].get(0, {})) == sorted(torch_state)  # PyTorch's names
    # a fresh optimizer over parameters holding the same values picks up where the first left off
    copy.w.data[...] = pair.w.data
    copy.b.data[...] = pair.b.data
    resumed = getattr(optim, name)([{"params": [copy.w]}, {"params": [copy.b]}], **{**kwargs, "lr": 0.5})
    resumed.load_state_dict(saved)
    assert resumed.param_groups[1]["lr"] == 0.02
    for _ in range(10):
        pair.ours_step(ours)
        copy.ours_step(resumed)
        pair.torch_step(theirs)
        np.testing.assert_array_equal(copy.w.numpy(), pair.w.numpy())
        np.testing.assert_array_equal(copy.b.numpy(), pair.b.numpy())
    pair.assert_same()
    # the saved dict is a snapshot: training on did not change it
    assert all(
        not np.shares_memory(v, s) for k, v in saved["state"].get(0, {}).items() if hasattr(v, "shape")
        for s in ours.state.get(pair.w, {}).values() if hasattr(s, "shape")
    )  # fmt: skip


def test_load_state_dict_rejects_a_different_layout():
    pair = _Pair()
    saved = optim.Adam([pair.w, pair.b]).state_dict()
    with pytest.raises(ValueError, match="saved group 0 has 2 parameters, this optimizer's has 1"):
        optim.Adam([pair.w]).load_state_dict(saved)
    with pytest.raises(ValueError, match="1 parameter group"):
        optim.Adam([{"params": [pair.w]}, {"params": [pair.b]}]).load_state_dict(saved)


def test_updates_are_in_place_without_a_graph_and_skip_missing_gradients(device):
    w = ag.tensor([1.0, -2.0], device=device, requires_grad=True)
    unused = ag.tensor([3.0], device=device, requires_grad=True)
    opt = optim.Adam([w, unused], lr=0.1)
    array = w.data
    (w * w).sum().backward()
    opt.step()
    assert w.data is array and w.is_leaf and w.grad_fn is None and w.requires_grad
    assert unused.grad is None and unused.tolist() == [3.0] and unused not in opt.state
    assert all(type(v) is type(w.data) for v in opt.state[w].values() if hasattr(v, "shape"))  # on w's device


def test_zero_grad():
    w = ag.tensor([1.0, -2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    (w * w).sum().backward()
    opt.zero_grad(set_to_none=False)
    assert w.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert w.grad is None


@pytest.mark.parametrize(
    "name, settings", [("SGD", {}), ("SGD", {"momentum": 0.9}), ("Adam", {}), ("AdamW", {"amsgrad": True})]
)
def test_a_step_takes_no_fresh_memory_the_size_of_the_weights(name, settings):
    # a new weights-sized array every step makes the allocator return pages to the OS and fault them in again
    import tracemalloc

    w = ag.zeros(256, 784, requires_grad=True)
    w.grad = ag.ones(256, 784)
    opt = getattr(optim, name)([w], lr=0.1, **settings)
    opt.step()  # the first step makes the work array (and the optimizer's state)
    opt.step()
    tracemalloc.start()
    opt.step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < w.data.nbytes / 10, f"one step allocated {peak} bytes"
    if name == "SGD":  # three steps of -lr * g, or with momentum buffers 1, 1.9, 2.71
        expected = -0.3 if not settings else -0.1 * (1 + 1.9 + 2.71)
        np.testing.assert_allclose(w.data[0, :3], expected, rtol=1e-6)
    assert "work" not in str(opt.state_dict())  # the work array is not state worth saving


def test_plain_sgd_is_the_lectures_update_rule():
    # the worked example G1: E = (x w - y)^2, w starts at 0.5, lr 0.1, samples (2, 4), (1, 2), (3, 6)
    w = ag.tensor(0.5, dtype="float64", requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    path = []
    for x, y in [(2.0, 4.0), (1.0, 2.0), (3.0, 6.0)]:
        opt.zero_grad()
        ((x * w - y) ** 2).backward()
        opt.step()
        path.append(w.item())
    np.testing.assert_allclose(path, [1.7, 1.76, 2.192])


# --------------------------------------------------------------------------- schedulers
SCHEDULES = [
    ("StepLR", {"step_size": 3, "gamma": 0.5}),
    ("ExponentialLR", {"gamma": 0.9}),
    ("CosineAnnealingLR", {"T_max": 10}),
    ("CosineAnnealingLR", {"T_max": 7, "eta_min": 0.01}),
]


@pytest.mark.parametrize("case", SCHEDULES, ids=[_ids(c) for c in SCHEDULES])
def test_scheduler_learning_rates_match_torch(case):
    name, kwargs = case
    pair = _Pair()
    ours_opt = optim.SGD([{"params": [pair.w]}, {"params": [pair.b], "lr": 0.3}], lr=0.1)
    torch_opt = torch.optim.SGD([{"params": [pair.tw]}, {"params": [pair.tb], "lr": 0.3}], lr=0.1)
    ours = getattr(lr_scheduler, name)(ours_opt, **kwargs)
    theirs = getattr(torch.optim.lr_scheduler, name)(torch_opt, **kwargs)
    ours_lrs, torch_lrs = [ours.get_last_lr()], [theirs.get_last_lr()]
    for epoch in range(25):  # past T_max, where the cosine climbs again
        pair.ours_step(ours_opt)
        pair.torch_step(torch_opt)
        ours.step()
        theirs.step()
        ours_lrs.append(ours.get_last_lr())
        torch_lrs.append(theirs.get_last_lr())
        if epoch == 11:
            saved = ours.state_dict()
    np.testing.assert_allclose(ours_lrs, torch_lrs, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose([g["lr"] for g in ours_opt.param_groups], ours_lrs[-1])
    pair.assert_same()
    # resuming from a saved schedule continues the same sequence
    fresh = _Pair()
    resumed = getattr(lr_scheduler, name)(
        optim.SGD([{"params": [fresh.w]}, {"params": [fresh.b], "lr": 0.3}], lr=0.1), **kwargs
    )
    resumed.load_state_dict(saved)
    assert resumed.last_epoch == 12
    for _ in range(13):
        resumed.step()
    np.testing.assert_allclose(resumed.get_last_lr(), ours_lrs[-1], rtol=1e-12)


# --------------------------------------------------------------------------- names and errors
def test_keras_names_and_default_learning_rates():
    w = ag.tensor([1.0], requires_grad=True)
    expected = {"sgd": (optim.SGD, 0.01), "adam": (optim.Adam, 0.001), "adamw": (optim.AdamW, 0.001),
                "rmsprop": (optim.RMSprop, 0.001), "adagrad": (optim.Adagrad, 0.001)}  # fmt: skip
    for name, (cls, lr) in expected.items():
        opt = optim.get(name, [w])
        assert type(opt) is cls and opt.param_groups[0]["lr"] == lr
    assert optim.get("Adam", [w], lr=0.1).param_groups[0]["lr"] == 0.1
    opt = optim.SGD([w], lr=0.5)
    assert optim.get(opt, None) is opt
    assert type(optim.get(optim.RMSprop, [w], lr=0.2)) is optim.RMSprop
    with pytest.raises(ValueError, match="unknown optimizer 'adamm'"):
        optim.get("adamm", [w])


def test_bad_arguments_are_clear_errors():
    w = ag.tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match=r"wrap it in a list: \[w\]"):
        optim.SGD(w, lr=0.1)
    with pytest.raises(ValueError, match="learning rate must be >= 0"):
        optim.Adam([w], lr=-1.0)
    with pytest.raises(ValueError, match="more than one place"):
        optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1)
    with pytest.raises(ValueError, match="nesterov momentum needs momentum > 0"):
        optim.SGD([w], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="betas must lie in"):
        optim.Adam([w], betas=(0.9, 1.0))
    with pytest.raises(TypeError, match=r"unknown setting\(s\) \['momentun'\]"):
        optim.SGD([{"params": [w], "momentun": 0.9}], lr=0.1)
    with pytest.raises(TypeError, match="can only optimise Tensors"):
        optim.SGD([np.zeros(3)], lr=0.1)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([w * 2], lr=0.1)
    with pytest.raises(ValueError, match="step_size must be a positive whole number"):
        lr_scheduler.StepLR(optim.SGD([w], lr=0.1), step_size=0)


def test_works_with_module_parameters():
    model = nn.Linear(3, 2) if hasattr(nn, "Linear") else pytest.skip("nn.Linear not available yet")
    opt = optim.SGD(model.parameters(), lr=0.1)
    x = ag.tensor(A, dtype="float32")  # the layer's dtype: a float64 input would be refused, as in PyTorch
    before = [p.numpy().copy() for p in model.parameters()]
    nn.MSELoss()(model(x), ag.tensor(Y)).backward()
    opt.step()
    assert all(np.abs(p.numpy() - b).max() > 0 for p, b in zip(model.parameters(), before))
