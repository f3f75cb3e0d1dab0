"""``Optimizer``: the base class that keeps parameter groups and per-parameter state.

An optimizer changes the parameters in place, using the gradients that
``loss.backward()`` left in ``p.grad``. Every update works on the raw arrays
(``p.data``, ``p.grad.data``), so no graph is built and nothing is recorded::

    optimizer = nn.optim.SGD(model.parameters(), lr=0.1)
    for x, y in loader:
        optimizer.zero_grad()            # forget the previous batch's gradients
        loss = loss_fn(model(x), y)
        loss.backward()                  # fill p.grad
        optimizer.step()                 # p <- p - lr * p.grad  (for SGD)

Parameter groups give parts of a network their own settings::

    nn.optim.SGD([{"params": model.features.parameters(), "lr": 1e-3},
                  {"params": model.classifier.parameters()}], lr=1e-2)
"""

import copy
import inspect

import numpy as np

from autograd import Tensor, enable_grad
from autograd import backend as _backend

__all__ = ["Optimizer"]


class Optimizer:
    """Base class: ``Optimizer(params, defaults)``.

    * ``params``: an iterable of parameters (Tensors that require grad), or of dicts
      ``{"params": [...], "lr": ...}``, one per parameter group;
    * ``defaults``: the settings (lr, momentum...) a group gets when it does not set them.

    ``param_groups`` is the list of groups (dicts: change ``group["lr"]`` to change the
    learning rate); ``state[p]`` holds what the update rule remembers for parameter ``p``
    (momentum buffers, running averages, the step count), on ``p``'s device.
    Subclasses write ``_update(p, grad, state, group)`` on arrays.
    """

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.state = {}
        self._work = {}  # parameter -> work array for its updates (see _work_array); not saved
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError(
                f"{type(self).__name__}: params must be an iterable of tensors (e.g. model.parameters() "
                f"or [w, b]), got a single Tensor; wrap it in a list: [w]"
            )
        groups = list(params)
        if not groups:
            raise ValueError(f"{type(self).__name__} got an empty parameter list; does the model have parameters?")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group):
        """Add a group of parameters with its own settings (the others come from ``defaults``)."""
        if not isinstance(param_group, dict):
            raise TypeError(
                f"{type(self).__name__}: a parameter group must be a dict, got {type(param_group).__name__}"
            )
        group = dict(param_group)
        params = group.get("params")
        group["params"] = [params] if isinstance(params, Tensor) else list(params or [])
        for p in group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError(f"{type(self).__name__} can only optimise Tensors, got {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(
                    f"{type(self).__name__} can't optimise a non-leaf tensor (one computed from others); "
                    f"pass the parameters themselves"
                )
        unknown = set(group) - set(self.defaults) - {"params", "initial_lr"}
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown setting(s) {sorted(unknown)} in a parameter group")
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in group["params"]) or len({id(p) for p in group["params"]}) < len(group["params"]):
            raise ValueError(f"{type(self).__name__}: a parameter appears in more than one place in the groups")
        self._check_settings(group)
        self.param_groups.append(group)

    def _check_settings(self, group):
        """Reject settings that cannot work: a string where a number belongs, a negative learning rate...

        Each setting must have the kind of its default in ``__init__``'s signature
        (a number, True/False, a pair of numbers), so ``lr="0.1"`` fails here, naming the setting and the
        fix, not at the first step deep inside the update.
        """
        name = type(self).__name__
        signature = inspect.signature(type(self).__init__).parameters  # the documented defaults: lr=1e-3, ...
        for key in self.defaults:
            if key not in signature or signature[key].default is inspect.Parameter.empty:
                continue
            value, default = group[key], signature[key].default
            if isinstance(default, bool):
                ok, kind = isinstance(value, (bool, np.bool_)), "True or False"
            elif isinstance(default, (int, float)):
                ok, kind = _is_number(value), "a number"
            elif isinstance(default, tuple):
                ok = isinstance(value, (tuple, list)) and len(value) == len(default) and all(map(_is_number, value))
                kind = f"a tuple of {len(default)} numbers"
            else:
                continue
            if not ok:
                raise TypeError(
                    f"{name}: {key} must be {kind}, got {value!r} ({type(value).__name__}); "
                    f"write e.g. {key}={_as_number(value, default)!r}"
                )
        if not group["lr"] >= 0:
            raise ValueError(f"{name}: the learning rate must be >= 0, got lr={group['lr']}")

    def _check_nonnegative(self, group, *keys):
        """Settings that must be 0 or more (NaN is refused too)."""
        for key in keys:
            if not group[key] >= 0:
                raise ValueError(f"{type(self).__name__}: {key} must be >= 0, got {key}={group[key]!r}")

    def zero_grad(self, set_to_none=True):
        """Forget every parameter's gradient before the next ``backward()``.

        ``set_to_none=True`` (the default, as PyTorch) sets ``p.grad = None``; otherwise the
        gradient arrays are filled with zeros.
        """
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad = p.grad.detach()
                    p.grad.data[...] = 0

    def step(self, closure=None):
        """Update every parameter that has a gradient, in place; returns ``closure()``'s loss if given."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad.data
                if grad.shape != p.data.shape:
                    raise ValueError(
                        f"{type(self).__name__}: the gradient of a parameter of shape {p.shape} has shape {grad.shape}"
                    )
                state = self.state.get(p)
                if state is None:  # the parameter's first step
                    state = self.state[p] = {}
                self._update(p, grad, state, group)
        return loss

    def _update(self, p, grad, state, group):
        raise NotImplementedError(f"{type(self).__name__}._update")

    def _work_array(self, p):
        """An array of ``p``'s shape and dtype that the update may write into, the same one every step.

        ``p.data -= lr * grad`` makes a new array the size of the weights at every
        step; for arrays of a few hundred KB the allocator hands that memory back
        to the operating system each time and takes fresh pages (page faults) the
        next, which can cost more than the arithmetic. Writing ``lr * grad`` into
        this array instead (``xp.multiply(grad, lr, out=work)``) reuses warm memory.
        """
        work = self._work.get(p)
        if work is None or type(work) is not type(p.data) or work.shape != p.data.shape or work.dtype != p.data.dtype:
            work = self._work[p] = p.backend.xp.empty_like(p.data)
        return work

    # ------------------------------------------------------------ saving and restoring
    def state_dict(self):
        """The optimizer's state as plain data, as PyTorch lays it out.

        ``{"state": {index: {"step": ..., "exp_avg": array, ...}}, "param_groups": [{"lr": ..., "params": [indices]}]}``,
        parameters numbered in order over all groups. Arrays are copies, so the dict does not
        change as training goes on.
        """
        index = {}
        groups = []
        for group in self.param_groups:
            saved = {k: v for k, v in group.items() if k != "params"}
            saved["params"] = []
            for p in group["params"]:
                index[id(p)] = len(index)
                saved["params"].append(index[id(p)])
            groups.append(saved)
        state = {}
        for p, values in self.state.items():
            if id(p) in index and values:
                state[index[id(p)]] = {k: (v.copy() if hasattr(v, "shape") else v) for k, v in values.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Continue from a saved ``state_dict()``: settings per group and per-parameter state.

        The optimizer must have been built over parameters of the same shapes, in the same groups.
        """
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError(
                f"{type(self).__name__}.load_state_dict: the saved state has {len(groups)} parameter group(s), "
                f"this optimizer has {len(self.param_groups)}"
            )
        params = {}
        for i, (saved, group) in enumerate(zip(groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"{type(self).__name__}.load_state_dict: saved group {i} has {len(saved['params'])} "
                    f"parameters, this optimizer's has {len(group['params'])}"
                )
            params.update(zip(saved["params"], group["params"]))
        self.state = {}
        for key, values in state_dict["state"].items():
            p = params[int(key)]
            self.state[p] = {k: _on_device(v, p, k, type(self).__name__) for k, v in values.items()}
        for saved, group in zip(groups, self.param_groups):
            group.update({k: copy.deepcopy(v) for k, v in saved.items() if k != "params"})

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines) + "\n)"


def _as_number(value, default):
    """The number a learner probably meant (``"0.1"`` -> 0.1), else the default, for an error's example."""
    try:
        return (
            type(default)(float(value))
            if isinstance(value, str) and not isinstance(default, (bool, tuple))
            else default
        )
    except ValueError:
        return default


def _is_number(value):
    """A real number (Python or NumPy), not a bool, a string or a tensor."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _on_device(value, p, key, name):
    """A saved state value as a fresh array on parameter ``p``'s device (numbers stay numbers)."""
    if not hasattr(value, "shape"):
        return value
    source = _backend.backend_of_array(value)
    if source is not p.backend:
        value = source.to_numpy(value)
    array = p.backend.xp.array(value, copy=True)
    if array.shape not in ((), p.shape):
        raise ValueError(f"{name}.load_state_dict: state {key!r} has shape {array.shape}, the parameter {p.shape}")
    return array
