"""Backpropagation step by step, as the engine really runs it.

``backprop_steps(loss)`` runs the backward pass of ``loss`` once under the
engine's own backward hook (``autograd.observe_backward``) and keeps what each
step did: the op, the gradient arriving at its output, the local rule with the
numbers plugged in, and the gradient it sent to each input. Nothing here
recomputes a derivative: the order, the count and every gradient are the engine's.

**Looking changes nothing.** The observed pass returns its gradients instead of
adding them to ``.grad`` (``autograd.grad``) and keeps the graph, so no tensor's
``.grad`` changes (leaves' or retained ones') and the learner's own
``loss.backward()`` afterwards works and gives the usual numbers. To watch the
learner's own pass instead::

    with viz.record_backward() as steps:
        loss.backward()          # gradients land in .grad once, as usual

Data the stepper page reads (everything is a plain attribute or method)
-----------------------------------------------------------------------
``BackpropSteps`` (from ``backprop_steps`` or ``record_backward``), a sequence of ``Step``:

* ``view``: the ``graph.GraphView``: ``view.tensors`` (``TensorNode``: ``name``,
  ``role`` in input/parameter/intermediate/loss/constant, ``key`` = DOT id,
  ``tensor``, ``uses``, ``consumers``, ``producer``) and ``view.ops`` (``OpNode``:
  ``key``, ``name``, ``inputs``, ``output``, ``scope``).
* ``loss_name``: ``"E"`` when the loss tensor is named E, else ``"L"``: write
  gradients as ``d{loss_name}/d{tensor name}``.
* ``seed``: the gradient backward starts with (1 for a scalar loss).
* ``grads``: TensorNode -> final gradient; ``grad(tensor)``; ``known_after(k)``.
* ``paths_to_loss(tn)``: the DOT keys on every path from a tensor to the loss.
* ``layers()``: ``levels.Layer`` boxes; ``layer_steps()``: ``levels.LayerStep`` (the
  gradients of each layer's outputs, inputs and parameters); ``default_level()``:
  ``"layers"`` above 40 op nodes when there are layers, else ``"ops"``.
* ``frame(k)``, ``picture()``: graphviz pictures (``frame`` runs no ``dot``; drawing does).

``Step``: ``index`` (1, 2, ...), ``op`` (OpNode), ``grad_output`` (dL/d(output)),
``rule`` (the op's chain rule as its docstring states it), ``symbols``
(``c = E, a = t2, b = 2``), ``sent`` (list of ``Sent``), ``checks`` (list of
``checks.Check``: the float64 central-difference estimate of each input's gradient
and whether it agrees; computed on first access: each reruns the op's forward twice
per checked element, so on a graph of thousands of steps compute only those shown),
``check_lines()``, ``describe(loss_name)`` (lines).

``Sent``: one gradient sent to one input slot: ``tensor`` (TensorNode), ``slot``,
``grad``, ``total`` (that tensor's gradient so far), ``contributions``,
``complete``, ``rule`` (``dE/db = dE/dc * a = (-6) * 2 = -12``), ``terms`` (every
contribution so far, in order) and, where ``complete``, ``sum_text()``:
``w is used 3 times, by 2 ops: dE/dw = 2 + 2 + 3 = 7``.
"""

from __future__ import annotations

import copy
import re
import sys
from dataclasses import dataclass, field

import numpy as np

import autograd as ag

from . import checks as C
from . import levels, rules
from . import values as V
from .graph import GraphView, build_dot
from .html import StepperDisplay
from .render import progress


@dataclass(eq=False)
class Sent:
    """The gradient one step sent to one input, and that input's gradient so far.

    ``total`` is the sum of every contribution this tensor has received up to and
    including this step; ``complete`` is True at the step that brings the last one
    (then ``total`` is its final gradient). ``contributions`` counts them so far and
    ``terms`` lists them. ``uses``: the input slots that read the tensor in the
    graph (``w * w`` is two); ``users``: the distinct ops among them.
    """

    tensor: object  # the TensorNode of the input
    grad: object  # numpy array sent by this step
    total: object
    contributions: int
    complete: bool
    rule: str  # 'dL/da = dL/dc * b = (-6) * 0.5 = -3'
    slot: int = 0
    terms: list = field(default_factory=list)

    @property
    def uses(self):
        """How many input slots read this tensor (``w * w + w`` uses w three times)."""
        return self.tensor.uses

    @property
    def users(self):
        """How many distinct ops read this tensor."""
        return len(self.tensor.consumers)

    def sum_text(self, loss="L"):
        """The sum over paths, with its numbers: ``w is used 3 times, by 2 ops: dE/dw = 2 + 2 + 3 = 7``."""
        name = self.tensor.name
        times = "once" if self.uses == 1 else f"{self.uses} times"
        ops = "1 op" if self.users == 1 else f"{self.users} ops"
        head = f"{name} is used {times}, by {ops}: d{loss}/d{name} = "
        if all(V.is_small(t) for t in self.terms):
            return head + " + ".join(V.operand(t) for t in self.terms) + f" = {V.text(self.total)}"
        return head + f"the sum of its {len(self.terms)} contributions = {V.text(self.total)}"


