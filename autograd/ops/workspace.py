"""Large work arrays kept from one training step to the next (NumPy only), so that no step takes fresh pages.

A training loop runs the same ops on the same shapes at every step. NumPy gets
each array from glibc's malloc, which gives freed memory back to the kernel once
enough of it lies free at the top of the heap, and the next step's arrays then
come as fresh pages: a page fault and a zero-fill per 4 KiB. In ``cnn_step`` that
was about 5,900 faults (23 MiB) per step, 40% of the step's CPU time in a fresh
training script. The convolution, pooling and ReLU ops take their large arrays
from here instead.

The rule that makes reuse safe: an array is handed out again only when nothing
but this pool refers to it. Every view of an array (a transpose, a slice, a
tensor's data) holds a reference to it, so while any op, saved tensor or user
variable can still see its numbers, its reference count says so and it is left
alone. The pool keeps at most ``MAX_BYTES`` of arrays in all: to make room it
lets go of unused arrays, and when nothing can go a new array is simply not kept
(it is freed as usual when its last user lets go).
"""

import math
import sys
import threading

import numpy as np

MIN_BYTES = 128 * 1024  # smaller arrays come from malloc's free lists without page faults
MAX_BYTES = 256 * 2**20  # the most the pool keeps, in all (a bound, not a reservation)

enabled = True  # tests switch it off to compare with plain allocation
_lock = threading.Lock()
_arrays = {}  # (shape, dtype) -> the arrays of that kind the pool keeps
_kept = [0]  # bytes kept


def _unused_count():
    """sys.getrefcount of a kept array that nobody uses, measured with the same code shape as ``empty``."""
    kept = [np.empty(1)]
    for a in kept:
        return sys.getrefcount(a)


_UNUSED = _unused_count()


def empty(xp, shape, dtype):
    """An uninitialised C-ordered array: one the pool keeps and nobody uses, else a new one (kept if room)."""
    shape, dtype = tuple(shape), np.dtype(dtype)
    nbytes = dtype.itemsize * math.prod(shape)  # Python ints: 30x cheaper than np.prod, and never overflow
    if xp is not np or not enabled or nbytes < MIN_BYTES:
        return xp.empty(shape, dtype)
    with _lock:  # two threads must never both take the same free array
        arrays = _arrays.setdefault((shape, dtype), [])
        for a in arrays:
            if sys.getrefcount(a) == _UNUSED:
                return a
        a = np.empty(shape, dtype)
        if _kept[0] + nbytes > MAX_BYTES:
            _let_go(nbytes)
        if _kept[0] + nbytes <= MAX_BYTES:
            _arrays.setdefault((shape, dtype), []).append(a)  # (_let_go may have dropped an empty list)
            _kept[0] += nbytes
        return a


def _let_go(nbytes):
    """Stop keeping unused arrays (of any kind) until ``nbytes`` more fit: e.g. an evaluation's big batches
    make room for the training step's arrays again."""
    for kind, arrays in list(_arrays.items()):
        for a in list(arrays):
            if _kept[0] + nbytes <= MAX_BYTES:
                return
            if sys.getrefcount(a) == _UNUSED + 1:  # + the list(arrays) copy
                arrays[:] = [b for b in arrays if b is not a]  # by identity (== on arrays compares values)
                _kept[0] -= a.nbytes
        if not arrays:
            del _arrays[kind]


def clear():
    """Forget every kept array (arrays still in use stay valid: their users hold them)."""
    with _lock:
        _arrays.clear()
        _kept[0] = 0
