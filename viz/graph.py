"""The computation graph as a picture: walk the real graph behind a tensor, then draw it with graphviz.

Tensors are record boxes (name, shape and dtype, value, gradient), ops are ovals
between them, arrows point the way the forward pass went. Colours show each
tensor's role: an input (a leaf that wants no gradient), a parameter (a leaf
that does), an intermediate result, and the loss (the tensor we started from).

Everything is numbered in one deterministic walk (inputs in order, depth first),
so the same graph gives byte-identical DOT text on every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import values as V

ROLE_COLORS = {
    "input": "#cfe2ff",  # blue: data fed in
    "parameter": "#ffe08a",  # amber: what training changes
    "intermediate": "#f2f2f2",  # grey: computed on the way
    "loss": "#f8b4b4",  # red: where backward starts
}
OP_COLOR = "#e6d9f7"
HIGHLIGHT = "#d62728"
GREY = "#b0b0b0"


@dataclass(eq=False)
class TensorNode:
    """One tensor of the graph: the tensor, its shown name, its role and its DOT id."""

    tensor: object
    name: str
    role: str
    key: str
    producer: OpNode | None = None
    consumers: list = field(default_factory=list)


@dataclass(eq=False)
class OpNode:
    """One op of the graph: the engine's node, its input and output tensors, and its DOT id."""

    node: object
    key: str
    inputs: list
    output: TensorNode | None = None

    @property
    def name(self):
        """The op's name, e.g. ``mul``."""
        return self.node.name

    @property
    def scope(self):
        """The module path the op ran in, e.g. ``("Net", "fc1")``."""
        return tuple(self.node.scope)


class GraphView:
    """The graph that produced ``output``, walked once: ``tensors`` and ``ops`` in forward order.

    ``tensors[-1]`` is ``output`` itself. A tensor produced by op N is found as
    the input of N's consumers (the engine's nodes don't hold their outputs).
    """

    def __init__(self, output):
        self.output = output
        self.tensors, self.ops = [], []
        self._by_key = {}  # identity -> TensorNode (internal only, never shown)
        self._walk(output)
        self._name()

    def _identity(self, t):
        # an op's output is identified by its node, so the rebuilt tensors of node.output() count as one
        return ("op", id(t.grad_fn)) if t.grad_fn is not None else ("leaf", id(t))

    def _walk(self, root):
        stack = [(root, False)]
        seen = set()
        while stack:
            t, expanded = stack.pop()
            ident = self._identity(t)
            if expanded:
                self._add(t, ident, root)
                continue
            if ident in seen:
                continue
            seen.add(ident)
            stack.append((t, True))
            fn = t.grad_fn
            if fn is not None:
                if fn.inputs is None:
                    raise RuntimeError(
                        f"draw_graph: the graph behind this tensor was freed by backward() (at op "
                        f"'{fn.name}'). Draw the graph before calling backward(), or call "
                        f"backward(retain_graph=True); viz.backprop_steps(loss) does that for you."
                    )
                for x in reversed(fn.inputs):
                    if self._identity(x) not in seen:
                        stack.append((x, False))

    def _add(self, t, ident, root):
        if t is root:
            role = "loss"
        elif t.grad_fn is not None:
            role = "intermediate"
        else:
            role = "parameter" if t.requires_grad else "input"
        tn = TensorNode(t, t.name, role, f"T{len(self.tensors) + 1}")
        self.tensors.append(tn)
        self._by_key[ident] = tn
        fn = t.grad_fn
        if fn is not None:
            op = OpNode(fn, f"op{len(self.ops) + 1}", [self._by_key[self._identity(x)] for x in fn.inputs], tn)
            tn.producer = op
            for i in op.inputs:
                if not i.consumers or i.consumers[-1] is not op:
                    i.consumers.append(op)
            self.ops.append(op)

    def _name(self):
        # generated names go to unnamed tensors in walk order; skip ones a user already took
        taken = {tn.name for tn in self.tensors if tn.name}
        k = 0
        for tn in self.tensors:
            if tn.name:
                continue
            k += 1
            while f"t{k}" in taken:
                k += 1
            tn.name = f"t{k}"

    def find(self, tensor):
        """The ``TensorNode`` of a tensor of this graph (None if it is not part of it)."""
        return self._by_key.get(self._identity(tensor))

    def op_of(self, node):
        """The ``OpNode`` wrapping an engine node."""
        tn = self._by_key.get(("op", id(node)))
        return tn.producer if tn is not None else None


# ---------------------------------------------------------------- drawing


