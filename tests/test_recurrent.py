"""Embedding, RNN/GRU/LSTM cells and layers, gradient clipping, truncated BPTT.

Parity with torch.nn in float64 (outputs, final states, input, state and weight
gradients, weights moved through state_dict both ways), float64 gradcheck and
gradgradcheck of each cell, and the errors a learner meets first.
"""

import numpy as np
import pytest

import autograd as ag
import nn
from autograd.engine import topological_order

LAYERS = ["RNN", "GRU", "LSTM"]


def _rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _to_torch(state_dict, torch):
    return {k: torch.from_numpy(np.array(v.numpy())) for k, v in state_dict.items()}


def _close(a, b, what):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-10, atol=1e-12, err_msg=what)


def _pair(cls_name, torch, direction, **kwargs):
    """The same layer in both engines, float64; weights copied through state_dict in ``direction``."""
    ours = getattr(nn, cls_name)(**kwargs).double()
    theirs = getattr(torch.nn, cls_name)(**kwargs).double()
    if direction == "torch->ours":
        ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    else:
        theirs.load_state_dict(_to_torch(ours.state_dict(), torch))
    assert list(ours.state_dict()) == list(theirs.state_dict())  # same names, same order
    return ours, theirs


def _flatten_state(state):
    return list(state) if isinstance(state, tuple) else [state]


# ---------------------------------------------------------------- layers against torch


def _backward_and_compare_gradients(loss_a, loss_t, inputs, modules, state_a, state_t):
    """Backward through both losses; the input's, every parameter's and the initial state's gradients agree."""
    (xa, xt), (ours, theirs) = inputs, modules
    loss_a.backward()
    loss_t.backward()
    _close(xa.grad.numpy(), xt.grad.numpy(), "input gradient")
    for name, p in ours.named_parameters():
        _close(p.grad.numpy(), getattr(theirs, name).grad.numpy(), name)
    if state_a is not None:
        for a, t in zip(_flatten_state(state_a), _flatten_state(state_t)):
            _close(a.grad.numpy(), t.grad.numpy(), "initial state gradient")


@pytest.mark.parametrize("cls_name", LAYERS)
@pytest.mark.parametrize("num_layers", [1, 2])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("with_state", [False, True])
def test_layer_matches_torch(cls_name, num_layers, batch_first, with_state):
    torch = pytest.importorskip("torch")
    direction = "torch->ours" if (num_layers + batch_first) % 2 else "ours->torch"
    ours, theirs = _pair(cls_name, torch, direction, input_size=3, hidden_size=4, num_layers=num_layers,
                         batch_first=batch_first)  # fmt: skip
    T, B = 5, 2
    x = _rand(*((B, T, 3) if batch_first else (T, B, 3)), seed=1)
    xa, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    states_a, states_t = None, None
    if with_state:
        raw = [_rand(num_layers, B, 4, seed=2 + i) for i in range(2 if cls_name == "LSTM" else 1)]
        sa = [ag.tensor(s, requires_grad=True) for s in raw]
        st = [torch.tensor(s, requires_grad=True) for s in raw]
        states_a, states_t = (tuple(sa), tuple(st)) if cls_name == "LSTM" else (sa[0], st[0])
    out_a, final_a = ours(xa, states_a)
    out_t, final_t = theirs(xt, states_t)
    _close(out_a.numpy(), out_t.detach().numpy(), "output")
    final_a, final_t = _flatten_state(final_a), _flatten_state(final_t)
    for fa, ft in zip(final_a, final_t):
        _close(fa.numpy(), ft.detach().numpy(), "final state")
    # one loss through the output and every final state, with random weights (never all ones)
    loss_a = (out_a * ag.tensor(_rand(*out_t.shape, seed=9))).sum()
    loss_t = (out_t * torch.tensor(_rand(*out_t.shape, seed=9))).sum()
    for k, (fa, ft) in enumerate(zip(final_a, final_t)):
        w = _rand(*ft.shape, seed=20 + k)
        loss_a = loss_a + (fa * ag.tensor(w)).sum()
        loss_t = loss_t + (ft * torch.tensor(w)).sum()
    _backward_and_compare_gradients(loss_a, loss_t, (xa, xt), (ours, theirs), states_a, states_t)


