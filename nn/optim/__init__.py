"""Optimizers: the rules that turn gradients into parameter updates, with PyTorch's names.

>>> import autograd as ag, nn
>>> w = ag.tensor([1.0, -2.0], requires_grad=True)
>>> optimizer = nn.optim.SGD([w], lr=0.1)
>>> (w * w).sum().backward()            # dL/dw = 2w = [2, -4]
>>> optimizer.step()                    # w <- w - 0.1 * [2, -4]
>>> w
tensor([ 0.8, -1.6], dtype=float32, device=cpu, requires_grad=True)

``nn.optim.get("adam", model.parameters())`` builds one from its Keras name.
"""

from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "get", "lr_scheduler"]

# Keras' names, with Keras' default learning rates (the other settings are PyTorch's defaults)
_BY_NAME = {
    "sgd": (SGD, 0.01),
    "adam": (Adam, 0.001),
    "adamw": (AdamW, 0.001),
    "rmsprop": (RMSprop, 0.001),
    "adagrad": (Adagrad, 0.001),
}


def get(name_or_optimizer, params, **kwargs):
    """An optimizer from a Keras name (``"sgd"``, ``"adam"``, ``"adamw"``, ``"rmsprop"``, ``"adagrad"``),
    an optimizer class, or an optimizer object (returned as is).

    Names use Keras' default learning rates (sgd 0.01, adam/adamw/rmsprop/adagrad 0.001) unless
    ``lr=`` is given; ``kwargs`` go to the optimizer.
    """
    if isinstance(name_or_optimizer, Optimizer):
        return name_or_optimizer
    if isinstance(name_or_optimizer, type) and issubclass(name_or_optimizer, Optimizer):
        return name_or_optimizer(params, **kwargs)
    if isinstance(name_or_optimizer, str) and name_or_optimizer.lower() in _BY_NAME:
        cls, lr = _BY_NAME[name_or_optimizer.lower()]
        kwargs.setdefault("lr", lr)
        return cls(params, **kwargs)
    raise ValueError(f"unknown optimizer {name_or_optimizer!r}; use one of {', '.join(_BY_NAME)}, or an optimizer")
