"""The newer layers (Conv1d, ConvTranspose2d, Unfold/Fold, unpooling, adaptive pooling, Upsample,
LayerNorm, GroupNorm; Conv2d's groups/padding strings/padding_mode): same parameter names, shapes
and default initialisation as torch.nn (a torch state_dict loads), same outputs and gradients."""

import numpy as np
import pytest

import autograd as ag
import nn


def _rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _pair(make_ours, make_theirs, torch):
    """Our layer in float64 with the values of a float64 torch layer whose parameters were randomised."""
    theirs = make_theirs().double()
    with torch.no_grad():
        for p in theirs.parameters():
            p.copy_(torch.randn_like(p))
    ours = make_ours(dtype="float64")
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def _compare(ours, theirs, x, torch, **forward_kwargs):
    """Outputs, input gradients and parameter gradients agree (random upstream gradient), float64."""
    xa, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out_a, out_t = ours(xa, **forward_kwargs), theirs(xt, **forward_kwargs)
    assert out_a.shape == tuple(out_t.shape)
    np.testing.assert_allclose(out_a.numpy(), out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = _rand(*out_t.shape, seed=7)
    out_a.backward(ag.tensor(g))
    out_t.backward(torch.tensor(g))
    np.testing.assert_allclose(xa.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), theirs.get_parameter(name).grad.numpy(), rtol=1e-10,
                                   atol=1e-12, err_msg=name)  # fmt: skip


LAYERS = {
    "ConvTranspose2d": (lambda m: m.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2), (2, 4, 3, 5)),
    "ConvTranspose2d-nobias": (lambda m: m.ConvTranspose2d(2, 3, (2, 4), stride=(1, 2), dilation=2, bias=False), (1, 2, 4, 3)),
    "Conv1d": (lambda m: m.Conv1d(4, 6, 3, stride=2, padding=1, groups=2), (2, 4, 9)),
    "Conv1d-same-reflect": (lambda m: m.Conv1d(3, 2, 4, padding="same", padding_mode="reflect"), (2, 3, 7)),
    "Conv2d-groups": (lambda m: m.Conv2d(4, 8, 3, padding=1, groups=4), (2, 4, 5, 5)),
    "Conv2d-same-circular": (lambda m: m.Conv2d(2, 3, (2, 3), padding="same", padding_mode="circular"), (1, 2, 5, 4)),
    "Conv2d-replicate": (lambda m: m.Conv2d(2, 3, 3, stride=2, padding=(1, 2), padding_mode="replicate"), (1, 2, 6, 5)),
    "Conv2d-valid": (lambda m: m.Conv2d(2, 3, 3, padding="valid", bias=False), (2, 2, 4, 5)),
    "LayerNorm": (lambda m: m.LayerNorm(5), (2, 3, 5)),
    "LayerNorm-2d": (lambda m: m.LayerNorm((3, 4), eps=1e-3), (2, 3, 4)),
    "LayerNorm-nobias": (lambda m: m.LayerNorm(4, bias=False), (3, 4)),
    "LayerNorm-plain": (lambda m: m.LayerNorm(4, elementwise_affine=False), (3, 4)),
    "GroupNorm": (lambda m: m.GroupNorm(2, 4), (2, 4, 3, 3)),
    "GroupNorm-plain": (lambda m: m.GroupNorm(3, 6, affine=False), (2, 6, 5)),
    "GroupNorm-nobias": (lambda m: m.GroupNorm(1, 3, bias=False), (2, 3, 2, 2)),
}  # fmt: skip


def _make(factory, lib, dtype=None):
    layer = factory(lib)
    return layer if dtype is None else layer.to(dtype=dtype)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_loads_a_torch_state_dict_and_matches_it(name):
    torch = pytest.importorskip("torch")
    factory, shape = LAYERS[name]
    ours, theirs = _pair(lambda dtype: _make(factory, nn, dtype), lambda: factory(torch.nn), torch)
    mine = {k: tuple(v.shape) for k, v in ours.state_dict().items()}
    assert mine == {k: tuple(v.shape) for k, v in theirs.state_dict().items()}  # names and shapes as torch.nn
    _compare(ours, theirs, _rand(*shape), torch)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_gradcheck(name):
    factory, shape = LAYERS[name]
    layer = factory(nn).double()
    for p in layer.parameters():
        p.data[...] = np.random.default_rng(1).standard_normal(p.shape)
    x = ag.tensor(_rand(*shape, seed=2), requires_grad=True)
    params = list(layer.parameters())
    assert ag.gradcheck(lambda inp, *ps: layer(inp), [x, *params])


