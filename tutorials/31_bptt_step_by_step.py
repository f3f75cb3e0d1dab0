# %% [markdown]
# # Lesson 31: backpropagation through time, step by step (worked example R6, decks 000 and 002)
#
# A recurrent network applies the same step at every time $t = 1 \ldots T$:
#
# $$h_t = \tanh(W_{xh} x_t + W_{hh} h_{t-1} + b), \qquad \hat y_t = W_{hy} h_t + b_y,
#   \qquad L = \sum_t L_t, \quad L_t = (\hat y_t - y_t)^2$$
#
# Unrolled over $T = 4$ steps it is an ordinary graph, one copy of the step per time
# step, and `backward()` on it *is* backpropagation through time. The hidden state
# $h_t$ feeds two things: the output $\hat y_t$ and the next step $h_{t+1}$. So its
# gradient is the sum of two paths:
#
# $$\frac{\partial L}{\partial h_t} = \underbrace{\frac{\partial L_t}{\partial h_t}}_{\text{through } \hat y_t}
#   + \underbrace{\Big(\frac{\partial h_{t+1}}{\partial h_t}\Big)^{\!\top} \frac{\partial L}{\partial h_{t+1}}}_{\text{through } h_{t+1}}$$
#
# (at $t = T$ only the first path exists). The lesson takes every number from the
# engine: $\partial L / \partial h_t$ is `h_t.grad` after one `backward()` (kept with
# `retain_grad()`), the output path is the gradient of $L_t$ alone, and the second
# path is the engine's own backward through step $t+1$, started from `h_(t+1).grad`.
#
# Truncated BPTT cuts the graph with `detach()`: here $h_2$ enters step 3 detached,
# so no gradient flows from steps 3-4 back into steps 1-2.
#
# Run: `python tutorials/31_bptt_step_by_step.py`. It writes `bptt.html` (the unrolled
# graphs and the two-path sums), `backprop/index.html` (the step-by-step stepper),
# `unrolled.svg` and `truncated.svg`.

# %%
import html

import numpy as np
from common import backprop_page, begin, check, done, graph_picture

import autograd as ag
import autograd.functional as F
import nn
import viz

T = 4
XS = [0.5, -1.0, 0.8, 0.3]  # the input sequence x_1 ... x_4
YS = [0.2, 0.4, -0.3, 0.1]  # the targets y_1 ... y_4
PICTURE = dict(show_shapes=False, show_values=False)  # names and gradients only: the picture stays readable

# %% [markdown]
# ## The unrolled network, one `name_scope` per time step
#
# Each step's ops are recorded inside `ag.name_scope("t=1")`, `"t=2"`, ... (as `nn.RNN`
# does), so `viz.draw_graph` draws one box per time step. The weights carry the
# lecture's names; an `nn.RNN(1, 2)` holding the same weights gives the same $h_t$.


# %%
def make_weights(seed=0):
    """W_xh (2, 1), W_hh (2, 2), b (2,), W_hy (1, 2), b_y (1,): small random float64 leaves."""
    rng = np.random.default_rng(seed)
    shapes = {"W_xh": (2, 1), "W_hh": (2, 2), "b": (2,), "W_hy": (1, 2), "b_y": (1,)}
    return {name: ag.tensor(rng.uniform(-1, 1, shape), requires_grad=True, name=name) for name, shape in shapes.items()}


def as_rnn_layer(w):
    """An nn.RNN(1, 2) holding the same weights (its two biases: b and 0)."""
    rnn = nn.RNN(1, 2).double()
    rnn.load_state_dict({"weight_ih_l0": w["W_xh"].numpy(), "weight_hh_l0": w["W_hh"].numpy(),
                         "bias_ih_l0": w["b"].numpy(), "bias_hh_l0": np.zeros(2)})  # fmt: skip
    return rnn


