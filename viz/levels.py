"""Layer level: the graph and the backward pass seen one layer (one module call) at a time.

A network of many ops reads best as its layers first: ``fc1: Linear(4 -> 16)``,
``relu``, ``fc2: Linear(16 -> 3)``, then one layer opened to its ops. Here is
the data for that level (the stepper page draws it):

* ``layers(view)``: the ``Layer`` boxes of a graph, in forward order;
* ``layer_steps(steps)``: the backward pass at layer level, one ``LayerStep``
  per run of consecutive op steps inside one layer (an op outside every layer,
  such as the loss, is a step of its own);
* ``default_level(view)``: ``"layers"`` above ``OPEN_AT_LAYERS_ABOVE`` (40) op
  nodes when the graph has layers, else ``"ops"``.

A layer is an innermost module call (see ``graph.layer_paths``); its box's DOT
id is ``graph.box_key(path)`` in every picture.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import values as V
from .graph import box_key, layer_label, layer_paths, layer_type

#: graphs with more op nodes than this open at layer level (when they have layers)
OPEN_AT_LAYERS_ABOVE = 40


@dataclass(eq=False)
class Layer:
    """One layer box: ``path`` (``("Net", "fc1")``), ``key`` (its DOT id), ``label``
    (``fc1: Linear(4 -> 16)``), ``ops`` (OpNodes, forward order), ``params`` (the
    parameters its ops read), ``inputs`` (tensors that enter it from outside, not
    parameters or constants), ``outputs`` (tensors it makes that are used outside it,
    or the loss) and ``internal`` (tensors made and used only inside)."""

    path: tuple
    key: str
    label: str
    type: str
    ops: list
    params: list = field(default_factory=list)
    inputs: list = field(default_factory=list)
    outputs: list = field(default_factory=list)
    internal: list = field(default_factory=list)

    @property
    def name(self):
        """The path below the top module: ``fc1``, ``0``, ``encoder.conv1``."""
        return ".".join(self.path[1:]) if len(self.path) > 1 else self.path[0]


def layers(view):
    """The ``Layer`` boxes of a ``GraphView`` in forward order (empty when no op ran inside a module)."""
    paths = layer_paths(view)
    ops_of = {p: [] for p in paths}
    for op in view.ops:
        if op.scope in ops_of:
            ops_of[op.scope].append(op)
    out = []
    for path in paths:
        ops = ops_of[path]
        inside = set(ops)
        layer = Layer(path, box_key(path), layer_label(view, path, ops), layer_type(ops), ops)
        for op in ops:
            for t in op.inputs:
                made_here = t.producer in inside
                if t.role == "parameter":
                    _add(layer.params, t)
                elif t.role != "constant" and not made_here:
                    _add(layer.inputs, t)
            t = op.output
            if t.role == "loss" or any(c not in inside for c in t.consumers):
                _add(layer.outputs, t)
            else:
                _add(layer.internal, t)
        out.append(layer)
    return out


def _add(items, x):
    if x not in items:
        items.append(x)


def default_level(view):
    """``"layers"`` for a graph of more than ``OPEN_AT_LAYERS_ABOVE`` ops that has layers, else ``"ops"``."""
    return "layers" if len(view.ops) > OPEN_AT_LAYERS_ABOVE and layer_paths(view) else "ops"


@dataclass(eq=False)
class LayerStep:
    """One backward step at layer level: the op steps ``steps[first:last]`` inside one layer.

    ``layer`` is the ``Layer`` (None for an op outside every layer: then ``op_steps``
    holds that op's one step). Gradients are NumPy arrays, each paired with its TensorNode:

    * ``grad_outputs``: dL/d(output) arriving at the layer, for each of its outputs;
    * ``grad_inputs``: the gradient the layer sent to each input (its ops' contributions summed);
    * ``grad_params``: the gradient of each parameter from this layer's ops.
    """

    index: int  # 1, 2, ... at layer level
    layer: Layer | None
    op_steps: list
    grad_outputs: list
    grad_inputs: list
    grad_params: list

    @property
    def first(self):
        """The op-level index (1-based) of the first op step in this layer step."""
        return self.op_steps[0].index

    @property
    def last(self):
        """The op-level index of the last op step in this layer step."""
        return self.op_steps[-1].index

    @property
    def title(self):
        """``fc1: Linear(4 -> 16)``, or the op's name outside layers."""
        return self.layer.label if self.layer is not None else self.op_steps[0].op.name

    def describe(self, loss="L"):
        """The step in words: the gradients arriving at the layer, and those it sends back."""
        if self.layer is None:
            return self.op_steps[0].describe(loss)
        lines = [f"layer step {self.index}: {self.title} (op steps {self.first}-{self.last})"]
        for tn, g in self.grad_outputs:
            lines.append(f"gradient arriving at the output {tn.name}: d{loss}/d{tn.name} = {V.text(g)}")
        for tn, g in self.grad_params:
            lines.append(f"to the parameter {tn.name}: d{loss}/d{tn.name} = {V.text(g)}")
        for tn, g in self.grad_inputs:
            lines.append(f"to the input {tn.name}: d{loss}/d{tn.name} = {V.text(g)}")
        return lines


def layer_steps(steps):
    """The backward pass of ``steps`` (``BackpropSteps``) at layer level: a list of ``LayerStep``."""
    by_path = {layer.path: layer for layer in layers(steps.view)}
    groups = []
    for step in steps:
        layer = by_path.get(step.op.scope)
        if groups and layer is not None and groups[-1][0] is layer:
            groups[-1][1].append(step)
        else:
            groups.append((layer, [step]))
    out = []
    for k, (layer, group) in enumerate(groups, start=1):
        outs, ins, params = {}, {}, {}
        for step in group:
            if layer is None or step.op.output in layer.outputs:
                outs.setdefault(step.op.output, step.grad_output)
            for s in step.sent:
                made_inside = layer is not None and s.tensor.producer in layer.ops
                if s.tensor.role == "parameter":
                    target = params
                elif layer is None or not made_inside:
                    target = ins
                else:
                    continue  # a gradient passed between two ops of the layer
                target[s.tensor] = s.grad if s.tensor not in target else target[s.tensor] + s.grad
        out.append(LayerStep(k, layer, group, list(outs.items()), list(ins.items()), list(params.items())))
    return out
