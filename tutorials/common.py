"""What every tutorial shares: its output folder, the --fast switch, and the slide-vs-engine check.

A tutorial prints each number the slides show beside the number the engine
computed, and stops with an error if they differ: a learner can trust that what
they read was computed, not typed in.
"""

import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python tutorials/NN_name.py` from a fresh clone
    sys.path.insert(0, str(ROOT))

#: shrink epochs and data (for the test suite): `--fast` on the command line or TEACHGRAD_FAST=1
FAST = "--fast" in sys.argv or os.environ.get("TEACHGRAD_FAST", "") not in ("", "0")


def output_dir(lesson):
    """The folder a lesson writes its pictures to: ``out/<lesson>`` (or $TEACHGRAD_OUT/<lesson>)."""
    base = Path(os.environ.get("TEACHGRAD_OUT", ROOT / "out"))
    path = base / lesson
    path.mkdir(parents=True, exist_ok=True)
    return path


class SlideMismatch(AssertionError):
    """The engine's number differs from the slide's."""


def check(what, engine_value, slide_value, tol=1e-6, source="slide"):
    """Print the slide's number beside the engine's; raise if they differ by more than ``tol``.

    ``source`` names where the expected number comes from when it is not the slide
    (e.g. "formula", "expected"), so the printout never credits the slide with it.
    """
    got = np.asarray(engine_value, dtype=float)
    want = np.asarray(slide_value, dtype=float)
    ok = got.shape == want.shape and np.allclose(got, want, atol=tol, rtol=0)
    fmt = lambda a: np.array2string(np.round(a, 6) + 0.0, separator=", ") if a.ndim else f"{float(a):g}"  # noqa: E731
    if ok and got.size > 60:  # too many numbers to read: say how close they are
        worst = float(np.max(np.abs(got - want)))
        print(f"  ok  {what}: {got.size} values, largest |{source} - engine| = {worst:.2g}")
    elif got.ndim >= 2 or want.ndim >= 2:  # matrices: slide and engine side by side, row by row
        print(f"  {'ok ' if ok else 'BAD'} {what}:")
        print(_side_by_side(fmt(want), fmt(got), source))
    else:
        print(f"  {'ok ' if ok else 'BAD'} {what}: {source} {fmt(want)} | engine {fmt(got)}")
    if not ok:
        says = "the slide says" if source == "slide" else f"expected ({source})"
        raise SlideMismatch(f"{what}: {says} {fmt(want)} but the engine computed {fmt(got)}")
    return got


def _side_by_side(left, right, source="slide"):
    """Two printed arrays next to each other, headed ``source`` and "engine"."""
    left, right = left.splitlines(), right.splitlines()
    width = max(len(line) for line in left + [source])
    rows = [(source, "engine")] + [
        (left[i] if i < len(left) else "", right[i] if i < len(right) else "")
        for i in range(max(len(left), len(right)))
    ]
    return "\n".join(f"      {a:<{width}}   {b}" for a, b in rows)


def done(out):
    """Tell the learner where the pictures are."""
    print(f"\nPictures and pages written to: {out}")


class BarNotMet(AssertionError):
    """A training tutorial did not reach the bar its worked example sets."""


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
    return ok


def flag(name):
    """True when ``name`` (e.g. ``"--stand-in"``) is on the command line."""
    return name in sys.argv


def fast_or(full, fast):
    """``full`` normally, ``fast`` in ``--fast`` mode (epochs, sample counts...)."""
    return fast if FAST else full
