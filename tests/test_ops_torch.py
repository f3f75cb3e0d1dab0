"""Every differentiable op against PyTorch: the same values and the same gradients.

Both run on identical inputs with the same random upstream gradient, in float64
(tight) and float32 (float32 round-off), and our results must keep the dtype.
"""

import numpy as np
import pytest
from op_cases import CASE_IDS, CASES, assert_matches_torch

import autograd as ag

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_forward_and_gradients_match_torch(case, dtype):
    assert_matches_torch(case, dtype)


@pytest.mark.parametrize(
    "fn, torch_fn, values",
    [
        (lambda x: x.max(), lambda x: x.amax(), [1.0, 3.0, 3.0, 2.0]),
        (lambda x: x.min(axis=1), lambda x: x.amin(1), [[1.0, 1.0, 2.0], [0.0, 2.0, 0.0]]),
        (
            lambda x: ag.functional.maximum(x, x.detach() * 0 + 1.0),
            lambda x: torch.maximum(x, torch.ones(3)),
            [1, 0, 2.0],
        ),
        (lambda x: ag.functional.minimum(x, 1.0), lambda x: torch.minimum(x, torch.ones(3)), [1, 0, 2.0]),
        (lambda x: x.relu(), lambda x: x.relu(), [-1.0, 0.0, 1.0]),
        (lambda x: x.abs(), lambda x: x.abs(), [-1.0, 0.0, 1.0]),
        (lambda x: x.clip(-1.0, 1.0), lambda x: x.clamp(-1.0, 1.0), [-1.0, 1.0, 3.0]),
        (lambda x: ag.functional.elu(x), lambda x: torch.nn.functional.elu(x), [-1.0, 0.0, 1.0]),
        (lambda x: ag.functional.leaky_relu(x), lambda x: torch.nn.functional.leaky_relu(x), [-1.0, 0.0, 1.0]),
    ],
    ids=["max_ties", "min_ties", "maximum_ties", "minimum_ties", "relu_0", "abs_0", "clip_edges", "elu_0", "leaky_0"],
)
def test_gradients_at_ties_and_kinks_match_torch(fn, torch_fn, values):
    x = ag.tensor(values, dtype="float64", requires_grad=True)
    t = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    upstream = np.arange(1.0, 1.0 + np.prod(np.shape(fn(x.detach())))).reshape(fn(x.detach()).shape)
    fn(x).backward(ag.tensor(upstream, dtype="float64"))
    torch_fn(t).backward(torch.tensor(upstream))
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy())


def test_second_derivatives_match_torch():
    values = np.random.default_rng(0).standard_normal((3, 4))
    x = ag.tensor(values, dtype="float64", requires_grad=True)
    t = torch.tensor(values, requires_grad=True)

    def f(a, lib):
        s = a.softmax(-1) if lib is ag else a.softmax(-1)
        v = a.var(0) if lib is ag else a.var(0, correction=0)
        return (s * a.tanh()).sum() + (v * v).sum() + (a.sigmoid() ** 3).sum()

    (g,) = ag.grad(f(x, ag), [x], create_graph=True)
    (tg,) = torch.autograd.grad(f(t, torch), [t], create_graph=True)
    (gg,) = ag.grad((g * g).sum(), [x])
    (tgg,) = torch.autograd.grad((tg * tg).sum(), [t])
    np.testing.assert_allclose(g.numpy(), tg.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(gg.numpy(), tgg.numpy(), rtol=1e-9)
