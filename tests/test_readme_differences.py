"""The README's table "Differences from PyTorch": every row still behaves as it says.

Each row's first cell (what PyTorch does) names a check below; a row without a
check, or a check without a row, fails, so the table and the engine cannot drift
apart. Adding a row means adding its check here.
"""

import re
from pathlib import Path

import numpy as np
import pytest

import autograd as ag
import autograd.functional as F

torch = pytest.importorskip("torch")

README = Path(__file__).resolve().parent.parent / "README.md"


def table_rows():
    """The first cell of every row of the README's differences table."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Differences from PyTorch", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    assert rows[0].startswith("| PyTorch |") and set(rows[1]) <= set("|- "), "the table keeps its header"
    return [re.split(r"\s*\|\s*", row.strip("| "))[0] for row in rows[2:]]


X = np.array([[1.0, 4.0, 4.0], [3.0, -2.0, 0.5]])


def _variance_is_the_population_one():
    x, t = ag.tensor(X, dtype="float64"), torch.tensor(X)
    np.testing.assert_allclose(x.var().item(), t.var(correction=0).item())
    np.testing.assert_allclose(x.std(1).numpy(), t.std(1, correction=0).numpy())
    np.testing.assert_allclose(F.var_mean(x)[0].item(), torch.var_mean(t, correction=0)[0].item())
    assert not np.isclose(x.var().item(), t.var().item())  # PyTorch's default differs
    np.testing.assert_allclose(x.var(correction=1).item(), t.var().item())
    np.testing.assert_allclose(x.var(unbiased=True).item(), t.var().item())


def _max_axis_gives_values_and_shares_ties():
    x = ag.tensor(X, requires_grad=True)
    out = x.max(axis=1)
    assert isinstance(out, ag.Tensor) and isinstance(F.max(x, axis=1), ag.Tensor)
    assert x.max(1)._fields == F.max(x, 1)._fields == ("values", "indices")  # the PyTorch spellings
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0.5, 0.5], [1, 0, 0]])
    assert isinstance(torch.tensor(X).max(axis=1), tuple)  # PyTorch: (values, indices)


def _second_var_argument_is_keepdim():
    x, t = ag.tensor(X, dtype="float64"), torch.tensor(X)
    assert x.var(0, True).shape == (1, 3) and x.std(1, True).shape == (2, 1)
    assert tuple(t.var(0, True).shape) == (3,)  # PyTorch: unbiased=True
    np.testing.assert_allclose(x.var(0, correction=1).numpy(), t.var(0, True).numpy())


def _size_is_a_plain_tuple():
    x = ag.zeros(2, 3)
    assert type(x.size()) is tuple and x.size() == (2, 3) and x.numel() == 6
    assert type(torch.zeros(2, 3).size()) is not tuple


def _floor_divide_has_a_zero_gradient():
    x = ag.tensor([3.5, -1.5], requires_grad=True)
    (x // 2).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]
    t = torch.tensor([3.5, -1.5], requires_grad=True)
    with pytest.raises(RuntimeError):
        (t // 2).sum().backward()


def _softmax_without_dim_uses_the_last():
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    np.testing.assert_allclose(F.softmax(ag.tensor(x)).numpy(), torch.tensor(x).softmax(-1).numpy(), rtol=1e-6)
    np.testing.assert_allclose(F.softmin(ag.tensor(x)).numpy(), torch.tensor(-x).softmax(-1).numpy(), rtol=1e-6)


def _sorting_is_always_stable():
    values = np.array([2.0, 1.0, 2.0, 1.0, 2.0, 1.0] * 4)
    np.testing.assert_array_equal(
        ag.tensor(values).argsort().numpy(), torch.tensor(values).argsort(stable=True).numpy()
    )
    np.testing.assert_array_equal(
        ag.tensor(values).sort(descending=True).indices.numpy(),
        torch.tensor(values).sort(descending=True, stable=True).indices.numpy(),
    )
    assert ag.tensor(values).topk(3).indices.tolist() == [0, 2, 4]  # the first three 2.0s, in order


def _gather_counts_negative_indices_from_the_end():
    out = F.gather(ag.tensor(X), 1, np.array([[-1], [0]]))
    assert out.tolist() == [[4.0], [3.0]]
    with pytest.raises(RuntimeError):
        torch.gather(torch.tensor(X), 1, torch.tensor([[-1], [0]]))


def _seeds_repeat_but_draw_other_numbers():
    ag.manual_seed(0)
    a = ag.rand(5).numpy()
    ag.manual_seed(0)
    assert (ag.rand(5).numpy() == a).all()
    torch.manual_seed(0)
    assert not np.allclose(a, torch.rand(5).numpy())


def _matmul_promotes_mixed_dtypes():
    out = ag.tensor([[1.0, 2.0]]) @ ag.tensor([[1], [2]])
    assert out.dtype == np.float32 and out.item() == 5.0
    with pytest.raises(RuntimeError):
        torch.tensor([[1.0, 2.0]]) @ torch.tensor([[1], [2]])


def _in_place_change_of_any_input_breaks_backward():
    x, a = ag.tensor([1.0, 2.0], requires_grad=True), ag.tensor([3.0, 4.0])
    y = (x + a).sum()  # add saves nothing for backward, but keeps its inputs
    a += 1
    with pytest.raises(RuntimeError, match="modified in place after it was saved"):
        y.backward()
    tx, ta = torch.tensor([1.0, 2.0], requires_grad=True), torch.tensor([3.0, 4.0])
    ty = (tx + ta).sum()
    ta += 1
    ty.backward()  # PyTorch: fine


def _pad_refuses_to_crop_and_takes_numpy_pairs():
    x = ag.tensor(X)
    with pytest.raises(ValueError, match=r"index instead"):
        F.pad(x, (-1, -1))
    assert tuple(torch.nn.functional.pad(torch.tensor(X), (-1, -1)).shape) == (2, 1)  # PyTorch crops
    np.testing.assert_array_equal(F.pad(x, ((1, 0), (0, 2))).numpy(), np.pad(X, ((1, 0), (0, 2))))


def _interpolate_has_three_modes():
    x = ag.tensor(X[None, None])
    for mode in ("bicubic", "area", "nearest-exact"):
        torch.nn.functional.interpolate(torch.tensor(X[None, None]), scale_factor=2, mode=mode)  # PyTorch has them
        with pytest.raises(ValueError, match=r"mode must be one of nearest, linear, bilinear"):
            F.interpolate(x, scale_factor=2, mode=mode)
    with pytest.raises(ValueError, match=r"antialias=True is not supported"):
        F.interpolate(x, scale_factor=2, mode="bilinear", antialias=True)


def _attention_converts_a_float_mask():
    q = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    mask = np.triu(np.full((2, 2), -1e9), 1)  # float64
    out = F.scaled_dot_product_attention(ag.tensor(q), ag.tensor(q), ag.tensor(q), attn_mask=ag.tensor(mask))
    assert out.dtype == np.float32
    t = torch.tensor(q)
    expected = torch.nn.functional.scaled_dot_product_attention(t, t, t, attn_mask=torch.tensor(mask).float())
    np.testing.assert_allclose(out.numpy(), expected.numpy(), rtol=1e-5, atol=1e-6)
    with pytest.raises(RuntimeError):
        torch.nn.functional.scaled_dot_product_attention(t, t, t, attn_mask=torch.tensor(mask))


def _integer_pooling_raises():
    x = ag.tensor([[[[1, 2], [3, 4]]]])
    for pool in (lambda t: F.avg_pool2d(t, 2), lambda t: F.max_pool2d(t, 2, padding=1)):
        with pytest.raises(TypeError, match=r"needs a floating-point tensor, got int64.*x\.float\(\)"):
            pool(x)
    assert F.max_pool2d(x, 2).item() == 4 and F.max_pool2d(x, 2).dtype == np.int64
    assert F.avg_pool2d(x.float(), 2).item() == 2.5
    # PyTorch truncates the mean instead
    assert torch.nn.functional.avg_pool2d(torch.tensor([[[[1, 2], [3, 4]]]]), 2).item() == 2


CHECKS = {
    "`x.var()`, `x.std()`, `torch.var_mean(x)` divide by n - 1": _variance_is_the_population_one,
    "`x.max(dim=1)`, `x.max(axis=1)` and `torch.max(x, axis=1)` give `(values, indices)`": _max_axis_gives_values_and_shares_ties,
    "`x.var(0, True)`, `x.std(0, True)`: the second argument is the old `unbiased`": _second_var_argument_is_keepdim,
    "`x.size()` is a `torch.Size`": _size_is_a_plain_tuple,
    "`x // y` has no gradient (backward raises)": _floor_divide_has_a_zero_gradient,
    "`F.softmax(x)`, `F.softmin(x)` without `dim` guess one (with a warning)": _softmax_without_dim_uses_the_last,
    "`sort`, `argsort` are stable only with `stable=True`; `topk` orders ties as it likes": _sorting_is_always_stable,
    "`gather`/`scatter` refuse negative indices": _gather_counts_negative_indices_from_the_end,
    "`a @ b` with two dtypes raises": _matmul_promotes_mixed_dtypes,
    "changing a tensor in place breaks only the backward of ops that saved it": (
        _in_place_change_of_any_input_breaks_backward
    ),
    "`F.avg_pool2d` and padded `F.max_pool2d` pool integer tensors (a truncated mean)": _integer_pooling_raises,
    "`torch.manual_seed(0)` draws PyTorch's numbers": _seeds_repeat_but_draw_other_numbers,
    "`F.pad(x, (-1, -1))` crops": _pad_refuses_to_crop_and_takes_numpy_pairs,
    "`F.interpolate` also has `bicubic`, `trilinear`, `area`, `nearest-exact` and `antialias=True`": (
        _interpolate_has_three_modes
    ),
    "`F.scaled_dot_product_attention` refuses a float `attn_mask` whose dtype is not the query's": (
        _attention_converts_a_float_mask
    ),
}


def test_every_row_has_a_check_and_every_check_a_row():
    rows = table_rows()
    assert len(rows) == len(set(rows)), "a row appears twice"
    missing = [r for r in rows if r not in CHECKS]
    assert not missing, f"README rows without a check in tests/test_readme_differences.py: {missing}"
    stale = [c for c in CHECKS if c not in rows]
    assert not stale, f"checks whose README row is gone: {stale}"


@pytest.mark.parametrize("row", list(CHECKS))
def test_the_row_still_holds(row):
    CHECKS[row]()
