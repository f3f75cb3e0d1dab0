"""The engine's switches, one set per thread: grad mode, anomaly mode, name scopes, observers.

As in PyTorch, ``no_grad()`` in one thread does not stop another thread from
recording its graph, and ``backward()`` (which turns recording off while it
runs) does not disturb a thread that is training next to it. Each thread
starts with recording on, anomaly detection off, no name scope and no
backward observer. (The default dtype is the exception: it is process-wide,
as ``torch.set_default_dtype`` is.)

Every op reads these switches, so a thread gets one ``Modes`` object and an
op reads it once (``_local.modes``): one thread-local lookup per op, then plain
attribute reads.
"""

import threading


class Modes:
    """This thread's switches (plain attributes, read by every op)."""

    __slots__ = ("grad", "anomaly", "in_backward_of", "scopes", "observers")

    def __init__(self):
        self.grad = True  # record the graph (no_grad / enable_grad)
        self.anomaly = False  # detect_anomaly(): check every value for NaN / Inf
        self.in_backward_of = None  # the node whose backward is running (anomaly messages blame it)
        self.scopes = []  # names of the modules being called, outermost first (name_scope)
        self.observers = []  # callbacks that see each backward step (observe_backward)


class _PerThread(threading.local):
    def __init__(self):  # runs once in each thread, the first time it looks
        self.modes = Modes()


_local = _PerThread()