@pytest.mark.parametrize("cls_name", LAYERS)
def test_layer_unbatched_sequence_matches_torch(cls_name):
    torch = pytest.importorskip("torch")
    ours, theirs = _pair(cls_name, torch, "torch->ours", input_size=3, hidden_size=4, num_layers=2)
    x = _rand(6, 3, seed=3)
    out_a, final_a = ours(ag.tensor(x))
    out_t, final_t = theirs(torch.tensor(x))
    assert out_a.shape == tuple(out_t.shape) == (6, 4)
    _close(out_a.numpy(), out_t.detach().numpy(), "output")
    for fa, ft in zip(_flatten_state(final_a), _flatten_state(final_t)):
        assert fa.shape == tuple(ft.shape) == (2, 4)
        _close(fa.numpy(), ft.detach().numpy(), "final state")


def test_rnn_relu_and_no_bias_match_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = _pair("RNN", torch, "torch->ours", input_size=3, hidden_size=4, nonlinearity="relu", bias=False)
    assert [n for n, _ in ours.named_parameters()] == ["weight_ih_l0", "weight_hh_l0"]
    x = _rand(4, 2, 3, seed=4)
    _close(ours(ag.tensor(x))[0].numpy(), theirs(torch.tensor(x))[0].detach().numpy(), "output")


def test_dropout_between_layers_only_in_training():
    ag.manual_seed(0)
    rnn = nn.GRU(3, 8, num_layers=2, dropout=0.5).double()
    x = ag.tensor(_rand(5, 2, 3))
    rnn.eval()
    a, b = rnn(x)[0].numpy(), rnn(x)[0].numpy()
    np.testing.assert_array_equal(a, b)  # evaluation: no dropout, deterministic
    rnn.train()
    c = rnn(x)[0].numpy()
    assert not np.allclose(a, c)  # training: the first layer's outputs were dropped
    one = nn.GRU(3, 8, num_layers=1, dropout=0.5).double()
    np.testing.assert_array_equal(one(x)[0].numpy(), one(x)[0].numpy())  # nothing after the last layer


def test_init_is_uniform_within_one_over_sqrt_hidden():
    ag.manual_seed(0)
    lstm = nn.LSTM(10, 25, num_layers=2)
    bound = 1 / np.sqrt(25)
    names = [n for n, _ in lstm.named_parameters()]
    assert names == [f"{w}_l{k}" for k in range(2) for w in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    assert lstm.weight_ih_l0.shape == (100, 10) and lstm.weight_hh_l1.shape == (100, 25)
    values = np.concatenate([p.numpy().ravel() for p in lstm.parameters()])
    assert np.all(np.abs(values) <= bound) and values.std() > 0.8 * bound / np.sqrt(3)


def test_each_time_step_is_its_own_name_scope():
    rnn = nn.RNN(2, 3)
    out, _ = rnn(ag.tensor(_rand(4, 1, 2)).astype("float32"))
    scopes = {node.scope for node in topological_order([out.grad_fn])}  # every op node of the graph
    assert {s[-1] for s in scopes if s and s[-1].startswith("t=")} == {"t=1", "t=2", "t=3", "t=4"}


# ---------------------------------------------------------------- cells


CELLS = [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}), ("GRUCell", {}), ("LSTMCell", {})]


