"""The computation graph as a picture: walk the real graph behind a tensor, then draw it with graphviz.

Tensors are record boxes (name, shape and dtype, value, gradient), ops are ovals
between them, arrows point the way the forward pass went. Colours show each
tensor's role: an input (a leaf that wants no gradient), a parameter (a leaf
that does), an intermediate result, and the loss (the tensor we started from).
Numbers that came from Python (the 2 in ``x ** 2``) are constants, drawn as the
bare number. Every picture carries a legend of its colours.

Everything is numbered in one deterministic walk (inputs in order, depth first),
so the same graph gives byte-identical DOT text on every run.

Size: a picture of more than ``OP_LIMIT`` op nodes cannot help anyone, so
``draw_graph`` then draws one box per layer (and warns), or refuses with the way
out when the graph has no layers to fold.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

from . import values as V

ROLE_COLORS = {
    "input": "#cfe2ff",  # blue: data fed in
    "parameter": "#ffe08a",  # amber: what training changes
    "intermediate": "#f2f2f2",  # grey: computed on the way
    "loss": "#f8b4b4",  # red: where backward starts
    "constant": "#ffffff",  # a number from Python (the 2 in x ** 2)
}
ROLE_WORDS = {
    "input": "input (needs no gradient)",
    "parameter": "parameter (gets a gradient)",
    "intermediate": "intermediate result",
    "loss": "loss (backward starts here)",
    "constant": "constant from Python",
}
OP_COLOR = "#e6d9f7"
HIGHLIGHT = "#d62728"
GREY = "#b0b0b0"

#: op-level pictures stop here: above it ``draw_graph`` collapses layers (or refuses)
OP_LIMIT = 2000


@dataclass(eq=False)
class TensorNode:
    """One tensor of the graph: the tensor, its shown name, its role and its DOT id.

    ``uses`` counts the input slots that read it (``w * w`` uses ``w`` twice);
    ``consumers`` lists the distinct ops that read it, in forward order.
    """

    tensor: object
    name: str
    role: str
    key: str
    producer: OpNode | None = None
    consumers: list = field(default_factory=list)
    uses: int = 0


@dataclass(eq=False)
class OpNode:
    """One op of the graph: the engine's node, its input and output tensors, and its DOT id.

    ``scope`` (the module path the op ran in, e.g. ``("Net", "fc1")``) and ``settings``
    (``{"stride": 2}``) are read when the graph is walked: a backward that frees the
    node afterwards does not take them away.
    """

    node: object
    key: str
    inputs: list
    output: TensorNode | None = None
    scope: tuple = ()
    settings: dict = field(default_factory=dict)

    @property
    def name(self):
        """The op's name, e.g. ``mul``."""
        return self.node.name


def freed_graph_error(who, op_name):
    """The error a viewer raises on a graph that ``backward()`` has already freed."""
    return RuntimeError(
        f"{who}: backward() has already run on this loss and freed its graph (at op '{op_name}'), so there is "
        f"nothing left to show. Call {who} before loss.backward(); or record your own backward pass while it "
        f"runs: `with viz.record_backward() as steps: loss.backward()`; or keep the graph with "
        f"loss.backward(retain_graph=True)."
    )


