"""The ``cuda`` device, simulated: everything issue 6 promises that a CPU can check.

``fake_cuda`` (conftest.py) installs ``tests/fake_cupy.py`` as ``cupy``/``cupyx``: NumPy-backed
device arrays of their own type that refuse to mix with host arrays and count
every copy to the host. Each test runs the engine on ``"cuda"`` and compares
with ``"cpu"``. What still needs a real GPU is listed in ``fake_cupy``'s docstring.
"""

from contextlib import contextmanager

import fake_cupy
import numpy as np
import pytest
from op_cases import CASE_IDS, CASES

import autograd as ag
import autograd.functional as F
import nn
from autograd import backend as backend_mod


def _pair(arrays, requires_grad=True):
    """The same float64 inputs on cpu and on cuda."""
    cpu = [ag.tensor(a, requires_grad=requires_grad) for a in arrays]
    gpu = [ag.tensor(a, device="cuda", requires_grad=requires_grad) for a in arrays]
    return cpu, gpu


def _host(t):
    return t.numpy() if t.device == "cpu" else t.backend.to_numpy(t.data)


def _copies(counters, backend):
    """Every device-to-host copy so far: through the backend, or behind its back."""
    return backend.device_to_host_copies + counters.device_to_host


@contextmanager
def no_host_copy(counters, sync_allowed=False):
    """Fail if the block copies anything from the (simulated) GPU, syncs on a data-dependent size, or calls NumPy.

    ``sync_allowed``: the op's output size depends on the data (a boolean mask), so
    the GPU must report it, in PyTorch too.
    """
    cuda = ag.get_backend("cuda")
    before, through_backend = _copies(counters, cuda), cuda.device_to_host_copies
    yield
    assert _copies(counters, cuda) == before, (
        f"copied from the device to the host: {cuda.device_to_host_copies - through_backend} time(s) through "
        f"backend.to_numpy, and implicitly at {counters.implicit_sites}"
    )
    assert sync_allowed or counters.host_syncs == [], "waited for the GPU to learn an output size"
    assert counters.numpy_calls == [], "called NumPy on device arrays instead of backend.xp"


# ---------------------------------------------------------------- every op, forward and backward
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_op_on_cuda_matches_cpu(fake_cuda, case):
    arrays = case.arrays(seed=3)
    cpu, gpu = _pair(arrays)
    out_cpu = case.fn(*cpu)
    upstream = np.random.default_rng(1).standard_normal(out_cpu.shape)
    out_cpu.backward(ag.tensor(upstream))
    upstream = ag.tensor(upstream, device="cuda")
    with no_host_copy(fake_cuda, sync_allowed="bool" in case.id):
        out_gpu = case.fn(*gpu)
        out_gpu.backward(upstream)
    assert out_gpu.device == "cuda" and type(out_gpu.data).__module__ == "cupy"
    np.testing.assert_allclose(_host(out_gpu), out_cpu.numpy(), rtol=1e-12, atol=1e-12)
    for t_cpu, t_gpu in zip(cpu, gpu):
        assert t_gpu.grad.device == "cuda"
        np.testing.assert_allclose(_host(t_gpu.grad), t_cpu.grad.numpy(), rtol=1e-12, atol=1e-12)


IMAGE_CASES = [
    (
        "conv2d",
        lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, dilation=(1, 2)),
        ((2, 3, 7, 6), (4, 3, 3, 2), (4,)),
    ),
    ("conv2d_plain", lambda x, w: F.conv2d(x, w), ((1, 2, 5, 5), (3, 2, 3, 3))),
    ("max_pool2d", lambda x: F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True), ((2, 2, 7, 6),)),
    ("avg_pool2d", lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False), ((2, 2, 7, 6),)),
    ("avg_pool2d_ceil", lambda x: F.avg_pool2d(x, (2, 3), ceil_mode=True), ((1, 3, 5, 7),)),
]