@dataclass(eq=False)
class Step:
    """One backward step: op ``op`` (a GraphView OpNode) turned ``grad_output`` into ``sent``."""

    index: int  # 1, 2, ... in the engine's order
    op: object
    grad_output: object  # numpy array: dL/d(this op's output)
    rule: str  # the op's chain rule, as its docstring states it
    sent: list = field(default_factory=list)
    symbols: str = ""  # 'c = E, a = t2, b = t3'
    loss_name: str = "L"
    _check_data: tuple = None  # (node copy, input arrays, grads): what the numerical check reruns
    _checks: list = None

    @property
    def name(self):
        """The op's name (``mul``)."""
        return self.op.name

    @property
    def checks(self):
        """The numerical check of each input's gradient (``checks.Check``), computed once, on first access."""
        if self._checks is None:
            node, arrays, grads = self._check_data
            self._checks = C.check_op(node, arrays, self.grad_output, grads, self.op.inputs, seed=self.index)
        return self._checks

    def describe(self, loss=None):
        """The step in words, several lines (used by ``trace`` and the stepper)."""
        loss = loss or self.loss_name
        out = self.op.output
        lines = [
            f"step {self.index}: {self.op.name}   ({out.name} = {self.op.name}"
            f"({', '.join(i.name for i in self.op.inputs)}))",
            f"rule: {with_loss(self.rule, loss)}",
            f"where {self.symbols}" if self.symbols else "",
            f"gradient arriving at {out.name}: d{loss}/d{out.name} = {V.text(self.grad_output)}",
        ]
        lines = [line for line in lines if line]
        got = {s.tensor for s in self.sent}
        for tn in self.op.inputs:
            if tn not in got and tn.role != "constant":
                lines.append(f"to {tn.name}: nothing ({tn.name} is an {tn.role} that needs no gradient)")
        for s in self.sent:
            lines.append(f"to {s.tensor.name}: {with_loss(s.rule, loss)}")
            if s.complete and s.uses > 1:
                lines.append("    " + s.sum_text(loss))
        return lines

    def check_lines(self, loss=None):
        """The numerical checks in words, one line per input (``Check.text``)."""
        return [check.text(loss or self.loss_name) for check in self.checks]


def with_loss(text, loss):
    """A rule written with the loss's own name: ``dL/da`` -> ``dE/da`` (L stays L)."""
    return text if loss == "L" else re.sub(r"\bdL/d", lambda _: f"d{loss}/d", text)  # a name is text, not a pattern


class BackpropSteps(StepperDisplay):
    """The steps of one backward pass (a sequence of ``Step``), with the graph they ran on.

    ``steps.grads`` maps each TensorNode to the gradient this pass gave it (from the
    observed steps); ``steps.grad(t)`` looks one up by tensor. See the module
    docstring for everything the stepper page reads.
    """

    def __init__(self, view=None, steps=(), seed=None):
        self._set(view, list(steps), seed)

    def _set(self, view, steps, seed):
        self.view = view
        self.steps = steps
        self.seed = seed
        self.grads = self.known_after(len(steps)) if view is not None else {}

    @property
    def loss_name(self):
        """The loss's name as gradients are written: ``E`` (dE/dw) or ``L``."""
        return self.view.loss_name

    def __len__(self):
        return len(self.steps)

    def __getitem__(self, i):
        return self.steps[i]

    def __iter__(self):
        return iter(self.steps)

    def __repr__(self):
        if self.view is None:
            return "<BackpropSteps: nothing recorded yet>"
        return f"<BackpropSteps: {len(self)} steps of the backward pass of {self.loss_name}>"

    def grad(self, tensor):
        """The gradient this backward pass gave ``tensor`` (a NumPy array; None if it got none)."""
        tn = self.view.find(tensor)
        return self.grads.get(tn) if tn is not None else None

    def known_after(self, k):
        """Gradients shown after ``k`` steps: tensor -> summed so far (k=0: only the loss's seed)."""
        known = {self.view.loss: self.seed}
        for step in self.steps[:k]:
            for s in step.sent:
                known[s.tensor] = s.total
        return known

    def paths_to_loss(self, tensor_node):
        """The DOT keys of every tensor and op on a path from ``tensor_node`` to the loss."""
        return self.view.paths_to_loss(tensor_node)

    def layers(self):
        """The layer boxes of the graph (``levels.Layer``), in forward order."""
        return levels.layers(self.view)

    def layer_steps(self):
        """The backward pass at layer level (``levels.LayerStep``): each layer's output, input and parameter gradients."""
        return levels.layer_steps(self)

    def default_level(self):
        """``"layers"`` when the graph has more than 40 op nodes and has layers, else ``"ops"``."""
        return levels.default_level(self.view)

    def check_all(self):
        """Every step's numerical checks, as one list (``checks.Check``); progress is shown when it takes long."""
        shown = progress(self.steps, len(self.steps), "viz: checking each step numerically")
        return [c for step in shown for c in step.checks]

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
        return build_dot(self.view, grads=self.grads, **options)

    def table(self, width=None):
        """The steps as a text table (op, upstream gradient, local rule, gradient sent, check),
        fitted to ``width`` characters (default: the terminal's width)."""
        from .table import text_table

        return text_table(self, width)

    def write_html(self, path, **options):
        """Write the stepper as one self-contained page (see ``viz.render_backprop``)."""
        from .html import backprop_page

        return backprop_page(self, path, **options)


