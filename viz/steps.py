"""Backpropagation step by step, as the engine really runs it.

``backprop_steps(loss)`` runs ``loss.backward`` once under the engine's own
backward hook (``autograd.observe_backward``) and keeps what each step did:
the op, the gradient arriving at its output, the local rule with the numbers
plugged in, and the gradient it sent to each input. Nothing here recomputes a
derivative: the order, the count and every gradient are the engine's.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import autograd as ag

from . import rules
from . import values as V
from .graph import GraphView, build_dot


@dataclass(eq=False)
class Sent:
    """The gradient one step sent to one input, and that input's gradient so far.

    ``total`` is the sum of every contribution this tensor has received up to and
    including this step; ``complete`` is True at the step that brings the last one
    (then ``total`` is its final gradient). ``contributions`` counts them so far.
    """

    tensor: object  # the TensorNode of the input
    grad: object  # numpy array sent by this step
    total: object
    contributions: int
    complete: bool
    rule: str  # 'dL/da = dL/dc * b = (-6) * 0.5 = -3'


@dataclass(eq=False)
class Step:
    """One backward step: op ``op`` (a GraphView OpNode) turned ``grad_output`` into ``sent``."""

    index: int  # 1, 2, ... in the engine's order
    op: object
    grad_output: object  # numpy array: dL/d(this op's output)
    rule: str  # the op's chain rule, as its docstring states it
    sent: list = field(default_factory=list)
    symbols: str = ""  # 'c = E, a = t2, b = t3'

    @property
    def name(self):
        """The op's name (``mul``)."""
        return self.op.name

    def describe(self):
        """The step in words, several lines (used by ``trace`` and the HTML stepper)."""
        out = self.op.output
        lines = [
            f"step {self.index}: {self.op.name}   ({out.name} = {self.op.name}"
            f"({', '.join(i.name for i in self.op.inputs)}))",
            f"rule: {self.rule}",
            f"where {self.symbols}" if self.symbols else "",
            f"gradient arriving at {out.name}: dL/d{out.name} = {V.text(self.grad_output)}",
        ]
        lines = [line for line in lines if line]
        got = {s.tensor for s in self.sent}
        for tn in self.op.inputs:
            if tn not in got:
                lines.append(f"to {tn.name}: nothing ({tn.name} is an {tn.role} that needs no gradient)")
        for s in self.sent:
            lines.append(f"to {s.tensor.name}: {s.rule}")
            if s.contributions > 1 and s.complete:
                lines.append(
                    f"    {s.tensor.name} feeds {s.contributions} ops: its gradient is the sum of their "
                    f"contributions = {V.text(s.total)}"
                )
        return lines


class BackpropSteps:
    """The steps of one backward pass (a sequence of ``Step``), with the graph they ran on.

    ``steps.grads`` maps each TensorNode to the gradient this pass gave it (from the
    observed steps); ``steps.grad(t)`` looks one up by tensor.
    """

    def __init__(self, view, steps, seed):
        self.view = view
        self.steps = steps
        self.seed = seed
        self.grads = {}
        root = view.tensors[-1]
        self.grads[root] = seed
        for step in steps:
            for s in step.sent:
                self.grads[s.tensor] = s.total

    def __len__(self):
        return len(self.steps)

    def __getitem__(self, i):
        return self.steps[i]

    def __iter__(self):
        return iter(self.steps)

    def grad(self, tensor):
        """The gradient this backward pass gave ``tensor`` (a NumPy array; None if it got none)."""
        tn = self.view.find(tensor)
        return self.grads.get(tn) if tn is not None else None

    def known_after(self, k):
        """Gradients shown after ``k`` steps: tensor -> summed so far (k=0: only the loss's seed)."""
        known = {self.view.tensors[-1]: self.seed}
        for step in self.steps[:k]:
            for s in step.sent:
                known[s.tensor] = s.total
        return known

    def frame(self, k, **options):
        """The picture after ``k`` steps: step k's op highlighted, gradients so far, the rest greyed."""
        known = self.known_after(k)
        active = {tn.key for tn in known}
        for step in self.steps[:k]:
            active.add(step.op.key)
        highlight = self.steps[k - 1].op if k else None
        return build_dot(self.view, grads=known, highlight=highlight, active=active, **options)

    def picture(self, **options):
        """The picture after the last step, every gradient filled in."""
        return build_dot(self.view, grads=self.known_after(len(self.steps)), **options)

    def table(self):
        """The steps as a text table: op, upstream gradient, local rule, gradient sent."""
        return trace_table(self)

    def write_html(self, path, **options):
        """Write the stepper as one self-contained page (see ``viz.render_backprop``)."""
        from .html import backprop_page

        return backprop_page(self, path, **options)


