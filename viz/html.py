"""The stepper page: the graph laid out once per level, each step a recolouring of it, in one HTML file.

The page has no external resources (its script, style, pictures and numbers are
inline), so it works opened straight from disk (file://), with no server and no
network, and inside a notebook cell. What a learner can do on it:

* Previous/Next, the slider or the arrow keys move through the backward steps;
  each step's local rule with its numbers (and the numerical check, where the
  steps carry one) is written beside the picture.
* Levels: a large graph opens with one box per layer; clicking a box opens that
  layer at op level; "Layers" and "All ops" switch back.
* Clicking a tensor opens its numbers (shape, dtype, min/mean/max/norm of its
  value and gradient, heat maps) and highlights every path from it to the loss.
* Zoom with the -, +, Fit buttons or Ctrl + mouse wheel; drag to pan. Labels are
  never drawn smaller than 11 CSS pixels by the default zoom: the picture scrolls instead.

Without graphviz's ``dot`` the same page is a text stepper with a notice saying how to install it.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from pathlib import Path

from . import stepper as S
from . import values as V
from .graph import OP_COLOR, ROLE_COLORS, box_key, layer_label
from .render import install_hint

_PAGE_DIR = Path(__file__).with_name("page")
_instances = itertools.count(1)  # a page's or a notebook cell's steppers get tg1, tg2, ... in order


def _asset(name):
    return (_PAGE_DIR / name).read_text(encoding="utf-8")


def panel(heading, lines, extra=""):
    """One step's text beside the picture: a heading, preformatted lines, and optional extra HTML."""
    body = "\n".join(html.escape(line) for line in lines)
    return f"<h3>{html.escape(heading)}</h3><pre>{body}</pre>{extra}"


def _loss_name(steps):
    return getattr(steps.view, "loss_name", None) or "L"


def _grad_rows(a):
    """The ``grad = ...`` rows of a tensor box, as the picture writes them."""
    lines = V.array_lines(a)
    return ["grad = " + lines[0]] + ["       " + line for line in lines[1:]]


def _value_rows(a):
    lines = V.array_lines(a)
    return ["value = " + lines[0]] + ["        " + line for line in lines[1:]]


def _checks_html(step, loss):
    """The numerical check of a step (engine vs float64 central difference), one line per input."""
    checks = getattr(step, "checks", None) or []
    lines = []
    for c in checks:
        css = {True: "tg-agree", False: "tg-disagree"}.get(c.agree, "tg-hint")
        lines.append(f'<div class="{css}">{html.escape(c.text(loss))}</div>')
    if not lines:
        return ""
    return (
        "<div class='tg-checks'><div class='tg-hint'>Proof: the engine's gradient beside a float64 "
        "central-difference estimate from the op's own forward</div>" + "".join(lines) + "</div>"
    )


# ---------------------------------------------------------------- backward


def backward_events(steps):
    """One ``stepper.Event`` per backward step: its op, the running gradients it changed, its panel.

    A panel's heading names the op but no step number: at layer level (with one layer opened) the
    bar counts that level's steps, which differ from the op steps'."""
    loss = _loss_name(steps)
    events = []
    for s in steps:
        call = f"{s.op.output.name} = {s.op.name}({', '.join(i.name for i in s.op.inputs)})"
        text = panel(f"Backward through {s.name}", [call, *s.describe(loss)[1:]], _checks_html(s, loss))
        updates = [(sent.tensor, _grad_rows(sent.total)) for sent in s.sent]
        events.append(S.Event(s.op, updates, text, s))
    return events


def _backward_group_panel(steps):
    """A layer's step at layer level, written by ``levels.LayerStep.describe``."""
    from .levels import layer_steps

    by_first = {ls.first: ls for ls in layer_steps(steps)}

    def group_panel(path, events, level):
        ls = by_first.get(events[0].source.index)
        if ls is not None and ls.layer is not None and ls.layer.path == path and ls.last == events[-1].source.index:
            lines = ls.describe(_loss_name(steps))
        else:  # levels.layer_steps grouped these op steps differently: name them rather than guess
            lines = [f"op steps {events[0].source.index}-{events[-1].source.index} inside this layer"]
        hint = "<div class='tg-hint'>Click the layer's box to open it: each op with its local rule and numbers.</div>"
        title = f"Layer {layer_label(steps.view, path, level.boxes[path])}"
        if len(events) == 1:  # a one-op layer: its op's step says it all (the rule, numbers and check)
            return f"<h3>{html.escape(title)}</h3>" + events[0].panel
        return panel(title, lines, hint)

    return group_panel