# ---------------------------------------------------------------- observing a backward pass


class _Recorder:
    """The observer: keeps each step's node, gradients and inputs as the engine runs it."""

    def __init__(self, view=None, loss=None):
        self.view = view
        self.loss = loss
        self.records = []
        self.seed = None
        self.ignored = 0

    def __call__(self, node, grad_output, grads_to_inputs):
        if self.view is None:  # record_backward: the first step is the root; the rest of the graph is intact
            root = self.loss if self.loss is not None and self.loss.grad_fn is node else _standin(node, grad_output)
            self.view = GraphView(root, who="viz.record_backward")
            self.seed = V.to_numpy(grad_output)
        elif self.view.op_of(node) is None:  # a second backward pass inside the block
            self.ignored += 1
            return
        op = self.view.op_of(node)
        # the numerical check reruns forward later: keep a copy of the node (backward may free it) and of
        # the leaves' values (an optimizer may change them in place afterwards)
        arrays = [V.to_numpy(t.data).copy() if tn.producer is None else t.data for t, tn in zip(node.inputs, op.inputs)]
        grads = [None if g is None else V.to_numpy(g) for g in grads_to_inputs]
        self.records.append((node, op, V.to_numpy(grad_output), grads, arrays, copy.copy(node)))

    def steps(self):
        return _make_steps(self.view, self.records)


def _standin(node, grad_output):
    """The loss tensor, rebuilt from its node: its value from the op's forward, its name unknown (L)."""
    from autograd.tensor import Tensor

    try:
        data = copy.copy(node).forward(*[t.data for t in node.inputs], **(getattr(node, "params", None) or {}))
    except Exception:  # shown as "value = nan": the steps need only its shape
        data = node.backend.xp.full(grad_output.shape, np.nan, dtype=grad_output.data.dtype)
    return Tensor._make(data, node.backend, True, node)


def _seed(loss, grad, who):
    if not isinstance(loss, ag.Tensor):
        raise TypeError(f"{who}: expected the loss Tensor, got {type(loss).__name__}")
    if not loss.requires_grad:
        raise RuntimeError(
            f"{who}: this tensor does not require grad, so there is no backward pass to show. Create the "
            f"parameters with requires_grad=True, and compute the loss outside no_grad()."
        )
    if grad is None:
        if loss.numel() != 1:
            raise RuntimeError(
                f"{who}: the loss has shape {loss.shape}, not a single number; reduce it first (loss.mean()) "
                f"or pass grad= of the same shape."
            )
        return ag.ones_like(loss)
    grad = grad if isinstance(grad, ag.Tensor) else ag.tensor(V.to_numpy(grad), dtype=loss.dtype)
    if grad.shape != loss.shape:
        raise ValueError(f"{who}: grad has shape {grad.shape}, but the loss has shape {loss.shape}")
    return grad


def backprop_steps(loss, grad=None, *, who="viz.backprop_steps"):
    """The steps of the backward pass of ``loss`` (``BackpropSteps``), with no side effects.

    The pass is the engine's own, observed with ``autograd.observe_backward`` in
    its real order. It runs as ``autograd.grad(loss, leaves, retain_graph=True)``:
    gradients are returned, not added to ``.grad``, and the graph is kept, so no
    ``.grad`` changes and ``loss.backward()`` afterwards works as if nothing had
    looked. Where a tensor feeds several ops, the step that brings its last
    contribution shows the sum. Call it before ``loss.backward()`` (which frees the
    graph), or record that call itself with ``viz.record_backward()``. Hooks added
    with ``register_hook`` run during the observed pass, as they would in backward.
    """
    view = GraphView(loss, who=who)
    seed = _seed(loss, grad, who)
    leaves = [tn.tensor for tn in view.tensors if tn.producer is None and tn.tensor.requires_grad]
    retained = []  # non-leaves that keep .grad (retain_grad): the engine writes those even in this mode
    for op in view.ops:
        t = op.node.retained() if op.node.retained is not None else None
        if t is not None:
            retained.append((t, t.grad))
    recorder = _Recorder(view)
    try:
        with ag.observe_backward(recorder):
            ag.grad(loss, leaves, grad_outputs=seed, retain_graph=True, allow_unused=True)
    finally:
        for t, g in retained:
            t.grad = g
    return BackpropSteps(view, recorder.steps(), V.to_numpy(seed))


