"""nn.Module machinery: registration, names, scopes, modes, devices, state_dict, summary, init."""

import math

import numpy as np
import pytest

import autograd as ag
import nn
from autograd.engine import topological_order


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 2, 3, padding=1)
        self.bn = nn.BatchNorm2d(2)

    def forward(self, x):
        return self.bn(self.conv1(x)).relu()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = Block()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(2 * 4 * 4, 3)

    def forward(self, x):
        return self.fc1(self.flatten(self.features(x)))


def lecture_mlp():
    """3 inputs, hidden layers of 4, 5 and 3, 2 outputs (deck 003)."""
    return nn.Sequential(
        nn.Linear(3, 4), nn.Sigmoid(), nn.Linear(4, 5), nn.Sigmoid(), nn.Linear(5, 3), nn.Sigmoid(), nn.Linear(3, 2)
    )


# ------------------------------------------------------------------ registration and names
def test_named_parameters_are_dotted_paths():
    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["features.conv1.weight", "features.conv1.bias", "features.bn.weight", "features.bn.bias",
                     "fc1.weight", "fc1.bias"]  # fmt: skip
    assert [n for n, _ in net.named_buffers()] == [
        "features.bn.running_mean", "features.bn.running_var", "features.bn.num_batches_tracked"
    ]  # fmt: skip
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert len(list(seq.parameters())) == 4


def test_parameters_are_named_automatically_and_renamed_when_nested():
    net = Net()
    assert net.fc1.weight.name == "fc1.weight"
    assert net.features.conv1.bias.name == "features.conv1.bias"
    assert net.features.bn.running_mean.name == "features.bn.running_mean"
    wrapper = nn.Sequential(net, nn.Softmax(dim=1))
    assert net.fc1.weight.name == "0.fc1.weight"
    assert net.features.conv1.weight.name == "0.features.conv1.weight"
    # assigning a new parameter later names it too
    net.fc1.extra = nn.Parameter(ag.zeros(2))
    assert net.fc1.extra.name == "0.fc1.extra"
    assert wrapper[0] is net


def test_shared_parameter_is_listed_once():
    a = nn.Linear(2, 2)
    seq = nn.Sequential(a, nn.ReLU(), a)
    assert len(list(seq.parameters())) == 2
    assert len(list(seq.modules())) == 3  # Sequential, Linear once, ReLU


def test_call_records_module_scope_on_op_nodes():
    seq = nn.Sequential(nn.Linear(3, 4), nn.ReLU())
    x = ag.randn(2, 3)
    y = seq(x)
    assert y.grad_fn.name == "relu"
    assert y.grad_fn.scope == ("Sequential", "1")
    add_node = y.grad_fn.inputs[0].grad_fn
    assert add_node.scope == ("Sequential", "0")
    net = Net()
    out = net(ag.randn(2, 1, 4, 4))
    assert out.grad_fn.scope == ("Net", "fc1")
    scopes = {node.scope for node in topological_order([out.grad_fn])}  # every op node of the graph
    assert ("Net", "features", "conv1") in scopes and ("Net", "features", "bn") in scopes


def test_assigning_before_init_is_a_clear_error():
    class Broken(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(2, 2)

    with pytest.raises(RuntimeError, match="super\\(\\).__init__"):
        Broken()


def test_calling_a_module_whose_init_skipped_module_init_is_a_clear_error():
    class Forgetful(nn.Module):
        def __init__(self):
            self.size = 2  # a plain attribute: allowed, but Module.__init__ never ran

        def forward(self, x):
            return x

    with pytest.raises(AttributeError, match="Forgetful: Module.__init__ was not run.*super\\(\\).__init__"):
        Forgetful()(ag.zeros(2))
    assert not hasattr(Forgetful(), "weight")  # still an AttributeError: copy and pickle rely on it


def test_children_modules_and_module_list():
    class Stack(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])

        def forward(self, x):
            for layer in self.hidden:
                x = layer(x)
            return x

    s = Stack()
    assert [n for n, _ in s.named_children()] == ["hidden"]
    assert len(list(s.modules())) == 5
    assert "hidden.2.bias" in dict(s.named_parameters())
    assert s(ag.randn(2, 4)).shape == (2, 4)
    assert len(s.hidden) == 3 and s.hidden[-1] is list(s.hidden)[2]


def test_sequential_indexing_slicing_and_add():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    seq.add(nn.Linear(3, 1))
    assert len(seq) == 3 and isinstance(seq[-1], nn.Linear)
    head = seq[:2]
    assert isinstance(head, nn.Sequential) and len(head) == 2
    assert head(ag.randn(5, 2)).shape == (5, 3)
    assert seq[0].weight.name == "0.weight"  # slicing does not rename the original's parameters
    with pytest.raises(IndexError, match="out of range"):
        seq[3]
    with pytest.raises(TypeError, match="nn.Module"):
        seq.add(lambda x: x)


