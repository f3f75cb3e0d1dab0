"""viz.backprop_steps / trace / forward_steps: the engine's own backward, step by step."""

import io

import numpy as np

import autograd as ag
import viz
from autograd.ops.arithmetic import Mul


def fan_out_and_broadcast():
    """h = a * b with b (3,) broadcast over a (2, 3); h feeds three uses; L = sum(h*h + h) + sum(exp(b))."""
    a = ag.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True, name="a", dtype="float64")
    b = ag.tensor([0.5, -1.0, 2.0], requires_grad=True, name="b", dtype="float64")
    h = a * b
    h.retain_grad()
    loss = (h * h + h).sum() + b.exp().sum()
    return a, b, h, loss


def test_steps_are_the_engines_backward_in_order_and_count():
    a, b, h, loss = fan_out_and_broadcast()
    seen = []
    with ag.observe_backward(lambda node, g_out, grads: seen.append(node)):
        steps = viz.backprop_steps(loss)
    assert len(steps) == len(seen)
    assert [s.op.node for s in steps] == seen
    assert [s.name for s in steps] == [n.name for n in seen]


def test_step_gradients_equal_the_engines_final_grad():
    a, b, h, loss = fan_out_and_broadcast()
    steps = viz.backprop_steps(loss)
    np.testing.assert_allclose(steps.grad(a), a.grad.numpy())
    np.testing.assert_allclose(steps.grad(b), b.grad.numpy())  # b is broadcast and used twice
    np.testing.assert_allclose(steps.grad(h), h.grad.numpy())  # h feeds three uses


def test_the_completing_step_shows_the_sum_of_contributions():
    a, b, h, loss = fan_out_and_broadcast()
    steps = viz.backprop_steps(loss)
    to_h = [s for step in steps for s in step.sent if s.tensor.tensor is h]
    assert len(to_h) == 3  # from add, and twice from h * h
    assert [s.complete for s in to_h] == [False, False, True]
    assert [s.contributions for s in to_h] == [1, 2, 3]
    np.testing.assert_allclose(to_h[-1].total, sum(s.grad for s in to_h))
    np.testing.assert_allclose(to_h[-1].total, h.grad.numpy())
    last = next(step for step in steps if to_h[-1] in step.sent)
    assert any("its gradient is the sum of their contributions" in line for line in last.describe())
    to_b = [s for step in steps for s in step.sent if s.tensor.tensor is b]
    assert len(to_b) == 2 and to_b[-1].complete
    assert any("summed over the broadcast axes back to shape (3,)" in s.rule for s in to_b)


def test_rule_comes_from_the_op_docstring_with_numbers_plugged_in():
    x, y = ag.tensor(2.0, name="x"), ag.tensor(4.0, name="y")
    w = ag.tensor(0.5, requires_grad=True, name="w")
    E = (x * w - y) ** 2
    E.name = "E"
    steps = viz.backprop_steps(E)
    assert [s.name for s in steps] == ["pow", "sub", "mul"]
    mul = steps[2]
    assert mul.rule == Mul.__doc__.strip().splitlines()[0]
    assert float(mul.grad_output) == -6.0
    (sent,) = mul.sent  # x wants no gradient
    assert sent.tensor.name == "w"
    assert sent.rule == "dL/db = dL/dc * a = (-6) * 2 = -12"
    assert steps[0].sent[0].rule == "dL/da = dL/dc * b * a^(b-1) = 1 * 2 * (-3)^(2-1) = -6"
    assert "where c = t1, a = x, b = w" in mul.describe()
    assert w.grad.item() == -12.0
    # existing grads are not touched: .grad accumulates as with any backward, the steps report this pass
    E2 = (x * w - y) ** 2
    again = viz.backprop_steps(E2)
    assert w.grad.item() == -24.0 and float(again.grad(w)) == -12.0
    # the graph was retained, so it can still be drawn
    assert "grad = -24" in viz.draw_graph(E).source  # draw_graph shows .grad (two passes)


def test_trace_prints_a_table():
    x, y = ag.tensor(2.0, name="x"), ag.tensor(4.0, name="y")
    w = ag.tensor(0.5, requires_grad=True, name="w")
    out = io.StringIO()
    steps = viz.trace((x * w - y) ** 2, file=out)
    text = out.getvalue().splitlines()
    assert text[0].split() == [
        "step",
        "op",
        "upstream",
        "dL/d(out)",
        "local",
        "rule,",
        "numbers",
        "plugged",
        "in",
        "sent",
        "to",
    ]
    assert len(text) == 2 + len(steps)
    assert text[-1].split()[:2] == ["3", "mul"] and text[-1].rstrip().endswith("w: -12")


def test_matmul_and_large_tensors_give_rules_without_a_wall_of_numbers():
    ag.manual_seed(0)
    x = ag.randn(8, 5)
    w = ag.randn(5, 4, requires_grad=True)
    loss = (x @ w).tanh().mean()
    steps = viz.backprop_steps(loss)
    mm = steps[-1]
    assert mm.name == "matmul"
    (sent,) = mm.sent
    assert sent.rule.startswith("dL/dB = A^T @ dL/dC = min ")  # no plugged-in matrices
    np.testing.assert_allclose(steps.grad(w), w.grad.numpy(), rtol=1e-6)


def test_forward_steps_show_values_op_by_op():
    x, y = ag.tensor(2.0, name="x"), ag.tensor(4.0, name="y")
    w = ag.tensor(0.5, requires_grad=True, name="w")
    E = (x * w - y) ** 2
    fw = viz.forward_steps(E)
    assert [s.formula for s in fw] == [
        "c = a * b = 2 * 0.5 = 1",
        "c = a - b = 1 - 4 = -3",
        "c = a ** b = (-3) ** 2 = 9",
    ]
    first = fw.frame(1).source
    assert "value = 1" in first and "value = ?" in first  # t1 known, t2 and E not yet
    assert "value = 9" in fw.frame(3).source
