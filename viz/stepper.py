"""The stepper page's data: the graph laid out once per level, and every step a recolouring of it.

``dot`` runs once per level (all ops; all layers collapsed; each layer opened),
never once per step. A step is data that the page's script applies to the one
picture of its level: which node is the current one, which nodes are done, and
the new text of the gradient (or value) rows that changed. Tensors keep their
DOT ids (``T1``, ``op3``, ``layer_...``) in every level, so a tensor's numbers
(statistics and heat maps, for the panel that opens when it is clicked) are
stored once for the whole page.
"""

from __future__ import annotations

import base64
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import numpy as np

from . import levels as _levels
from . import values as V
from .graph import OP_LIMIT, _layer_boxes, box_key, build_dot, drawn_size, fit_to_limit, layer_label
from .render import DotNotFoundError, svg_text

#: at most this many layers get a level of their own (one dot run each)
OPENABLE_LAYERS = 60
#: up to this many layers, every layer can be opened; above it, only layers of more than one op
FEW_LAYERS = 12
#: the pictures of one page: past this many bytes of SVG, no more layers get a level of their own
SVG_BUDGET = 6_000_000
#: at most about this many steps over all levels (each level stores its own steps)
STEP_BUDGET = 200_000
#: heat maps: 2-D arrays are averaged down to at most this many rows and columns
MAP_SIDE = 64
#: per-channel images of 3-D/4-D tensors: at most this many channels, each at most this side
MAP_CHANNELS, CHANNEL_SIDE = 32, 32
#: total heat-map bytes in one page; tensors beyond it show statistics only
MAP_BUDGET = 3_000_000

_SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", _SVG_NS)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")


@dataclass(eq=False)
class Event:
    """One op-level step: ``op`` ran, the tensors in ``updates`` got new numbers, ``panel`` says what happened."""

    op: object  # graph.OpNode
    updates: list  # [(TensorNode, array)]: the running gradient (backward) or the value (forward)
    panel: str  # HTML
    source: object = None  # the Step (backward) or ForwardStep it came from


@dataclass
class Level:
    """One picture of the graph: ``boxes`` are the layers drawn collapsed (module path -> ops)."""

    id: str
    title: str
    boxes: dict
    expand: tuple = ()
    collapse: bool = False
    svg: str | None = None
    steps: list = field(default_factory=list)


