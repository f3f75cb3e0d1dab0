"""Recurrent layers ``RNN``, ``GRU``, ``LSTM``: a cell unrolled over a whole sequence, PyTorch-compatible.

``layer(x, h_0)`` reads x of shape (T, batch, input_size) (``batch_first=True``:
(batch, T, input_size); a single sequence: (T, input_size)) and returns
``(output, h_n)``: output stacks h_1 ... h_T of the last layer, h_n the final
state of every layer, (num_layers, batch, hidden_size). The LSTM returns
``(output, (h_n, c_n))``.

Each time step runs inside ``autograd.name_scope("t=1")``, ``"t=2"``, ..., so
``viz.draw_graph`` boxes the unrolled network one cluster per time step.
"""

import autograd as ag
import autograd.functional as F

from .linear import as_input
from .module import Module
from .recurrent_cells import GATES, check_sizes, gru_step, lstm_step, new_weights, reset_uniform, rnn_step

__all__ = ["GRU", "LSTM", "RNN"]


class _RNNBase(Module):
    """What RNN, GRU and LSTM share: the weights of each layer, the checks, and the loop over time."""

    mode = "RNN"

    def __init__(
        self,
        input_size,
        hidden_size,
        num_layers=1,
        bias=True,
        batch_first=False,
        dropout=0.0,
        bidirectional=False,
        device=None,
        dtype=None,
    ):
        super().__init__()
        name = type(self).__name__
        check_sizes(name, input_size, hidden_size)
        if int(num_layers) < 1:
            raise ValueError(f"{name}: num_layers must be at least 1, got {num_layers}")
        if not 0.0 <= float(dropout) <= 1.0:
            raise ValueError(f"{name}: dropout is a probability, in [0, 1]; got {dropout}")
        if bidirectional:
            raise NotImplementedError(
                f"{name}: bidirectional=True is not implemented in this engine; run a second {name} on the "
                f"reversed sequence (x[::-1] along time) and concatenate the outputs."
            )
        self.input_size, self.hidden_size, self.num_layers = int(input_size), int(hidden_size), int(num_layers)
        self.bias, self.batch_first, self.dropout = bool(bias), bool(batch_first), float(dropout)
        for k in range(self.num_layers):
            size_in = self.input_size if k == 0 else self.hidden_size
            new_weights(self, f"_l{k}", size_in, self.hidden_size, GATES[self.mode], bias, device, dtype)
        self.reset_parameters()

    def reset_parameters(self):
        """All weights and biases ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) (PyTorch's init)."""
        reset_uniform(self, self.hidden_size)

    def _layer(self, k):
        get = lambda what: getattr(self, f"{what}_l{k}")  # noqa: E731
        return get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh")

    # ---------------------------------------------------------------- checks

    def _input(self, input, hx):
        """The input as (T, batch, input_size), and whether it was one unbatched sequence."""
        x = as_input(input)
        name, layout = self._display_name(), "(batch, T, input_size)" if self.batch_first else "(T, batch, input_size)"
        if x.ndim not in (2, 3):
            raise ValueError(
                f"{name} expects a sequence of shape {layout}, or (T, input_size) for a single sequence, "
                f"but got shape {tuple(x.shape)} ({x.ndim}-D)."
            )
        if x.shape[-1] != self.input_size:
            hint = ""
            if self.input_size in x.shape[:-1]:
                hint = " The features look like they are on another axis: move them last (x.permute(...))."
            raise ValueError(
                f"{name} expects inputs whose last axis is input_size={self.input_size}, but got shape "
                f"{tuple(x.shape)} (layout {layout}).{hint} Or set input_size to the number of features."
            )
        unbatched = x.ndim == 2
        if unbatched:
            x = x.unsqueeze(1)
        elif self.batch_first:
            x = x.swapaxes(0, 1)
        if hx is not None and not unbatched:
            self._check_batch_axis(x, hx)
        return x, unbatched

    def _check_batch_axis(self, x, hx):
        """An initial state whose batch size matches the time axis means the axes are swapped: say so."""
        h = hx[0] if isinstance(hx, (tuple, list)) else hx
        shape = getattr(h, "shape", None)
        T, B = x.shape[0], x.shape[1]
        if shape is not None and len(shape) == 3 and shape[1] != B and shape[1] == T:
            flag = "False" if self.batch_first else "True"
            raise ValueError(
                f"{self._display_name()}: the initial state has batch size {shape[1]}, which is the input's "
                f"time axis (T={T}), not its batch axis (batch={B}) with batch_first={self.batch_first}. "
                f"If the input is laid out the other way round, pass batch_first={flag} (or x.swapaxes(0, 1))."
            )

    def _state(self, state, x, unbatched, what):
        L, B, H = self.num_layers, x.shape[1], self.hidden_size
        shape = (L, H) if unbatched else (L, B, H)
        if state is None:
            return ag.zeros((L, B, H), dtype=x.dtype, device=x.device)
        state = as_input(state)
        if tuple(state.shape) != shape:
            raise ValueError(
                f"{self._display_name()}: {what} must have shape {shape} (num_layers, "
                f"{'' if unbatched else 'batch, '}hidden_size) for this input, but got {tuple(state.shape)}."
            )
        return state.unsqueeze(1) if unbatched else state

    # ---------------------------------------------------------------- the loop over time

    def forward(self, input, hx=None):
        x, unbatched = self._input(input, hx)
        lstm = self.mode == "LSTM"
        if lstm:
            if hx is not None and not (isinstance(hx, (tuple, list)) and len(hx) == 2):
                raise TypeError(f"{self._display_name()}: hx must be a pair (h_0, c_0), got {type(hx).__name__}")
            h0 = self._state(None if hx is None else hx[0], x, unbatched, "h_0")
            c0 = self._state(None if hx is None else hx[1], x, unbatched, "c_0")
        else:
            h0 = self._state(hx, x, unbatched, "h_0")
        finals_h, finals_c = [], []
        for k in range(self.num_layers):
            w_ih, w_hh, b_ih, b_hh = self._layer(k)
            x_proj = F.linear(x, w_ih, b_ih)  # W_ih x_t + b_ih for every t at once: (T, batch, gates*hidden)
            h, c = h0[k], (c0[k] if lstm else None)
            outputs = []
            for t in range(x.shape[0]):
                with ag.name_scope(f"t={t + 1}" if self.num_layers == 1 else f"layer {k} t={t + 1}"):
                    if lstm:
                        h, c = lstm_step(x_proj[t], h, c, w_hh, b_hh)
                    elif self.mode == "GRU":
                        h = gru_step(x_proj[t], h, w_hh, b_hh)
                    else:
                        h = rnn_step(x_proj[t], h, w_hh, b_hh, self.nonlinearity)
                outputs.append(h)
            finals_h.append(h)
            finals_c.append(c)
            x = F.stack(outputs, 0)
            if self.dropout and self.training and k < self.num_layers - 1:  # between layers, as PyTorch
                x = F.dropout(x, self.dropout)
        h_n = F.stack(finals_h, 0)
        c_n = F.stack(finals_c, 0) if lstm else None
        if unbatched:
            x, h_n = x.squeeze(1), h_n.squeeze(1)
            c_n = c_n.squeeze(1) if lstm else None
        elif self.batch_first:
            x = x.swapaxes(0, 1)
        return (x, (h_n, c_n)) if lstm else (x, h_n)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        return s