def _backward_before(steps):
    root = steps.view.tensors[-1]
    loss = _loss_name(steps)
    return panel(
        "Before backward",
        [
            "The forward pass has computed every value.",
            f"Backward starts at the loss {root.name} with d{loss}/d{root.name} = {V.text(steps.seed)}.",
            # one line per sentence: the panel wraps them to its width
            "Each step applies one op's local rule (the chain rule) to the gradient arriving at its output, "
            "and sends the result to its inputs.",
            "Click a tensor to see its numbers.",
        ],
    )


def backward_stepper(steps, level=None, **options):
    """The stepper of ``steps`` (from ``viz.backprop_steps``) as ``(html fragment, svg of the first level or None)``."""
    view = steps.view
    root = view.tensors[-1]
    events = backward_events(steps)
    init_rows = {root.key: _grad_rows(steps.seed)}
    will = [root.key] + [k for ev in events for k in (ev.op.key, *(tn.key for tn, _ in ev.updates))]
    tensors = _tensor_infos(view, steps.grads)
    return _stepper(
        kind="backward",
        view=view,
        events=events,
        group_panel=_backward_group_panel(steps),
        init={"done": [root.key], "set": init_rows},
        will=will,
        before=_backward_before(steps),
        title=f"Backpropagation of {root.name}, step by step",
        subtitle="Grey: not reached yet. Red outline: the op of this step. Gradients appear as they are computed.",
        tensors=tensors,
        loss=_loss_name(steps),
        level=level,
        dot_options=dict(options, grads=steps.grads, legend=False),
    )


def _tensor_infos(view, grads):
    budget = [S.MAP_BUDGET]
    return {tn.key: S.tensor_info(tn, grads.get(tn) if grads else None, budget) for tn in view.tensors}


# ---------------------------------------------------------------- forward


def forward_events(fsteps):
    """One ``stepper.Event`` per forward step: its op, the value it computed, its panel."""
    events = []
    for s in fsteps:
        heading = f"Forward through {s.name}"  # no number: the bar counts this level's steps
        updates = [(s.op.output, _value_rows(s.op.output.tensor.data))]
        events.append(S.Event(s.op, updates, panel(heading, s.describe()), s))
    return events


def _forward_group_panel(fsteps):
    def group_panel(path, events, level):
        inside = {ev.op for ev in events}
        names = ", ".join(ev.op.name for ev in events)
        lines = [f"computes {len(events)} op{'s' if len(events) > 1 else ''}: {names}"]
        for ev in events:
            out = ev.op.output
            if out.role == "loss" or any(c not in inside for c in out.consumers):
                lines.append(f"its output {out.name} {V.shape_text(out.tensor.shape)} = {V.text(out.tensor.data)}")
        return panel(f"Layer {layer_label(fsteps.view, path, level.boxes[path])}", lines)

    return group_panel


def forward_stepper(fsteps, level=None, **options):
    """The forward stepper of ``fsteps`` (from ``viz.forward_steps``): ``(html fragment, svg or None)``."""
    view = fsteps.view
    events = forward_events(fsteps)
    leaves = [tn.key for tn in view.tensors if tn.producer is None]
    will = [k for ev in events for k in (ev.op.key, *(tn.key for tn, _ in ev.updates))]
    options.setdefault("show_grads", False)
    options["legend"] = False  # the page has its own legend
    return _stepper(
        kind="forward",
        view=view,
        events=events,
        group_panel=_forward_group_panel(fsteps),
        init={"done": leaves, "set": {}},
        will=will,
        before=panel("Before the forward pass", ["The inputs and parameters have values; nothing is computed yet."]),
        title=f"Forward pass to {view.tensors[-1].name}, step by step",
        subtitle="Grey: not computed yet. Red outline: the op of this step. Values appear as they are computed.",
        tensors=_tensor_infos(view, None),
        loss=_loss_name(fsteps),
        level=level,
        dot_options=options,
    )


# ---------------------------------------------------------------- the page


