"""The stepper page: one SVG frame per step in a single self-contained ``index.html``.

The frames are embedded inline and the page has no external resources, so it
works opened straight from disk (file://), with no server and no network.
Previous/Next buttons, a slider and the left/right arrow keys move between
steps; the step's formula and numbers are shown beside the picture.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from . import values as V
from .render import svg_text

_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 1em; color: #222; }
h1 { font-size: 1.3em; margin: 0 0 0.5em 0; }
#controls { display: flex; gap: 0.6em; align-items: center; margin-bottom: 0.8em; }
#controls button { font-size: 1em; padding: 0.3em 0.9em; }
#slider { flex: 1; max-width: 30em; }
#main { display: flex; gap: 1.2em; align-items: flex-start; }
#picture { flex: 3; overflow: auto; border: 1px solid #ddd; padding: 0.5em; }
#picture svg { max-width: 100%; height: auto; }
#formula { flex: 2; min-width: 22em; background: #fafafa; border: 1px solid #ddd; padding: 0.6em 1em; }
#formula h2 { font-size: 1.1em; margin: 0.2em 0 0.6em 0; }
#formula pre { white-space: pre-wrap; font-size: 0.95em; line-height: 1.4; }
.frame, .panel { display: none; }
.hint { color: #666; font-size: 0.9em; }
"""

_SCRIPT = """
(function () {
  var frames = document.querySelectorAll('#picture .frame');
  var panels = document.querySelectorAll('#panels .panel');
  var slider = document.getElementById('slider');
  var formula = document.getElementById('formula');
  var counter = document.getElementById('counter');
  var prev = document.getElementById('prev'), next = document.getElementById('next');
  var last = frames.length - 1, current = 0;
  function show(k) {
    current = Math.max(0, Math.min(last, k));
    for (var i = 0; i < frames.length; i++) {
      frames[i].style.display = (i === current) ? 'block' : 'none';
    }
    formula.innerHTML = panels[current].innerHTML;
    formula.setAttribute('data-step', current);
    slider.value = current;
    counter.textContent = 'step ' + current + ' of ' + last;
    prev.disabled = current === 0;
    next.disabled = current === last;
  }
  prev.addEventListener('click', function () { show(current - 1); });
  next.addEventListener('click', function () { show(current + 1); });
  slider.addEventListener('input', function () { show(parseInt(slider.value, 10)); });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowRight') { show(current + 1); e.preventDefault(); }
    if (e.key === 'ArrowLeft') { show(current - 1); e.preventDefault(); }
  });
  show(0);
})();
"""


def inline_svg(svg, prefix):
    """An SVG document made fit to sit inside HTML: no XML prolog, ids made unique per frame."""
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    svg = re.sub(r"<!DOCTYPE[^>]*>", "", svg)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r'\bid="', f'id="{prefix}', svg)
    return svg.strip()


def write_page(path, title, frames, panels, subtitle=""):
    """Write the stepper page: ``frames`` are SVG texts, ``panels`` the HTML shown beside each one."""
    path = Path(path)
    frame_divs = "\n".join(
        f'<div class="frame" data-step="{k}">{inline_svg(svg, f"f{k}_")}</div>' for k, svg in enumerate(frames)
    )
    panel_divs = "\n".join(f'<div class="panel" data-step="{k}">{p}</div>' for k, p in enumerate(panels))
    last = len(frames) - 1
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<p class="hint">{html.escape(subtitle)} Use the buttons, the slider or the left/right arrow keys.</p>
<div id="controls">
<button id="prev" type="button">&#9664; Previous</button>
<input id="slider" type="range" min="0" max="{last}" value="0" step="1">
<button id="next" type="button">Next &#9654;</button>
<span id="counter">step 0 of {last}</span>
</div>
<div id="main">
<div id="picture">
{frame_divs}
</div>
<div id="formula"></div>
</div>
<div id="panels" hidden>
{panel_divs}
</div>
<script>{_SCRIPT}</script>
</body>
</html>
"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


def panel(heading, lines):
    """One step's text beside the picture: a heading and preformatted lines."""
    body = "\n".join(html.escape(line) for line in lines)
    return f"<h2>{html.escape(heading)}</h2><pre>{body}</pre>"


def _backprop_frames(steps, options):
    root = steps.view.tensors[-1]
    frames = [svg_text(steps.frame(k, **options)) for k in range(len(steps) + 1)]
    panels = [
        panel(
            "Before backward",
            [
                "The forward pass has computed every value.",
                f"Backward starts at the loss {root.name} with dL/d{root.name} = {V.text(steps.seed)}.",
                "Each step applies one op's local rule (the chain rule) to the gradient arriving at its output,",
                "and sends the result to its inputs.",
            ],
        )
    ]
    panels += [panel(f"Step {s.index} of {len(steps)}: {s.name}", s.describe()[1:]) for s in steps]
    return frames, panels


def backprop_page(steps, path, **options):
    """Write the backprop stepper for ``steps`` (from ``backprop_steps``) to the file ``path``."""
    frames, panels = _backprop_frames(steps, options)
    root = steps.view.tensors[-1].name
    return write_page(path, f"Backpropagation of {root}, step by step", frames, panels, _SUBTITLE_BACK)


_SUBTITLE_BACK = "Red: the op of this step. Gradients appear as they are computed; greyed parts are not reached yet."


def render_backprop(loss, out_dir, grad=None, **options):
    """Run backward on ``loss`` and write its stepper to ``out_dir``; returns the path of ``index.html``.

    Writes ``step_000.svg`` (before backward), ``step_001.svg``, ... (one frame per
    backward step: the current op highlighted, the gradients computed so far
    filled in, the rest greyed) and one self-contained ``index.html`` with the
    frames inline, Previous/Next buttons, a slider, arrow keys, and each step's
    formula with its numbers beside the picture. It opens from disk, no server.
    ``options`` are passed to the picture (e.g. ``show_shapes=False``).
    The backward pass is ``viz.backprop_steps(loss, grad)`` (graph retained).
    """
    from .steps import backprop_steps

    steps = backprop_steps(loss, grad)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames, panels = _backprop_frames(steps, options)
    for k, svg in enumerate(frames):
        (out_dir / f"step_{k:03d}.svg").write_text(svg, encoding="utf-8")
    root = steps.view.tensors[-1].name
    return write_page(
        out_dir / "index.html", f"Backpropagation of {root}, step by step", frames, panels, _SUBTITLE_BACK
    )
