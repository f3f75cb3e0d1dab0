"""Losses: values and gradients against torch.nn.functional, gradchecks, stability and clear errors."""

import numpy as np
import pytest

import autograd as ag
import nn
from nn import losses as L

torch = pytest.importorskip("torch")
TF = torch.nn.functional

REDUCTIONS = ["mean", "sum", "none"]


def _softmax(a, axis=1):
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _compare(ours_fn, torch_fn, x, target, device="cpu", dtype="float64", atol=1e-10, target_grad=False):
    """Run both losses on the same numbers; compare the loss and the gradient(s) for a random upstream gradient."""
    x_ours = ag.tensor(x, dtype=dtype, device=device, requires_grad=True)
    x_torch = torch.tensor(x, dtype=getattr(torch, dtype), requires_grad=True)
    if np.asarray(target).dtype.kind == "f":
        t_ours = ag.tensor(target, dtype=dtype, device=device, requires_grad=target_grad)
        t_torch = torch.tensor(target, dtype=getattr(torch, dtype), requires_grad=target_grad)
    else:
        t_ours, t_torch = ag.tensor(target, device=device), torch.tensor(target)
    if isinstance(ours_fn, nn.Module):  # a loss holding class weights lives on a device too
        ours_fn = ours_fn.to(device)
    ours, theirs = ours_fn(x_ours, t_ours), torch_fn(x_torch, t_torch)
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-6, atol=atol)
    upstream = np.random.default_rng(1).standard_normal(ours.shape)
    ours.backward(ag.tensor(upstream, dtype=dtype, device=device))
    theirs.backward(torch.tensor(upstream, dtype=getattr(torch, dtype)))
    np.testing.assert_allclose(x_ours.grad.numpy(), x_torch.grad.numpy(), rtol=1e-6, atol=atol)
    if target_grad:
        np.testing.assert_allclose(t_ours.grad.numpy(), t_torch.grad.numpy(), rtol=1e-6, atol=atol)


rng = np.random.default_rng(0)
X = rng.standard_normal((5, 4)) * 2
Y = rng.standard_normal((5, 4))
P = 1 / (1 + np.exp(-X))  # probabilities
Q = rng.uniform(size=(5, 4))  # soft binary targets
IDX = np.array([0, 3, 1, 1, 2])


# --------------------------------------------------------------------------- regression losses
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    "ours, theirs",
    [
        (L.mse_loss, TF.mse_loss),
        (L.l1_loss, TF.l1_loss),
        (L.huber_loss, TF.huber_loss),
        (lambda x, y, reduction: L.huber_loss(x, y, reduction, delta=0.4),
         lambda x, y, reduction: TF.huber_loss(x, y, reduction=reduction, delta=0.4)),
    ],
    ids=["mse", "l1", "huber", "huber_delta"],
)  # fmt: skip
def test_regression_losses_match_torch(ours, theirs, reduction, device):
    _compare(
        lambda x, y: ours(x, y, reduction=reduction),
        lambda x, y: theirs(x, y, reduction=reduction),
        X, Y, device, target_grad=True,
    )  # fmt: skip


@pytest.mark.parametrize("cls, tcls", [(nn.MSELoss, torch.nn.MSELoss), (nn.L1Loss, torch.nn.L1Loss)])
def test_loss_classes_are_modules_and_match_torch(cls, tcls):
    assert isinstance(cls(), nn.Module)
    _compare(cls(reduction="sum"), tcls(reduction="sum"), X, Y)
    _compare(nn.HuberLoss(delta=0.3), torch.nn.HuberLoss(delta=0.3), X, Y)
    assert repr(cls()) == f"{cls.__name__}(reduction='mean')"


def test_float32_losses_stay_float32():
    x = ag.tensor(X, dtype="float32", requires_grad=True)
    # a float64 target (NumPy's default) takes the prediction's dtype
    loss = nn.MSELoss()(x, Y)
    assert loss.dtype == np.float32
    np.testing.assert_allclose(loss.item(), TF.mse_loss(torch.tensor(X), torch.tensor(Y)).item(), rtol=1e-5)