@pytest.mark.parametrize(
    "make, fan_in",
    [
        (lambda m: m.ConvTranspose2d(8, 12, 3, groups=2), 6 * 9),  # torch's fan_in: weight.shape[1:] = (6, 3, 3)
        (lambda m: m.Conv1d(6, 9, 5, groups=3), 2 * 5),
        (lambda m: m.Conv2d(6, 10, 3, groups=2), 3 * 9),
    ],
)
def test_default_init_is_torchs(make, fan_in):
    """Weights and biases uniform in +-1/sqrt(fan_in), fan_in from the weight's layout, as torch.nn."""
    layer = make(nn)
    bound = 1 / np.sqrt(fan_in)
    for p in (layer.weight, layer.bias):
        values = p.numpy()
        assert np.abs(values).max() <= bound
        assert np.abs(values).max() > 0.7 * bound  # really spread over the range, not all near zero
    norm = nn.LayerNorm(3)
    np.testing.assert_array_equal(norm.weight.numpy(), 1)
    np.testing.assert_array_equal(norm.bias.numpy(), 0)
    group = nn.GroupNorm(2, 4)
    np.testing.assert_array_equal(group.weight.numpy(), 1)
    np.testing.assert_array_equal(group.bias.numpy(), 0)


def test_conv_transpose2d_output_size_picks_the_output_padding():
    torch = pytest.importorskip("torch")
    ours, theirs = _pair(lambda dtype: _make(lambda m: m.ConvTranspose2d(2, 3, 3, stride=2), nn, dtype),
                         lambda: torch.nn.ConvTranspose2d(2, 3, 3, stride=2), torch)  # fmt: skip
    _compare(ours, theirs, _rand(1, 2, 4, 3), torch, output_size=(10, 8))
    with pytest.raises(ValueError, match=r"output_size \(12, 8\) is not reachable"):
        ours(ag.zeros(1, 2, 4, 3, dtype="float64"), output_size=(12, 8))


@pytest.mark.parametrize(
    "make",
    [
        lambda m: m.Upsample(scale_factor=2),
        lambda m: m.Upsample(size=(7, 5), mode="bilinear"),
        lambda m: m.Upsample(scale_factor=1.5, mode="bilinear", align_corners=True),
        lambda m: m.UpsamplingNearest2d(size=5),
        lambda m: m.UpsamplingBilinear2d(scale_factor=2),
        lambda m: m.AdaptiveAvgPool2d((3, 2)),
        lambda m: m.AdaptiveAvgPool2d(1),
        lambda m: m.AdaptiveMaxPool2d((2, None)),
        lambda m: m.MaxPool2d(2, stride=1, dilation=2),
        lambda m: m.Unfold(2, padding=1),
    ],
    ids=["up-nearest", "up-bilinear", "up-align", "nearest2d", "bilinear2d", "aavg", "gap", "amax", "maxpool-dil",
         "unfold"],
)  # fmt: skip
def test_parameterless_layers_match_torch(make):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(3).permutation(2 * 3 * 5 * 4).reshape(2, 3, 5, 4) * 0.1  # distinct: no max ties
    _compare(make(nn), make(torch.nn), x, torch)
    assert list(make(nn).parameters()) == []


