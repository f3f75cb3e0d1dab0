"""One time step of a recurrent network: the RNN, GRU and LSTM cells, and the step functions they share.

A recurrent network reads a sequence x_1, x_2, ..., x_T one element at a time
and carries a hidden state h_t from each step to the next (h_0 = 0 unless
given): the same weights at every step. Each step below is made of ordinary
engine ops (linear, sigmoid, tanh, *, +), so backpropagation through time is
just ``backward()`` on the unrolled graph, second derivatives included.

Weights are stored as PyTorch stores them, so ``state_dict()`` moves to and
from ``torch.nn`` unchanged: W_ih (gates*hidden, input) stacks the input
weights of all gates, W_hh (gates*hidden, hidden) the hidden-state weights, in
PyTorch's gate order (GRU: r, z, n; LSTM: i, f, g, o).
"""

import math

import autograd as ag
import autograd.functional as F

from . import init
from .linear import as_input
from .module import Module, Parameter

__all__ = ["GRUCell", "LSTMCell", "RNNCell", "gru_step", "lstm_step", "rnn_step"]

GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}  # blocks of hidden_size rows in W_ih and W_hh


# ---------------------------------------------------------------- the step functions
# x_proj is W_ih x_t + b_ih, computed by the caller: a layer computes it for all
# time steps at once (one big matrix product instead of T small ones).


def rnn_step(x_proj, h, w_hh, b_hh, nonlinearity="tanh"):
    """h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)   (relu instead of tanh if asked)."""
    a = x_proj + F.linear(h, w_hh, b_hh)
    return F.tanh(a) if nonlinearity == "tanh" else F.relu(a)


def gru_step(x_proj, h, w_hh, b_hh):
    """One GRU step (gates r, z, n; sigma is the sigmoid, * multiplies element by element):

    r_t = sigma(W_ir x_t + b_ir + W_hr h_(t-1) + b_hr)          reset gate
    z_t = sigma(W_iz x_t + b_iz + W_hz h_(t-1) + b_hz)          update gate
    n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_(t-1) + b_hn))   candidate state
    h_t = (1 - z_t) * n_t + z_t * h_(t-1)
    """
    H = h.shape[-1]
    h_proj = F.linear(h, w_hh, b_hh)
    rz = F.sigmoid(x_proj[..., : 2 * H] + h_proj[..., : 2 * H])  # r and z in one op
    r, z = rz[..., :H], rz[..., H:]
    n = F.tanh(x_proj[..., 2 * H :] + r * h_proj[..., 2 * H :])
    return n + z * (h - n)  # = (1 - z) * n + z * h, one op fewer


def lstm_step(x_proj, h, c, w_hh, b_hh):
    """One LSTM step (gates i, f, g, o; c is the cell state):

    i_t = sigma(W_ii x_t + b_ii + W_hi h_(t-1) + b_hi)    input gate
    f_t = sigma(W_if x_t + b_if + W_hf h_(t-1) + b_hf)    forget gate
    g_t = tanh(W_ig x_t + b_ig + W_hg h_(t-1) + b_hg)     candidate cell
    o_t = sigma(W_io x_t + b_io + W_ho h_(t-1) + b_ho)    output gate
    c_t = f_t * c_(t-1) + i_t * g_t
    h_t = o_t * tanh(c_t)

    Returns (h_t, c_t).
    """
    H = h.shape[-1]
    gates = x_proj + F.linear(h, w_hh, b_hh)
    i = F.sigmoid(gates[..., :H])
    f = F.sigmoid(gates[..., H : 2 * H])
    g = F.tanh(gates[..., 2 * H : 3 * H])
    o = F.sigmoid(gates[..., 3 * H :])
    c = f * c + i * g
    return o * F.tanh(c), c


# ---------------------------------------------------------------- parameters shared by cells and layers


def new_weights(module, suffix, input_size, hidden_size, gates, bias, device, dtype):
    """Register weight_ih{suffix}, weight_hh{suffix} (and the biases) on ``module``."""
    rows = gates * hidden_size
    new = lambda *shape: Parameter(ag.zeros(shape, dtype=dtype, device=device))  # noqa: E731
    setattr(module, f"weight_ih{suffix}", new(rows, input_size))
    setattr(module, f"weight_hh{suffix}", new(rows, hidden_size))
    if bias:
        setattr(module, f"bias_ih{suffix}", new(rows))
        setattr(module, f"bias_hh{suffix}", new(rows))
    else:
        module.register_parameter(f"bias_ih{suffix}", None)
        module.register_parameter(f"bias_hh{suffix}", None)