@pytest.mark.parametrize("fn, shapes", [c[1:] for c in IMAGE_CASES], ids=[c[0] for c in IMAGE_CASES])
def test_conv_and_pool_on_cuda_match_cpu(fake_cuda, fn, shapes):
    rng = np.random.default_rng(5)
    # distinct values, so both devices pick the same maximum in every pooling window
    arrays = [rng.permutation(int(np.prod(s))).reshape(s) * 0.01 - 0.3 for s in shapes]
    cpu, gpu = _pair(arrays)
    out_cpu = fn(*cpu)
    upstream = rng.standard_normal(out_cpu.shape)
    out_cpu.backward(ag.tensor(upstream))
    upstream = ag.tensor(upstream, device="cuda")
    with no_host_copy(fake_cuda):
        out_gpu = fn(*gpu)
        out_gpu.backward(upstream)
    np.testing.assert_allclose(_host(out_gpu), out_cpu.numpy(), rtol=1e-12, atol=1e-12)
    for t_cpu, t_gpu in zip(cpu, gpu):
        np.testing.assert_allclose(_host(t_gpu.grad), t_cpu.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_dropout_on_cuda_uses_the_cuda_generator(fake_cuda):
    x = ag.ones(200, 50, device="cuda", requires_grad=True)
    y = F.dropout(x, p=0.25, training=True)
    assert y.device == "cuda"
    kept = _host(y) != 0
    np.testing.assert_allclose(_host(y)[kept], 1 / 0.75, rtol=1e-6)  # survivors scaled by 1 / (1 - p)
    assert 0.7 < kept.mean() < 0.8
    upstream = np.random.default_rng(2).standard_normal(y.shape).astype(np.float32)
    y.backward(ag.tensor(upstream, device="cuda"))
    np.testing.assert_allclose(_host(x.grad), np.where(kept, upstream / 0.75, 0.0), rtol=1e-6)


# ---------------------------------------------------------------- a whole training step
def _data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 1, 8, 8)).astype(np.float32), rng.integers(0, 3, n)


def _model(arch):
    if arch == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 3))
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 4 * 4, 3)
    )


OPTIMIZERS = {
    "sgd_momentum": lambda p: nn.optim.SGD(p, lr=0.1, momentum=0.9),
    "adam": lambda p: nn.optim.Adam(p, lr=1e-2),
}


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
@pytest.mark.parametrize("arch", ["mlp", "cnn"])
def test_training_on_cuda_makes_no_host_copy_and_matches_cpu(fake_cuda, arch, optimizer):
    x, y = _data()
    models = {"cpu": _model(arch), "cuda": _model(arch)}
    models["cuda"].load_state_dict(models["cpu"].state_dict())
    models["cuda"].to("cuda")
    losses, opts = {}, {}
    cuda = ag.get_backend("cuda")
    for device, model in models.items():
        opt = opts[device] = OPTIMIZERS[optimizer](model.parameters())
        loss_fn = nn.CrossEntropyLoss()
        loader = nn.data.DataLoader(nn.data.TensorDataset(x, y), batch_size=16, shuffle=True, seed=1, device=device)
        losses[device] = []
        with no_host_copy(fake_cuda):  # batches, forward, loss, backward, update: all on the device
            for xb, yb in loader:
                assert xb.device == device and yb.device == device
                opt.zero_grad()
                loss = loss_fn(model(xb), yb)
                loss.backward()
                opt.step()
                losses[device].append(loss)
        before = cuda.device_to_host_copies
        losses[device] = [loss.item() for loss in losses[device]]  # reading the loss: one copy each
        assert cuda.device_to_host_copies == before + (len(losses[device]) if device == "cuda" else 0)
    np.testing.assert_allclose(losses["cuda"], losses["cpu"], rtol=1e-6)
    for p_cpu, p_gpu in zip(models["cpu"].parameters(), models["cuda"].parameters()):
        assert p_gpu.device == "cuda" and type(p_gpu.data).__module__ == "cupy"
        np.testing.assert_allclose(_host(p_gpu), p_cpu.numpy(), rtol=1e-5, atol=1e-6)
    # the optimizer's state (momentum buffers, running averages) lives beside the parameters
    state = [v for values in opts["cuda"].state.values() for v in values.values() if hasattr(v, "shape")]
    assert state and all(type(v).__module__ == "cupy" for v in state)


# ---------------------------------------------------------------- every layer, loss and optimizer
LAYERS = {
    "linear": (lambda: nn.Linear(5, 3), (4, 5)),
    "conv2d": (lambda: nn.Conv2d(2, 3, 3, stride=2, padding=1), (2, 2, 6, 6)),
    "maxpool": (lambda: nn.MaxPool2d(2), (2, 2, 6, 6)),
    "avgpool": (lambda: nn.AvgPool2d(3, stride=1, padding=1), (2, 2, 5, 5)),
    "batchnorm1d": (lambda: nn.BatchNorm1d(5), (6, 5)),
    "batchnorm2d_cumulative": (lambda: nn.BatchNorm2d(3, momentum=None), (4, 3, 2, 2)),
    "prelu": (lambda: nn.PReLU(3), (4, 3)),
    "activations": (
        lambda: nn.Sequential(nn.LeakyReLU(0.1), nn.ELU(), nn.Tanh(), nn.Sigmoid(), nn.Softplus(), nn.LogSoftmax(1)),
        (4, 3),
    ),
    "softmax_dropout_eval": (lambda: nn.Sequential(nn.Dropout(0.5), nn.Softmax(dim=1)).eval(), (4, 3)),
}


