"""What every lesson shares: its output folder, the --fast switch, checks, bars and pictures.

A lesson prints each number the slides show beside the number the engine
computed, and stops with an error if they differ: a learner can trust that what
they read was computed, not typed in. A check the slides hold no number for
(a yes/no property, or a number from a formula) says so: ``check: ... holds``.

Every lesson is also a notebook (jupytext "percent" format: ``# %%`` cells).
The same file runs as a script (``python tutorials/NN_name.py --fast``), cell
by cell in Jupyter, and is imported by the tests for its functions:
:func:`begin` marks where the lesson's run starts.

Pictures degrade instead of crashing: without matplotlib a plot is skipped with
one line saying so, without Graphviz's ``dot`` program a graph picture is too.
"""

import argparse
import os
import shutil
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python tutorials/NN_name.py` from a fresh clone
    sys.path.insert(0, str(ROOT))


def in_notebook():
    """True inside a Jupyter (IPython) kernel, where ``sys.argv`` holds the kernel's own arguments."""
    if "IPython" not in sys.modules:  # a plain script never imported IPython
        return False
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def command_line():
    """The lesson's command-line words: ``sys.argv[1:]`` in a script, none in a notebook kernel."""
    return [] if in_notebook() else sys.argv[1:]


def parse_args(parser=None):
    """The lesson's options (``--fast`` and any the lesson adds to ``parser``); the defaults in a notebook.

    Unknown words are ignored, so a lesson run with ``--fast`` and options of its own never fails to start.
    """
    parser = parser or argparse.ArgumentParser(allow_abbrev=False)
    if not any("--fast" in action.option_strings for action in parser._actions):
        parser.add_argument("--fast", action="store_true", help="shrunk run: checks the pipeline only")
    args, _ = parser.parse_known_args(command_line())
    return args


#: shrink epochs and data (for the test suite): `--fast` on the command line or TEACHGRAD_FAST=1
FAST = "--fast" in command_line() or os.environ.get("TEACHGRAD_FAST", "") not in ("", "0")


class LessonImported(Exception):
    """Raised by :func:`begin` when the tests import a lesson for its functions: the import stops there."""


def begin(module_name, lesson):
    """Where a lesson's run starts: returns its output folder.

    Everything above this call defines (constants, functions the tests import);
    everything below runs the lesson. When the file is imported rather than run
    (``module_name`` is not ``"__main__"``), this raises :class:`LessonImported`,
    so importing a lesson never trains anything.
    """
    if module_name != "__main__":
        raise LessonImported(lesson)
    return output_dir(lesson)


def output_dir(lesson):
    """The folder a lesson writes its pictures to: ``out/<lesson>`` (or $TEACHGRAD_OUT/<lesson>)."""
    base = Path(os.environ.get("TEACHGRAD_OUT", ROOT / "out"))
    path = base / lesson
    path.mkdir(parents=True, exist_ok=True)
    return path


# ----------------------------------------------------------------------------- checks


class SlideMismatch(AssertionError):
    """The engine's number differs from the slide's (or from the formula it is checked against)."""


def check(what, engine_value, slide_value, tol=1e-6, source="slide"):
    """Print the expected number beside the engine's; raise if they differ by more than ``tol``. Returns None.

    ``source`` names where the expected number comes from: "slide" only when the
    slide prints it; otherwise e.g. "formula", "least squares", "definition", so
    the printout never credits the slide with a number it does not show.
    """
    got = np.asarray(engine_value, dtype=float)
    want = np.asarray(slide_value, dtype=float)
    ok = got.shape == want.shape and np.allclose(got, want, atol=tol, rtol=0)
    fmt = lambda a: np.array2string(np.round(a, 6) + 0.0, separator=", ") if a.ndim else f"{float(a):g}"  # noqa: E731
    if ok and got.size > 60:  # too many numbers to read: say how close they are
        worst = float(np.max(np.abs(got - want)))
        print(f"  ok  {what}: {got.size} values, largest |{source} - engine| = {worst:.2g}")
    elif got.ndim >= 2 or want.ndim >= 2:  # matrices: expected and engine side by side, row by row
        print(f"  {'ok ' if ok else 'BAD'} {what}:")
        print(_side_by_side(fmt(want), fmt(got), source))
    else:
        print(f"  {'ok ' if ok else 'BAD'} {what}: {source} {fmt(want)} | engine {fmt(got)}")
    if not ok:
        says = "the slide says" if source == "slide" else f"expected ({source})"
        raise SlideMismatch(f"{what}: {says} {fmt(want)} but the engine computed {fmt(got)}")


def holds(claim, condition):
    """A yes/no check: print ``check: <claim> holds``; raise if it does not.

    For properties the slides state in words ("XOR never converges"), with no number to put beside the engine's.
    """
    ok = bool(condition)
    print(f"  {'ok ' if ok else 'BAD'} check: {claim} {'holds' if ok else 'does NOT hold'}")
    if not ok:
        raise SlideMismatch(f"check failed: {claim}")


def _side_by_side(left, right, source="slide"):
    """Two printed arrays next to each other, headed ``source`` and "engine"."""
    left, right = left.splitlines(), right.splitlines()
    width = max(len(line) for line in left + [source])
    rows = [(source, "engine")] + [
        (left[i] if i < len(left) else "", right[i] if i < len(right) else "")
        for i in range(max(len(left), len(right)))
    ]
    return "\n".join(f"      {a:<{width}}   {b}" for a, b in rows)


class BarNotMet(AssertionError):
    """A training lesson did not reach the bar its worked example sets."""


def bar(what, value, threshold):
    """Print a measured number beside the bar it must reach (``value >= threshold``); raise if it falls short.

    In ``--fast`` mode the data and epochs are shrunk, so only the pipeline is
    checked: a shortfall is reported but does not stop the script.
    """
    ok = float(value) >= float(threshold)
    note = "" if ok or not FAST else "  (--fast: shrunk run, bar not enforced)"
    print(f"  {'ok ' if ok else 'BAD'} {what}: {float(value):.4f} (bar: >= {float(threshold):g}){note}")
    if not ok and not FAST:
        raise BarNotMet(f"{what} is {float(value):.4f}, below the bar of {float(threshold):g}")


def flag(name):
    """True when ``name`` (e.g. ``"--digits8x8"``) is on the command line (never in a notebook kernel)."""
    return name in command_line()


def fast_or(full, fast):
    """``full`` normally, ``fast`` in ``--fast`` mode (epochs, sample counts...)."""
    return fast if FAST else full


def done(out):
    """Tell the learner where the pictures are."""
    print(f"\nPictures and pages written to: {out}")


# ----------------------------------------------------------------------------- pictures


def _missing_matplotlib():
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return True
    return False


def picture(draw, *args, save, **kwargs):
    """Draw one plot: ``draw(*args, save=save, **kwargs)``, then carry on.

    ``draw`` is the lesson's own drawing function, or the name of a ``viz.plots``
    function (``"show_images"``): by name, so that nothing imports matplotlib
    before it is known to be there. Without matplotlib the plot is skipped with
    one line saying which and why. In a notebook the plot shows inline. Returns
    None, so a cell ending with it shows the picture once.
    """
    if _missing_matplotlib():
        print(f"  (skipped {Path(save).name}: plots need matplotlib, which is not installed: pip install matplotlib)")
        return None
    if isinstance(draw, str):
        from viz import plots

        draw = getattr(plots, draw)
    draw(*args, save=save, **kwargs)
    return None


def have_dot():
    """True when Graphviz's ``dot`` program (which draws graph pictures) is on PATH."""
    return shutil.which("dot") is not None


def graph_picture(make, save):
    """Write a graph picture ``make()`` (e.g. ``viz.draw_graph(loss)``) to ``save`` with ``viz.save``.

    Without Graphviz's ``dot`` program (or the graphviz package) the picture is
    skipped with one line saying so. Returns the graph (a notebook cell ending
    with it shows it inline), or None when skipped.
    """
    why = _why_no_graphs()
    if why:
        print(f"  (skipped {Path(save).name}: {why})")
        return None
    import viz

    graph = make()
    viz.save(graph, save)
    return graph


def _why_no_graphs():
    try:
        import graphviz  # noqa: F401
    except ImportError:
        return "graph pictures need the graphviz package: pip install graphviz"
    if not have_dot():
        from viz.render import install_hint

        return f"graph pictures need Graphviz's 'dot' program, not found on PATH; {install_hint()}"
    return ""


def backprop_page(make_loss, out_dir):
    """The click-through page of one backward pass (``viz.render_backprop``), or one line when ``dot`` is missing.

    ``make_loss()`` builds the loss afresh (the page runs its backward pass).
    Returns the page's path, or None when skipped.
    """
    why = _why_no_graphs()
    if why:
        print(f"  (skipped the step-by-step page {Path(out_dir).name}/index.html: {why})")
        return None
    import viz

    return viz.render_backprop(make_loss(), out_dir)