class GraphView:
    """The graph that produced ``output``, walked once: ``tensors`` and ``ops`` in forward order.

    ``tensors[-1]`` is ``output`` itself. A tensor produced by op N is found as
    the input of N's consumers (the engine's nodes don't hold their outputs).
    ``who`` names the viewer in the error raised when the graph was freed.
    """

    def __init__(self, output, who="viz.draw_graph"):
        self.output = output
        self.tensors, self.ops = [], []
        self._by_key = {}  # identity -> TensorNode (internal only, never shown)
        self._walk(output, who)
        self._name()

    @property
    def loss(self):
        """The TensorNode of the tensor the graph was walked from."""
        return self.tensors[-1]

    @property
    def loss_name(self):
        """How gradients are written: ``E`` in dE/dw when the loss is named E, else ``L``."""
        return self.loss.name

    def _identity(self, t):
        # an op's output is identified by its node, so the rebuilt tensors of node.output() count as one
        fn = t._grad_fn
        return ("op", id(fn)) if fn is not None else ("leaf", id(t))

    def _walk(self, root, who):
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
                    raise freed_graph_error(who, fn.name)
                for x in reversed(fn.inputs):
                    if self._identity(x) not in seen:
                        stack.append((x, False))

    def _add(self, t, ident, root):
        if t is root:
            role = "loss"
        elif t.grad_fn is not None:
            role = "intermediate"
        elif t.requires_grad:
            role = "parameter"
        elif not t.name and t.data.ndim == 0:
            role = "constant"  # a Python number the op wrapped (x ** 2, 0.1 * w)
        else:
            role = "input"
        tn = TensorNode(t, t.name, role, f"T{len(self.tensors) + 1}")
        self.tensors.append(tn)
        self._by_key[ident] = tn
        fn = t.grad_fn
        if fn is not None:
            inputs = [self._by_key[self._identity(x)] for x in fn.inputs]
            op = OpNode(fn, f"op{len(self.ops) + 1}", inputs, tn, tuple(fn.scope), fn.describe())
            tn.producer = op
            for i in op.inputs:
                i.uses += 1
                if not i.consumers or i.consumers[-1] is not op:
                    i.consumers.append(op)
            self.ops.append(op)

    def _name(self):
        """Names for unnamed tensors: the loss is L; constants their number; results of a
        module's ops are named from the module (``fc1.out`` for what leaves it, ``fc1.t1``
        inside); the rest t1, t2, ... in walk order, skipping names a user took."""
        taken = {tn.name for tn in self.tensors if tn.name}

        def fresh(base):
            name, k = base, 1
            while name in taken:
                k += 1
                name = f"{base}_{k}"
            taken.add(name)
            return name

        loss = self.tensors[-1]
        if not loss.name:
            loss.name = fresh("L")
        inner = {}
        k = 0
        for tn in self.tensors:
            if tn.name:
                continue
            if tn.role == "constant":
                tn.name = V.text(tn.tensor.data)
                continue
            scope = tn.producer.scope if tn.producer is not None else ()
            if len(scope) > 1:  # inside a layer of a network: name it after the layer
                path = ".".join(scope[1:])
                leaves = any(c.scope != scope for c in tn.consumers) or not tn.consumers
                if leaves:
                    tn.name = fresh(f"{path}.out")
                else:
                    inner[path] = inner.get(path, 0) + 1
                    tn.name = fresh(f"{path}.t{inner[path]}")
                continue
            k += 1
            while f"t{k}" in taken:
                k += 1
            tn.name = f"t{k}"
            taken.add(tn.name)

    def find(self, tensor):
        """The ``TensorNode`` of a tensor of this graph (None if it is not part of it)."""
        return self._by_key.get(self._identity(tensor))

    def op_of(self, node):
        """The ``OpNode`` wrapping an engine node."""
        tn = self._by_key.get(("op", id(node)))
        return tn.producer if tn is not None else None

    def paths_to_loss(self, tn):
        """The DOT keys of every tensor and op on a path from ``tn`` to the loss (``tn`` included).

        These are what a change of ``tn`` flows through, and so what its gradient is
        summed from: the page highlights them when a node is selected.
        """
        keys, stack = {tn.key}, [tn]
        while stack:
            t = stack.pop()
            for op in t.consumers:
                if op.key not in keys:
                    keys.add(op.key)
                    if op.output is not None and op.output.key not in keys:
                        keys.add(op.output.key)
                        stack.append(op.output)
        return keys


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
    legend=True,
    limit=OP_LIMIT,
):
    """The graph that produced ``output`` as a ``graphviz.Digraph`` (before or after backward).

    * Tensor boxes show the name (given, set by a module such as ``fc1.weight``,
      named from the layer that made it, ``fc1.out``, or generated: t1, t2, ...),
      shape and dtype, the value (exact for arrays of up to ``small`` elements,
      min/mean/max otherwise) and ``.grad`` once backward has filled it.
      ``show_values``, ``show_grads``, ``show_shapes`` hide rows.
    * Op ovals show the op and its settings (``conv2d`` with stride and padding);
      numbers from Python (the 2 of ``x ** 2``) are drawn as the bare number.
    * ``group_modules``: ops recorded inside an ``nn.Module`` (``node.scope``) are boxed
      in one cluster per module. ``collapse=True`` draws each layer (each innermost
      module call) as a single box, ``fc1: Linear(4 -> 16)``; ``expand`` names layers
      (e.g. ``("fc2",)`` or ``("Net.fc2",)``) to keep open.
    * ``legend``: a small key of the colours.
    * Above ``limit`` op nodes (``OP_LIMIT``, 2,000) the layers are collapsed with a
      warning; a graph that still has more boxes than that is refused, with the way out.

    After ``backward()`` the graph is freed, so draw it first or use
    ``backward(retain_graph=True)``. In Jupyter the result displays as SVG scaled
    to the cell; ``viz.save(graph, "graph.svg")`` writes a file.
    """
    from autograd import Tensor

    if not isinstance(output, Tensor):
        raise TypeError(
            f"viz.draw_graph: expected the Tensor whose graph to draw (e.g. loss = model(x).sum(), then "
            f"viz.draw_graph(loss)), got {type(output).__name__} {output!r:.60}"
        )
    view = GraphView(output, who="viz.draw_graph")
    collapse, expand = fit_to_limit(view, collapse and group_modules, expand, limit, "viz.draw_graph")
    options = dict(show_values=show_values, show_grads=show_grads, show_shapes=show_shapes, small=small)
    return build_dot(
        view,
        group_modules=group_modules or collapse,
        collapse=collapse,
        expand=expand,
        rankdir=rankdir,
        legend=legend,
        **options,
    )