@pytest.mark.parametrize("make, shape", LAYERS.values(), ids=LAYERS.keys())
def test_layer_on_cuda_matches_cpu(fake_cuda, make, shape):
    cpu_layer, gpu_layer = make(), make()
    gpu_layer.load_state_dict(cpu_layer.state_dict())
    gpu_layer.to("cuda")
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    (x_cpu,), (x_gpu,) = _pair([x])
    for _ in range(2):  # twice: batch norm's running statistics are updated and used again
        out_cpu = cpu_layer(x_cpu)
        upstream = np.random.default_rng(1).standard_normal(out_cpu.shape).astype(np.float32)
        (out_cpu * ag.tensor(upstream)).sum().backward()
        upstream = ag.tensor(upstream, device="cuda")
        with no_host_copy(fake_cuda):
            out_gpu = gpu_layer(x_gpu)
            (out_gpu * upstream).sum().backward()
    np.testing.assert_allclose(_host(out_gpu), out_cpu.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_host(x_gpu.grad), x_cpu.grad.numpy(), rtol=1e-5, atol=1e-6)
    for (name, t_cpu), (_, t_gpu) in zip(cpu_layer.state_dict().items(), gpu_layer.state_dict().items()):
        assert t_gpu.device == "cuda", name
        np.testing.assert_allclose(_host(t_gpu), t_cpu.numpy(), rtol=1e-5, atol=1e-6, err_msg=name)


_probs = np.random.default_rng(3).uniform(0.05, 0.95, (4, 3))
_onehot = np.eye(3)[[0, 2, 1, 2]]
LOSSES = {
    "mse": (nn.MSELoss(), lambda: np.random.default_rng(4).standard_normal((4, 3))),
    "l1": (nn.L1Loss(reduction="sum"), lambda: np.random.default_rng(4).standard_normal((4, 3))),
    "huber": (nn.HuberLoss(delta=0.5), lambda: np.random.default_rng(4).standard_normal((4, 3))),
    "bce": (nn.BCELoss(weight=[1.0, 2.0, 0.5]), lambda: _onehot),
    "bce_logits": (nn.BCEWithLogitsLoss(pos_weight=[2.0, 1.0, 1.0]), lambda: _onehot),
    "cross_entropy": (nn.CrossEntropyLoss(), lambda: np.array([0, 2, 1, 2])),
    "cross_entropy_all": (
        nn.CrossEntropyLoss(weight=[1.0, 0.5, 2.0], ignore_index=1, label_smoothing=0.1),
        lambda: np.array([0, 2, 1, 2]),
    ),
    "cross_entropy_probs": (nn.CrossEntropyLoss(), lambda: _probs / _probs.sum(1, keepdims=True)),
    "nll": (nn.NLLLoss(), lambda: np.array([1, 0, 2, 2])),
    "kl_div": (nn.KLDivLoss(reduction="batchmean"), lambda: _probs / _probs.sum(1, keepdims=True)),
    "categorical": (nn.CategoricalCrossentropy(from_logits=True), lambda: _onehot),
    "sparse_categorical": (nn.SparseCategoricalCrossentropy(from_logits=True), lambda: np.array([2, 2, 0, 1])),
}


