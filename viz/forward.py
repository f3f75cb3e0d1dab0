"""The forward pass step by step: the values of the graph appearing op by op.

The graph is the one the engine recorded; its ops are visited in forward
(topological) order, inputs before the ops that use them. Each step shows the
op's formula, taken from the op's own docstring, with its input numbers plugged in.
Nothing is run: the values are those the forward pass computed.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import rules
from .graph import GraphView, build_dot
from .html import StepperDisplay


@dataclass(eq=False)
class ForwardStep:
    """One forward step: ``op`` (a GraphView OpNode) computed ``op.output`` from its inputs."""

    index: int
    op: object
    formula: str  # 'c = a * b = 2 * 0.5 = 1'
    symbols: str  # 'c = t1, a = x, b = w'

    @property
    def name(self):
        """The op's name (``mul``)."""
        return self.op.name

    def describe(self):
        """The step in words (used by the stepper)."""
        out = self.op.output
        lines = [
            f"step {self.index}: {out.name} = {self.op.name}({', '.join(i.name for i in self.op.inputs)})",
            f"where {self.symbols}" if self.symbols else "",
            self.formula,
        ]
        return [line for line in lines if line]


class ForwardSteps(StepperDisplay):
    """The ops of the graph behind ``output`` in forward order (a sequence of ``ForwardStep``)."""

    def __init__(self, output):
        self.view = GraphView(output, who="viz.forward_steps")
        self.steps = []
        for k, op in enumerate(self.view.ops, start=1):
            inputs = [tn.tensor.data for tn in op.inputs]
            formula = rules.forward_line(op.node, inputs, op.output.tensor.data)
            names = rules.symbol_names(op.node, [tn.name for tn in op.inputs], op.output.name)
            self.steps.append(ForwardStep(k, op, formula, names))

    def __len__(self):
        return len(self.steps)

    def __getitem__(self, i):
        return self.steps[i]

    def __iter__(self):
        return iter(self.steps)

    def __repr__(self):
        return f"<ForwardSteps: {len(self)} ops computing {self.view.loss_name}>"

    def frame(self, k, **options):
        """The picture after ``k`` ops: the leaves and the first k results known, op k highlighted."""
        done = {step.op for step in self.steps[:k]}
        values = {}
        active = set()
        for tn in self.view.tensors:
            if tn.producer is None or tn.producer in done:
                values[tn] = tn.tensor.data
                active.add(tn.key)
            else:
                values[tn] = None
        active |= {op.key for op in done}
        highlight = self.steps[k - 1].op if k else None
        options.setdefault("show_grads", False)
        return build_dot(self.view, values=values, highlight=highlight, active=active, **options)

    def picture(self, **options):
        """The picture after the last op, every value known."""
        return self.frame(len(self.steps), **options)

    def write_html(self, path, level=None, **options):
        """Write the forward stepper as one self-contained page."""
        from .html import forward_page

        return forward_page(self, path, level=level, **options)


def forward_steps(output):
    """The forward computation behind ``output``, op by op (``ForwardSteps``); runs nothing, changes nothing."""
    return ForwardSteps(output)


def render_forward(output, out_dir, level=None, **options):
    """Write the forward stepper of ``output`` to ``out_dir``; returns the path of ``index.html``.

    Also written: ``graph.dot`` (the DOT text, always) and ``graph.svg`` where
    graphviz's ``dot`` is installed. Nothing is run and no ``.grad`` changes.
    """
    from .graph import OP_LIMIT, fit_to_limit
    from .html import forward_page, write_picture_files
    from .paths import writable_folder

    out_dir = writable_folder(out_dir, "viz.render_forward")  # a bad path fails before any work
    steps = ForwardSteps(output)
    collapse, expand = fit_to_limit(
        steps.view, options.get("collapse", False), options.get("expand", ()), OP_LIMIT, "viz.render_forward"
    )
    write_picture_files(steps.picture(**dict(options, collapse=collapse, expand=expand)), out_dir)
    return forward_page(steps, out_dir / "index.html", level=level, **options)