class RNN(_RNNBase):
    """An Elman recurrent network, unrolled over the sequence (deck 000's RNN):

    h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh),   t = 1 ... T,   h_0 = 0 unless given

    (the lectures' h_t = tanh(W_xh x_t + W_hh h_(t-1) + b) with W_xh = W_ih and b = b_ih + b_hh).
    ``RNN(input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True,
    batch_first=False, dropout=0.0)``. Layer k > 0 reads the h_t of layer k-1;
    ``dropout`` drops those in training. Returns ``(output, h_n)``.

    >>> rnn = RNN(3, 5)
    >>> out, h_n = rnn(ag.zeros(7, 2, 3))   # T=7 steps, batch 2
    >>> out.shape, h_n.shape
    ((7, 2, 5), (1, 2, 5))
    """

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", *args, **kwargs):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, num_layers, *args, **kwargs)
        self.nonlinearity = nonlinearity

    def extra_repr(self):
        return super().extra_repr() + ("" if self.nonlinearity == "tanh" else f", nonlinearity={self.nonlinearity!r}")


class GRU(_RNNBase):
    """A gated recurrent unit network, unrolled over the sequence. At each step t (gate order r, z, n):

    r_t = sigma(W_ir x_t + b_ir + W_hr h_(t-1) + b_hr)          reset gate
    z_t = sigma(W_iz x_t + b_iz + W_hz h_(t-1) + b_hz)          update gate
    n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_(t-1) + b_hn))   candidate
    h_t = (1 - z_t) * n_t + z_t * h_(t-1)

    When z_t is near 1 the state is copied forward unchanged, so gradients
    survive many steps. Same arguments as ``RNN`` (without nonlinearity);
    returns ``(output, h_n)``.
    """

    mode = "GRU"


class LSTM(_RNNBase):
    """A long short-term memory network, unrolled over the sequence. At each step t (gate order i, f, g, o):

    i_t = sigma(W_ii x_t + b_ii + W_hi h_(t-1) + b_hi)    input gate
    f_t = sigma(W_if x_t + b_if + W_hf h_(t-1) + b_hf)    forget gate
    g_t = tanh(W_ig x_t + b_ig + W_hg h_(t-1) + b_hg)     candidate cell
    o_t = sigma(W_io x_t + b_io + W_ho h_(t-1) + b_ho)    output gate
    c_t = f_t * c_(t-1) + i_t * g_t,    h_t = o_t * tanh(c_t)

    The cell state c_t is carried by addition, so its gradient is only scaled
    by f_t from step to step. ``lstm(x, (h_0, c_0))`` returns ``(output, (h_n, c_n))``.
    """

    mode = "LSTM"
