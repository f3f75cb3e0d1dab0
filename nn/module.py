"""``Module``, the base class of every layer and network, and ``Parameter``.

A module holds parameters (the weights and biases that training changes),
buffers (state that is saved but not trained, like batch norm's running mean)
and child modules. Assigning one as an attribute registers it::

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(3, 4)      # a child module
            self.fc2 = nn.Linear(4, 2)

        def forward(self, x):
            return self.fc2(self.fc1(x).relu())

    net = Net()
    [name for name, _ in net.named_parameters()]
    # ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
    net.fc1.weight.name                     # 'fc1.weight': graph pictures show it

Calling ``net(x)`` runs ``forward`` inside ``autograd.name_scope``, so every op
node records which layer it belongs to (``node.scope == ("Net", "fc1")``).
"""

from __future__ import annotations

from collections import OrderedDict, namedtuple

import numpy as np

from autograd import Tensor, name_scope, no_grad
from autograd import backend as _backend
from autograd.dtypes import to_dtype

__all__ = ["Module", "Parameter"]


class Parameter(Tensor):
    """A Tensor that is a learnable parameter: it requires grad and a module registers it.

    ``Parameter(data, requires_grad=True)``. Assigning one to a module attribute
    (``self.weight = Parameter(...)``) adds it to ``module.parameters()`` and
    names it after its place in the network (``"fc1.weight"``).
    """

    def __init__(self, data, requires_grad=True, name=None):
        super().__init__(data, requires_grad=requires_grad, name=name)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