@pytest.mark.parametrize("loss_fn, target", LOSSES.values(), ids=LOSSES.keys())
def test_loss_on_cuda_matches_cpu(fake_cuda, loss_fn, target):
    scores = np.random.default_rng(2).standard_normal((4, 3))
    if isinstance(loss_fn, nn.BCELoss):
        scores = 1 / (1 + np.exp(-scores))  # probabilities
    if isinstance(loss_fn, (nn.NLLLoss, nn.KLDivLoss)):
        scores = scores - np.log(np.exp(scores).sum(1, keepdims=True))  # log-probabilities
    (x_cpu,), (x_gpu,) = _pair([scores])
    y = target()
    y_cpu, y_gpu = ag.tensor(y), ag.tensor(y, device="cuda")
    loss_fn.to("cuda")  # class weights, if any, move with the loss
    with no_host_copy(fake_cuda):
        l_gpu = loss_fn(x_gpu, y_gpu)
        l_gpu.backward()
    loss_fn.to("cpu")
    l_cpu = loss_fn(x_cpu, y_cpu)
    l_cpu.backward()
    assert l_gpu.device == "cuda"
    np.testing.assert_allclose(_host(l_gpu), l_cpu.numpy(), rtol=1e-12)
    np.testing.assert_allclose(_host(x_gpu.grad), x_cpu.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_bad_class_index_is_an_error_on_cpu_and_nan_on_cuda(fake_cuda):
    """Checking the targets would stop the GPU every step, so there a bad index poisons the loss."""
    scores = np.random.default_rng(2).standard_normal((3, 4))
    with pytest.raises(IndexError, match="class index 4, but the input has 4 classes"):
        nn.CrossEntropyLoss()(ag.tensor(scores), ag.tensor([0, 4, 1]))
    loss = nn.CrossEntropyLoss()(ag.tensor(scores, device="cuda"), ag.tensor([0, 4, 1], device="cuda"))
    assert np.isnan(loss.item())
    probs = ag.tensor([0.5, 1.5], device="cuda")
    assert np.isnan(nn.BCELoss()(probs, ag.tensor([1.0, 0.0], device="cuda")).item())
    with pytest.raises(ValueError, match="probabilities in \\[0, 1\\]"):
        nn.BCELoss()(ag.tensor([0.5, 1.5]), ag.tensor([1.0, 0.0]))


OPTIMIZER_KINDS = {
    "sgd_nesterov_decay": lambda p: nn.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01),
    "adam_amsgrad": lambda p: nn.optim.Adam(p, lr=0.01, amsgrad=True),
    "adamw": lambda p: nn.optim.AdamW(p, lr=0.01),
    "rmsprop_centered": lambda p: nn.optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True),
    "adagrad": lambda p: nn.optim.Adagrad(p, lr=0.1, lr_decay=0.01),
}


@pytest.mark.parametrize("make", OPTIMIZER_KINDS.values(), ids=OPTIMIZER_KINDS.keys())
def test_optimizer_on_cuda_matches_cpu_and_keeps_its_state_there(fake_cuda, make):
    w0 = np.random.default_rng(0).standard_normal((3, 2)).astype(np.float32)
    results = {}
    for device in ("cpu", "cuda"):
        w = ag.tensor(w0, device=device, requires_grad=True)
        opt = make([w])
        with no_host_copy(fake_cuda):
            for _ in range(3):
                opt.zero_grad()
                ((w * w).sum() + w.sum()).backward()
                opt.step()
        results[device] = (w, opt)
    (w_cpu, opt_cpu), (w_gpu, opt_gpu) = results["cpu"], results["cuda"]
    np.testing.assert_allclose(_host(w_gpu), w_cpu.numpy(), rtol=1e-6)
    state = opt_gpu.state[w_gpu]
    arrays = {k: v for k, v in state.items() if hasattr(v, "shape") and v.shape == w_gpu.shape}
    assert arrays and all(type(v).__module__ == "cupy" for v in arrays.values()), state
    # a state saved on the GPU continues on the CPU, and back
    w_again = ag.tensor(w0, requires_grad=True)
    opt_again = make([w_again])
    opt_again.load_state_dict(opt_gpu.state_dict())
    for key, value in arrays.items():
        assert isinstance(opt_again.state[w_again][key], np.ndarray)
        np.testing.assert_allclose(
            opt_again.state[w_again][key], _host(ag.Tensor._make(value, w_gpu.backend, False, None))
        )
    opt_gpu.load_state_dict(opt_cpu.state_dict())
    assert all(type(v).__module__ == "cupy" for k, v in opt_gpu.state[w_gpu].items() if k in arrays)