def draw_graph(
    output,
    *,
    show_values=True,
    show_grads=True,
    show_shapes=True,
    group_modules=True,
    collapse=False,
    expand=(),
    rankdir="LR",
    small=V.SMALL,
):
    """The graph that produced ``output`` as a ``graphviz.Digraph`` (before or after backward).

    * Tensor boxes show the name (given, set by a module such as ``fc1.weight``, or
      generated: t1, t2, ... in walk order), shape and dtype, the value (exact for
      arrays of up to ``small`` elements, min/mean/max otherwise) and ``.grad`` once
      backward has filled it. ``show_values``, ``show_grads``, ``show_shapes`` hide rows.
    * Op ovals show the op and its settings (``conv2d`` with stride and padding).
    * ``group_modules``: ops recorded inside an ``nn.Module`` (``node.scope``) are boxed
      in one cluster per module. ``collapse=True`` draws each layer as a single box;
      ``expand`` names layers (e.g. ``("fc2",)`` or ``("Net.fc2",)``) to keep open.

    After ``backward()`` the graph is freed, so draw it first or use
    ``backward(retain_graph=True)``. In Jupyter the result displays as SVG;
    ``viz.save(graph, "graph.svg")`` writes a file.
    """
    view = GraphView(output)
    options = dict(show_values=show_values, show_grads=show_grads, show_shapes=show_shapes, small=small)
    return build_dot(view, group_modules=group_modules, collapse=collapse, expand=expand, rankdir=rankdir, **options)


def build_dot(
    view,
    *,
    grads=None,
    values=None,
    highlight=None,
    active=None,
    group_modules=True,
    collapse=False,
    expand=(),
    rankdir="LR",
    show_values=True,
    show_grads=True,
    show_shapes=True,
    small=V.SMALL,
):
    """The DOT picture of a ``GraphView`` (used by ``draw_graph`` and the steppers).

    ``grads`` (TensorNode -> array) replaces ``.grad`` as the gradients shown;
    ``values`` (TensorNode -> array or None) replaces the values shown; ``highlight``
    is an ``OpNode`` drawn in red; ``active`` (a set of keys) greys every other node.
    """
    from .render import Picture

    dot = Picture(name="computation_graph")
    dot.attr(rankdir=rankdir, fontname="Helvetica", nodesep="0.3", ranksep="0.4")
    dot.attr("node", fontname="Helvetica", fontsize="11")
    dot.attr("edge", fontname="Helvetica", arrowsize="0.7")

    boxes = _layer_boxes(view, collapse, expand) if (collapse and group_modules) else {}
    hidden = _hidden_tensors(view, boxes)
    clusters = _cluster_of(view, boxes) if group_modules else {}

    def tensor_stmt(tn):
        grad = _grad_of(tn, grads)
        value = tn.tensor.data if values is None else values.get(tn)
        label = _tensor_label(tn, value, grad, show_values, show_grads, show_shapes, small, rankdir)
        attrs = dict(shape="record", style="filled", fillcolor=ROLE_COLORS[tn.role], tooltip=tn.role)
        if active is not None and tn.key not in active:
            attrs.update(fillcolor="#f7f7f7", color=GREY, fontcolor=GREY)
        return tn.key, label, attrs

    def op_stmt(op):
        attrs = dict(shape="oval", style="filled", fillcolor=OP_COLOR)
        if highlight is op:
            attrs.update(color=HIGHLIGHT, penwidth="3", fillcolor="#ffd6d6", fontcolor=HIGHLIGHT)
            attrs["class"] = "highlight"
        elif active is not None and op.key not in active:
            attrs.update(fillcolor="#f7f7f7", color=GREY, fontcolor=GREY)
        return op.key, _op_label(op), attrs

    statements = []  # (cluster path or (), node id, label, attrs)
    for tn in view.tensors:
        if tn in hidden:
            continue
        statements.append((clusters.get(tn.key, ()),) + tensor_stmt(tn))
    for box_path, box in boxes.items():
        statements.append((box_path[:-1],) + _box_stmt(box_path, box, rankdir))
    for op in view.ops:
        if op.key in _boxed_ops(boxes):
            continue
        statements.append((clusters.get(op.key, ()),) + op_stmt(op))

    _emit_nodes(dot, statements)
    for tail, head, attrs in _edges(view, boxes, hidden, active):
        dot.edge(tail, head, **attrs)
    return dot


def _grad_of(tn, grads):
    if grads is not None:
        return grads.get(tn)
    g = tn.tensor.grad
    return g.data if g is not None else None


def _escape(s):
    for ch in '\\{}|<>"':
        s = s.replace(ch, "\\" + ch)
    return s


def _tensor_label(tn, value, grad, show_values, show_grads, show_shapes, small, rankdir):
    fields = [_escape(tn.name)]
    if show_shapes:
        fields.append(f"{V.shape_text(tn.tensor.shape)} {tn.tensor.dtype}")
    if show_values:
        fields.append(_lines("value = ", value, small) if value is not None else "value = ?")
    if show_grads and grad is not None:
        fields.append(_lines("grad = ", grad, small))
    body = "|".join(fields)
    return body if rankdir in ("LR", "RL") else "{" + body + "}"


def _lines(prefix, a, small):
    lines = V.array_lines(a, small)
    if len(lines) == 1:
        return _escape(prefix + lines[0])
    pad = " " * len(prefix)
    return "".join(_escape((prefix if i == 0 else pad) + line) + "\\l" for i, line in enumerate(lines))


