"""The forward pass step by step: the values of the graph appearing op by op.

The graph is the one the engine recorded; its ops are visited in forward
(topological) order, inputs before the ops that use them. Each step shows the
op's formula, taken from the op's own docstring, with its input numbers plugged in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import rules
from .graph import GraphView, build_dot
from .html import panel, write_page
from .render import svg_text


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
        """The step in words (used by the HTML stepper)."""
        out = self.op.output
        lines = [
            f"step {self.index}: {out.name} = {self.op.name}({', '.join(i.name for i in self.op.inputs)})",
            f"where {self.symbols}" if self.symbols else "",
            self.formula,
        ]
        return [line for line in lines if line]


class ForwardSteps:
    """The ops of the graph behind ``output`` in forward order (a sequence of ``ForwardStep``)."""

    def __init__(self, output):
        self.view = GraphView(output)
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

    def write_html(self, path, **options):
        """Write the forward stepper as one self-contained page."""
        frames, panels = self._frames(options)
        return write_page(path, self._title(), frames, panels, _SUBTITLE)

    def _frames(self, options):
        frames = [svg_text(self.frame(k, **options)) for k in range(len(self) + 1)]
        panels = [panel("Before the forward pass", ["The inputs and parameters have values; nothing is computed yet."])]
        panels += [panel(f"Step {s.index} of {len(self)}: {s.name}", s.describe()) for s in self.steps]
        return frames, panels

    def _title(self):
        return f"Forward pass to {self.view.tensors[-1].name}, step by step"


_SUBTITLE = "Red: the op of this step. Values appear as they are computed; greyed parts are not computed yet."


def forward_steps(output):
    """The forward computation behind ``output``, op by op (``ForwardSteps``); runs nothing."""
    return ForwardSteps(output)


def render_forward(output, out_dir, **options):
    """Write the forward stepper (``step_000.svg``, ... and ``index.html``) to ``out_dir``; returns the page path."""
    steps = ForwardSteps(output)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames, panels = steps._frames(options)
    for k, svg in enumerate(frames):
        (out_dir / f"step_{k:03d}.svg").write_text(svg, encoding="utf-8")
    return write_page(out_dir / "index.html", steps._title(), frames, panels, _SUBTITLE)
