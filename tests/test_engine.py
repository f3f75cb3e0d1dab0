"""The backward pass itself: accumulation, deep graphs, freeing, hooks, higher-order gradients."""

import gc
import time
import weakref

import numpy as np
import pytest

import autograd as ag
import autograd.functional as F


def test_fan_out_accumulates(device):
    x = ag.tensor([2.0, -1.0], requires_grad=True, device=device)
    y = x * x + 3.0 * x  # x feeds two muls and the add sees both: dy/dx = 2x + 3
    z = y * x  # and x is used once more: dz/dx = y + x (2x + 3)
    z.sum().backward()
    xv = np.array([2.0, -1.0])
    np.testing.assert_allclose(x.grad.numpy(), (xv * xv + 3 * xv) + xv * (2 * xv + 3))


def test_same_tensor_twice_in_one_op():
    x = ag.tensor(3.0, requires_grad=True)
    (x * x).backward()
    assert x.grad.item() == 6.0
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    F.stack([a, a, a]).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [3, 3])


def test_chain_of_100k_ops_has_no_recursion():
    x = ag.tensor(0.0, requires_grad=True)
    y = x
    start = time.perf_counter()
    for _ in range(100_000):
        y = y + 1.0
    y.backward()
    assert y.item() == 100_000.0
    assert x.grad.item() == 1.0
    assert time.perf_counter() - start < 20  # a few microseconds per op; generous for slow CI


def test_intermediates_are_freed_after_backward():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    y = (h * 2.0).sum()
    node = y.grad_fn
    ref = weakref.ref(h)
    del h
    gc.collect()
    assert ref() is not None  # the graph still holds h for backward
    y.backward()
    gc.collect()
    assert ref() is None, "backward() should drop the graph's references to intermediate tensors"
    assert node.inputs is None
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp([1.0, 2.0]), rtol=1e-6)


def test_no_reference_cycle_keeps_a_graph_alive():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    ref = weakref.ref(x.tanh())  # tanh saves its output; the node must not hold it in a cycle
    assert ref() is None


def test_second_backward_through_freed_graph_is_a_clear_error():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time") as err:
        y.backward()
    assert "retain_graph=True" in str(err.value)


def test_retain_graph_allows_a_second_backward_and_leaf_grads_accumulate():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    np.testing.assert_array_equal(x.grad.numpy(), [2, 4])
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4, 8])  # accumulated, as in PyTorch
    (x * 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [7, 11])
    x.zero_grad()
    assert x.grad is None


def test_no_grad_builds_no_graph():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with ag.no_grad():
        y = x * 2.0 + x.exp()
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()
    assert y.requires_grad is False and y.grad_fn is None and y.is_leaf

    @ag.no_grad()
    def evaluate(t):
        return (t * t).sum()

    z = evaluate(x)
    assert z.requires_grad is False and z.grad_fn is None
    assert ag.is_grad_enabled()


def test_enable_grad_inside_no_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with ag.no_grad():
        with ag.enable_grad():
            y = (x * x).sum()
        z = x * 2.0
    assert y.requires_grad and y.grad_fn is not None
    assert not z.requires_grad
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2, 4])


def test_no_grad_restores_state_after_an_exception():
    with pytest.raises(ValueError), ag.no_grad():
        raise ValueError
    assert ag.is_grad_enabled()


def test_non_scalar_backward_needs_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"needs a scalar.*shape \(2,\).*grad="):
        (x * 2.0).backward()
    y = x * 2.0
    y.backward(ag.tensor([1.0, 10.0]))
    np.testing.assert_array_equal(x.grad.numpy(), [2, 20])
    with pytest.raises(ValueError, match=r"grad has shape \(3,\).*\(2,\)"):
        (x * 2.0).backward(ag.tensor([1.0, 1.0, 1.0]))


def test_backward_on_a_tensor_without_grad_is_a_clear_error():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.tensor(1.0).backward()