@pytest.mark.parametrize(("cls_name", "extra"), CELLS)
@pytest.mark.parametrize("with_state", [False, True])
@pytest.mark.parametrize("batched", [True, False])
def test_cell_matches_torch(cls_name, extra, with_state, batched):
    torch = pytest.importorskip("torch")
    direction = "ours->torch" if with_state else "torch->ours"
    ours, theirs = _pair(cls_name, torch, direction, input_size=3, hidden_size=4, **extra)
    x = _rand(*((2, 3) if batched else (3,)), seed=5)
    xa, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    lstm = cls_name == "LSTMCell"
    sa = st = None
    if with_state:
        raw = [_rand(*((2, 4) if batched else (4,)), seed=6 + i) for i in range(2 if lstm else 1)]
        sa_list = [ag.tensor(s, requires_grad=True) for s in raw]
        st_list = [torch.tensor(s, requires_grad=True) for s in raw]
        sa, st = (tuple(sa_list), tuple(st_list)) if lstm else (sa_list[0], st_list[0])
    out_a, out_t = _flatten_state(ours(xa, sa)), _flatten_state(theirs(xt, st))
    loss_a, loss_t = 0, 0
    for k, (oa, ot) in enumerate(zip(out_a, out_t)):
        _close(oa.numpy(), ot.detach().numpy(), "output")
        w = _rand(*ot.shape, seed=30 + k)
        loss_a = loss_a + (oa * ag.tensor(w)).sum()
        loss_t = loss_t + (ot * torch.tensor(w)).sum()
    _backward_and_compare_gradients(loss_a, loss_t, (xa, xt), (ours, theirs), sa, st)


@pytest.mark.parametrize(("cls_name", "extra"), CELLS)
def test_cell_gradcheck_and_gradgradcheck(cls_name, extra):
    ag.manual_seed(1)
    cell = getattr(nn, cls_name)(2, 3, **extra).double()
    x = ag.tensor(_rand(2, 2, seed=7), requires_grad=True)
    h = ag.tensor(_rand(2, 3, seed=8) * 0.5, requires_grad=True)
    params = list(cell.parameters())
    if cls_name == "LSTMCell":
        c = ag.tensor(_rand(2, 3, seed=9), requires_grad=True)
        fn = lambda x, h, c, *ps: cell(x, (h, c))  # noqa: E731
        inputs = [x, h, c, *params]
    else:
        fn = lambda x, h, *ps: cell(x, h)  # noqa: E731
        inputs = [x, h, *params]
    assert ag.gradcheck(fn, inputs)
    assert ag.gradgradcheck(fn, inputs)


def test_layer_gradcheck_through_time():
    ag.manual_seed(2)
    gru = nn.GRU(2, 3, num_layers=2).double()
    x = ag.tensor(_rand(4, 2, 2, seed=10), requires_grad=True)
    assert ag.gradcheck(lambda x, *ps: gru(x)[0], [x, *gru.parameters()])


# ---------------------------------------------------------------- Embedding


@pytest.mark.parametrize("padding_idx", [None, 2, -1])
def test_embedding_matches_torch_with_repeated_indices(padding_idx):
    torch = pytest.importorskip("torch")
    ours, theirs = _pair("Embedding", torch, "torch->ours", num_embeddings=6, embedding_dim=3,
                         padding_idx=padding_idx)  # fmt: skip
    idx = np.array([[1, 2, 2, 5], [5, 5, 0, 2]])
    out_a, out_t = ours(ag.tensor(idx)), theirs(torch.tensor(idx))
    _close(out_a.numpy(), out_t.detach().numpy(), "output")
    g = _rand(2, 4, 3, seed=11)
    out_a.backward(ag.tensor(g))
    out_t.backward(torch.tensor(g))
    _close(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), "weight gradient")
    repeated = 5 if padding_idx in (None, 2) else 2  # rows 2 and 5 are each read three times
    np.testing.assert_allclose(ours.weight.grad.numpy()[repeated], g[idx == repeated].sum(0))  # the sum of three
    if padding_idx is not None:
        row = padding_idx % 6
        assert ours.padding_idx == theirs.padding_idx == row
        np.testing.assert_array_equal(ours.weight.grad.numpy()[row], 0.0)


def test_embedding_init_and_padding_row():
    ag.manual_seed(0)
    emb = nn.Embedding(200, 50, padding_idx=0)
    w = emb.weight.numpy()
    np.testing.assert_array_equal(w[0], 0.0)
    assert abs(w[1:].std() - 1.0) < 0.05 and abs(w[1:].mean()) < 0.05  # N(0, 1), as PyTorch