def _stepper(kind, view, events, group_panel, init, will, before, title, subtitle, tensors, loss, level, dot_options):
    # the levels choose what is collapsed: collapse=True (as draw_graph takes it) opens at layer level
    collapse, expand = dot_options.pop("collapse", False), dot_options.pop("expand", ())
    if level is None and collapse:
        level = expand[0] if expand else "layers"
    levels, start = S.make_levels(view, level)
    has_dot = S.render_levels(view, levels, dot_options, first=start)
    if not has_dot:  # a text stepper: the op steps, no pictures
        levels, start = [S.Level("ops", "all ops", {})], 0
    else:  # layers left out for the page's size are not openable
        start_id = levels[start].id
        levels = [lv for lv in levels if lv.svg is not None]
        start = [lv.id for lv in levels].index(start_id)
    panels, index = [], {}

    def panel_index(text):
        if text not in index:
            index[text] = len(panels)
            panels.append(text)
        return index[text]

    level_ids = {lv.id: k for k, lv in enumerate(levels)}
    data_levels, level_divs = [], []
    first_svg = None
    for k, lv in enumerate(levels):
        steps = S.level_steps(lv, events, group_panel)
        for st in steps:
            st["p"] = panel_index(st["p"])
        entry = {"id": lv.id, "title": lv.title, "layer": lv.id.startswith("layer:"), "steps": steps, "init": init}
        entry["will"] = sorted(set(will) | {box_key(p) for p in lv.boxes})
        opens = {box_key(p): level_ids.get("layer:" + ".".join(p)) for p in lv.boxes}
        entry["boxes"] = {key: k for key, k in opens.items() if k is not None}  # a layer too big to open has none
        if lv.expand:  # the opened layer's ops and tensors: the page opens with them in view
            inside = [op for op in view.ops if op.scope in lv.expand]
            keys = [k for op in inside for k in (*(i.key for i in op.inputs), op.key, op.output.key)]
            entry["open"] = list(dict.fromkeys(keys))
        if lv.svg is not None:
            svg, entry["w"], entry["h"] = S.prepare_svg(lv.svg)
            if k == start:
                first_svg = lv.svg  # dot's own SVG (with its fonts): the picture for viewers without JavaScript
            hidden = "" if k == start else " hidden"
            level_divs.append(f'<div class="tg-level" data-level="{k}"{hidden}>{svg}</div>')
        data_levels.append(entry)
    data = {
        "kind": kind,
        "row": "tg-grad" if kind == "backward" else "tg-value",
        "loss": loss,
        "levels": data_levels,
        "start": start,
        "panels": panels,
        "before": before,
        "tensors": tensors,
    }
    if has_dot and levels[0].id != "ops":
        subtitle += (
            f" This graph has {len(view.ops):,} ops, more than the {S.OP_LIMIT:,} one picture can show: "
            "it is shown layer by layer."
        )
    prefix = f"tg{next(_instances)}"
    picture = "\n".join(level_divs) if has_dot else _no_dot_notice(view)
    fragment = f"""<div class="tg-stepper tg-{kind}" data-tg="{prefix}" tabindex="0">
<style>{_asset("stepper.css")}</style>
<h1>{html.escape(title)}</h1>
<p class="tg-hint">{html.escape(subtitle)} Click a tensor for its numbers and its paths to the loss.
Previous/Next, the slider or the arrow keys step; Ctrl + wheel or -, +, Fit zoom; drag to pan.</p>
<div class="tg-bar">
<button type="button" class="tg-prev">&#9664; Previous</button>
<input class="tg-slider" type="range" min="0" max="{len(data_levels[start]["steps"])}" value="0" step="1" aria-label="step">
<button type="button" class="tg-next">Next &#9654;</button>
<span class="tg-counter">step 0 of {len(data_levels[start]["steps"])}</span>
</div>
{_level_nav(levels) if has_dot else ""}
{_legend(kind, view)}
<div class="tg-main">
<div class="tg-picture">
{picture}
</div>
<div class="tg-side">
<div class="tg-formula"></div>
<div class="tg-node" hidden></div>
</div>
</div>
<script type="application/json" class="tg-data">{_json(data)}</script>
<script>(function () {{
{_asset("stepper.js")}
var root = document.querySelector('.tg-stepper[data-tg="{prefix}"]');
tgStepper(root, JSON.parse(root.querySelector('script.tg-data').textContent));
}})();</script>
</div>"""
    return fragment, first_svg


