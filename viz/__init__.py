"""viz: pictures of the computation graph, step-by-step backpropagation, and training plots.

>>> import autograd as ag, viz
>>> x, y = ag.tensor(2.0, name="x"), ag.tensor(4.0, name="y")
>>> w = ag.tensor(0.5, requires_grad=True, name="w")
>>> E = (x * w - y) ** 2
>>> steps = viz.backprop_steps(E)      # observes backward; changes no .grad
>>> w.grad is None
True
>>> float(steps.grad(w))
-12.0

``viz.render_backprop(E, "backprop")`` writes ``backprop/index.html``: open it in a browser
and step through the same backward pass; ``viz.trace(E)`` prints it as a table.
"""

from .forward import ForwardSteps, forward_steps, render_forward
from .graph import GraphView, draw_graph
from .html import render_backprop
from .render import DotNotFoundError, dot_available, save
from .rules import chain_rule
from .steps import BackpropSteps, Step, backprop_steps, record_backward, trace

__all__ = [
    "BackpropSteps", "DotNotFoundError", "ForwardSteps", "GraphView", "Step", "backprop_steps", "chain_rule",
    "dot_available", "draw_graph", "forward_steps", "plots", "record_backward", "render_backprop", "render_forward",
    "save", "trace",
]  # fmt: skip


def __getattr__(name):
    # matplotlib is an optional extra: import the plots only when asked for
    if name == "plots":
        import importlib

        return importlib.import_module(".plots", __name__)
    raise AttributeError(f"module 'viz' has no attribute {name!r}")