class record_backward:
    """Record the learner's own backward pass: ``with viz.record_backward() as steps: loss.backward()``.

    The backward inside the block runs as usual (gradients land in ``.grad`` once);
    ``steps`` is a ``BackpropSteps`` filled in when the block ends, and displays,
    traces (``viz.trace(steps)``) and renders like ``backprop_steps``. Pass the loss,
    ``record_backward(loss)``, to have its name in the formulas (dE/dw); without it
    the loss is called L. One backward pass is recorded: the first in the block.
    """

    def __init__(self, loss=None):
        self._recorder = _Recorder(loss=loss)
        self._steps = BackpropSteps()
        self._observing = None

    def __enter__(self):
        self._observing = ag.observe_backward(self._recorder)
        self._observing.__enter__()
        return self._steps

    def __exit__(self, *exc_info):
        self._observing.__exit__(*exc_info)
        if exc_info[0] is not None:
            return False
        rec = self._recorder
        if rec.view is None:
            raise RuntimeError(
                "viz.record_backward: no backward step ran inside the with-block; call loss.backward() inside "
                "it (on a loss computed from tensors with requires_grad=True)."
            )
        if rec.ignored:
            import warnings

            warnings.warn(
                f"viz.record_backward: {rec.ignored} steps of a second backward pass in the block were not "
                f"recorded (one pass per block)",
                stacklevel=2,
            )
        self._steps._set(rec.view, rec.steps(), rec.seed)
        return False


def _make_steps(view, records):
    loss = view.loss_name
    # how many contributions each tensor will receive, so the last one can be marked
    expected = {}
    for _, op, _, grads, _, _ in records:
        for tn, g in zip(op.inputs, grads):
            if g is not None:
                expected[tn] = expected.get(tn, 0) + 1
    terms = {}
    steps = []
    shown = progress(records, len(records), "viz: writing out the backward steps")
    for index, (node, op, grad_output, grads, arrays, node_copy) in enumerate(shown, start=1):
        input_values = [tn.tensor.data for tn in op.inputs]
        out_value = op.output.tensor.data
        lines = rules.backward_lines(node, grad_output, input_values, out_value, grads)
        names = rules.symbol_names(node, [tn.name for tn in op.inputs], op.output.name)
        step = Step(index, op, grad_output, rules.chain_rule(node), symbols=names, loss_name=loss)
        step._check_data = (node_copy, arrays, grads)
        line_of = iter(lines)
        for slot, (tn, g) in enumerate(zip(op.inputs, grads)):
            if g is None:
                continue
            so_far = terms.setdefault(tn, [])
            so_far.append(g)
            total = g if len(so_far) == 1 else steps_total(so_far)
            n = len(so_far)
            rule = with_loss(next(line_of), loss)
            step.sent.append(Sent(tn, g, total, n, n == expected[tn], rule, slot, list(so_far)))
        steps.append(step)
    return steps


def steps_total(terms):
    """The sum of the contributions, in the order the engine added them."""
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


def trace(loss_or_steps, grad=None, file=None, width=None):
    """The steps of a backward pass as a table: printed in a terminal, an HTML table in a notebook.

    ``loss_or_steps``: a loss (its pass is observed with no side effects, as
    ``backprop_steps``) or steps already made (``record_backward``). Columns: step,
    op, the gradient arriving at the op's output, the local rule with the numbers
    plugged in, the gradient sent to each input (with the sum where a tensor's
    gradient is completed from several contributions), and the numerical check.
    In a terminal the table fits its width (long cells wrap); returns a ``Trace``
    (a sequence of the steps; ``trace.steps`` is the ``BackpropSteps``). In a
    notebook nothing is printed: the returned ``Trace`` shows as an HTML table
    (as the cell's last line, or with ``display(...)``).
    """
    from .table import Trace, in_notebook

    if isinstance(loss_or_steps, BackpropSteps):
        steps = loss_or_steps
    else:
        steps = backprop_steps(loss_or_steps, grad, who="viz.trace")
    result = Trace(steps, width)
    if file is not None or not in_notebook():
        print(result.text(), file=file or sys.stdout)
    return result