def drawn_size(view, collapse, expand=()):
    """How many op nodes (ops plus layer boxes) a picture of ``view`` draws."""
    if not collapse:
        return len(view.ops)
    boxes = _layer_boxes(view, True, expand)
    return len(view.ops) - sum(len(ops) for ops in boxes.values()) + len(boxes)


def fit_to_limit(view, collapse, expand, limit, who):
    """``(collapse, expand)`` that keep a picture within ``limit`` op nodes, or a clear error.

    An op-level picture above the limit becomes a layer-level one (with a warning
    saying so); one that is still too big raises ``ValueError`` naming the size
    and the way out.
    """
    if limit is None:
        return collapse, expand
    n_ops = len(view.ops)
    size = drawn_size(view, collapse, expand)
    if size <= limit:
        return collapse, expand
    if not collapse or expand:
        folded = drawn_size(view, True, ())
        if folded <= limit and _layer_boxes(view, True, ()):
            warnings.warn(
                f"{who}: the graph has {n_ops:,} op nodes, more than the {limit:,} a picture can show "
                f"(viz.graph.OP_LIMIT); drawing one box per layer instead ({folded:,} nodes). "
                f"Pass collapse=True to ask for this, or limit=None to force every op.",
                stacklevel=3,
            )
            return True, ()
    raise ValueError(
        f"{who}: the graph has {n_ops:,} op nodes ({size:,} even with its layers collapsed), more than the "
        f"{limit:,} a picture can show (viz.graph.OP_LIMIT). Draw a smaller part: the same model on a batch "
        f"of one sample, fewer time steps, or the graph behind an intermediate tensor (e.g. one layer's "
        f"output); run it inside layers (nn.Module) and pass collapse=True; or pass limit=None to try anyway "
        f"(dot may run for minutes)."
    )


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
    legend=True,
):
    """The DOT picture of a ``GraphView`` (used by ``draw_graph`` and the steppers).

    ``grads`` (TensorNode -> array) replaces ``.grad`` as the gradients shown;
    ``values`` (TensorNode -> array or None) replaces the values shown; ``highlight``
    is an ``OpNode`` drawn in red; ``active`` (a set of keys) greys every other node.
    Collapsed layers are boxes with the DOT id ``layer_<path>`` (see ``box_key``).
    """
    from .render import Picture

    dot = Picture(name="computation_graph")
    dot.attr(rankdir=rankdir, fontname="Helvetica", nodesep="0.3", ranksep="0.4")
    dot.attr("node", fontname="Helvetica", fontsize="11")
    dot.attr("edge", fontname="Helvetica", arrowsize="0.7")

    boxes = _layer_boxes(view, collapse, expand) if (collapse and group_modules) else {}
    box_of = _box_of(boxes)
    hidden = _hidden_tensors(view, boxes)
    clusters = _cluster_of(view, boxes) if group_modules else {}

    def tensor_stmt(tn):
        if tn.role == "constant":
            attrs = dict(shape="plaintext", tooltip="constant", fontcolor="#333333")
            if active is not None and tn.key not in active:
                attrs["fontcolor"] = GREY
            return tn.key, _plain(tn.name), attrs
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
        statements.append((box_path[:-1],) + _box_stmt(view, box_path, box, rankdir))
    for op in view.ops:
        if op.key in box_of:
            continue
        statements.append((clusters.get(op.key, ()),) + op_stmt(op))

    _emit_nodes(dot, statements, _cluster_titles(view) if group_modules else {})
    for tail, head, attrs in _edges(view, box_of, hidden, active):
        dot.edge(tail, head, **attrs)
    if legend:
        _legend(dot, view, hidden, boxes, frames=active is not None or highlight is not None)
    return dot


