"""``Function``: one node of the computation graph, an op's forward and backward together.

An op is a subclass with two methods that read side by side:

* ``forward(self, *arrays, **params)`` computes the output from plain arrays
  and may keep on ``self`` what backward will need;
* ``backward(self, grad)`` receives dL/d(output) as a Tensor and returns
  dL/d(input) for each input, written with Tensor ops, so that the backward pass
  is itself differentiable (``create_graph=True`` gives second derivatives).

Example, the product rule::

    class Mul(Function):
        '''c = a * b  ->  dL/da = dL/dc * b,  dL/db = dL/dc * a'''
        def forward(self, a, b):
            return a * b
        def backward(self, grad):
            a, b = self.inputs
            return grad * b, grad * a

``Mul.apply(x, y)`` runs forward and, when gradients are being recorded, links
the new node into the graph. Broadcasting is undone by the engine (``sum_to``),
so a backward may return gradients in the broadcast shape.
"""

from __future__ import annotations

from itertools import count

from . import anomaly
from .inplace import clock as _inplace_clock
from .modes import _local

_new_object = object.__new__  # makes the node without calling __init__ (cheaper than cls.__new__(cls))
_next_number = count(1).__next__  # numbers the recorded nodes in the order they are made


class name_scope:
    """Label the op nodes recorded inside this block with ``name`` (nested: a path).

    ``with name_scope("fc1"): ...``. ``nn.Module.__call__`` uses it, so a graph
    picture can group the ops of each layer (``node.scope == ("Net", "fc1")``).
    """

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        _local.modes.scopes.append(self.name)  # per thread: another thread's modules don't nest in

    def __exit__(self, *exc_info):
        _local.modes.scopes.pop()


class Function:
    """Base class of every op node. ``name`` is what graphs and traces show."""

    name = "function"
    #: set True where backward needs the op's own output (exp, tanh, softmax...)
    saves_output = False

    # Attributes an instance gets (plain attributes, documented here):
    #   inputs            the input Tensors (None once the graph is freed)
    #   needs_input_grad  one bool per input: does it want a gradient?
    #   backend           the device the op ran on
    #   out_data          the output array, when ``saves_output``
    #   params            the keyword settings forward was called with (axis=1, ...)
    #   number            when it was recorded: 1, 2, 3... in this process (the backward pass
    #                     visits newer nodes first, see engine.topological_order)
    inputs = None  # also what a freed node reads: backward clears the instance's __dict__
    scope = ()  # the module path the node was recorded in (see name_scope)
    hooks = None  # functions applied to the gradient of this node's output (a list once any is set)
    retained = None  # weak reference to an output tensor that called retain_grad()
    recorded_at = 0  # the in-place clock when recorded: a later in-place change to an input is caught

    @classmethod
    def apply(cls, *inputs, **params):
        """Run ``forward`` on the inputs' arrays; record the node if grad is on.

        All inputs must be Tensors on one device. This runs once per op, so it
        is kept lean: one pass over the inputs, and no work for the graph
        unless gradients are recorded and an input wants one.
        """
        modes = _local.modes  # this thread's switches: grad mode, anomaly mode, name scopes
        fn = _new_object(cls)
        backend = fn.backend = inputs[0]._backend
        arrays, needs = [], []
        for t in inputs:
            if t._backend is not backend:
                _device_mismatch(cls, inputs)
            arrays.append(t.data)
            needs.append(t.requires_grad)
        data = fn.forward(*arrays, **params)  # may set fn.backend: to_device's output lives elsewhere
        if modes.anomaly:
            anomaly.check_forward(fn, data)
        if modes.grad and True in needs:  # record the node: the output needs a way back
            fn.inputs = inputs
            fn.number = _next_number()
            fn.needs_input_grad = needs
            fn.params = params  # the keyword settings, so a viewer can rerun forward (viz's numerical check)
            if cls.saves_output:
                fn.out_data = data
            if _inplace_clock.now:  # something was changed in place before: note when this node was made
                fn.recorded_at = _inplace_clock.now
            if modes.scopes:
                fn.scope = tuple(modes.scopes)
            return _make_tensor(data, fn.backend, True, fn)
        return _make_tensor(data, fn.backend, False, None)

    def forward(self, *arrays, **params):
        raise NotImplementedError(f"{type(self).__name__}.forward")

    def backward(self, grad):
        raise NotImplementedError(f"{type(self).__name__}.backward")

    def output(self):
        """The op's output as a Tensor linked to this node (for ``saves_output`` ops).

        It shares the output array and has this node as ``grad_fn``, so a
        backward that uses it stays differentiable, without the node holding
        its own output tensor (which would make a reference cycle).
        """
        return _make_tensor(self.out_data, self.backend, True, self)

    def describe(self):
        """The op's settings worth showing in a picture, e.g. ``{'stride': 2}``."""
        return {}

    def __repr__(self):
        return f"<{type(self).__name__}Backward>"


def _device_mismatch(cls, inputs):
    devices = ", ".join(f"{t.device} {tuple(t.shape)}" for t in inputs)
    raise RuntimeError(
        f"{cls.name}: inputs are on different devices ({devices}). Move them to one "
        f"device first, e.g. x.to('cuda') or model.to('cuda')."
    )


_make_tensor = None  # set by tensor.py (Tensor._make), to avoid a circular import
