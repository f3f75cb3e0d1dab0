"""A proof beside each backward step: the gradient estimated numerically from the op's own forward.

For one op ``y = f(a, b, ...)`` and the gradient ``g = dL/dy`` arriving at its
output, the gradient of input ``a`` at element j is the slope of
``L(a) = sum(g * f(a, b, ...))`` along that element, which a central difference
estimates without any derivative rule:

    dL/da_j  ~=  (L(a + h e_j) - L(a - h e_j)) / (2h)

The op's ``forward`` is rerun on float64 copies of the inputs it really saw
(with the same settings), each element in turn nudged by ``+h`` and ``-h``:
every element when the input has at most ``ALL_UP_TO`` (64), otherwise
``SAMPLES`` (8) elements drawn at random, named by their index.

The engine's gradient and the estimate **agree** when, for every checked element,

    |engine - estimate| <= ATOL + RTOL * m,      m = the largest |estimate| of that input

with ``RTOL = 1e-3`` and ``ATOL = 1e-6`` (wide enough for float32 gradients,
tight enough to catch a wrong rule: a missing factor 2 is a 50-100 % error).
At a kink (relu at exactly 0, a tie of max) the slopes left and right of the
point differ, and any value between them is a fair gradient: there the engine's
must lie between the two one-sided slopes ``(L(a) - L(a - h e_j)) / h`` and
``(L(a + h e_j) - L(a)) / h`` (with the same tolerance), and the check names the
element. An op whose forward draws random numbers (dropout) cannot be rerun and
is reported as not checked.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from . import values as V

RTOL = 1e-3
ATOL = 1e-6
ALL_UP_TO = 64
SAMPLES = 8


@dataclass(eq=False)
class Check:
    """The numerical check of one input's gradient at one step.

    ``indices``: the checked elements (tuples, e.g. ``(0, 2)``; ``()`` for a scalar);
    ``engine`` and ``estimate``: float64 arrays, one number per checked element;
    ``sampled``: True when only ``SAMPLES`` of the elements were checked;
    ``agree``: True/False, or None when the op could not be rerun (``note`` says why);
    ``max_error``: the largest ``|engine - estimate|``; ``tolerance``: what it had to stay under;
    ``kinks``: the checked elements where the function has a corner (the slopes left and
    right of it differ) and the engine's value is not the central estimate but lies
    between the two one-sided slopes.
    """

    tensor: object  # the graph's TensorNode of the input
    slot: int  # which input of the op (0 = first)
    indices: list
    engine: np.ndarray
    estimate: np.ndarray
    sampled: bool
    agree: bool | None
    max_error: float = 0.0
    tolerance: float = 0.0
    note: str = ""
    kinks: list = field(default_factory=list)  # checked elements at a kink (see ``check_op``)

    def text(self, loss="L"):
        """One line for the trace and the stepper, e.g.
        ``check dE/dw: numerical -12 vs engine -12: agree (max error 3e-10 <= 1.2e-05)``."""
        name = f"d{loss}/d{self.tensor.name}"
        if self.agree is None:
            return f"check {name}: not checked ({self.note})"
        verdict = "agree" if self.agree else "DISAGREE"
        which = ""
        if self.sampled:
            which = " at " + ", ".join(_index_text(i) for i in self.indices)
        if len(self.indices) <= 4:
            numbers = f"numerical {_list(self.estimate)} vs engine {_list(self.engine)}"
        else:
            numbers = f"{len(self.indices)} elements"
        kinks = ""
        if self.kinks:
            where = ", ".join(_index_text(i) for i in self.kinks[:3]) + (", ..." if len(self.kinks) > 3 else "")
            kinks = f"; a kink at {where}: there the engine's value lies between the one-sided slopes"
        return (
            f"check {name}{which}: {numbers}: {verdict} "
            f"(max error {self.max_error:.1e} {'<=' if self.agree else '>'} tolerance {self.tolerance:.1e}{kinks})"
        )


def _index_text(index):
    return "[" + ", ".join(str(i) for i in index) + "]"


def _list(a):
    a = np.asarray(a)
    return V.number(a[0]) if a.size == 1 else "[" + ", ".join(V.number(v) for v in a) + "]"


def check_op(node, input_arrays, grad_output, grads, tensors, seed=0):
    """The ``Check`` of every input that received a gradient (``grads[i]`` not None).

    ``node``: the op node (or a copy made before the graph was freed); ``input_arrays``:
    the arrays its forward saw; ``grad_output``: dL/d(output); ``grads``: the engine's
    gradient for each input; ``tensors``: the graph's TensorNode of each input;
    ``seed`` picks the sampled elements (so a step always checks the same ones).
    """
    from autograd import backend as B

    params = {k: _host(v) for k, v in (getattr(node, "params", None) or {}).items()}
    xs = [_host(a) for a in input_arrays]
    xs = [a.astype(np.float64) if a.dtype.kind == "f" else a for a in xs]
    g = _host(grad_output).astype(np.float64)

    def forward(arrays):
        op = copy.copy(node)  # forward stores what backward needs on its node: keep the original's intact
        op.backend = B.cpu
        return _host(op.forward(*arrays, **params))

    wanted = [i for i, gi in enumerate(grads) if gi is not None]
    note = ""
    try:
        base = forward(xs)
        if base.shape != g.shape:
            note = f"its forward gave shape {base.shape}, not the output's {g.shape}"
        elif not np.array_equal(base, forward(xs), equal_nan=True):
            note = "its forward draws random numbers (like dropout's mask), so it cannot be rerun"
    except Exception as e:  # an op that cannot run on float64 copies: say so, never crash the viewer
        note = f"its forward could not be rerun on float64 copies ({type(e).__name__}: {e})"
    if note:
        return [Check(tensors[i], i, [], np.zeros(0), np.zeros(0), False, None, note=note) for i in wanted]

    h_scale = np.finfo(base.dtype).eps ** (1 / 3) if base.dtype.kind == "f" else 1e-3

    def loss(arrays):
        return float(np.sum(g * forward(arrays)))

    rng = np.random.default_rng(seed)
    checks = []
    for i in wanted:
        x = xs[i]
        if x.dtype.kind != "f":
            continue
        n = x.size
        sampled = n > ALL_UP_TO
        flat = np.sort(rng.choice(n, SAMPLES, replace=False)) if sampled else np.arange(n)
        engine = _host(grads[i]).astype(np.float64).reshape(-1)[flat]
        estimate = np.empty(len(flat))
        left, right = np.empty(len(flat)), np.empty(len(flat))  # one-sided slopes, to recognise a kink
        base_loss = loss(xs)
        for k, j in enumerate(flat):
            h = h_scale * max(1.0, abs(float(x.flat[j])))
            plus, minus = x.copy(), x.copy()
            plus.flat[j] += h
            minus.flat[j] -= h
            args_p, args_m = list(xs), list(xs)
            args_p[i], args_m[i] = plus, minus
            up, down = loss(args_p), loss(args_m)
            estimate[k] = (up - down) / (2 * h)
            right[k], left[k] = (up - base_loss) / h, (base_loss - down) / h
        tolerance = ATOL + RTOL * (float(np.max(np.abs(estimate))) if len(flat) else 0.0)
        # at a kink (relu at 0, a tie of max) the slopes left and right differ, and any value
        # between them is a fair gradient (what PyTorch picks too): the engine's must lie there
        kink = np.abs(right - left) > tolerance
        lo, hi = np.minimum(left, right) - tolerance, np.maximum(left, right) + tolerance
        error = np.where(kink, np.maximum(lo - engine, engine - hi).clip(min=0), np.abs(engine - estimate))
        max_error = float(error.max()) if len(flat) else 0.0
        indices = [tuple(int(v) for v in np.unravel_index(j, x.shape)) for j in flat]
        agree = bool(np.all(np.isfinite(estimate)) and max_error <= tolerance)
        check = Check(tensors[i], i, indices, engine, estimate, sampled, agree, max_error, tolerance)
        check.kinks = [indices[k] for k in np.flatnonzero(kink & (np.abs(engine - estimate) > tolerance))]
        checks.append(check)
    return checks


def _host(a):
    """A NumPy copy of an array (from the GPU if need be); other values unchanged."""
    if isinstance(a, (np.ndarray, np.generic)):  # np.float64 is a float too: test it first
        return np.array(a)
    if a is None or isinstance(a, (int, float, bool, str, tuple, list, dict)):
        return a
    if hasattr(a, "get") and callable(a.get) and hasattr(a, "shape"):  # a CuPy array
        return a.get()
    if hasattr(a, "__array__") and hasattr(a, "shape"):
        return V.to_numpy(a)
    return a