def _json(data):
    # inside <script>, "</script>" or "<!--" in a name would change how the page parses: JSON allows "\u003c" for "<"
    return json.dumps(data, separators=(",", ":")).replace("<", "\\u003c")


_ZOOM = (
    '<span class="tg-zoom"><button type="button" data-zoom="out" title="zoom out">&minus;</button>'
    '<button type="button" data-zoom="in" title="zoom in">+</button>'
    '<button type="button" data-zoom="fit" title="fit to the width (labels stay readable)">Fit</button></span>'
)


def _level_nav(levels):
    """The second bar: the level buttons (Layers, All ops), the opened layer, and the zoom buttons."""
    return f'<div class="tg-bar">{_level_buttons(levels)}\n{_ZOOM}</div>'


def _level_buttons(levels):
    buttons = []
    for k, lv in enumerate(levels):
        if lv.id in ("layers", "ops"):
            label = "Layers" if lv.id == "layers" else "All ops"
            buttons.append(f'<button type="button" data-go="{k}">{label}</button>')
    if len(buttons) < 2 and not any(lv.id.startswith("layer:") for lv in levels):
        return '<span class="tg-levels"><span class="tg-crumb"></span></span>'
    return f'<span class="tg-levels">View: {"".join(buttons)} <span class="tg-crumb"></span></span>'


def _legend(kind, view):
    sw = lambda colour, border="#666": f'<span class="tg-sw" style="background:{colour};border-color:{border}"></span>'  # noqa: E731
    items = [
        (sw(ROLE_COLORS["input"]), "input (needs no gradient)"),
        (sw(ROLE_COLORS["parameter"]), "parameter (training changes it)"),
        (sw(ROLE_COLORS["intermediate"]), "intermediate result"),
        (sw(ROLE_COLORS["loss"]), "loss" if kind == "backward" else "output"),
        (sw(OP_COLOR), "op, or a layer's box (click it to open)"),
        (sw("#ffd6d6", "#d62728"), "this step's op"),
        (sw("#f7f7f7", "#b0b0b0"), "not reached yet" if kind == "backward" else "not computed yet"),
        (sw("#ffffff", "#ff8c00"), "paths from the selected node to the loss"),
    ]
    if any(tn.role == "constant" for tn in view.tensors):
        items.insert(4, (sw(ROLE_COLORS["constant"], "#bbbbbb"), "a bare number: a constant from Python"))
    return '<div class="tg-legend">' + "".join(f"<span>{s}{html.escape(t)}</span>" for s, t in items) + "</div>"


def _no_dot_notice(view):
    buttons = "".join(
        f'<button type="button" data-tensor="{tn.key}">{html.escape(tn.name)}</button>' for tn in view.tensors
    )
    return (
        '<div class="tg-notice">No picture: drawing the graph needs the graphviz <code>dot</code> program, '
        f"which was not found on PATH; {html.escape(install_hint())}. The steps and their numbers work "
        "without it.</div>"
        f'<p class="tg-hint">The tensors of the graph (click one for its numbers):</p><div class="tg-tensors">{buttons}</div>'
    )


def write_document(path, title, fragments):
    """Write one HTML document holding the stepper ``fragments`` (each works on its own)."""
    path = Path(path)
    body = "\n<hr>\n".join(fragments)
    if len(fragments) == 1:  # one stepper: the arrow keys work without clicking it first
        body = body.replace('<div class="tg-stepper', '<div data-standalone class="tg-stepper', 1)
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>body {{ margin: 0.8em; }}</style>
</head>
<body>
{body}
</body>
</html>
"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


def backprop_page(steps, path, level=None, **options):
    """Write the backprop stepper for ``steps`` (from ``backprop_steps``) to the file ``path``.

    ``level``: where the page opens: ``"ops"``, ``"layers"``, or a layer's name
    (``"0"``, ``"fc1"``) to open that layer; by default op level up to 40 ops,
    layer level above. ``options`` go to the picture (e.g. ``show_shapes=False``).
    """
    fragment, _ = backward_stepper(steps, level=level, **options)
    return write_document(path, f"Backpropagation of {steps.view.tensors[-1].name}", [fragment])