def test_retain_grad_on_non_leaf():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3.0
    h.retain_grad()
    other = x * 5.0
    (h * h + other).sum().backward()
    np.testing.assert_allclose(h.grad.numpy(), 2 * 3.0 * np.array([1.0, 2.0]))
    assert other.grad is None  # not retained


def test_register_hook_on_leaf_and_non_leaf_can_replace_the_gradient():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(("x", g.numpy().copy())))
    h = x * 3.0
    h.register_hook(lambda g: g * 10.0)  # doubles as a check that a returned tensor replaces the grad
    h.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [30, 30])
    assert seen[0][0] == "x" and np.array_equal(seen[0][1], [30, 30])

    w = ag.tensor([1.0], requires_grad=True)
    w.register_hook(lambda g: g * 0.0)
    (w * 4.0).sum().backward()
    assert w.grad.item() == 0.0
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.tensor([1.0]).register_hook(print)


def test_higher_order_derivatives_of_x_cubed():
    x = ag.tensor(2.0, dtype="float64", requires_grad=True)
    (d1,) = ag.grad(x**3, [x], create_graph=True)
    (d2,) = ag.grad(d1, [x], create_graph=True)
    (d3,) = ag.grad(d2, [x])
    assert (d1.item(), d2.item(), d3.item()) == (12.0, 12.0, 6.0)
    assert x.grad is None  # grad() never writes .grad


def test_backward_with_create_graph_gives_differentiable_grad():
    x = ag.tensor(2.0, dtype="float64", requires_grad=True)
    (x.sin() * x).backward(create_graph=True)
    g = x.grad  # sin x + x cos x
    assert g.requires_grad
    x2 = ag.tensor(2.0, dtype="float64", requires_grad=True)
    (gg,) = ag.grad(ag.grad(x2.sin() * x2, x2, create_graph=True)[0], x2)
    np.testing.assert_allclose(gg.item(), 2 * np.cos(2.0) - 2.0 * np.sin(2.0))


def test_ordinary_backward_records_nothing():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x.tanh() * x).sum().backward()
    assert x.grad.grad_fn is None and not x.grad.requires_grad


def test_grad_allow_unused_and_grad_outputs():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    unused = ag.tensor([5.0], requires_grad=True)
    y = x * x
    with pytest.raises(RuntimeError, match="input 1.*not used.*allow_unused=True"):
        ag.grad(y.sum(), [x, unused], retain_graph=True)
    gx, gu = ag.grad(y, [x, unused], grad_outputs=ag.tensor([1.0, 10.0]), allow_unused=True)
    np.testing.assert_array_equal(gx.numpy(), [2, 40])
    assert gu is None
    with pytest.raises(RuntimeError, match="not a scalar; pass grad_outputs"):
        ag.grad(x * 2.0, [x])


def test_grad_with_respect_to_an_intermediate():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3.0
    (gh, gx) = ag.grad((h * h).sum(), [h, x])
    np.testing.assert_allclose(gh.numpy(), [6, 12])
    np.testing.assert_allclose(gx.numpy(), [18, 36])


def test_observe_backward_sees_every_step_in_order():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    w = ag.tensor([3.0, -1.0], requires_grad=True)
    h = x * w
    a = h.tanh()
    loss = a.sum()
    steps = []

    def observer(node, grad_output, grads_to_inputs):
        steps.append(
            (node.name, grad_output.numpy().copy(), [None if g is None else g.numpy() for g in grads_to_inputs])
        )
        assert node.inputs is not None  # seen before the node is freed

    with ag.observe_backward(observer):
        loss.backward()
    assert [s[0] for s in steps] == ["sum", "tanh", "mul"]
    hv = np.array([3.0, -2.0])
    np.testing.assert_allclose(steps[0][1], 1.0)
    np.testing.assert_allclose(steps[1][1], [1, 1])
    np.testing.assert_allclose(steps[1][2][0], 1 - np.tanh(hv) ** 2, rtol=1e-5)
    np.testing.assert_allclose(steps[2][2][0], (1 - np.tanh(hv) ** 2) * [3, -1], rtol=1e-5)
    np.testing.assert_allclose(steps[2][2][1], (1 - np.tanh(hv) ** 2) * [1, 2], rtol=1e-5)
    (x * 2.0).sum().backward()
    assert len(steps) == 3  # the observer is gone after the block


