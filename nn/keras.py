"""The Keras-flavoured model of the lectures, on the same layers, losses and optimizers::

    model = nn.Sequential()
    model.add(nn.Dense(3, input_dim=2, activation="relu"))
    model.add(nn.Dense(3, activation="relu"))        # input size inferred: 3
    model.add(nn.Dense(1))
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x, y, epochs=100, batch_size=8, validation_split=0.2)
    model.evaluate(x, y)                             # the loss
    model.predict(x)                                 # a NumPy array

``compile`` picks a loss from ``nn.losses`` and an optimizer from ``nn.optim``;
``fit`` builds ``nn.data`` loaders and runs ``nn.training.fit``: nothing here
trains differently from the explicit PyTorch-style loop.
"""

import numpy as np

import autograd as ag
import autograd.functional as F
from autograd import backend as _backend

from . import init
from .linear import as_input
from .module import Module, Parameter

__all__ = ["Dense", "KerasModelMixin"]

# activation name -> the function applied to the layer's output
_ACTIVATIONS = {
    None: None,
    "linear": None,
    "relu": F.relu,
    "sigmoid": F.sigmoid,
    "tanh": F.tanh,
    "softmax": lambda x: F.softmax(x, axis=-1),
    "leaky_relu": lambda x: F.leaky_relu(x, 0.2),  # Keras' default slope
    "elu": F.elu,
    "softplus": F.softplus,
}


class Dense(Module):
    """Keras' fully connected layer: y = activation(x W^T + b).

    ``Dense(units, input_dim=None, activation=None)``: ``units`` output neurons;
    ``input_dim`` the number of inputs, or None to infer it from the first
    input the layer sees. ``activation`` is one of "relu", "sigmoid", "tanh",
    "softmax", "leaky_relu" (slope 0.2, as Keras), "elu", "softplus",
    "linear"/None, or any function of a tensor.

    Parameters use PyTorch's names and layout: ``weight`` (units, input_dim),
    ``bias`` (units,). Initialised as Keras does: Glorot/Xavier uniform
    weights, U(-b, b) with b = sqrt(6 / (input_dim + units)), and zero biases.
    """

    def __init__(self, units, input_dim=None, activation=None, use_bias=True):
        super().__init__()
        self.units = int(units)
        if isinstance(activation, str) or activation is None:
            name = activation.lower() if isinstance(activation, str) else None
            if name not in _ACTIVATIONS:
                raise ValueError(
                    f"Dense: unknown activation {activation!r}; use one of "
                    f"{', '.join(repr(k) for k in _ACTIVATIONS if k)} or None"
                )
            self.activation, self._activation_fn = name or "linear", _ACTIVATIONS[name]
        elif callable(activation):
            self.activation = getattr(activation, "__name__", type(activation).__name__)
            self._activation_fn = activation
        else:
            raise TypeError(f"Dense: activation must be a name or a function, got {type(activation).__name__}")
        self.use_bias = use_bias
        self.in_features = None
        self.register_parameter("weight", None)
        self.register_parameter("bias", None)
        if input_dim is not None:
            self.build(int(input_dim))

    @property
    def built(self):
        """True once the layer knows its input size and has its weights."""
        return self.in_features is not None

    def build(self, input_dim, device=None, dtype=None):
        """Create the weights for ``input_dim`` inputs (done by the first call when input_dim was not given)."""
        self.in_features = int(input_dim)
        self.weight = Parameter(ag.zeros((self.units, self.in_features), dtype=dtype, device=device))
        init.xavier_uniform_(self.weight)
        if self.use_bias:
            self.bias = Parameter(ag.zeros(self.units, dtype=dtype, device=device))

    def forward(self, x):
        x = as_input(x)
        if x.ndim == 0:
            raise ValueError(f"{self._display_name()} expects inputs of shape (batch, features), got a scalar")
        if not self.built:
            dtype = x.dtype if x.dtype.kind == "f" else None
            self.build(x.shape[-1], device=x.device, dtype=dtype)
        elif x.shape[-1] != self.in_features:
            raise ValueError(
                f"{self._display_name()} expects inputs whose last dimension is input_dim={self.in_features}, "
                f"but got an input of shape {tuple(x.shape)}. Check input_dim and the previous layer's units."
            )
        y = F.linear(x, self.weight, self.bias)
        return self._activation_fn(y) if self._activation_fn is not None else y

    def extra_repr(self):
        return f"units={self.units}, input_dim={self.in_features}, activation={self.activation!r}"