# --------------------------------------------------------------------------- binary classification
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_matches_torch(reduction, device):
    _compare(
        lambda p, y: L.binary_cross_entropy(p, y, reduction=reduction),
        lambda p, y: TF.binary_cross_entropy(p, y, reduction=reduction),
        P, Q, device, target_grad=True,
    )  # fmt: skip
    w = np.random.default_rng(2).uniform(0.5, 2, size=(4,))
    _compare(
        nn.BCELoss(weight=w, reduction=reduction),
        torch.nn.BCELoss(weight=torch.tensor(w), reduction=reduction),
        P, Q, device,
    )  # fmt: skip


def test_bce_clamps_the_log_at_minus_100_like_torch():
    p = np.array([0.0, 1.0, 1e-50, 0.5])
    y = np.array([1.0, 0.0, 1.0, 0.3])
    ours = ag.tensor(p, dtype="float64", requires_grad=True)
    loss = L.binary_cross_entropy(ours, ag.tensor(y, dtype="float64"), reduction="none")
    theirs = torch.tensor(p, requires_grad=True)
    expected = TF.binary_cross_entropy(theirs, torch.tensor(y), reduction="none")
    np.testing.assert_allclose(loss.numpy(), expected.detach().numpy())  # 100 where p is exactly wrong
    loss.sum().backward()
    expected.sum().backward()
    # inside the clamp the loss is flat (gradient 0, where PyTorch reports a huge finite number); elsewhere equal
    assert np.isfinite(ours.grad.numpy()).all()
    np.testing.assert_allclose(ours.grad.numpy()[3], theirs.grad.numpy()[3])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_matches_torch(reduction, device):
    _compare(
        lambda x, y: L.binary_cross_entropy_with_logits(x, y, reduction=reduction),
        lambda x, y: TF.binary_cross_entropy_with_logits(x, y, reduction=reduction),
        X, Q, device, target_grad=True,
    )  # fmt: skip
    r = np.random.default_rng(3)
    pw, w = r.uniform(0.5, 3, size=(4,)), r.uniform(0.5, 2, size=(5, 1))
    _compare(
        nn.BCEWithLogitsLoss(weight=w, pos_weight=pw, reduction=reduction),
        torch.nn.BCEWithLogitsLoss(weight=torch.tensor(w), pos_weight=torch.tensor(pw), reduction=reduction),
        X, Q, device,
    )  # fmt: skip


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_bce_with_logits_is_finite_for_huge_logits(dtype):
    x = np.array([100.0, -100.0, 100.0, -100.0, 0.0])
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0])
    _compare(
        lambda a, b: L.binary_cross_entropy_with_logits(a, b, reduction="none", pos_weight=[2.0]),
        lambda a, b: TF.binary_cross_entropy_with_logits(a, b, reduction="none", pos_weight=torch.tensor([2.0])),
        x, y, dtype=dtype, atol=1e-5,
    )  # fmt: skip
    loss = L.binary_cross_entropy_with_logits(ag.tensor(x, dtype=dtype), ag.tensor(y, dtype=dtype), reduction="none")
    np.testing.assert_allclose(loss.numpy()[:4], [100.0, 100.0, 0.0, 0.0], atol=1e-6)