class _RemovableHandle:
    """Returned by ``register_forward_hook``; ``handle.remove()`` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks):
        self.hooks = hooks
        self.id = _RemovableHandle._next_id
        _RemovableHandle._next_id += 1

    def remove(self):
        self.hooks.pop(self.id, None)


_IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class Module:
    """Base class of layers and networks: subclass it, create layers in ``__init__``, write ``forward``."""

    def __init__(self):
        # object.__setattr__: our own __setattr__ needs these dicts to exist already
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "_name", None)  # name within the parent module (None for a root)
        object.__setattr__(self, "_prefix", "")  # dotted path from the root, e.g. "features.conv1."
        object.__setattr__(self, "training", True)

    # ------------------------------------------------------------ forward
    def forward(self, *args, **kwargs):
        """What the module computes; every subclass writes its own."""
        raise NotImplementedError(f"{type(self).__name__} has no forward() method; define forward(self, x)")

    def __call__(self, *args, **kwargs):
        # a subclass that skipped Module.__init__ fails at self._name, in __getattr__, with advice
        with name_scope(self._name or type(self).__name__):
            output = self.forward(*args, **kwargs)
        if self._forward_hooks:
            for hook in list(self._forward_hooks.values()):  # a copy: a hook may remove itself
                result = hook(self, args, output)
                if result is not None:
                    output = result
        return output

    def register_forward_hook(self, hook):
        """Call ``hook(module, inputs, output)`` after every forward; a returned value replaces the output.

        Returns a handle; ``handle.remove()`` takes the hook away again.
        """
        handle = _RemovableHandle(self._forward_hooks)
        self._forward_hooks[handle.id] = hook
        return handle

    # ------------------------------------------------------------ registration
    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            if isinstance(value, (Parameter, Module)):
                raise RuntimeError(
                    f"cannot assign {type(value).__name__} {name!r} before Module.__init__() runs; "
                    f"call super().__init__() first thing in {type(self).__name__}.__init__"
                )
            object.__setattr__(self, name, value)
            return
        if isinstance(value, Parameter):
            self._forget(name)
            self._parameters[name] = value
            value.name = self._prefix + name
        elif isinstance(value, Module):
            self._forget(name)
            self._modules[name] = value
            object.__setattr__(value, "_name", name)
            value._set_prefix(self._prefix + name + ".")
        elif name in self._parameters:
            if value is not None:
                raise TypeError(
                    f"cannot assign {type(value).__name__} to parameter {name!r} of "
                    f"{type(self).__name__}: wrap it in nn.Parameter(...) (or assign None)"
                )
            self._parameters[name] = None
        elif name in self._buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"buffer {name!r} of {type(self).__name__} must be a Tensor or None")
            self._buffers[name] = value
            if value is not None:
                value.name = self._prefix + name
        elif name in self._modules:
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__} to child module {name!r}")
            self._modules[name] = None
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name):
        for registry in (self._parameters, self._buffers, self._modules):
            registry.pop(name, None)
        self.__dict__.pop(name, None)

    def __getattr__(self, name):
        # only called when normal lookup fails: look in the registries
        d = self.__dict__
        if "_parameters" not in d:  # (an AttributeError still: copy and pickle probe with hasattr)
            raise AttributeError(
                f"{type(self).__name__}: Module.__init__ was not run (looking up {name!r}); call "
                f"super().__init__() first thing in your __init__"
            )
        for registry in ("_parameters", "_buffers", "_modules"):
            if name in d[registry]:
                return d[registry][name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __delattr__(self, name):
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                return
        object.__delattr__(self, name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers) | set(self._modules))

    def _set_prefix(self, prefix):
        """Rename this module's parameters and buffers after its new place in a network."""
        object.__setattr__(self, "_prefix", prefix)
        for registry in (self._parameters, self._buffers):
            for name, t in registry.items():
                if t is not None:
                    t.name = prefix + name
        for name, child in self._modules.items():
            if child is not None:
                child._set_prefix(prefix + name + ".")

    def register_parameter(self, name, param):
        """Add ``param`` (a Parameter or None) under ``name``; the same as assigning it."""
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter({name!r}): expected an nn.Parameter, got {type(param).__name__}")
        if param is None:
            self._forget(name)
            self._parameters[name] = None
        else:
            setattr(self, name, param)

    def register_buffer(self, name, tensor, persistent=True):
        """Add a buffer: a tensor that belongs to the module's state but is not trained.

        Buffers move with ``to(device)`` and (when ``persistent``) are saved in
        ``state_dict()``. Batch normalisation keeps its running mean and variance so.
        """
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer({name!r}): expected a Tensor or None, got {type(tensor).__name__}")
        self._forget(name)
        self._buffers[name] = tensor
        if tensor is not None:
            tensor.name = self._prefix + name
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)

    def add_module(self, name, module):
        """Add a child module under ``name``; the same as ``setattr(self, name, module)``."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module({name!r}): expected an nn.Module, got {type(module).__name__}")
        if module is None:
            self._forget(name)
            self._modules[name] = None
        else:
            setattr(self, name, module)

    # ------------------------------------------------------------ walking the tree
    def named_modules(self, prefix="", memo=None):
        """``(dotted name, module)`` for this module and every module inside it (each once)."""
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(f"{prefix}.{name}" if prefix else name, memo)

    def modules(self):
        """This module and every module inside it."""
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        """``(name, module)`` for the direct children."""
        for name, child in self._modules.items():
            if child is not None:
                yield name, child

    def children(self):
        """The direct child modules."""
        for _, child in self.named_children():
            yield child

    def _named_members(self, registry, recurse):
        seen = set()
        modules = self.named_modules() if recurse else [("", self)]
        for module_prefix, module in modules:
            for name, t in getattr(module, registry).items():
                if t is None or id(t) in seen:
                    continue
                seen.add(id(t))
                yield (f"{module_prefix}.{name}" if module_prefix else name), t

    def named_parameters(self, recurse=True):
        """``(dotted name, parameter)`` for every parameter, e.g. ``("0.weight", ...)``; shared ones once."""
        return self._named_members("_parameters", recurse)

    def parameters(self, recurse=True):
        """Every parameter (weights and biases), for the optimizer: ``SGD(model.parameters())``."""
        for _, p in self.named_parameters(recurse):
            yield p

    def named_buffers(self, recurse=True):
        """``(dotted name, tensor)`` for every buffer."""
        return self._named_members("_buffers", recurse)

    def buffers(self, recurse=True):
        """Every buffer (e.g. batch norm's running statistics)."""
        for _, b in self.named_buffers(recurse):
            yield b

    # ------------------------------------------------------------ modes and gradients
    def train(self, mode=True):
        """Switch this module and all inside it to training mode (``mode=False``: evaluation). Returns self."""
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self):
        """Switch to evaluation mode: dropout off, batch norm uses its running statistics. Returns self."""
        return self.train(False)

    def zero_grad(self, set_to_none=True):
        """Forget every parameter's gradient before the next backward (gradients add up otherwise)."""
        for p in self.parameters():
            if set_to_none or p.grad is None:
                p.grad = None
            else:
                p.grad.data[...] = 0

    def requires_grad_(self, requires_grad=True):
        """Switch gradient tracking of every parameter; ``requires_grad_(False)`` freezes the module."""
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    # ------------------------------------------------------------ devices and dtypes
    def to(self, device=None, dtype=None):
        """Move every parameter and buffer to ``device`` and/or cast floating ones to ``dtype``; returns self.

        Parameters stay the same objects (an optimizer built earlier still
        holds them) and get new arrays; their old ``.grad`` is dropped.
        Buffers are replaced by moved copies, never changed in place.
        """
        backend = _backend.get_backend(device) if device is not None else None
        dtype = to_dtype(dtype)
        if dtype is not None and dtype.kind != "f":
            raise TypeError(f"Module.to: dtype must be a floating type, got {dtype}")

        def convert(t):
            data = t.data
            if dtype is not None and data.dtype.kind == "f":
                data = data.astype(dtype)
            if backend is not None and backend is not t.backend:
                data = backend.xp.asarray(t.backend.to_numpy(data) if t.device != "cpu" else data)
            return data, backend or t.backend

        for m in self.modules():
            for p in m._parameters.values():
                if p is not None:
                    data, b = convert(p)
                    if data is not p.data:
                        p.data, p._backend, p.grad = data, b, None
            for name, buf in list(m._buffers.items()):
                if buf is not None:
                    data, b = convert(buf)
                    if data is not buf.data:
                        moved = Tensor._make(data, b, False, None)
                        moved.name = buf.name
                        m._buffers[name] = moved
        return self

    def cpu(self):
        """Move parameters and buffers to the CPU."""
        return self.to("cpu")

    def cuda(self):
        """Move parameters and buffers to the GPU."""
        return self.to("cuda")

    def double(self):
        """Cast floating parameters and buffers to float64 (for gradient checks)."""
        return self.to(dtype=np.float64)

    def float(self):
        """Cast floating parameters and buffers to float32."""
        return self.to(dtype=np.float32)

    # ------------------------------------------------------------ saving and loading
    def state_dict(self):
        """An ordered dict from dotted name to tensor: every parameter and persistent buffer.

        The tensors share memory with the module (detached, like PyTorch's);
        save them with ``nn.save`` or copy them before changing the model.
        """
        state = OrderedDict()
        for module_prefix, module in self.named_modules():
            dot = module_prefix + "." if module_prefix else ""
            for name, p in module._parameters.items():
                if p is not None:
                    state[dot + name] = p.detach()
            for name, b in module._buffers.items():
                if b is not None and name not in module._non_persistent:
                    state[dot + name] = b.detach()
        return state

    def load_state_dict(self, state_dict, strict=True):
        """Copy the values of ``state_dict`` into this module's parameters and buffers, in place.

        Values may be Tensors or arrays. With ``strict=True`` the keys must
        match exactly; a shape mismatch is always an error. The error lists
        every missing key, unexpected key and mismatched shape. Returns
        ``(missing_keys, unexpected_keys)``.
        """
        own = self.state_dict()  # detached views: writing into .data writes into the module
        targets = {}
        for module_prefix, module in self.named_modules():
            dot = module_prefix + "." if module_prefix else ""
            for registry in (module._parameters, module._buffers):
                for name, t in registry.items():
                    if dot + name in own:
                        targets[dot + name] = t
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        mismatched, arrays = [], {}
        for key, target in targets.items():
            if key not in state_dict:
                continue
            array = _as_numpy(state_dict[key])
            if tuple(array.shape) != tuple(target.shape):
                mismatched.append(f"{key}: checkpoint has shape {tuple(array.shape)}, model has {tuple(target.shape)}")
            else:
                arrays[key] = array
        problems = []
        if strict and missing:
            problems.append(f"missing keys: {missing}")
        if strict and unexpected:
            problems.append(f"unexpected keys: {unexpected}")
        if mismatched:
            problems.append("shape mismatch: " + "; ".join(mismatched))
        if problems:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}: "
                + "; ".join(problems)
                + ". Build the model with the same layers and sizes as the one that was saved, or pass strict=False to "
                "skip missing/unexpected keys."
            )
        with no_grad():
            for key, array in arrays.items():
                target = targets[key]
                target.data[...] = target.backend.xp.asarray(array).astype(target.dtype, copy=False)
        return _IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------ display
    def extra_repr(self):
        """The settings shown in parentheses by ``repr``, e.g. ``in_features=3, out_features=4``."""
        return ""

    def __repr__(self):
        lines = []
        for name, child in self._modules.items():
            child_repr = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {child_repr}")
        extra = self.extra_repr()
        if not lines:
            return f"{type(self).__name__}({extra})"
        head = f"{type(self).__name__}({extra}" if extra else f"{type(self).__name__}("
        return head + "\n" + "\n".join(lines) + "\n)"

    def _display_name(self):
        """How error messages name this module: ``Linear 'fc1'`` or just ``Linear`` for a root."""
        path = self._prefix[:-1]
        return f"{type(self).__name__} {path!r}" if path else type(self).__name__


def _as_numpy(value):
    if isinstance(value, Tensor):
        return value.numpy()
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor
        return value.detach().cpu().numpy()
    if type(value).__module__.startswith("cupy"):
        return value.get()
    return np.asarray(value)