def _legend(dot, view, hidden, boxes, frames):
    """A small key of the colours used in this picture: one node holding a table of samples."""
    roles = []
    for tn in view.tensors:
        if tn not in hidden and tn.role not in roles:
            roles.append(tn.role)
    cells = [("<B>Legend</B>", 'BORDER="0"')]
    for role in ROLE_COLORS:
        if role in roles and role != "constant":
            cells.append((ROLE_WORDS[role], f'BGCOLOR="{ROLE_COLORS[role]}"'))
    if "constant" in roles:
        cells.append(("2: a number from Python", 'BORDER="0"'))
    cells.append(("op (oval)", f'BGCOLOR="{OP_COLOR}" STYLE="ROUNDED"'))
    if boxes:
        cells.append(("layer (collapsed)", f'BGCOLOR="{OP_COLOR}" BORDER="2"'))
    if frames:
        cells.append(
            (f'<FONT COLOR="{HIGHLIGHT}">this step</FONT>', f'BGCOLOR="#ffd6d6" COLOR="{HIGHLIGHT}" BORDER="2"')
        )
        cells.append((f'<FONT COLOR="{GREY}">not reached yet</FONT>', f'BGCOLOR="#f7f7f7" COLOR="{GREY}"'))
    rows = "".join(f"<TR><TD {attrs}>{text}</TD></TR>" for text, attrs in cells)
    table = f'<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="3" CELLPADDING="3">{rows}</TABLE>>'
    dot.node("legend", table, shape="plaintext", fontsize="9", tooltip="legend")


def _grad_of(tn, grads):
    if grads is not None:
        return grads.get(tn)
    g = tn.tensor.grad
    return g.data if g is not None else None


def _escape(s):
    """Text made literal inside a DOT record label (no field breaks, ports or HTML)."""
    s = str(s).replace("\\", "\\\\")
    for ch in '{}|<>"':
        s = s.replace(ch, "\\" + ch)
    return s.replace("\r", "").replace("\n", "\\n")


def _plain(s):
    """Text made literal as a DOT label (no ``<...>`` HTML, no backslash escapes)."""
    from .render import graphviz

    s = str(s).replace("\\", "\\\\").replace("\r", "").replace("\n", "\\n")
    return graphviz.nohtml(s) if graphviz is not None else s


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
    settings = op.settings
    if not settings:
        return _plain(op.name)
    return _plain(op.name + "\n" + ", ".join(f"{k}={v}" for k, v in settings.items()))


def _cluster_titles(view):
    """The title of each layer's cluster (``0: Linear(4 -> 16)``); other modules show their name."""
    ops_of = {}
    for op in view.ops:
        ops_of.setdefault(op.scope, []).append(op)
    return {path: layer_label(view, path, ops_of[path]) for path in layer_paths(view)}


def _emit_nodes(dot, statements, titles=None):
    """Write the node statements, nesting clusters by module path (in order of first appearance)."""
    titles = titles or {}
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
                title = titles.get(key, key[-1])
                sub.attr(label=_plain(title), style="rounded,dashed", color="#888888", fontcolor="#555555")
                fill(sub, value)

    fill(dot, tree)


def _common_prefix(scopes):
    common = scopes[0]
    for s in scopes[1:]:
        n = 0
        while n < min(len(common), len(s)) and common[n] == s[n]:
            n += 1
        common = common[:n]
    return common


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
        if tn.role in ("parameter", "constant") and tn.consumers:
            common = _common_prefix([c.scope for c in tn.consumers])
            if common:
                where[tn.key] = common
    return where


def layer_paths(view):
    """The layers of the graph: the module paths that ops ran in directly and that hold no
    other module's ops (``("Net", "fc1")``, ``("Sequential", "0")``), in forward order.

    A layer is an innermost module call (Linear, Conv2d, ReLU...), never the whole
    network. Ops a network runs itself (``x.relu()`` inside ``Net.forward``) are in
    no layer. A module called twice (a shared layer) is one layer.
    """
    scopes = []
    for op in view.ops:
        if op.scope and op.scope not in scopes:
            scopes.append(op.scope)
    prefixes = {s[:k] for s in scopes for k in range(1, len(s))}
    return [s for s in scopes if s not in prefixes]


def _layer_boxes(view, collapse, expand):
    """Collapsed layers: module path -> ops inside it, one box per layer (see ``layer_paths``).

    ``expand`` names layers to keep open: a path tuple, a dotted path (``"Net.fc2"``)
    or the part below the top module (``"fc2"``, ``"0"``).
    """
    if not collapse:
        return {}
    keep_open = {e if isinstance(e, tuple) else tuple(str(e).split(".")) for e in expand}
    layers = set(layer_paths(view))
    boxes = {}
    for op in view.ops:
        path = op.scope
        if path not in layers or path in keep_open or path[1:] in keep_open or path[-1:] in keep_open:
            continue
        boxes.setdefault(path, []).append(op)
    return boxes