def test_train_eval_propagate():
    net = Net()
    assert net.training and net.features.bn.training
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_zero_grad_and_freezing():
    net = lecture_mlp()
    net[0].requires_grad_(False)
    net(ag.randn(4, 3)).sum().backward()
    assert net[0].weight.grad is None and net[0].bias.grad is None
    assert net[2].weight.grad is not None and net[6].bias.grad is not None
    assert not net[0].weight.requires_grad
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    assert nn.summary(net, (3,), print_fn=None).trainable_params == 67 - 16


def test_to_dtype_keeps_parameter_objects_and_drops_grads():
    net = Net()
    params = list(net.parameters())
    net(ag.randn(2, 1, 4, 4)).sum().backward()
    assert net.double() is net
    assert [id(p) for p in net.parameters()] == [id(p) for p in params]
    assert all(p.dtype == np.float64 and p.grad is None for p in params)
    assert net.features.bn.running_mean.dtype == np.float64
    assert net.features.bn.num_batches_tracked.dtype == np.int64  # integer buffers keep their type


def test_to_device(device):
    net = Net()
    params = list(net.parameters())
    old_buffer = net.features.bn.running_var
    assert net.to(device) is net
    assert all(p.device == device for p in net.parameters())
    assert all(b.device == device for b in net.buffers())
    assert [id(p) for p in net.parameters()] == [id(p) for p in params]
    if device != "cpu":
        assert old_buffer.device == "cpu"  # buffers are replaced, not moved in place
    out = net(ag.randn(2, 1, 4, 4, device=device))
    out.sum().backward()
    assert net.fc1.weight.grad.device == device


def test_repr_prints_the_module_tree():
    text = repr(Net())
    assert text.splitlines()[0] == "Net("
    assert "  (features): Block(" in text
    assert "    (conv1): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))" in text
    assert "  (fc1): Linear(in_features=32, out_features=3, bias=True)" in text
    assert repr(nn.ReLU()) == "ReLU()"


def test_forward_hook_and_removal():
    layer = nn.Linear(2, 3)
    seen = []
    handle = layer.register_forward_hook(lambda m, inputs, out: seen.append((m, out.shape)))
    layer(ag.randn(4, 2))
    handle.remove()
    layer(ag.randn(4, 2))
    assert seen == [(layer, (4, 3))]
    doubled = layer.register_forward_hook(lambda m, inputs, out: out * 2)
    x = ag.randn(1, 2)
    np.testing.assert_allclose(layer(x).numpy(), 2 * (x.numpy() @ layer.weight.numpy().T + layer.bias.numpy()),
                               rtol=1e-6)  # fmt: skip
    doubled.remove()


# ------------------------------------------------------------------ state_dict
def test_state_dict_round_trip():
    a, b = Net(), Net()
    a.train()
    a(ag.randn(4, 1, 4, 4))  # moves the running statistics away from 0 and 1
    state = a.state_dict()
    assert list(state) == [n for n, _ in a.named_parameters()][:2] + ["features.bn.weight", "features.bn.bias",
        "features.bn.running_mean", "features.bn.running_var", "features.bn.num_batches_tracked",
        "fc1.weight", "fc1.bias"]  # fmt: skip
    result = b.load_state_dict(state)
    assert result.missing_keys == [] and result.unexpected_keys == []
    x = ag.randn(3, 1, 4, 4)
    a.eval(), b.eval()
    np.testing.assert_array_equal(a(x).numpy(), b(x).numpy())
    assert int(b.features.bn.num_batches_tracked.item()) == 1
    # values are copied, not shared
    b.fc1.weight.data[...] = 0
    assert np.abs(a.fc1.weight.numpy()).sum() > 0


def test_load_state_dict_strict_errors_name_every_problem():
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    state = {k: v.numpy() for k, v in net.state_dict().items()}
    del state["2.bias"]
    state["0.weight"] = np.zeros((3, 4), np.float32)
    state["3.weight"] = np.zeros((2, 2), np.float32)
    with pytest.raises(RuntimeError) as err:
        net.load_state_dict(state)
    msg = str(err.value)
    assert "Sequential" in msg
    assert "missing keys: ['2.bias']" in msg
    assert "unexpected keys: ['3.weight']" in msg
    assert "0.weight: checkpoint has shape (3, 4), model has (4, 3)" in msg
    # strict=False forgives missing and unexpected keys, never a wrong shape
    with pytest.raises(RuntimeError, match="shape mismatch"):
        net.load_state_dict(state, strict=False)
    state["0.weight"] = np.ones((4, 3), np.float32)
    result = net.load_state_dict(state, strict=False)
    assert result.missing_keys == ["2.bias"] and result.unexpected_keys == ["3.weight"]
    np.testing.assert_array_equal(net[0].weight.numpy(), np.ones((4, 3)))