def backprop_steps(loss, grad=None):
    """Run ``loss.backward(grad, retain_graph=True)`` and return its steps (``BackpropSteps``).

    The steps are observed with ``autograd.observe_backward``: the engine's own
    backward pass, in its real order. Where a tensor feeds several ops, the step
    that brings its last contribution shows the sum (as the engine adds them).

    Gradients: existing ``.grad`` values are not touched first, so, as with any
    ``backward()``, leaves' ``.grad`` accumulate across calls; the gradients the
    steps report are those of this pass alone (zero ``.grad`` first, e.g.
    ``model.zero_grad()``, if you want ``.grad`` to equal them). The graph is
    retained, so it can still be drawn afterwards.
    """
    view = GraphView(loss)
    records = []

    def observe(node, grad_output, grads_to_inputs):
        records.append((node, V.to_numpy(grad_output), [None if g is None else V.to_numpy(g) for g in grads_to_inputs]))

    seed = V.to_numpy(grad) if grad is not None else None
    with ag.observe_backward(observe):
        loss.backward(grad, retain_graph=True)
    if seed is None:
        seed = V.to_numpy(ag.ones_like(loss))
    return BackpropSteps(view, _make_steps(view, records), seed)


def _make_steps(view, records):
    # how many contributions each tensor will receive, so the last one can be marked
    expected = {}
    for node, _, grads in records:
        op = view.op_of(node)
        for tn, g in zip(op.inputs, grads):
            if g is not None:
                expected[tn] = expected.get(tn, 0) + 1
    totals, counts = {}, {}
    steps = []
    for index, (node, grad_output, grads) in enumerate(records, start=1):
        op = view.op_of(node)
        input_values = [tn.tensor.data for tn in op.inputs]
        lines = rules.backward_lines(node, grad_output, input_values, op.output.tensor.data, grads)
        names = rules.symbol_names(node, [tn.name for tn in op.inputs], op.output.name)
        step = Step(index, op, grad_output, rules.chain_rule(node), symbols=names)
        line_of = iter(lines)
        for tn, g in zip(op.inputs, grads):
            if g is None:
                continue
            totals[tn] = g if tn not in totals else totals[tn] + g
            counts[tn] = counts.get(tn, 0) + 1
            step.sent.append(Sent(tn, g, totals[tn], counts[tn], counts[tn] == expected[tn], next(line_of)))
        steps.append(step)
    return steps


def trace_table(steps):
    """The table ``trace`` prints (one row per gradient sent)."""
    header = ("step", "op", "upstream dL/d(out)", "local rule, numbers plugged in", "sent to")
    rows = []
    for step in steps:
        up = f"dL/d{step.op.output.name} = {V.text(step.grad_output)}"
        for j, s in enumerate(step.sent):
            sent = f"{s.tensor.name}: {V.text(s.grad)}"
            if s.complete and s.contributions > 1:
                sent += f"  (sum of {s.contributions}: {V.text(s.total)})"
            first = j == 0
            rows.append(
                (str(step.index) if first else "", step.op.name if first else "", up if first else "", s.rule, sent)
            )
        if not step.sent:
            rows.append((str(step.index), step.op.name, up, "(no input needs a gradient)", ""))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*header), "  ".join("-" * w for w in widths)]
    lines += [fmt.format(*r).rstrip() for r in rows]
    return "\n".join(lines)


def trace(loss, grad=None, file=None):
    """Run backward on ``loss`` and print its steps as a table in the terminal; returns the steps.

    Columns: step number, op, the gradient arriving at the op's output, the local
    rule with the numbers plugged in, and the gradient sent to each input (with
    the sum where a tensor's gradient is completed from several contributions).
    """
    steps = backprop_steps(loss, grad)
    print(trace_table(steps), file=file or sys.stdout)
    return steps