# --------------------------------------------------------------------------- compile / fit / evaluate / predict
_LOSSES = (
    "mse", "mean_squared_error", "mae", "mean_absolute_error", "huber", "binary_crossentropy",
    "categorical_crossentropy", "sparse_categorical_crossentropy",
)  # fmt: skip


def _ends_with(model, kind):
    """Does the model's output come from ``kind`` ("softmax" or "sigmoid")? Keras then reads it as probabilities."""
    from .activation import Sigmoid, Softmax

    layers = list(model.modules())
    last = layers[-1] if layers else None
    if isinstance(last, Dense):
        return last.activation == kind
    return isinstance(last, Softmax if kind == "softmax" else Sigmoid)


def _make_loss(model, loss):
    from . import losses

    if not isinstance(loss, str):
        if not callable(loss):
            raise TypeError(f"compile: loss must be a name or a loss object, got {type(loss).__name__}")
        return loss
    name = loss.lower()
    if name in ("mse", "mean_squared_error"):
        return losses.MSELoss()
    if name in ("mae", "mean_absolute_error"):
        return losses.L1Loss()
    if name == "huber":
        return losses.HuberLoss()
    if name == "binary_crossentropy":
        return losses.BCELoss() if _ends_with(model, "sigmoid") else losses.BCEWithLogitsLoss()
    if name == "categorical_crossentropy":
        return losses.CategoricalCrossentropy(from_logits=not _ends_with(model, "softmax"))
    if name == "sparse_categorical_crossentropy":
        return losses.SparseCategoricalCrossentropy(from_logits=not _ends_with(model, "softmax"))
    raise ValueError(f"compile: unknown loss {loss!r}; use one of {', '.join(map(repr, _LOSSES))} or a loss object")


def _make_optimizer(model, optimizer):
    """An optimizer from its Keras name, with Keras' default learning rate (adam 0.001, sgd 0.01...)."""
    from . import optim

    return optim.get(optimizer, list(model.parameters()))


def _mae(output, target):
    """Mean absolute error of a batch, as a Keras metric."""
    return abs(output.data - target.data).mean()


def _mse(output, target):
    """Mean squared error of a batch, as a Keras metric."""
    return ((output.data - target.data) ** 2).mean()


_mae.__name__, _mse.__name__ = "mae", "mse"
_METRICS = {"accuracy": "accuracy", "acc": "accuracy", "mae": _mae, "mean_absolute_error": _mae, "mse": _mse,
            "mean_squared_error": _mse}  # fmt: skip


def _metric(m):
    if callable(m):
        return m
    if isinstance(m, str) and m.lower() in _METRICS:
        return _METRICS[m.lower()]
    raise ValueError(f"compile: unknown metric {m!r}; use 'accuracy', 'mae', 'mse' or a function f(output, target)")


def _as_array(a, what):
    if isinstance(a, ag.Tensor):
        return a.numpy()
    a = np.asarray(a)
    if a.dtype == object:
        raise TypeError(f"{what} must be numbers (a list, array or Tensor), got {a.dtype} values")
    return a


# layers whose output has as many features as their input
_SIZE_KEEPING = {"ReLU", "LeakyReLU", "PReLU", "Sigmoid", "Tanh", "ELU", "Softplus", "Softmax", "LogSoftmax",
                 "Dropout", "BatchNorm1d", "Identity"}  # fmt: skip


def _metric_key(m):
    return m if isinstance(m, str) else getattr(m, "__name__", type(m).__name__)