def reset_uniform(module, hidden_size):
    """Every weight and bias ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch initialises them."""
    bound = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0.0
    for p in module.parameters():
        init.uniform_(p, -bound, bound)


def check_sizes(who, input_size, hidden_size):
    if int(input_size) <= 0 or int(hidden_size) <= 0:
        raise ValueError(f"{who}: input_size and hidden_size must be positive, got {input_size} and {hidden_size}")


# ---------------------------------------------------------------- the cells


class _CellBase(Module):
    """What RNNCell, GRUCell and LSTMCell share: weights, initialisation and input checks."""

    mode = "RNN"

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__()
        check_sizes(type(self).__name__, input_size, hidden_size)
        self.input_size, self.hidden_size, self.bias = int(input_size), int(hidden_size), bool(bias)
        new_weights(self, "", self.input_size, self.hidden_size, GATES[self.mode], bias, device, dtype)
        self.reset_parameters()

    def reset_parameters(self):
        """All weights and biases ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) (PyTorch's init)."""
        reset_uniform(self, self.hidden_size)

    def _input(self, x):
        x = as_input(x)
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            raise ValueError(
                f"{self._display_name()} expects one time step: an input of shape (batch, input_size="
                f"{self.input_size}) or ({self.input_size},) for a single sequence, but got shape {tuple(x.shape)}. "
                f"A cell reads one x_t; to run a whole sequence, loop over t or use the layer (nn.{self.mode})."
            )
        return x

    def _state(self, state, x, what="hx"):
        shape = (x.shape[0], self.hidden_size) if x.ndim == 2 else (self.hidden_size,)
        if state is None:
            return ag.zeros(shape, dtype=x.dtype, device=x.device)
        state = as_input(state)
        if tuple(state.shape) != shape:
            raise ValueError(
                f"{self._display_name()}: {what} must have shape {shape} (batch, hidden_size) for an input of "
                f"shape {tuple(x.shape)}, but got {tuple(state.shape)}."
            )
        return state

    def extra_repr(self):
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias else ", bias=False")


class RNNCell(_CellBase):
    """One step of an Elman RNN: h' = tanh(W_ih x + b_ih + W_hh h + b_hh).

    ``RNNCell(input_size, hidden_size, bias=True, nonlinearity="tanh")``;
    ``cell(x, h)`` with x (batch, input_size) and h (batch, hidden_size)
    (h = 0 if omitted) returns h'. Parameters weight_ih (hidden, input),
    weight_hh (hidden, hidden), bias_ih, bias_hh (hidden,).
    """

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNNCell: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, bias, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        x = self._input(input)
        h = self._state(hx, x)
        return rnn_step(F.linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh, self.nonlinearity)

    def extra_repr(self):
        return super().extra_repr() + ("" if self.nonlinearity == "tanh" else f", nonlinearity={self.nonlinearity!r}")


class GRUCell(_CellBase):
    """One GRU step (gate order r, z, n, as PyTorch):

    r = sigma(W_ir x + b_ir + W_hr h + b_hr),  z = sigma(W_iz x + b_iz + W_hz h + b_hz),
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),  h' = (1 - z) * n + z * h.

    ``cell(x, h)`` returns h'. weight_ih is (3*hidden, input): the rows of r, z, n stacked.
    """

    mode = "GRU"

    def forward(self, input, hx=None):
        x = self._input(input)
        h = self._state(hx, x)
        return gru_step(F.linear(x, self.weight_ih, self.bias_ih), h, self.weight_hh, self.bias_hh)


class LSTMCell(_CellBase):
    """One LSTM step (gate order i, f, g, o, as PyTorch):

    i = sigma(.), f = sigma(.), g = tanh(.), o = sigma(.), each of W_i* x + b_i* + W_h* h + b_h*;
    c' = f * c + i * g,  h' = o * tanh(c').

    ``cell(x, (h, c))`` returns (h', c'); both states are 0 if omitted.
    weight_ih is (4*hidden, input): the rows of i, f, g, o stacked.
    """

    mode = "LSTM"

    def forward(self, input, hx=None):
        x = self._input(input)
        if hx is not None and not (isinstance(hx, (tuple, list)) and len(hx) == 2):
            raise TypeError(f"{self._display_name()}: hx must be a pair (h, c) of tensors, got {type(hx).__name__}")
        h = self._state(None if hx is None else hx[0], x, "h")
        c = self._state(None if hx is None else hx[1], x, "c")
        return lstm_step(F.linear(x, self.weight_ih, self.bias_ih), h, c, self.weight_hh, self.bias_hh)
