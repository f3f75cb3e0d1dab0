"""viz.backprop_steps / trace / forward_steps: the engine's own backward, step by step."""

import io

import numpy as np
import pytest

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
    assert a.grad is None and b.grad is None and h.grad is None  # looking changed nothing
    loss.backward()  # the learner's own pass, on the graph the viewer left intact
    np.testing.assert_allclose(steps.grad(a), a.grad.numpy())
    np.testing.assert_allclose(steps.grad(b), b.grad.numpy())  # b is broadcast and used twice
    np.testing.assert_allclose(steps.grad(h), h.grad.numpy())  # h feeds three uses


def test_the_completing_step_shows_the_sum_of_contributions():
    a, b, h, loss = fan_out_and_broadcast()
    steps = viz.backprop_steps(loss)
    loss.backward()
    to_h = [s for step in steps for s in step.sent if s.tensor.tensor is h]
    assert len(to_h) == 3  # from add, and twice from h * h
    assert [s.complete for s in to_h] == [False, False, True]
    assert [s.contributions for s in to_h] == [1, 2, 3]
    np.testing.assert_allclose(to_h[-1].total, sum(s.grad for s in to_h))
    np.testing.assert_allclose(to_h[-1].total, h.grad.numpy())
    last = next(step for step in steps if to_h[-1] in step.sent)
    assert to_h[-1].uses == 3 and to_h[-1].users == 2  # h * h reads h twice: 3 uses by 2 ops
    terms = " + ".join(viz.values.operand(s.grad) for s in to_h)
    name = to_h[-1].tensor.name
    assert f"    {name} is used 3 times, by 2 ops: dL/d{name} = {terms} = {viz.values.text(h.grad)}" in last.describe()
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
    assert sent.rule == "dE/db = dE/dc * a = (-6) * 2 = -12"  # written with the loss's own name
    assert steps[0].sent[0].rule == "dE/da = dE/dc * b * a^(b-1) = 1 * 2 * (-3)^(2-1) = -6"
    assert "where c = t1, a = x, b = w" in mul.describe()
    pow_lines = steps[0].describe()
    assert "where c = E, a = t2, b = 2" in pow_lines  # the Python 2 is a constant, by its value
    assert not any("needs no gradient" in line and "2" in line.split(":")[0] for line in pow_lines)
    assert w.grad is None  # looking changed nothing
    E.backward()
    assert w.grad.item() == -12.0  # the learner's own pass gives the slide's number once
    # the graph was freed by that backward: the error says what happened and what to do
    with pytest.raises(RuntimeError, match="backward\\(\\) has already run.*record_backward"):
        viz.backprop_steps(E)
    with pytest.raises(RuntimeError, match="viz.trace: backward"):
        viz.trace(E)


def test_trace_prints_a_table():
    x, y = ag.tensor(2.0, name="x"), ag.tensor(4.0, name="y")
    w = ag.tensor(0.5, requires_grad=True, name="w")
    out = io.StringIO()
    steps = viz.trace((x * w - y) ** 2, file=out, width=200)
    text = out.getvalue().splitlines()
    assert text[0].split() == ["step", "op", "upstream", "local", "rule,", "numbers", "plugged", "in", "sent", "to",
                               "check"]  # fmt: skip
    assert len(text) == 2 + len(steps)
    assert text[-1].split()[:2] == ["3", "mul"] and "w: -12" in text[-1] and text[-1].split()[-3] == "agrees"
    assert w.grad is None


def test_trace_fits_the_terminal_and_is_html_in_notebooks():
    ag.manual_seed(0)
    x = ag.randn(3, 4)
    w = ag.randn(4, 2, requires_grad=True, name="weights_with_a_long_name")
    b = ag.randn(2, requires_grad=True, name="b")
    loss = ((x @ w + b).tanh() ** 2).mean()
    trace = viz.trace(loss, file=io.StringIO(), width=80)
    for width in (60, 80, 120):
        lines = trace.text(width).splitlines()
        assert max(len(line) for line in lines) <= width
        assert len(lines) > len(trace) + 2  # long cells wrapped onto more lines, not cut off silently
    bundle = trace._repr_mimebundle_()
    assert bundle["text/html"].startswith("<table") and bundle["text/html"].count("<tr>") == 1 + sum(
        max(1, len(s.sent)) for s in trace
    )
    assert "weights_with_a_long_name" in bundle["text/html"] and "text/plain" in bundle


def test_matmul_and_large_tensors_give_rules_without_a_wall_of_numbers():
    ag.manual_seed(0)
    x = ag.randn(8, 5)
    w = ag.randn(5, 4, requires_grad=True)
    loss = (x @ w).tanh().mean()
    steps = viz.backprop_steps(loss)
    loss.backward()
    mm = steps[-1]
    assert mm.name == "matmul"
    (sent,) = mm.sent
    assert sent.rule.startswith("dL/dB = A^T @ dL/dC = min ")  # no plugged-in matrices
    np.testing.assert_allclose(steps.grad(w), w.grad.numpy(), rtol=1e-6)


def test_sum_over_paths_with_its_numbers():
    """The slide's fan-out: w feeds w * w (twice) and 3 * w: dE/dw = 2 + 2 + 3 = 7 at w = 1."""
    w = ag.tensor(1.0, requires_grad=True, name="w")
    E = w * w + 3.0 * w
    E.name = "E"
    steps = viz.backprop_steps(E)
    (done,) = [s for step in steps for s in step.sent if s.tensor.tensor is w and s.complete]
    assert done.sum_text("E") == "w is used 3 times, by 2 ops: dE/dw = 3 + 1 + 1 = 5"
    assert sorted(float(t) for t in done.terms) == [1.0, 1.0, 3.0]
    keys = steps.paths_to_loss(steps.view.find(w))
    assert steps.view.loss.key in keys and len([k for k in keys if k.startswith("op")]) == 3


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