def _box_of(boxes):
    return {op.key: path for path, ops in boxes.items() for op in ops}


def _hidden_tensors(view, boxes):
    """Tensors that live entirely inside a collapsed layer (its parameters, constants and internal results)."""
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
        if made_inside or tn.role in ("parameter", "constant"):
            hidden.add(tn)
    return hidden


def layer_label(view, path, ops):
    """A layer's title: its path below the top module and its type, ``fc1: Linear(4 -> 16)``.

    The type is read from the layer's ops and parameters (the graph records module
    paths, not module objects): linear -> ``Linear(in -> out)``, conv2d ->
    ``Conv2d(in -> out, KxK)``, a lone activation -> ``ReLU``...; otherwise its ops.
    """
    if len(path) == 1:  # a module called on its own (a loss such as MSELoss): its name is its type
        return path[0]
    name = ".".join(path[1:])
    kind = layer_type(ops)
    return f"{name}: {kind}" if kind and kind != name else name


_ONE_OP_LAYERS = {
    "relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid", "softmax": "Softmax", "log_softmax": "LogSoftmax",
    "leaky_relu": "LeakyReLU", "elu": "ELU", "softplus": "Softplus", "dropout": "Dropout", "reshape": "Flatten",
    "max_pool2d": "MaxPool2d", "embedding": "Embedding",
}  # fmt: skip


def layer_type(ops):
    """The layer type its ops show (``Linear(4 -> 16)``, ``ReLU``), or the op names joined."""
    names = [op.name for op in ops]
    weight = next((i for op in ops for i in op.inputs if i.role == "parameter"), None)
    if "linear" in names and weight is not None and weight.tensor.ndim == 2:
        out_f, in_f = weight.tensor.shape
        return f"Linear({in_f} -> {out_f})"
    if "conv2d" in names and weight is not None and weight.tensor.ndim == 4:
        o, c, kh, kw = weight.tensor.shape
        return f"Conv2d({c} -> {o}, {kh}x{kw})"
    if len(set(names)) == 1 and names[0] in _ONE_OP_LAYERS:
        return _ONE_OP_LAYERS[names[0]]
    if "mean" in names and "sqrt" in names:  # (x - mean) / sqrt(var + eps), then scale and shift
        axes = [op.settings.get("axis") for op in ops if op.name == "mean"]
        batch = any(a == 0 or (isinstance(a, tuple) and 0 in a) for a in axes)
        size = f"({weight.tensor.shape[0]})" if weight is not None and weight.tensor.ndim == 1 else ""
        return ("BatchNorm" if batch else "LayerNorm") + size
    unique = list(dict.fromkeys(names))
    return ", ".join(unique[:4]) + (", ..." if len(unique) > 4 else "")


def box_key(path):
    """The DOT id of a collapsed layer's box."""
    return _dot_id("layer_" + "_".join(path))


def _box_stmt(view, path, ops, rankdir):
    params = []
    for op in ops:
        for i in op.inputs:
            if i.role == "parameter" and i not in params:
                params.append(i)
    lines = [layer_label(view, path, ops)]
    kinds = list(dict.fromkeys(op.name for op in ops))
    lines.append(f"{len(ops)} ops: " + ", ".join(kinds) if len(ops) > 1 else "op: " + kinds[0])
    lines += [f"{p.name} {V.shape_text(p.tensor.shape)}" for p in params]
    label = "|".join(_escape(s) for s in lines)
    if rankdir not in ("LR", "RL"):
        label = "{" + label + "}"
    attrs = dict(shape="record", style="filled,bold", fillcolor=OP_COLOR, tooltip="collapsed layer")
    return box_key(path), label, attrs


def _dot_id(s):
    return "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in s)


def _edges(view, box_of, hidden, active):
    pairs, seen = [], set()  # an input used twice by one op (x * x) keeps both arrows; a collapsed layer gets one
    for op in view.ops:
        boxed = op.key in box_of
        head_op = box_key(box_of[op.key]) if boxed else op.key
        for i in op.inputs:
            if i in hidden or (boxed and (i.key, head_op) in seen):
                continue
            pairs.append((i.key, head_op))
            seen.add((i.key, head_op))
        out = op.output
        if out is not None and out not in hidden and (head_op, out.key) not in seen:
            pairs.append((head_op, out.key))
            seen.add((head_op, out.key))
    edges = []
    for tail, head in pairs:
        attrs = {}
        if tail == head:
            continue
        if active is not None and not (tail in active and head in active):
            attrs = dict(color=GREY)
        edges.append((tail, head, attrs))
    return edges