# --------------------------------------------------------------------------- multi-class classification
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"weight": [0.2, 1.0, 3.0, 0.5]}, {"label_smoothing": 0.1}, {"ignore_index": 1},
     {"weight": [0.2, 1.0, 3.0, 0.5], "label_smoothing": 0.25, "ignore_index": 3}],
    ids=["plain", "weight", "smoothing", "ignore", "all"],
)  # fmt: skip
def test_cross_entropy_with_class_indices_matches_torch(kwargs, reduction, device):
    tkw = {k: torch.tensor(v, dtype=torch.float64) if k == "weight" else v for k, v in kwargs.items()}
    _compare(
        nn.CrossEntropyLoss(reduction=reduction, **kwargs),
        torch.nn.CrossEntropyLoss(reduction=reduction, **tkw),
        X * 3, IDX, device,
    )  # fmt: skip


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weight", [None, [0.2, 1.0, 3.0, 0.5]], ids=["plain", "weight"])
def test_cross_entropy_with_targets_at_the_default_ignore_index_matches_torch(weight, reduction, device):
    # -100 (the default ignore_index) in the targets: the losses are picked through masks,
    # not by the path for targets that all count
    tkw = {} if weight is None else {"weight": torch.tensor(weight, dtype=torch.float64)}
    _compare(
        nn.CrossEntropyLoss(weight=weight, reduction=reduction),
        torch.nn.CrossEntropyLoss(reduction=reduction, **tkw),
        X * 3, np.array([0, -100, 3, -100, 2]), device,
    )  # fmt: skip


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    "kwargs", [{}, {"weight": [0.2, 1.0, 3.0, 0.5]}, {"label_smoothing": 0.2}], ids=["plain", "weight", "smoothing"]
)
def test_cross_entropy_with_probability_targets_matches_torch(kwargs, reduction, device):
    tkw = {k: torch.tensor(v, dtype=torch.float64) if k == "weight" else v for k, v in kwargs.items()}
    _compare(
        lambda x, y: L.cross_entropy(x, y, reduction=reduction, **kwargs),
        lambda x, y: TF.cross_entropy(x, y, reduction=reduction, **tkw),
        X, _softmax(Y), device, target_grad=True,
    )  # fmt: skip


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_on_images_and_single_samples_matches_torch(reduction):
    r = np.random.default_rng(4)
    x = r.standard_normal((2, 3, 4, 5))
    t = r.integers(0, 3, size=(2, 4, 5))
    w = [1.0, 2.0, 0.5]
    _compare(
        lambda a, b: L.cross_entropy(a, b, weight=w, reduction=reduction),
        lambda a, b: TF.cross_entropy(a, b, weight=torch.tensor(w, dtype=torch.float64), reduction=reduction),
        x, t,
    )  # fmt: skip
    _compare(
        lambda a, b: L.cross_entropy(a, b, reduction=reduction),
        lambda a, b: TF.cross_entropy(a, b, reduction=reduction),
        x[0, :, 0, 0], np.array(2),
    )  # fmt: skip
    _compare(
        lambda a, b: L.cross_entropy(a, b, reduction=reduction),
        lambda a, b: TF.cross_entropy(a, b, reduction=reduction),
        x, _softmax(r.standard_normal(x.shape)),
    )  # fmt: skip


def test_cross_entropy_is_stable_for_huge_logits():
    x = np.array([[1000.0, -1000.0, 0.0], [-500.0, 500.0, 499.0]])
    _compare(lambda a, b: L.cross_entropy(a, b, reduction="none"),
             lambda a, b: TF.cross_entropy(a, b, reduction="none"), x, np.array([1, 2]), dtype="float32", atol=1e-4)  # fmt: skip


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_loss_matches_torch(reduction, device):
    logp = np.log(_softmax(X))
    w = [0.5, 2.0, 1.0, 1.5]
    _compare(
        nn.NLLLoss(weight=w, ignore_index=2, reduction=reduction),
        torch.nn.NLLLoss(weight=torch.tensor(w, dtype=torch.float64), ignore_index=2, reduction=reduction),
        logp, IDX, device,
    )  # fmt: skip
    _compare(nn.NLLLoss(reduction=reduction), torch.nn.NLLLoss(reduction=reduction), logp, IDX, device)