def forward_page(fsteps, path, level=None, **options):
    """Write the forward stepper for ``fsteps`` (from ``viz.forward_steps``) to the file ``path``."""
    fragment, _ = forward_stepper(fsteps, level=level, **options)
    return write_document(path, f"Forward pass to {fsteps.view.tensors[-1].name}", [fragment])


def write_picture_files(picture, out_dir):
    """``graph.dot`` (the DOT text, always) and ``graph.svg`` where graphviz's ``dot`` is installed, in ``out_dir``."""
    from .render import dot_available, svg_text

    (out_dir / "graph.dot").write_text(picture.source, encoding="utf-8")
    if dot_available():  # without dot the page says how to install it; the DOT text is written
        (out_dir / "graph.svg").write_text(svg_text(picture), encoding="utf-8")


def render_backprop(loss, out_dir, grad=None, level=None, **options):
    """Write the stepper of ``loss``'s backward pass to ``out_dir``; returns the path of ``index.html``.

    ``index.html`` is self-contained (opens from disk, no server, no network):
    the graph is laid out once per level and each backward step recolours it;
    Previous/Next, a slider and the arrow keys move through the steps, each
    step's formula with its numbers is shown beside the picture, and clicking a
    tensor shows its numbers. Also written: ``graph.dot`` (the DOT text, always)
    and ``graph.svg`` (the picture after the last step, where ``dot`` is installed).
    ``level`` chooses the opening level (see ``backprop_page``); ``options`` go to the picture.
    The backward pass is ``viz.backprop_steps(loss, grad)``.
    """
    from .graph import OP_LIMIT, GraphView, build_dot, fit_to_limit
    from .paths import writable_folder
    from .steps import backprop_steps

    out_dir = writable_folder(out_dir, "viz.render_backprop")  # before backward runs: a bad path fails first
    # before the backward pass, which takes long on a big graph: refuse a graph no picture can show, or a bad level
    view = GraphView(loss, who="viz.render_backprop")
    S.make_levels(view, level if level is not None or not options.get("collapse") else "layers")
    collapse, expand = fit_to_limit(
        view, options.get("collapse", False), options.get("expand", ()), OP_LIMIT, "viz.render_backprop"
    )
    steps = backprop_steps(loss, grad)
    final = dict(options, collapse=collapse, expand=expand)
    write_picture_files(build_dot(steps.view, grads=steps.grads, **final), out_dir)
    return backprop_page(steps, out_dir / "index.html", level=level, **options)


# ---------------------------------------------------------------- Jupyter


class StepperDisplay:
    """Shows the steps in Jupyter as the interactive stepper (``text/html``, self-contained),
    with the final picture (``image/svg+xml``) and the steps as text for viewers that run no JavaScript."""

    def show(self, level=None, **options):
        """The stepper opening at ``level`` (``"ops"``, ``"layers"`` or a layer's name such as ``"0"``, as
        ``write_html`` takes it), for a notebook cell to display: ``steps.show(level="0")`` as its last line.
        ``options`` go to the picture (e.g. ``show_shapes=False``)."""
        return InlineStepper(self, level, options)

    def _stepper_fragment(self, level=None, **options):
        if hasattr(self, "seed"):
            return backward_stepper(self, level=level, **options)
        return forward_stepper(self, level=level, **options)

    def _repr_mimebundle_(self, include=None, exclude=None, **_):
        return self._bundle()

    def _bundle(self, level=None, **options):
        fragment, svg = self._stepper_fragment(level, **options)
        bundle = {"text/html": fragment, "text/plain": self._stepper_text()}
        if svg is not None:
            # as wide as the cell: the viewBox keeps the proportions
            bundle["image/svg+xml"] = re.sub(r'<svg width="[^"]*" height="[^"]*"', '<svg width="100%"', svg, count=1)
        return bundle

    def _stepper_text(self):
        if hasattr(self, "table"):
            return self.table()
        return "\n".join(line for s in self for line in s.describe())


class InlineStepper:
    """What ``steps.show(level=...)`` returns: in a notebook it displays as the stepper opening at that level."""

    def __init__(self, steps, level, options):
        self.steps, self.level, self.options = steps, level, options

    def _repr_mimebundle_(self, include=None, exclude=None, **_):
        return self.steps._bundle(self.level, **self.options)

    def __repr__(self):
        return (
            f"<stepper of {len(self.steps)} steps opening at level {self.level or 'default'}: shown in a notebook cell>"
        )