# ---------------------------------------------------------------- moving between devices, and mixing them
def test_to_returns_new_tensors_and_gradients_flow_across(fake_cuda):
    x = ag.tensor([[1.0, -2.0, 3.0]], requires_grad=True)
    x_gpu = x.to("cuda")
    assert x_gpu is not x and x.device == "cpu" and x_gpu.device == "cuda"
    assert x_gpu.to("cuda") is x_gpu and x.to("cpu") is x
    w = ag.tensor([[0.5], [1.0], [-1.0]], device="cuda", requires_grad=True)
    back = (x_gpu @ w).tanh().to("cpu")  # cpu -> cuda -> ops on the GPU -> cpu
    assert back.device == "cpu"
    (back * 2.0).sum().backward()
    assert x.grad.device == "cpu" and w.grad.device == "cuda"
    # the same chain on the CPU alone
    x2, w2 = ag.tensor(x.numpy(), requires_grad=True), ag.tensor(_host(w), requires_grad=True)
    ((x2 @ w2).tanh() * 2.0).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), x2.grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(_host(w.grad), w2.grad.numpy(), rtol=1e-6)
    # a module's parameters stay the same objects and move together
    layer = nn.Linear(3, 2)
    weight = layer.weight
    assert layer.to("cuda") is layer and layer.weight is weight and weight.device == "cuda"
    assert layer.to("cpu").weight.device == "cpu"


def test_a_tensor_from_a_list_has_the_same_dtype_on_every_device(fake_cuda):
    for data, dtype in (([1.0, 2.0], np.float32), ([1, 2], np.int64), ([True], np.bool_)):
        assert ag.tensor(data).dtype == dtype
        assert ag.tensor(data, device="cuda").dtype == dtype, f"{data} on cuda"


MIXES = {
    "add": lambda c, g: c + g,
    "matmul": lambda c, g: g @ c.reshape(3, 1),
    "cat": lambda c, g: F.cat([g, c]),
    "where": lambda c, g: F.where(c > 0, g, 0.0),
    "where_values": lambda c, g: F.where(g > 0, c, g),
    "conv2d": lambda c, g: F.conv2d(g.reshape(1, 1, 1, 3), c.reshape(1, 1, 1, 3)),
    "linear_layer": lambda c, g: nn.Linear(3, 2).to("cuda")(c),
    "loss": lambda c, g: nn.MSELoss()(g, c),
}


@pytest.mark.parametrize("mix", MIXES.values(), ids=MIXES.keys())
def test_mixing_cpu_and_cuda_tensors_names_both_devices(fake_cuda, mix):
    c = ag.tensor([1.0, -2.0, 3.0])
    g = ag.tensor([0.5, 0.5, 0.5], device="cuda")
    with pytest.raises(RuntimeError) as error:
        mix(c, g)
    message = str(error.value)
    assert "cpu" in message and "cuda" in message, message
    assert "to(" in message, f"the message should say how to move a tensor: {message}"


# ---------------------------------------------------------------- saving, randomness, training helpers
def test_model_trained_on_cuda_saves_and_loads_on_a_cpu_only_machine(fake_cuda, tmp_path):
    x, y = _data(16)
    model = _model("cnn").to("cuda")
    opt = nn.optim.Adam(model.parameters(), lr=1e-2)
    xb, yb = ag.tensor(x, device="cuda"), ag.tensor(y, device="cuda")
    for _ in range(2):
        opt.zero_grad()
        nn.CrossEntropyLoss()(model(xb), yb).backward()
        opt.step()
    expected = _host(model(xb))
    nn.save(model, tmp_path / "model.npz")
    # a machine without a GPU: no cupy at all
    backend_mod._cuda = None
    fake_cupy.uninstall()
    assert not ag.cuda.is_available()
    state = nn.load(tmp_path / "model.npz")
    assert all(t.device == "cpu" and isinstance(t.data, np.ndarray) for t in state.values())
    cpu_model = _model("cnn")
    cpu_model.load_state_dict(state)
    np.testing.assert_allclose(cpu_model(ag.tensor(x)).numpy(), expected, rtol=1e-5, atol=1e-6)


def test_manual_seed_repeats_on_cuda_with_its_own_generator(fake_cuda):
    def draw():
        ag.manual_seed(7)
        layer = nn.Linear(4, 3).to("cuda")  # initialised on the CPU, then moved
        gpu_layer = nn.Conv2d(1, 2, 3, device="cuda") if "device" in _params(nn.Conv2d) else None
        values = [ag.randn(5, device="cuda"), ag.rand(2, 3, device="cuda")]
        values.append(F.dropout(ag.ones(20, device="cuda"), 0.5))
        values += [layer.weight] + ([gpu_layer.weight] if gpu_layer is not None else [])
        return [_host(v) for v in values], ag.randn(5).numpy()

    first, cpu_first = draw()
    second, cpu_second = draw()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(cpu_first, cpu_second)
    # the GPU has its own stream: the same seed does not give the CPU's numbers (as on a real GPU)
    ag.manual_seed(7)
    assert not np.allclose(_host(ag.randn(5, device="cuda")), ag.randn(5).numpy())
    assert all(type(v.data).__module__ == "cupy" for v in (ag.randn(2, device="cuda"), ag.rand(2, device="cuda")))