def unroll(w, cut_after=None):
    """Run the 4 steps; returns (L, [L_t], [h_t]). ``cut_after=k``: h_k enters step k+1 detached."""
    h = ag.zeros((1, 2), dtype="float64")
    h.name = "h_0"
    losses, hs = [], []
    for t in range(1, T + 1):
        with ag.name_scope(f"t={t}"):
            x = ag.tensor([[XS[t - 1]]], dtype="float64", name=f"x_{t}")
            h = F.tanh(F.linear(x, w["W_xh"], w["b"]) + F.linear(h, w["W_hh"]))  # W_xh x_t + b + W_hh h_(t-1)
            h.name = f"h_{t}"
            h.retain_grad()  # keep dL/dh_t after backward: it is not a leaf
            hs.append(h)
            y_hat = F.linear(h, w["W_hy"], w["b_y"])
            y_hat.name = f"y_hat_{t}"
            loss_t = ((y_hat - YS[t - 1]) ** 2).sum()
            loss_t.name = f"L_{t}"
            losses.append(loss_t)
        if t == cut_after:
            h = h.detach()  # truncated BPTT: the next step sees h_t's value, not its history
            h.name = f"h_{t} detached (the cut)"
    total = losses[0]
    for loss_t in losses[1:]:
        total = total + loss_t
    total.name = "L"
    return total, losses, hs


# %% [markdown]
# ## The two paths, from the engine's own gradients


# %%
def two_paths(losses, hs):
    """For each t: (through y_hat_t, through h_(t+1) or None, h_t.grad), all from the engine.

    Call right after ``L.backward(retain_graph=True)``: h_t.grad is dL/dh_t (read first:
    the ``ag.grad`` calls below run the engine again); the output path is d L_t / d h_t;
    the other is the engine's backward through step t+1, started from dL/dh_(t+1).
    """
    engine = [h.grad.numpy()[0].copy() for h in hs]
    rows = []
    for t in range(T):
        (through_output,) = ag.grad(losses[t], [hs[t]], retain_graph=True)
        through_next = None
        if t + 1 < T:
            upstream = ag.tensor(engine[t + 1][None, :])  # dL/dh_(t+1), as the engine computed it
            (through_next,) = ag.grad(hs[t + 1], [hs[t]], grad_outputs=[upstream], retain_graph=True,
                                      allow_unused=True)  # fmt: skip
            # after a cut, h_(t+1) does not depend on h_t: that path carries nothing
            through_next = np.zeros(2) if through_next is None else through_next.numpy()[0]
        rows.append((through_output.numpy()[0], through_next, engine[t]))
    for h, g in zip(hs, engine):  # ag.grad also adds into retained .grad (as in PyTorch): put dL/dh_t back
        h.grad = ag.tensor(g[None, :])
    return rows


def vec(a):
    return "[" + ", ".join(f"{v:+.6f}" for v in a) + "]"


def sum_lines(rows, cut_after=None):
    """One line per t: dL/dh_t = (through y_hat_t) + (through h_(t+1)) = engine's h_t.grad."""
    lines = []
    for t, (out_path, next_path, engine) in enumerate(rows, start=1):
        if t == cut_after:
            lines.append(f"dL/dh_{t} = {vec(out_path)} (through y_hat_{t}) + 0 (through h_{t + 1}: cut, h_{t + 1} "
                         f"was computed from h_{t}.detach()) = engine h_{t}.grad = {vec(engine)}")  # fmt: skip
        elif next_path is None:
            lines.append(
                f"dL/dh_{t} = {vec(out_path)} (through y_hat_{t}); no h_{t + 1}: engine h_{t}.grad = {vec(engine)}"
            )
        else:
            total = out_path + next_path
            lines.append(f"dL/dh_{t} = {vec(out_path)} (through y_hat_{t}) + {vec(next_path)} (through h_{t + 1}) "
                         f"= {vec(total)}; engine h_{t}.grad = {vec(engine)}")  # fmt: skip
    return lines


# %% [markdown]
# ## A page with the pictures and the sums


