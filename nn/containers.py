"""Containers: ``Sequential`` (layers applied in order) and ``ModuleList`` (a list of layers)."""

from collections import OrderedDict

from .keras import KerasModelMixin
from .module import Module

__all__ = ["ModuleList", "Sequential"]


def _index(i, n, who):
    if not -n <= i < n:
        raise IndexError(f"{who}: index {i} is out of range for {n} layers")
    return i % n


class Sequential(KerasModelMixin, Module):
    """Layers applied one after another: y = layer_n( ... layer_2(layer_1(x)) ).

    ``Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 3))`` names the layers
    "0", "1", "2" (so parameters are "0.weight", "0.bias", ...);
    ``Sequential(OrderedDict(fc1=..., act=...))`` uses the given names. Layers
    can also be added one at a time with ``model.add(layer)``, Keras style, and
    a Sequential model has Keras' ``compile`` / ``fit`` / ``evaluate`` /
    ``predict`` (see ``nn.keras``).
    """

    def __init__(self, *layers):
        super().__init__()
        if len(layers) == 1 and isinstance(layers[0], OrderedDict):
            for name, layer in layers[0].items():
                self.add_module(name, layer)
        else:
            for layer in layers:
                self.add(layer)

    def add(self, layer):
        """Append a layer at the end (named by its position); returns self."""
        if not isinstance(layer, Module):
            raise TypeError(
                f"Sequential.add expects a layer (an nn.Module such as nn.Linear or nn.Dense), "
                f"got {type(layer).__name__}"
            )
        self.add_module(str(len(self._modules)), layer)
        self._build_from_previous(layer)
        return self

    append = add

    def forward(self, x):
        for layer in self._modules.values():
            x = layer(x)
        return x

    def __getitem__(self, index):
        items = list(self._modules.items())
        if isinstance(index, slice):
            # keep the layers' names and parameter names: the slice is a view of this model
            part = Sequential()
            part._modules.update(items[index])
            return part
        return items[_index(index, len(items), "Sequential")][1]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


class ModuleList(Module):
    """A list of layers whose parameters the parent module registers (a plain list would hide them).

    ``self.hidden = nn.ModuleList([nn.Linear(8, 8) for _ in range(3)])``; the
    layers are named "0", "1", ... It has no ``forward``: loop over it yourself.
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def append(self, module):
        """Add a layer at the end; returns self."""
        self.add_module(str(len(self._modules)), module)
        return self

    def extend(self, modules):
        """Add several layers at the end; returns self."""
        for m in modules:
            self.append(m)
        return self

    def __getitem__(self, index):
        items = list(self._modules.values())
        if isinstance(index, slice):
            part = ModuleList()  # filled directly: the layers keep their parameter names
            part._modules.update((str(i), m) for i, m in enumerate(items[index]))
            return part
        return items[_index(index, len(items), "ModuleList")]

    def __setitem__(self, index, module):
        index = _index(index, len(self._modules), "ModuleList")
        self.add_module(str(index), module)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())