def test_embedding_gradcheck_and_gradgradcheck():
    w = ag.tensor(_rand(5, 2, seed=12), requires_grad=True)
    idx = ag.tensor(np.array([[0, 3, 3], [4, 0, 1]]))
    # squared: a curved function; no padding_idx here (its row's zero gradient is on purpose, not the derivative)
    f = lambda w: ag.functional.embedding(idx, w) ** 2  # noqa: E731
    assert ag.gradcheck(f, [w])
    assert ag.gradgradcheck(f, [w])


def test_embedding_errors_name_the_layer_the_value_and_the_fix():
    emb = nn.Embedding(27, 4)
    with pytest.raises(TypeError, match=r"Embedding.*integer indices.*float32.*long\(\)"):
        emb(ag.tensor([1.0, 2.0]))
    with pytest.raises(IndexError, match=r"Embedding.*index 27 is out of range for num_embeddings=27.*at least 28"):
        emb(ag.tensor([3, 27]))
    with pytest.raises(IndexError, match=r"Embedding.*index -1 is negative.*num_embeddings=27"):
        emb(ag.tensor([-1, 3]))


# ---------------------------------------------------------------- errors of the recurrent layers


def test_recurrent_errors_are_clear():
    rnn = nn.RNN(3, 4)
    with pytest.raises(ValueError, match=r"RNN expects a sequence of shape \(T, batch, input_size\).*\(5,\)"):
        rnn(ag.zeros(5))
    with pytest.raises(ValueError, match=r"input_size=3.*\(5, 2, 7\)"):
        rnn(ag.zeros(5, 2, 7))
    with pytest.raises(ValueError, match=r"another axis"):
        rnn(ag.zeros(5, 3, 2))  # features in the middle
    with pytest.raises(ValueError, match=r"h_0 must have shape \(1, 2, 4\).*\(2, 4\)"):
        rnn(ag.zeros(5, 2, 3), ag.zeros(2, 4))
    with pytest.raises(ValueError, match=r"time axis \(T=2\).*batch_first=True"):
        rnn(ag.zeros(2, 5, 3), ag.zeros(1, 2, 4))  # (batch, T, in) given to a batch_first=False layer
    with pytest.raises(TypeError, match=r"LSTM.*pair \(h_0, c_0\)"):
        nn.LSTM(3, 4)(ag.zeros(5, 2, 3), ag.zeros(1, 2, 4))
    with pytest.raises(ValueError, match=r"GRUCell expects one time step.*\(batch, input_size=3\).*\(5, 2, 3\)"):
        nn.GRUCell(3, 4)(ag.zeros(5, 2, 3))
    with pytest.raises(ValueError, match=r"LSTMCell: c must have shape \(2, 4\)"):
        nn.LSTMCell(3, 4)(ag.zeros(2, 3), (ag.zeros(2, 4), ag.zeros(4)))
    with pytest.raises(NotImplementedError, match="bidirectional"):
        nn.GRU(3, 4, bidirectional=True)


# ---------------------------------------------------------------- gradient clipping


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    torch = pytest.importorskip("torch")
    grads = [_rand(3, 4, seed=13), _rand(5, seed=14)]
    ours = [ag.tensor(np.zeros_like(g), requires_grad=True) for g in grads]
    theirs = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for a, t, g in zip(ours, theirs, grads):
        a.grad, t.grad = ag.tensor(g), torch.tensor(g)
    total_a = nn.utils.clip_grad_norm_(ours, max_norm, norm_type)
    total_t = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    _close(total_a.numpy(), total_t.numpy(), "total norm")
    for a, t in zip(ours, theirs):
        _close(a.grad.numpy(), t.grad.numpy(), "clipped gradient")
    if max_norm < 1:
        assert not np.allclose(ours[0].grad.numpy(), grads[0])  # something was clipped