# %%
def write_page(path, sections):
    """``sections``: (title, svg text or None, lines of sums, id prefix). One self-contained HTML page."""
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>Backpropagation through time</title>",
        "<style>body{font-family:sans-serif;max-width:1000px;margin:1em auto;padding:0 1em}"
        ".sum{font-family:monospace;font-size:13px;margin:.3em 0}.graph{overflow-x:auto;border:1px solid #ddd}"
        ".graph svg{max-width:none}</style>",
        "</head><body><h1>Backpropagation through time, T = 4</h1>",
        "<p>h_t = tanh(W_xh x_t + W_hh h_(t-1) + b), y_hat_t = W_hy h_t + b_y, L = sum_t (y_hat_t - y_t)^2. "
        "Each dashed box is one time step (scroll sideways to follow the steps). dL/dh_t is the sum of the path through the output y_hat_t and the path "
        "through the next state h_(t+1); every number is the engine's.</p>",
    ]
    for title, svg, lines, prefix in sections:
        svg = svg or "<p>(picture skipped: Graphviz's dot program is not installed)</p>"
        parts.append(f"<h2>{html.escape(title)}</h2><div class='graph' id='{prefix}-graph'>{svg}</div>")
        for t, line in enumerate(lines, start=1):
            parts.append(f"<p class='sum' id='{prefix}-sum-t{t}'>{html.escape(line)}</p>")
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def svg_text(path):
    """The SVG element of a picture written by ``graph_picture`` (None if it was skipped: no ``dot``)."""
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8")
    return text[text.index("<svg") :]


# %% [markdown]
# ## Run the lesson
#
# The unrolled network first: its $h_t$ must be what `nn.RNN` computes with the same weights.

# %%
out = begin(__name__, "31_bptt_step_by_step")
w = make_weights()
L, losses, hs = unroll(w)
layer_out, _ = as_rnn_layer(w)(ag.tensor(np.array(XS).reshape(T, 1, 1)))
check("nn.RNN's h_1..h_4 equal the unrolled loop's", layer_out.numpy()[:, 0, :],
      np.stack([h.numpy()[0] for h in hs]), tol=1e-12, source="unrolled loop")  # fmt: skip

# %% [markdown]
# The step-by-step page of this backward pass (open it in a browser: one time step per
# box), then the engine's own `backward()`, which fills every `h_t.grad`.

# %%
page = backprop_page(lambda: L, out / "backprop")
if page is not None:
    print(f"step-by-step stepper: {page}")
for t in [*w.values(), *hs]:
    t.grad = None  # start from clean gradients, whatever the stepper did
L.backward(retain_graph=True)  # BPTT: fills every h_t.grad (retained) and the weights' .grad
graph_picture(lambda: viz.draw_graph(L, **PICTURE), out / "unrolled.svg")  # drawn with those gradients

# %% [markdown]
# ## dL/dh_t, path by path

# %%
rows = two_paths(losses, hs)
print("dL/dh_t = (path through the output y_hat_t) + (path through the next state h_(t+1)):")
for line in sum_lines(rows):
    print("  " + line)
for t, (out_path, next_path, engine) in enumerate(rows, start=1):
    total = out_path + (0 if next_path is None else next_path)
    check(f"dL/dh_{t}: the two paths add up to h_{t}.grad", total, engine, tol=1e-12, source="engine's h.grad")

# %% [markdown]
# ## Truncated backpropagation through time
#
# The same loss with $h_2$ detached before step 3: the path from steps 3-4 back into
# steps 1-2 is cut, so $\partial L / \partial h_2$ is the output path alone, while
# steps 3 and 4 get exactly the gradients they had.

# %%
for t in w.values():
    t.grad = None
L_cut, losses_cut, hs_cut = unroll(w, cut_after=2)
L_cut.backward(retain_graph=True)
graph_picture(lambda: viz.draw_graph(L_cut, **PICTURE), out / "truncated.svg")
rows_cut = two_paths(losses_cut, hs_cut)
print("Truncated after t=2 (h_2 enters step 3 detached):")
for line in sum_lines(rows_cut, cut_after=2):
    print("  " + line)
check("truncated: dL/dh_2 is only the path through y_hat_2", rows_cut[1][2], rows_cut[1][0], tol=0,
      source="output path")  # fmt: skip
check("truncated: steps 3-4 are unchanged (dL/dh_3, dL/dh_4)", [rows_cut[2][2], rows_cut[3][2]],
      [rows[2][2], rows[3][2]], tol=1e-12, source="full BPTT")  # fmt: skip

# %%
page = write_page(
    out / "bptt.html",
    [
        ("Full backpropagation through time", svg_text(out / "unrolled.svg"), sum_lines(rows), "full"),
        ("Truncated after t = 2: h_2 enters step 3 detached (the cut)", svg_text(out / "truncated.svg"),
         sum_lines(rows_cut, 2), "cut"),
    ],
)  # fmt: skip
print(f"the unrolled graphs and the sums: {page}")
done(out)