def _params(cls):
    import inspect

    return inspect.signature(cls).parameters


def test_fit_and_evaluate_on_cuda_copy_once_per_epoch_not_per_batch(fake_cuda):
    x, y = _data(64)
    cuda = ag.get_backend("cuda")
    copies = []
    for batch_size in (32, 8):  # 2 batches, then 8: the copies must not grow with them
        ag.manual_seed(0)
        model = _model("mlp").to("cuda")
        train = nn.data.DataLoader(nn.data.TensorDataset(x, y), batch_size=batch_size, device="cuda")
        val = nn.data.DataLoader(nn.data.TensorDataset(x[:16], y[:16]), batch_size=batch_size, device="cuda")
        before = _copies(fake_cuda, cuda)
        history = nn.fit(model, nn.CrossEntropyLoss(), nn.optim.SGD(model.parameters(), lr=0.1), train, val,
                         epochs=1, verbose=False)  # fmt: skip
        copies.append(_copies(fake_cuda, cuda) - before)
        logs = {k: v[-1] for k, v in history.history.items()}
        assert set(logs) == {"loss", "accuracy", "val_loss", "val_accuracy"}
        assert all(isinstance(v, float) and np.isfinite(v) for v in logs.values())
    assert copies[0] == copies[1], f"host copies grew with the number of batches: {copies}"
    assert fake_cuda.host_syncs == [] and fake_cuda.numpy_calls == []


def test_metrics_take_cuda_tensors(fake_cuda):
    logits = ag.tensor([[2.0, 0.1], [0.2, 1.0], [3.0, -1.0]], device="cuda")
    target = ag.tensor([0, 1, 1], device="cuda")
    assert nn.metrics.accuracy(logits, target) == pytest.approx(2 / 3)
    count = nn.metrics.correct_count(logits, target)
    assert type(count).__module__ == "cupy"  # stays on the device until asked
    np.testing.assert_array_equal(nn.metrics.confusion_matrix(logits, target), [[1, 0], [1, 1]])


# ---------------------------------------------------------------- visualisation takes either device
def _small_graph(device):
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 2), nn.Tanh()).to(device)
    x = ag.tensor([[1.0, -1.0, 0.5]], dtype="float32", device=device, name="x")
    return (model(x) ** 2).sum()


def test_viz_graph_and_steps_take_cuda_tensors(fake_cuda, tmp_path):
    pytest.importorskip("graphviz")
    import viz

    pictures = {}
    for device in ("cpu", "cuda"):
        loss = _small_graph(device)
        before = ag.get_backend("cuda").device_to_host_copies
        drawn = viz.draw_graph(loss).source
        steps = viz.backprop_steps(loss)
        after = viz.draw_graph(loss).source
        forward = viz.forward_steps(loss)
        pictures[device] = (drawn, [s.describe() for s in steps], after, len(forward))
        page = viz.render_backprop(_small_graph(device), tmp_path / device)
        assert page.exists()
        if device == "cuda":
            assert ag.get_backend("cuda").device_to_host_copies > before  # values were copied for display
    cpu, gpu = pictures["cpu"], pictures["cuda"]
    assert gpu[0] == cpu[0] and gpu[1] == cpu[1] and gpu[2] == cpu[2] and gpu[3] == cpu[3]


def test_viz_plots_take_cuda_tensors(fake_cuda):
    pytest.importorskip("matplotlib")
    from viz import plots

    images = ag.tensor(np.random.default_rng(0).random((4, 1, 5, 5)), device="cuda")
    assert plots.show_images(images) is not None
    y_true, y_pred = ag.tensor([0, 1, 2, 1], device="cuda"), ag.tensor([0, 2, 2, 1], device="cuda")
    np.testing.assert_array_equal(plots.confusion_matrix(y_true, y_pred), [[1, 0, 0], [0, 1, 1], [0, 0, 1]])
    assert plots.plot_confusion_matrix(y_true, y_pred, normalize=True) is not None
    assert plots.show_misclassified(images, y_true, y_pred) is not None
    y, dy = plots.activation_and_derivative(F.tanh, ag.tensor([0.0, 1.0], device="cuda"))
    np.testing.assert_allclose(dy, 1 - np.tanh([0.0, 1.0]) ** 2)
    weights = nn.Conv2d(1, 3, 2).to("cuda").weight
    assert plots.show_images(weights) is not None