def test_state_dict_loads_into_torch_and_back():
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(2 * 3 * 3, 4))
    theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2), torch.nn.Flatten(),
                                 torch.nn.Linear(2 * 3 * 3, 4))  # fmt: skip
    ours(ag.randn(4, 1, 5, 5))  # running stats move
    theirs.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in ours.state_dict().items()})
    ours.eval(), theirs.eval()
    x = np.random.default_rng(1).standard_normal((2, 1, 5, 5)).astype(np.float32)
    np.testing.assert_allclose(ours(ag.tensor(x)).numpy(), theirs(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)  # fmt: skip
    fresh = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(2 * 3 * 3, 4)).eval()
    fresh.load_state_dict(theirs.state_dict())  # torch tensors are accepted as values
    np.testing.assert_allclose(fresh(ag.tensor(x)).numpy(), ours(ag.tensor(x)).numpy(), rtol=1e-6)


# ------------------------------------------------------------------ summary
def test_summary_counts_the_lecture_network():
    lines = []
    result = nn.summary(lecture_mlp(), (3,), print_fn=lines.append)
    linear_rows = [r for r in result.rows if r.type == "Linear"]
    assert [(r.weights, r.biases) for r in linear_rows] == [(12, 4), (20, 5), (15, 3), (6, 2)]
    assert [r.output_shape for r in linear_rows] == [(None, 4), (None, 5), (None, 3), (None, 2)]
    assert [r.name for r in linear_rows] == ["0", "2", "4", "6"]
    assert result.total_weights == 53 and result.total_biases == 14 and result.total_params == 67
    assert all(r.params == 0 for r in result.rows if r.type == "Sigmoid")
    assert lines == [str(result)]
    assert "Total weights: 53" in lines[0] and "Total biases: 14" in lines[0]


def test_summary_of_a_cnn_counts_pooling_as_zero():
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.BatchNorm2d(4),
                          nn.Flatten(), nn.Linear(4 * 4 * 4, 10))  # fmt: skip
    model.train()
    result = nn.summary(model, (1, 8, 8), print_fn=None)
    by_type = {r.type: r for r in result.rows}
    assert by_type["MaxPool2d"].params == 0 and by_type["MaxPool2d"].output_shape == (None, 4, 4, 4)
    assert (by_type["Conv2d"].weights, by_type["Conv2d"].biases) == (4 * 9, 4)
    assert (by_type["BatchNorm2d"].weights, by_type["BatchNorm2d"].biases) == (4, 4)
    assert by_type["Flatten"].output_shape == (None, 64)
    assert result.total_params == sum(p.numel() for p in model.parameters())
    assert model.training and model[3].training  # the mode is restored
    assert int(model[3].num_batches_tracked.item()) == 0  # and the summary pass did not train


# ------------------------------------------------------------------ init
def test_init_fans_gains_and_bounds():
    w = ag.zeros(200, 300)
    nn.init.kaiming_uniform_(w, a=math.sqrt(5))
    bound = 1 / math.sqrt(300)
    assert np.abs(w.numpy()).max() <= bound and np.abs(w.numpy()).max() > 0.95 * bound
    nn.init.xavier_uniform_(w)
    bound = math.sqrt(6 / 500)
    assert np.abs(w.numpy()).max() <= bound and np.abs(w.numpy()).max() > 0.95 * bound
    nn.init.kaiming_normal_(w, nonlinearity="relu")
    assert abs(w.numpy().std() - math.sqrt(2 / 300)) < 0.05 * math.sqrt(2 / 300)
    nn.init.xavier_normal_(w, gain=2.0)
    assert abs(w.numpy().std() - 2 * math.sqrt(2 / 500)) < 0.05 * 2 * math.sqrt(2 / 500)
    conv = ag.zeros(8, 4, 3, 3)
    nn.init.kaiming_normal_(conv, mode="fan_out", nonlinearity="relu")
    assert abs(conv.numpy().std() - math.sqrt(2 / (8 * 9))) < 0.1 * math.sqrt(2 / (8 * 9))
    assert nn.init.normal_(w, 3.0, 0.5) is w and abs(w.numpy().mean() - 3.0) < 0.01
    nn.init.uniform_(w, -2, -1)
    assert w.numpy().min() >= -2 and w.numpy().max() < -1
    assert nn.init.constant_(w, 0.5).numpy().tolist()[0][0] == 0.5
    assert nn.init.zeros_(w).numpy().sum() == 0 and nn.init.ones_(w).numpy().sum() == w.numel()
    assert w.dtype == np.float32
    assert nn.init.calculate_gain("relu") == math.sqrt(2)
    assert nn.init.calculate_gain("tanh") == 5 / 3
    assert nn.init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2 / 1.04)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        nn.init.xavier_uniform_(ag.zeros(5))


def test_init_matches_torch_gains_and_is_repeatable():
    torch = pytest.importorskip("torch")
    for name, param in [("linear", None), ("sigmoid", None), ("tanh", None), ("relu", None), ("leaky_relu", 0.3),
                        ("selu", None), ("conv2d", None)]:  # fmt: skip
        assert nn.init.calculate_gain(name, param) == pytest.approx(torch.nn.init.calculate_gain(name, param))
    ag.manual_seed(3)
    a = nn.Linear(5, 7).weight.numpy()
    ag.manual_seed(3)
    b = nn.Linear(5, 7).weight.numpy()
    np.testing.assert_array_equal(a, b)