def _op_label(op):
    settings = op.node.describe() if op.node.inputs is not None else {}
    if not settings:
        return op.name
    return op.name + "\\n" + ", ".join(f"{k}={v}" for k, v in settings.items())


def _emit_nodes(dot, statements):
    """Write the node statements, nesting clusters by module path (in order of first appearance)."""
    tree = {}
    for path, *stmt in statements:
        node = tree
        for depth in range(len(path)):
            node = node.setdefault(path[: depth + 1], {})
        node.setdefault(None, []).append(stmt)

    counter = [0]

    def fill(graph, subtree):
        for key, value in subtree.items():
            if key is None:
                for node_id, label, attrs in value:
                    graph.node(node_id, label, **attrs)
                continue
            counter[0] += 1
            with graph.subgraph(name=f"cluster_{counter[0]}") as sub:
                sub.attr(label=key[-1], style="rounded,dashed", color="#888888", fontcolor="#555555")
                fill(sub, value)

    fill(dot, tree)


def _cluster_of(view, boxes):
    """Cluster path of each node: an op's scope; its output goes with it; a parameter with its consumers."""
    where = {}
    box_of = _box_of(boxes)
    for op in view.ops:
        if op.key in box_of:
            if op.output is not None:
                where[op.output.key] = box_of[op.key][:-1]
        elif op.scope:
            where[op.key] = op.scope
            if op.output is not None:
                where[op.output.key] = op.scope
    for tn in view.tensors:
        if tn.role == "parameter" and tn.consumers:
            scopes = [c.scope for c in tn.consumers]
            common = scopes[0]
            for s in scopes[1:]:
                n = 0
                while n < min(len(common), len(s)) and common[n] == s[n]:
                    n += 1
                common = common[:n]
            if common:
                where[tn.key] = common
    return where


def _layer_boxes(view, collapse, expand):
    """Collapsed layers: module path -> ops inside it, one box per layer.

    A layer is the scope one level below the modules that contain everything
    (so ``Net.fc1`` and ``Net.fc2`` become boxes, not ``Net``).
    """
    scopes = [op.scope for op in view.ops if op.scope]
    if not scopes:
        return {}
    common = scopes[0]
    for s in scopes[1:]:
        n = 0
        while n < min(len(common), len(s)) and common[n] == s[n]:
            n += 1
        common = common[:n]
    depth = len(common) + 1
    keep_open = {e if isinstance(e, tuple) else tuple(e.split(".")) for e in expand}
    boxes = {}
    for op in view.ops:
        if len(op.scope) < depth:
            continue
        path = op.scope[:depth]
        if path in keep_open or path[-1:] in keep_open:
            continue
        boxes.setdefault(path, []).append(op)
    return boxes


def _boxed_ops(boxes):
    return {op.key for ops in boxes.values() for op in ops}


def _box_of(boxes):
    return {op.key: path for path, ops in boxes.items() for op in ops}


def _hidden_tensors(view, boxes):
    """Tensors that live entirely inside a collapsed layer (its parameters and internal results)."""
    if not boxes:
        return set()
    box_of = _box_of(boxes)
    hidden = set()
    for tn in view.tensors:
        if tn.role == "loss" or not tn.consumers:
            continue
        inside = {box_of.get(c.key) for c in tn.consumers}
        if len(inside) != 1 or None in inside:
            continue
        (box,) = inside
        made_inside = tn.producer is not None and box_of.get(tn.producer.key) == box
        if made_inside or tn.role == "parameter":
            hidden.add(tn)
    return hidden


def _box_stmt(path, ops, rankdir):
    names = []
    for op in ops:
        if op.name not in names:
            names.append(op.name)
    params = []
    for op in ops:
        for i in op.inputs:
            if i.role == "parameter" and i not in params:
                params.append(i)
    lines = [".".join(path), ", ".join(names)]
    lines += [f"{p.name} {V.shape_text(p.tensor.shape)}" for p in params]
    label = "|".join(_escape(s) for s in lines)
    if rankdir not in ("LR", "RL"):
        label = "{" + label + "}"
    key = "layer_" + "_".join(path)
    attrs = dict(shape="record", style="filled,bold", fillcolor=OP_COLOR, tooltip="collapsed layer")
    return _dot_id(key), label, attrs


def _dot_id(s):
    return "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in s)


def _edges(view, boxes, hidden, active):
    box_of = _box_of(boxes)
    pairs = []  # an input used twice by one op (x * x) keeps both arrows; a collapsed layer gets one
    for op in view.ops:
        boxed = op.key in box_of
        head_op = _dot_id("layer_" + "_".join(box_of[op.key])) if boxed else op.key
        for i in op.inputs:
            if i not in hidden and not (boxed and (i.key, head_op) in pairs):
                pairs.append((i.key, head_op))
        if op.output is not None and op.output not in hidden and (head_op, op.output.key) not in pairs:
            pairs.append((head_op, op.output.key))
    edges = []
    for tail, head in pairs:
        attrs = {}
        if tail == head:
            continue
        if active is not None and not (tail in active and head in active):
            attrs = dict(color=GREY)
        edges.append((tail, head, attrs))
    return edges
