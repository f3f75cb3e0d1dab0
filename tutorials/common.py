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


def check(what, engine_value, slide_value, tol=1e-6):
    """Print the slide's number beside the engine's; raise if they differ by more than ``tol``."""
    got = np.asarray(engine_value, dtype=float)
    want = np.asarray(slide_value, dtype=float)
    ok = got.shape == want.shape and np.allclose(got, want, atol=tol, rtol=0)
    fmt = lambda a: np.array2string(np.round(a, 6), separator=", ") if a.ndim else f"{float(a):g}"  # noqa: E731
    print(f"  {'ok ' if ok else 'BAD'} {what}: slide {fmt(want)} | engine {fmt(got)}")
    if not ok:
        raise SlideMismatch(f"{what}: the slide says {fmt(want)} but the engine computed {fmt(got)}")
    return got


def done(out):
    """Tell the learner where the pictures are."""
    print(f"\nPictures and pages written to: {out}")
