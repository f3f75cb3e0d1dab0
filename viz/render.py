"""Turning pictures into files: ``save`` by extension, inline SVG in Jupyter, one clear error without ``dot``.

Only rendering needs the graphviz ``dot`` program; building the DOT text does not,
so ``graph.source`` and ``viz.save(graph, "graph.dot")`` always work.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import sys
import time
from pathlib import Path

try:
    import graphviz
except ImportError:  # the optional extra is missing: say how to get it when a picture is asked for
    graphviz = None


class DotNotFoundError(RuntimeError):
    """The graphviz ``dot`` program is not installed (or not on PATH)."""


def install_hint():
    """How to install the graphviz ``dot`` program on this system, in one sentence."""
    if "CONDA_PREFIX" in os.environ:
        return "install it with: conda install -c conda-forge graphviz"
    if sys.platform == "darwin":
        return "install it with Homebrew: brew install graphviz"
    if sys.platform.startswith("win"):
        return (
            "install it with: winget install graphviz (or choco install graphviz), "
            "then open a new terminal so 'dot' is on PATH"
        )
    ids = _linux_ids()
    for names, command in [
        ({"debian", "ubuntu", "linuxmint", "pop"}, "sudo apt-get install graphviz"),
        ({"fedora", "rhel", "centos", "rocky", "almalinux"}, "sudo dnf install graphviz"),
        ({"arch", "manjaro"}, "sudo pacman -S graphviz"),
        ({"opensuse", "suse", "opensuse-leap", "opensuse-tumbleweed"}, "sudo zypper install graphviz"),
        ({"alpine"}, "apk add graphviz"),
    ]:
        if ids & names:
            return f"install it with: {command}"
    return (
        "install the 'graphviz' package with your system's package manager "
        "(apt-get, dnf, pacman, brew, winget or conda; see https://graphviz.org/download/)"
    )


def _linux_ids():
    if platform.system() != "Linux":
        return set()
    try:
        text = Path("/etc/os-release").read_text()
    except OSError:
        return set()
    ids = set()
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key in ("ID", "ID_LIKE"):
            ids.update(value.strip().strip('"').lower().split())
    return ids


def dot_available():
    """True when graphviz's ``dot`` program is on PATH (pictures can be rendered).

    Everything that does not draw (the steps, the trace, DOT text, the text stepper)
    works without it.
    """
    return shutil.which("dot") is not None


def progress(items, total, desc, delay=2.0, file=None, every=5.0):
    """Iterate ``items`` showing progress only when it takes longer than ``delay`` seconds.

    A tqdm bar (``tqdm.auto``: a widget in notebooks) when tqdm is installed,
    otherwise a plain line every ``every`` seconds.
    """
    try:
        from tqdm.auto import tqdm
    except ImportError:
        tqdm = None
    if tqdm is not None:
        options = dict(total=total, desc=desc, delay=delay, leave=False, file=file)
        try:
            bar = tqdm(items, **options)
        except ImportError:  # a notebook without ipywidgets: tqdm's text bar
            from tqdm.std import tqdm as text_tqdm

            bar = text_tqdm(items, **options)
        yield from bar
        return
    started = last = time.perf_counter()
    for k, item in enumerate(items, start=1):
        yield item
        now = time.perf_counter()
        if now - started >= delay and now - last >= every:
            print(f"{desc}: {k:,} of {total:,}", file=file or sys.stderr, flush=True)
            last = now


def _no_dot_error():
    return DotNotFoundError(
        "drawing needs the graphviz 'dot' program, which was not found on PATH; "
        + install_hint()
        + ". Nothing else in the library needs it, and the DOT text is still available: "
        "graph.source, or viz.save(graph, 'graph.dot')."
    )


def require_graphviz():
    """Raise a clear error when the graphviz Python package (the ``viz`` extra) is missing."""
    if graphviz is None:
        raise ImportError(
            "viz needs the graphviz Python package to build graph pictures: pip install graphviz "
            "(or pip install -e '.[viz]'); rendering them also needs the 'dot' program: " + install_hint()
        )


_Base = graphviz.Digraph if graphviz is not None else object


class Picture(_Base):
    """A ``graphviz.Digraph`` that renders with a clear error without ``dot`` and shows inline in Jupyter."""

    def __init__(self, *args, **kwargs):
        require_graphviz()
        super().__init__(*args, **kwargs)

    def pipe(self, *args, **kwargs):
        """Render with ``dot`` (as ``graphviz.Digraph.pipe``), raising ``DotNotFoundError`` without it."""
        nodes = self.source.count("\n\t") - self.source.count(" -> ")
        if nodes > 1000:  # dot is one call with no progress of its own: say that it is working
            print(f"viz: laying out about {nodes:,} nodes with dot ...", file=sys.stderr, flush=True)
        try:
            return super().pipe(*args, **kwargs)
        except graphviz.ExecutableNotFound:
            raise _no_dot_error() from None
        except graphviz.CalledProcessError as e:
            message = (e.stderr or b"").decode("utf-8", "replace").strip()
            raise RuntimeError(f"graphviz's dot could not draw this graph: {message}") from None

    def _repr_svg_(self):
        return fit_width(self.pipe(format="svg", encoding="utf-8"))

    def _repr_mimebundle_(self, include=None, exclude=None, **_):
        """Jupyter: the picture as SVG scaled to the cell's width (never above its natural
        size), and a text fallback; without ``dot``, the install hint and the DOT text."""
        text = f"<computation graph: {self.source.count(' -> ')} arrows; viz.save(graph, 'graph.svg') writes it>"
        if not dot_available():
            return {"text/plain": f"{_no_dot_error()}\n\n{self.source}"}
        try:
            return {"image/svg+xml": self._repr_svg_(), "text/plain": text}
        except DotNotFoundError as e:
            return {"text/plain": f"{e}\n\n{self.source}"}


def fit_width(svg):
    """An SVG that scales to its container's width: the viewBox kept, ``width="100%"``,
    and ``max-width`` its natural size (so a small graph is not blown up)."""
    m = re.search(r"<svg\b[^>]*>", svg)
    if m is None:
        return svg
    tag = m.group(0)
    width = re.search(r'\swidth="([\d.]+)(pt|px)?"', tag)
    new = re.sub(r'\s(width|height)="[^"]*"', "", tag)
    natural = ""
    if width is not None:
        px = float(width.group(1)) * (4 / 3 if width.group(2) in (None, "pt") else 1.0)
        natural = f"max-width:{px:.0f}px;"
    new = new[:-1].rstrip("/") + f' width="100%" style="{natural}height:auto"' + (" />" if tag.endswith("/>") else ">")
    return svg[: m.start()] + new + svg[m.end() :]


def svg_text(graph):
    """The SVG of a graph picture, as text."""
    return _as_graph(graph).pipe(format="svg", encoding="utf-8")


def save(graph_or_steps, path):
    """Write a picture to ``path``; the extension picks the format: .svg, .png, .pdf or .dot.

    ``graph_or_steps`` is a graph from ``draw_graph``, or the steps from
    ``backprop_steps`` / ``forward_steps``: those save the picture after the last
    step, or, with an ``.html`` path, the whole stepper as one self-contained page.
    Returns the path written. Only .svg/.png/.pdf need the ``dot`` program.
    """
    path = Path(path)
    ext = path.suffix.lower().lstrip(".")
    if ext == "html":
        if not hasattr(graph_or_steps, "write_html"):
            raise ValueError("save: an .html file is written from steps (viz.backprop_steps or viz.forward_steps)")
        return graph_or_steps.write_html(path)
    graph = _as_graph(graph_or_steps)
    if ext == "dot" or ext == "gv":
        path.write_text(graph.source, encoding="utf-8")
        return path
    if ext not in ("svg", "png", "pdf"):
        raise ValueError(f"save: unknown extension '.{ext}' in {str(path)!r}; use .svg, .png, .pdf, .dot or .html")
    path.write_bytes(graph.pipe(format=ext))
    return path


def _as_graph(obj):
    if hasattr(obj, "picture"):
        from .graph import OP_LIMIT, fit_to_limit

        collapse, expand = fit_to_limit(obj.view, False, (), OP_LIMIT, "viz.save")
        return obj.picture(collapse=collapse, expand=expand) if collapse else obj.picture()
    if graphviz is not None and isinstance(obj, graphviz.Digraph):
        if not isinstance(obj, Picture):
            pic = Picture()
            pic.body = list(obj.body)
            pic.graph_attr, pic.node_attr, pic.edge_attr = obj.graph_attr, obj.node_attr, obj.edge_attr
            return pic
        return obj
    raise TypeError(f"expected a graph from viz.draw_graph or steps from viz.backprop_steps, got {type(obj).__name__}")