def test_fold_layer_and_unpool_layer_match_torch():
    torch = pytest.importorskip("torch")
    _compare(nn.Fold((4, 5), 2), torch.nn.Fold((4, 5), 2), _rand(2, 12, 12), torch)
    x = np.random.default_rng(4).permutation(2 * 2 * 6 * 6).reshape(2, 2, 6, 6) * 1.0
    y, idx = nn.MaxPool2d(2, return_indices=True)(ag.tensor(x))
    ty, tidx = torch.nn.MaxPool2d(2, return_indices=True)(torch.tensor(x))
    np.testing.assert_array_equal(idx.numpy(), tidx.numpy())
    out = nn.MaxUnpool2d(2)(y, idx)
    np.testing.assert_array_equal(out.numpy(), torch.nn.MaxUnpool2d(2)(ty, tidx).numpy())
    amax, aidx = nn.AdaptiveMaxPool2d((4, 3), return_indices=True)(ag.tensor(x))
    np.testing.assert_array_equal(aidx.numpy(), torch.nn.AdaptiveMaxPool2d((4, 3), True)(torch.tensor(x))[1].numpy())


def test_autoencoder_goes_down_and_back_up_to_the_image_size():
    """Deck 004's shape: conv stride 2 down to a small code, ConvTranspose2d / Upsample back up; it trains."""
    ag.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.ReLU(),  # 8x8 -> 4x4
        nn.Conv2d(4, 8, 3, stride=2, padding=1), nn.ReLU(),  # 4x4 -> 2x2: the code
        nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1), nn.ReLU(),  # 2x2 -> 4x4
        nn.Upsample(scale_factor=2, mode="bilinear"), nn.Conv2d(4, 1, 3, padding="same"),  # 4x4 -> 8x8
    )  # fmt: skip
    x = ag.tensor(np.random.default_rng(5).random((16, 1, 8, 8)).astype(np.float32))
    optimizer = nn.optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for _ in range(30):
        out = model(x)
        assert out.shape == x.shape and out.dtype == np.float32
        loss = ((out - x) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]


def test_layers_take_an_empty_batch():
    for layer, shape in [(nn.ConvTranspose2d(2, 3, 3, stride=2), (0, 2, 4, 4)), (nn.Conv1d(2, 3, 3), (0, 2, 5)),
                         (nn.GroupNorm(1, 2), (0, 2, 3)), (nn.LayerNorm(3), (0, 3)), (nn.AdaptiveAvgPool2d(2), (0, 2, 5, 5))]:  # fmt: skip
        out = layer(ag.zeros(*shape))
        assert out.shape[0] == 0


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: nn.Conv2d(4, 6, 3, groups=4), r"groups=4 must be >= 1 and divide"),
        (lambda: nn.Conv2d(1, 1, 3, stride=2, padding="same"), r"padding='same' needs stride 1"),
        (lambda: nn.Conv2d(1, 1, 3, padding_mode="mirror"), r"padding_mode must be one of"),
        (lambda: nn.ConvTranspose2d(1, 1, 3, padding_mode="reflect"), r"only padding_mode='zeros'"),
        (lambda: nn.MaxPool2d(2, 2, 0, True), r"4th argument is dilation.*ceil_mode=True"),
        (lambda: nn.GroupNorm(3, 4), r"num_groups=3 must divide num_channels=4"),
        (lambda: nn.Conv1d(3, 2, 3)(ag.zeros(3, 5)), r"Conv1d.*expects inputs of shape \(batch, in_channels, length\)"),
        (lambda: nn.ConvTranspose2d(3, 2, 3)(ag.zeros(1, 2, 4, 4)), r"in_channels=3"),
        (lambda: nn.LayerNorm(4)(ag.zeros(2, 3)), r"normalized_shape \(4,\) must match"),
    ],
)
def test_layer_errors_name_the_layer_and_the_fix(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_reprs_read_like_torch():
    assert repr(nn.ConvTranspose2d(4, 6, 3, stride=2, groups=2)) == (
        "ConvTranspose2d(4, 6, kernel_size=(3, 3), stride=(2, 2), groups=2)"
    )
    assert repr(nn.Conv1d(2, 3, 5, padding="same")) == "Conv1d(2, 3, kernel_size=(5,), stride=(1,), padding=same)"
    assert repr(nn.LayerNorm(8)) == "LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=True)"
    assert repr(nn.GroupNorm(2, 4, bias=False)) == "GroupNorm(2, 4, eps=1e-05, affine=True, bias=False)"
    assert repr(nn.MaxUnpool2d(2)) == "MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))"
    assert repr(nn.Upsample(scale_factor=2)) == "Upsample(scale_factor=2.0, mode='nearest')"