def make_levels(view, start=None, who="viz.render_backprop"):
    """The levels of the page, and the index of the one it opens at.

    ``start``: None (``levels.default_level``: op level up to 40 ops, layer level above),
    ``"ops"``, ``"layers"``, or a layer's name (``"0"``, ``"fc1"``) to open it.
    A level is made only where its picture stays within ``graph.OP_LIMIT`` nodes, and
    at most ``OPENABLE_LAYERS`` layers can be opened (those with the most ops first; fewer
    on long backward passes, ``STEP_BUDGET``): each level is one ``dot`` run. With no level
    within the limit, the error says the way out.
    """
    n_ops = len(view.ops)
    layers = _layer_boxes(view, True, ())
    levels = []
    if n_ops <= OP_LIMIT:
        levels.append(Level("ops", "all ops", {}))
    if layers and drawn_size(view, True) <= OP_LIMIT:
        levels.append(Level("layers", "layers", layers, collapse=True))
        # each level repeats the steps' data: keep levels x steps within STEP_BUDGET. A one-op layer's
        # step already shows its op's rule, so on a network of many layers only larger layers open
        room = min(OPENABLE_LAYERS, max(0, STEP_BUDGET // max(1, n_ops) - 2))
        wanted = [p for p in layers if len(layers[p]) > 1 or len(layers) <= FEW_LAYERS or _names(p, start)]
        openable = sorted(wanted, key=lambda p: -len(layers[p]))[:room]
        for path in layers:
            if path in openable and drawn_size(view, True, (path,)) <= OP_LIMIT:
                boxes = {p: ops for p, ops in layers.items() if p != path}
                title = layer_label(view, path, layers[path])
                levels.append(Level("layer:" + ".".join(path), title, boxes, (path,), True))
    if not levels:
        fit_to_limit(view, True, (), OP_LIMIT, who)  # raises, naming the size and the way out
    ids = [lv.id for lv in levels]
    if start is None:
        start = _levels.default_level(view)
        if start not in ids:  # the op level is beyond the picture limit: open at layer level
            start = ids[0]
    for want in (start, "layer:" + str(start)):
        if want in ids:
            return levels, ids.index(want)
    for k, lv in enumerate(levels):
        if lv.id.startswith("layer:") and (lv.title.split(":")[0] == str(start) or lv.id.endswith("." + str(start))):
            return levels, k
    names = ", ".join(repr(lv.title.split(":")[0]) for lv in levels if lv.id.startswith("layer:"))
    raise ValueError(f"stepper: no level {start!r}; use 'ops', 'layers' or a layer's name ({names or 'none here'})")


def _names(path, start):
    """True when ``start`` (a level asked for by name) names the layer ``path``."""
    return start is not None and str(start) in (".".join(path), ".".join(path[1:]), path[-1])


def level_steps(level, events, group_panel):
    """The steps of one level: op events, with consecutive events inside one collapsed layer merged.

    Each step is ``{"p": panel, "cur": [key], "done": [keys], "set": {tensor key: lines}, "upto": n}``:
    ``upto`` counts the op-level events done after it (so another level can open at the same point).
    """
    box_of = {op.key: path for path, ops in level.boxes.items() for op in ops}
    steps, k = [], 0
    while k < len(events):
        path = box_of.get(events[k].op.key)
        j = k + 1
        while path is not None and j < len(events) and box_of.get(events[j].op.key) == path:
            j += 1
        group = events[k:j]
        cur = box_key(path) if path is not None else group[0].op.key
        updates = {}
        for ev in group:
            for tn, lines in ev.updates:
                updates[tn.key] = lines
        panel = group[0].panel if path is None else group_panel(path, group, level)
        steps.append({"p": panel, "cur": [cur], "done": [cur, *updates], "set": updates, "upto": j})
        k = j
    return steps


def prepare_svg(svg, row_prefixes=("value = ", "grad = ")):
    """Graphviz's SVG made ready for the page: no ids (several pictures share one document),
    ``data-key`` on each node, ``data-tail``/``data-head`` on each edge, and the rows of a
    tensor box that steps rewrite marked ``tg-value`` / ``tg-grad``. Returns ``(svg text, width, height)``
    with the natural size in CSS pixels."""
    root = ET.fromstring(svg.encode("utf-8"))
    q = lambda tag: f"{{{_SVG_NS}}}{tag}"  # noqa: E731
    width = _px(root.get("width", "100"))
    height = _px(root.get("height", "100"))
    for attr in ("width", "height"):
        root.attrib.pop(attr, None)
    for el in root.iter():
        el.attrib.pop("id", None)
        el.attrib.pop("font-family", None)  # the page's style sets dot's font (Helvetica) once
    for g in root.iter(q("g")):
        kind = g.get("class", "")
        title = g.find(q("title"))
        if title is None or kind not in ("node", "edge", "cluster", "graph"):
            continue
        text = title.text or ""
        g.remove(title)
        if kind == "node":
            g.set("data-key", text)
            row = None
            for t in g.iter(q("text")):
                content = t.text or ""
                for k, prefix in enumerate(row_prefixes):
                    if content.startswith(prefix):
                        row = ("tg-value", "tg-grad")[k]
                if row is not None:
                    t.set("class", row)
        elif kind == "edge" and "->" in text:
            tail, head = text.split("->", 1)
            g.set("data-tail", tail.split(":")[0])
            g.set("data-head", head.split(":")[0])
    out = ET.tostring(root, encoding="unicode")
    return out, width, height


def _px(length):
    length = length.strip()
    for unit, factor in (("pt", 4 / 3), ("px", 1.0), ("in", 96.0)):
        if length.endswith(unit):
            return round(float(length[: -len(unit)]) * factor, 1)
    return float(length)


def render_levels(view, levels, dot_options, first=0, progress=sys.stderr):
    """Lay out each level once with ``dot`` (``level.svg``); returns False when ``dot`` is missing.

    ``levels[first]`` (where the page opens) is laid out first. Once the pictures pass
    ``SVG_BUDGET`` bytes, the remaining layers' levels are left out (``svg`` stays None).
    Where the layouts take longer than a few seconds, progress is written to ``progress``.
    """
    started, total = time.perf_counter(), 0
    order = [first] + [k for k in range(len(levels)) if k != first]
    for n, k in enumerate(order, start=1):
        level = levels[k]
        if total > SVG_BUDGET and level.id.startswith("layer:"):
            continue
        picture = build_dot(view, collapse=level.collapse, expand=level.expand, **dot_options)
        try:
            level.svg = svg_text(picture)
        except DotNotFoundError:
            return False
        total += len(level.svg)
        spent = time.perf_counter() - started
        if spent > 3 and progress is not None and n < len(levels):
            print(f"  stepper: laid out {n} of {len(levels)} levels ({spent:.0f} s)", file=progress)
    return True


# ---------------------------------------------------------------- the numbers of a tensor


def stats(a):
    """``{"min", "mean", "max", "norm"}`` of an array, as text (None for None)."""
    if a is None:
        return None
    a = V.to_numpy(a)
    if a.size == 0:
        return {"min": "-", "mean": "-", "max": "-", "norm": "0"}
    f = a.astype(np.float64)
    return {
        k: V.number(v)
        for k, v in (("min", f.min()), ("mean", f.mean()), ("max", f.max()), ("norm", np.linalg.norm(f.ravel())))
    }


def _shrink(a, side):
    """Average ``a`` (2-D) over blocks so that each side is at most ``side``."""
    for axis in (0, 1):
        n = a.shape[axis]
        if n > side:
            starts = (np.arange(side) * n) // side
            counts = np.diff(np.append(starts, n))
            summed = np.add.reduceat(a, starts, axis=axis)
            a = summed / (counts[:, None] if axis == 0 else counts[None, :])
    return a


def _encode(a2, scale):
    """One heat map: the values mapped to bytes 0..255 (127.5 is zero, 255 is +scale), base64."""
    if scale > 0:
        q = np.clip(np.round(a2 / scale * 127.5 + 127.5), 0, 255).astype(np.uint8)
    else:
        q = np.full(a2.shape, 128, dtype=np.uint8)
    return {"h": int(a2.shape[0]), "w": int(a2.shape[1]), "b": base64.b64encode(q.tobytes()).decode("ascii")}


def heat_maps(a, role="intermediate"):
    """Small images of an array for the tensor panel: ``{"scale", "maps": [...], "note"}`` or None.

    Up to 2-D: one map (a vector is one row), averaged down above ``MAP_SIDE``.
    3-D: one map per channel (first axis). 4-D: a parameter (conv weights) gives one
    map per output channel (its first input channel), an activation one map per
    channel of the first sample. All maps of one tensor share one colour scale.
    """
    if a is None:
        return None
    a = V.to_numpy(a)
    if a.ndim == 0 or a.size == 0 or a.dtype.kind not in "fiub":
        return None
    a = a.astype(np.float64)
    note = ""
    if a.ndim <= 2:
        planes, labels = [a.reshape(1, -1) if a.ndim == 1 else a], [""]
        side = MAP_SIDE
    elif a.ndim in (3, 4):
        if a.ndim == 4:
            a, what = (
                (a[:, 0], "output channel {} (input channel 0)")
                if role == "parameter"
                else (a[0], "channel {} of sample 0")
            )
        else:
            what = "channel {}"
        if a.shape[0] > MAP_CHANNELS:
            note = f"the first {MAP_CHANNELS} of {a.shape[0]} channels"
        planes = list(a[:MAP_CHANNELS])
        labels = [what.format(k) for k in range(len(planes))]
        side = CHANNEL_SIDE
    else:
        return None
    scale = float(np.max(np.abs(a))) if a.size else 0.0
    maps = []
    for plane, label in zip(planes, labels):
        small = _shrink(plane, side)
        if small.shape != plane.shape and not note:
            note = f"averaged down from {plane.shape[0]}x{plane.shape[1]}"
        m = _encode(small, scale)
        m["label"] = label
        maps.append(m)
    return {"scale": V.number(scale), "maps": maps, "note": note}


def tensor_info(tn, grad, budget):
    """What the panel of a tensor shows: name, shape, dtype, role, statistics, every value (up to
    256 of them, where the box summarises them) and heat maps.

    ``budget`` is a one-element list of heat-map bytes left for the page.
    """
    value = V.to_numpy(tn.tensor.data)
    info = {
        "name": tn.name,
        "shape": V.shape_text(value.shape),
        "dtype": str(value.dtype),
        "role": tn.role,
        "value": stats(value),
        "grad": stats(grad),
        # every number, where the picture's box shows only min/mean/max (a bias of 16 values)
        "values": None if V.is_small(value) else V.full_text(value),
        "grads": None if grad is None or V.is_small(grad) else V.full_text(V.to_numpy(grad)),
    }
    for key, a in (("vmap", value), ("gmap", grad)):
        maps = heat_maps(a, tn.role) if budget[0] > 0 else None
        if maps is not None:
            budget[0] -= sum(len(m["b"]) for m in maps["maps"])
        elif a is not None and V.to_numpy(a).ndim > 0 and budget[0] <= 0:
            maps = {"scale": "", "maps": [], "note": "heat map left out to keep the page small"}
        info[key] = maps
    return info