def test_clip_grad_value_matches_torch():
    torch = pytest.importorskip("torch")
    g = _rand(4, 5, seed=15)
    a, t = ag.tensor(np.zeros_like(g), requires_grad=True), torch.zeros(4, 5, dtype=torch.float64, requires_grad=True)
    a.grad, t.grad = ag.tensor(g), torch.tensor(g)
    nn.utils.clip_grad_value_([a], 0.3)
    torch.nn.utils.clip_grad_value_([t], 0.3)
    _close(a.grad.numpy(), t.grad.numpy(), "clipped gradient")
    assert np.abs(a.grad.numpy()).max() == pytest.approx(0.3)


# ---------------------------------------------------------------- truncated backpropagation through time


def test_truncated_bptt_cuts_exactly_at_detach():
    ag.manual_seed(3)
    rnn = nn.RNN(2, 3).double()
    x1 = ag.tensor(_rand(4, 1, 2, seed=16), requires_grad=True)
    x2 = ag.tensor(_rand(4, 1, 2, seed=17))

    def grads_after(loss):
        rnn.zero_grad()
        loss.backward()
        return {n: p.grad.numpy().copy() for n, p in rnn.named_parameters()}

    _, h1 = rnn(x1)
    out2, _ = rnn(x2, h1.detach())  # chunk 2 starts from chunk 1's state, cut from its graph
    truncated = grads_after((out2**2).sum())
    assert x1.grad is None  # nothing reached chunk 1

    h_start = ag.tensor(h1.numpy())  # chunk 2 alone, from the same numbers, no history at all
    alone = grads_after((rnn(x2, h_start)[0] ** 2).sum())
    for name in truncated:
        np.testing.assert_array_equal(truncated[name], alone[name], err_msg=name)

    _, h1 = rnn(x1)  # without the cut, chunk 2's loss reaches chunk 1's steps: different gradients
    full = grads_after((rnn(x2, h1)[0] ** 2).sum())
    assert not np.allclose(full["weight_hh_l0"], truncated["weight_hh_l0"])


# ---------------------------------------------------------------- on the (simulated) GPU


@pytest.mark.parametrize("cls_name", LAYERS)
def test_embedding_and_layer_on_cuda_match_cpu(fake_cuda, cls_name):
    ag.manual_seed(0)
    emb, rnn = nn.Embedding(7, 3).double(), getattr(nn, cls_name)(3, 4, num_layers=2, batch_first=True).double()
    idx = np.array([[1, 2, 2, 6], [0, 5, 5, 3]])
    results = []
    for device in ("cpu", "cuda"):
        emb.to(device)
        rnn.to(device)
        emb.zero_grad()
        rnn.zero_grad()
        out, _ = rnn(emb(ag.tensor(idx)))  # the indices stay on the CPU: Embedding sends them along
        assert out.device == device
        (out * out).sum().backward()
        grads = [p.grad.backend.to_numpy(p.grad.data) for p in [*emb.parameters(), *rnn.parameters()]]
        results.append((out.backend.to_numpy(out.data), grads))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-12)
    for g_gpu, g_cpu in zip(results[1][1], results[0][1]):
        np.testing.assert_allclose(g_gpu, g_cpu, rtol=1e-12, atol=1e-14)


def test_embedding_empty_and_scalar_indices_match_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = _pair("Embedding", torch, "torch->ours", num_embeddings=5, embedding_dim=2)
    for idx in (np.zeros((0,), dtype=np.int64), np.array(3), np.zeros((2, 0), dtype=np.int64)):
        out_a, out_t = ours(ag.tensor(idx)), theirs(torch.tensor(idx))
        assert out_a.shape == tuple(out_t.shape)
        _close(out_a.numpy(), out_t.detach().numpy(), "output")
        g = _rand(*out_t.shape, seed=40)
        ours.zero_grad()
        theirs.zero_grad()
        out_a.backward(ag.tensor(g))
        out_t.backward(torch.tensor(g))
        _close(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), "weight gradient")