def test_backward_visits_nodes_in_reverse_of_the_forward_order():
    # two branches made in an order that a search following the inputs would not take
    x = ag.tensor([1.0, -2.0], requires_grad=True)
    late = x.exp()  # made first, used as the second input
    early = x.sin()  # made second, used as the first input
    both = early * late
    loss = (both + late).sum()  # late also feeds the add: it must wait for the mul's gradient
    steps = []
    with ag.observe_backward(lambda node, g, gs: steps.append(node.name)):
        loss.backward()
    assert steps == ["sum", "add", "mul", "sin", "exp"]
    xv = np.array([1.0, -2.0])
    expected = np.cos(xv) * np.exp(xv) + np.sin(xv) * np.exp(xv) + np.exp(xv)
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-6)


def test_a_node_used_before_its_input_changed_in_place_still_raises():
    # h's old consumer would otherwise be ordered after h's new (in-place) node
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2.0
    used = h * h
    h += 1.0
    with pytest.raises(RuntimeError, match="modified in place"):
        (used.sum() + h.sum()).backward()


def test_observe_backward_reports_none_for_inputs_without_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([4.0, 5.0])
    seen = []
    with ag.observe_backward(lambda n, g, gs: seen.append(gs)):
        (x * c).sum().backward()
    assert seen[1][0] is not None and seen[1][1] is None


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # the NaN/Inf is the point
def test_detect_anomaly_names_the_forward_op():
    x = ag.tensor([1.0, 0.0], requires_grad=True)
    with pytest.raises(ag.AnomalyError, match="forward of 'log'"), ag.detect_anomaly():
        (x.log() * 2.0).sum()
    (x.log() * 2.0).sum()  # outside the block: no check (inf is allowed)


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # the NaN/Inf is the point
def test_detect_anomaly_names_the_backward_op():
    x = ag.tensor([0.0, 4.0], requires_grad=True)
    with ag.detect_anomaly():
        y = x.sqrt().sum()  # sqrt(0) = 0 is fine going forward...
        with pytest.raises(ag.AnomalyError, match="backward of 'sqrt'"):
            y.backward()  # ...but d sqrt / dx = 1 / (2 sqrt(0)) is infinite


def test_comparisons_give_bool_tensors_without_grad():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for result, expected in [
        (x > 2.0, [0, 0, 1]),
        (x >= 2.0, [0, 1, 1]),
        (x < 2, [1, 0, 0]),
        (x <= 2, [1, 1, 0]),
        (x == 2.0, [0, 1, 0]),
        (x != 2.0, [1, 0, 1]),
        (1.5 < x, [0, 1, 1]),
        (x > x * 0.0 + 1.5, [0, 1, 1]),
    ]:
        assert result.dtype == np.bool_
        assert result.requires_grad is False and result.grad_fn is None
        np.testing.assert_array_equal(result.numpy(), np.array(expected, dtype=bool))


def test_graph_nodes_describe_themselves():
    x = ag.tensor(np.ones((2, 3)), requires_grad=True)
    y = x.sum(axis=1)
    assert y.grad_fn.name == "sum" and y.grad_fn.inputs[0] is x
    assert y.grad_fn.describe() == {"axis": (1,)}
    assert repr(y.grad_fn) == "<SumBackward>"
    with ag.name_scope("Net"), ag.name_scope("fc1"):
        z = x * 2.0
    assert z.grad_fn.scope == ("Net", "fc1")
