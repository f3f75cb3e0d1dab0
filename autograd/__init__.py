"""autograd: a small reverse-mode automatic differentiation engine on NumPy (CPU) or CuPy (GPU).

>>> import autograd as ag
>>> w = ag.tensor(0.5, requires_grad=True)
>>> loss = (2.0 * w - 4.0) ** 2       # E = (x*w - y)^2 with x = 2, y = 4
>>> loss.backward()
>>> w.grad.item()                     # dE/dw = 2x(xw - y) = -12
-12.0
"""

from . import cuda, functional
from .anomaly import AnomalyError, detect_anomaly
from .backend import get_backend
from .dtypes import get_default_dtype, promote_types, result_type, set_default_dtype
from .engine import observe_backward
from .factories import (
    arange,
    eye,
    full,
    full_like,
    linspace,
    logspace,
    manual_seed,
    ones,
    ones_like,
    rand,
    randn,
    zeros,
    zeros_like,
)
from .function import Function, name_scope
from .grad import grad
from .grad_mode import enable_grad, is_grad_enabled, no_grad
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .tensor import Tensor, tensor
from .tensor_methods import bind as _bind_methods

__all__ = [
    "AnomalyError", "Function", "GradcheckError", "Tensor", "arange", "cuda", "detect_anomaly",
    "enable_grad", "eye", "full", "full_like", "functional", "get_backend", "get_default_dtype", "grad",
    "gradcheck", "gradgradcheck", "is_grad_enabled", "linspace", "logspace", "manual_seed", "name_scope", "no_grad", "observe_backward",
    "ones", "ones_like", "promote_types", "rand", "randn", "result_type", "set_default_dtype", "tensor", "zeros",
    "zeros_like",
]  # fmt: skip

_bind_methods(functional)  # functional is complete now: the tensor methods take its docstrings