class KerasModelMixin:
    """Keras' model methods, for ``nn.Sequential``: ``compile``, ``fit``, ``evaluate``, ``predict``, ``summary``."""

    def compile(self, optimizer="adam", loss="mse", metrics=None):
        """Choose the optimizer (a name: "adam", "sgd", "rmsprop", "adagrad", "adamw", with Keras'
        default learning rates, or an ``nn.optim`` object), the loss (a name: "mse", "mae",
        "huber", "binary_crossentropy", "categorical_crossentropy",
        "sparse_categorical_crossentropy", or a loss object) and the metrics (e.g. ["accuracy"]).

        The cross-entropy names read the output as probabilities when the model ends in a
        softmax/sigmoid (as Keras does), and as raw scores (logits) otherwise.
        """
        if metrics is not None and isinstance(metrics, str):
            metrics = [metrics]
        metrics = [_metric(m) for m in metrics or []]
        if not isinstance(optimizer, str) and not self._unbuilt() and not list(self.parameters()):
            raise ValueError("compile: the model has no parameters to train")
        if not isinstance(optimizer, str) and self._unbuilt():
            raise ValueError(
                "compile: an optimizer object needs the model's parameters, but some Dense layers don't "
                "know their input size yet. Give the first Dense an input_dim=..., or pass the optimizer "
                "by name (optimizer='adam')."
            )
        object.__setattr__(self, "_keras", {"optimizer": optimizer, "loss": loss, "metrics": metrics})
        object.__setattr__(self, "optimizer", None if isinstance(optimizer, str) else optimizer)
        object.__setattr__(self, "loss_fn", _make_loss(self, loss))

    def _build_from_previous(self, layer):
        """Keras builds a Dense added without input_dim as soon as the previous layer's output size is known."""
        if not isinstance(layer, Dense) or layer.built:
            return
        size, param = None, None
        for prev in list(self.children())[:-1]:
            own = [p for p in prev.parameters()]
            param = own[0] if own else param
            if isinstance(prev, Dense):
                size = prev.units if prev.built else None
            elif hasattr(prev, "out_features"):
                size = prev.out_features
            elif type(prev).__name__ not in _SIZE_KEEPING:
                size = None
        if size is not None:
            layer.build(size, device=param.device if param is not None else None,
                        dtype=param.dtype if param is not None else None)  # fmt: skip

    def _unbuilt(self):
        return any(isinstance(m, Dense) and not m.built for m in self.modules())

    def _compiled(self, method):
        if getattr(self, "_keras", None) is None:
            raise RuntimeError(f"{method}: call model.compile(optimizer=..., loss=...) first")
        return self._keras

    def _device(self):
        for p in self.parameters():
            return p.device
        return "cpu"

    def _inputs(self, x):
        x = _as_array(x, "x")
        if x.dtype.kind in "fiub":
            x = x.astype(ag.get_default_dtype(), copy=False)
        return ag.tensor(x, device=self._device())

    def _targets(self, y, x_sample):
        """Targets as the loss expects them: class indices as int64, (N,) reshaped to a (N, 1) output."""
        y = _as_array(y, "y")
        loss = self._keras["loss"]
        if isinstance(loss, str) and loss.lower() == "sparse_categorical_crossentropy":
            return ag.tensor(y.astype(np.int64), device=self._device())
        if y.dtype.kind in "iu" and not isinstance(loss, str):
            return ag.tensor(y, device=self._device())  # a loss object may want class indices
        y = y.astype(ag.get_default_dtype(), copy=False)
        if y.ndim == 1:
            with ag.no_grad():
                out_shape = self(x_sample).shape
            if out_shape[1:] == (1,):
                y = y.reshape(-1, 1)  # Keras accepts y of shape (N,) for a model with one output
        return ag.tensor(y, device=self._device())

    def _build(self, x):
        """Run one sample through, so Dense layers without input_dim create their weights."""
        was_training = [m.training for m in self.modules()]
        self.eval()
        with ag.no_grad():
            self(x[:1])
        for m, mode in zip(self.modules(), was_training):
            object.__setattr__(m, "training", mode)

    def fit(self, x, y, epochs=1, batch_size=32, validation_split=0.0, validation_data=None, shuffle=True, verbose=1):
        """Train for ``epochs`` passes over (x, y) in mini-batches of ``batch_size``; returns a ``History``.

        ``validation_split`` holds out that fraction of the samples (the last
        ones, before shuffling, as Keras) to report ``val_loss`` each epoch;
        ``validation_data=(x_val, y_val)`` gives them explicitly. One epoch has
        ceil(N / batch_size) updates. ``shuffle=True`` draws a new order of all
        samples every epoch; ``shuffle=False`` keeps their order.
        """
        from . import data, training

        config = self._compiled("fit")
        if isinstance(shuffle, str) and shuffle == "batch":
            raise ValueError(
                "fit: shuffle='batch' (Keras's option for HDF5 files read in order: it shuffles only within "
                "batch-sized chunks) is not supported here, where the samples are in memory; use shuffle=True "
                "(a new order of all samples every epoch) or shuffle=False"
            )
        if not isinstance(shuffle, (bool, np.bool_)):
            raise TypeError(f"fit: shuffle must be True or False, got {shuffle!r} ({type(shuffle).__name__})")
        x = self._inputs(x)
        if len(x) == 0:
            raise ValueError("fit: x has no samples")
        self._build(x)
        y = self._targets(y, x[:1])
        if len(y) != len(x):
            raise ValueError(f"fit: x has {len(x)} samples but y has {len(y)}")
        if self.optimizer is None:
            object.__setattr__(self, "optimizer", _make_optimizer(self, config["optimizer"]))
        if not 0.0 <= validation_split < 1.0:
            raise ValueError(f"fit: validation_split must be in [0, 1), got {validation_split}")
        val_loader = None
        if validation_data is not None:
            x_val = self._inputs(validation_data[0])
            val_loader = data.DataLoader(
                data.TensorDataset(x_val, self._targets(validation_data[1], x_val[:1])), batch_size=batch_size
            )
        elif validation_split > 0:
            n_val = int(len(x) * validation_split)
            if n_val == 0 or n_val == len(x):
                raise ValueError(f"fit: validation_split={validation_split} of {len(x)} samples leaves an empty set")
            x, x_val, y, y_val = x[:-n_val], x[-n_val:], y[:-n_val], y[-n_val:]
            val_loader = data.DataLoader(data.TensorDataset(x_val.detach(), y_val.detach()), batch_size=batch_size)
        seed = int(_backend.cpu.random().integers(2**31))  # repeatable under autograd.manual_seed
        train_loader = data.DataLoader(
            data.TensorDataset(x.detach(), y.detach()), batch_size=batch_size, shuffle=shuffle, seed=seed
        )
        return training.fit(
            self,
            self.loss_fn,
            self.optimizer,
            train_loader,
            val_loader=val_loader,
            epochs=epochs,
            metrics=tuple(config["metrics"]),
            verbose=bool(verbose),
        )

    def evaluate(self, x, y, batch_size=32, verbose=0):
        """The loss on (x, y) (in evaluation mode, no gradients); with metrics, ``[loss, metric, ...]``."""
        from . import data, training

        config = self._compiled("evaluate")
        x = self._inputs(x)
        self._build(x)
        y = self._targets(y, x[:1])
        loader = data.DataLoader(data.TensorDataset(x, y), batch_size=batch_size)
        results = training.evaluate(self, self.loss_fn, loader, metrics=tuple(config["metrics"]))
        if not config["metrics"]:
            return results["loss"]
        return [results["loss"]] + [results[_metric_key(m)] for m in config["metrics"]]

    def predict(self, x, batch_size=32):
        """The model's outputs for x as a NumPy array (evaluation mode, no gradients, in batches)."""
        x = self._inputs(x)
        was_training = [m.training for m in self.modules()]
        self.eval()
        outs = []
        with ag.no_grad():
            for start in range(0, len(x), batch_size):
                outs.append(self(x[start : start + batch_size]).numpy())
        for m, mode in zip(self.modules(), was_training):
            object.__setattr__(m, "training", mode)
        return np.concatenate(outs) if outs else np.zeros((0,))

    @property
    def layers(self):
        """The layers, in order (Keras' ``model.layers``)."""
        return list(self.children())

    def summary(self, input_shape=None, print_fn=print):
        """Print the table of layers, output shapes and weight/bias counts (see ``nn.summary``).

        ``input_shape`` (without the batch axis) may be left out when the first layer
        knows its input size (``Dense(..., input_dim=3)``, ``Linear(3, ...)``).
        """
        from .summary import summary

        if input_shape is None:
            first = next(iter(self.children()), None)
            size = getattr(first, "in_features", None)
            if size is None:
                raise ValueError(
                    "summary: the input size is not known; give input_shape=(features,) or input_dim to the first Dense"
                )
            input_shape = (size,)
        return summary(self, input_shape, print_fn=print_fn)