def test_log_softmax_then_nll_is_cross_entropy():
    x = ag.tensor(X, dtype="float64")
    a = L.nll_loss(ag.functional.log_softmax(x, axis=1), IDX)
    np.testing.assert_allclose(a.item(), L.cross_entropy(x, IDX).item(), rtol=1e-12)


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides")
@pytest.mark.parametrize("reduction", REDUCTIONS + ["batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_matches_torch(reduction, log_target, device):
    logp = np.log(_softmax(X))
    target = np.log(_softmax(Y)) if log_target else _softmax(Y * 3)
    ours, theirs = (
        nn.KLDivLoss(reduction=reduction, log_target=log_target),
        torch.nn.KLDivLoss(reduction=reduction, log_target=log_target),
    )
    _compare(ours, theirs, logp, target, device, target_grad=True)
    if not log_target:  # a zero-probability target contributes 0 (0 ln 0 = 0); torch's target gradient is NaN there
        target[0, 1] = 0.0
        _compare(ours, theirs, logp, target, device)


# --------------------------------------------------------------------------- gradchecks (float64)
def _t(a, grad=True):
    return ag.tensor(a, dtype="float64", requires_grad=grad)


SMALL_X, SMALL_Y = X[:3, :3], Y[:3, :3]
GRADCHECKS = {
    "mse": (lambda x, y: L.mse_loss(x, y, reduction="none"), SMALL_X, SMALL_Y),
    "l1": (lambda x, y: L.l1_loss(x, y), SMALL_X, SMALL_Y),
    "huber": (lambda x, y: L.huber_loss(x, y, delta=0.7), SMALL_X, SMALL_Y),
    "bce": (lambda x, y: L.binary_cross_entropy(x, y, reduction="sum"), P[:3, :3], Q[:3, :3]),
    "bce_logits": (lambda x, y: L.binary_cross_entropy_with_logits(x, y, pos_weight=[1.0, 2.0, 0.5]), SMALL_X,
                   Q[:3, :3]),
    "ce_probs": (lambda x, y: L.cross_entropy(x, y, label_smoothing=0.1), SMALL_X, _softmax(SMALL_Y)),
    "kl": (lambda x, y: L.kl_div(x, y, reduction="batchmean"), np.log(_softmax(SMALL_X)), _softmax(SMALL_Y)),
    "kl_log": (lambda x, y: L.kl_div(x, y, log_target=True), SMALL_X, SMALL_Y),
}  # fmt: skip


@pytest.mark.parametrize("name", list(GRADCHECKS))
def test_gradcheck_float64(name):
    fn, x, y = GRADCHECKS[name]
    assert ag.gradcheck(fn, [_t(x), _t(y)])
    if name != "l1":  # |d| has no second derivative worth checking (0 almost everywhere)
        assert ag.gradgradcheck(fn, [_t(x), _t(y)])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gradcheck_class_index_losses(reduction):
    w = ag.tensor([0.5, 2.0, 1.0], dtype="float64")
    t = np.array([2, 0, 1, 0])
    x = X[:4, :3]

    def ce(a):
        return L.cross_entropy(a, t, weight=w, label_smoothing=0.2, reduction=reduction)

    def nll(a):
        return L.nll_loss(a, t, weight=w, reduction=reduction)

    assert ag.gradcheck(ce, [_t(x)]) and ag.gradgradcheck(ce, [_t(x)])
    assert ag.gradcheck(nll, [_t(x)])


# --------------------------------------------------------------------------- clear errors
@pytest.mark.parametrize(
    "fn, name",
    [(nn.MSELoss(), "mse_loss"), (nn.L1Loss(), "l1_loss"), (nn.HuberLoss(), "huber_loss"),
     (nn.BCELoss(), "binary_cross_entropy"), (nn.BCEWithLogitsLoss(), "binary_cross_entropy_with_logits"),
     (nn.KLDivLoss(), "kl_div")],
)  # fmt: skip
def test_n1_against_n_is_an_error_not_a_broadcast(fn, name):
    pred = ag.tensor(np.full((4, 1), 0.5), requires_grad=True)
    with pytest.raises(ValueError) as info:
        fn(pred, np.full(4, 0.5))
    msg = str(info.value)
    assert msg.startswith(f"{name}: the prediction has shape (4, 1) but the target has shape (4,)")
    assert "broadcast to (4, 4)" in msg and "target.reshape(4, 1)" in msg and "prediction.squeeze(1)" in msg


def test_shape_error_names_the_loss():
    with pytest.raises(
        ValueError, match=r"mse_loss: the prediction has shape \(4, 1\) but the target has shape \(4,\)"
    ):
        L.mse_loss(ag.zeros((4, 1)), ag.zeros(4))
    with pytest.raises(ValueError, match=r"l1_loss.*\(3,\).*\(2,\)"):
        L.l1_loss(ag.zeros(3), ag.zeros(2))


def test_wrong_target_dtypes_are_clear_errors():
    with pytest.raises(TypeError, match=r"mse_loss: the target has dtype int64.*target\.float\(\)"):
        nn.MSELoss()(ag.zeros(3), ag.tensor([1, 2, 3]))
    with pytest.raises(TypeError, match=r"cross_entropy: the target has shape \(2,\), so it is read as class indices"):
        nn.CrossEntropyLoss()(ag.zeros((2, 3)), ag.tensor([1.0, 2.0]))
    with pytest.raises(TypeError, match=r"cross_entropy.*class probabilities.*int64.*target\.float\(\)"):
        nn.CrossEntropyLoss()(ag.zeros((2, 3)), ag.tensor([[0, 1, 0], [1, 0, 0]]))
    with pytest.raises(TypeError, match=r"nll_loss.*integers"):
        nn.NLLLoss()(ag.zeros((2, 3)), ag.tensor([1.0, 2.0]))
    with pytest.raises(TypeError, match="prediction has dtype int64"):
        nn.MSELoss()(ag.tensor([1, 2]), ag.tensor([1.0, 2.0]))


def test_bad_class_targets_and_settings_are_clear_errors():
    with pytest.raises(IndexError, match=r"cross_entropy: the target holds class index 3, but the input has 3 classes"):
        L.cross_entropy(ag.zeros((2, 3)), [0, 3])
    with pytest.raises(ValueError, match=r"cross_entropy: the input has shape \(2, 3\).*class indices of shape \(2,\)"):
        L.cross_entropy(ag.zeros((2, 3)), [[0], [1]])
    with pytest.raises(ValueError, match=r"weight must hold one number per class"):
        L.cross_entropy(ag.zeros((2, 3)), [0, 1], weight=[1.0, 2.0])
    with pytest.raises(ValueError, match="binary_cross_entropy: the prediction must be probabilities"):
        L.binary_cross_entropy(ag.tensor([0.5, 1.5]), ag.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match="reduction must be one of"):
        nn.MSELoss(reduction="average")
    with pytest.raises(ValueError, match="reduction must be one of"):
        L.cross_entropy(ag.zeros((2, 3)), [0, 1], reduction="batchmean")


# --------------------------------------------------------------------------- Keras names
def test_keras_names():
    assert isinstance(L.get("mse"), nn.MSELoss) and isinstance(L.get("mae"), nn.L1Loss)
    assert isinstance(L.get("huber"), nn.HuberLoss) and isinstance(L.get("binary_crossentropy"), nn.BCELoss)
    fn = nn.CrossEntropyLoss()
    assert L.get(fn) is fn and L.get(L.mse_loss) is L.mse_loss
    assert isinstance(L.get(nn.HuberLoss), nn.HuberLoss)
    with pytest.raises(ValueError, match="unknown loss 'msee'"):
        L.get("msee")


def test_keras_categorical_crossentropy_takes_probabilities():
    probs = _softmax(X)
    expected = TF.nll_loss(torch.log(torch.tensor(probs)), torch.tensor(IDX)).item()
    sparse = L.get("sparse_categorical_crossentropy")(ag.tensor(probs, dtype="float64"), IDX)
    onehot = np.eye(4)[IDX]
    dense = L.get("categorical_crossentropy")(ag.tensor(probs, dtype="float64"), onehot)
    np.testing.assert_allclose([sparse.item(), dense.item()], expected, rtol=1e-10)
    # from_logits=True is plain cross-entropy on the scores
    logits = nn.SparseCategoricalCrossentropy(from_logits=True)(ag.tensor(X, dtype="float64"), IDX)
    np.testing.assert_allclose(logits.item(), expected, rtol=1e-10)
    # a zero probability is clipped (Keras' 1e-7), not -inf
    p = ag.tensor([[1.0, 0.0]], dtype="float64", requires_grad=True)
    loss = L.get("sparse_categorical_crossentropy")(p, [1])
    np.testing.assert_allclose(loss.item(), -np.log(1e-7))
    with pytest.raises(TypeError, match="CategoricalCrossentropy.*SparseCategoricalCrossentropy"):
        L.get("categorical_crossentropy")(ag.tensor(probs), IDX)
