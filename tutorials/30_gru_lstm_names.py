# %% [markdown]
# # Lesson 30: GRU and LSTM on the names (worked example R5, deck 002)
#
# The plain RNN multiplies its state by $W_{hh}$ at every step, so what it read long
# ago fades (and its gradient vanishes or explodes). Gated cells keep a path along
# which the state is copied, not multiplied:
#
# * **GRU**: $z_t = \sigma(\ldots)$, $r_t = \sigma(\ldots)$,
#   $n_t = \tanh(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn}))$,
#   $h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}$: where $z_t \approx 1$, $h$ is kept.
# * **LSTM**: gates $i_t, f_t, o_t = \sigma(\ldots)$, candidate $g_t = \tanh(\ldots)$,
#   cell $c_t = f_t \odot c_{t-1} + i_t \odot g_t$, $h_t = o_t \odot \tanh(c_t)$: the cell
#   is carried by addition.
#
# Same data, model size and budget as lesson 29 (5,000 steps of 32 names, embedding
# 16, hidden 64, AdamW 0.005), only the recurrent layer changes. Bars: held-out loss
# at most 2.10 each (PyTorch: GRU 2.05, LSTM 2.02). The three training curves go
# in one plot.
#
# Run: `python tutorials/30_gru_lstm_names.py` (several minutes: three networks;
# `--fast`: 300 steps each, bar 2.45).

# %%
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # tiny matrices: one BLAS thread is fastest (set before NumPy)

import charlm  # noqa: E402
from common import begin, done, fast_or, picture  # noqa: E402

from nn.text import sample  # noqa: E402

STEPS = fast_or(5000, 300)
BARS = {"GRU": fast_or(2.10, 2.45), "LSTM": fast_or(2.10, 2.45)}  # nats per character, held out
BIGRAM = 2.4540  # lesson 27

# %% [markdown]
# ## Three networks, one budget


# %%
def train_all(kinds=("RNN", "GRU", "LSTM"), steps=STEPS):
    """{kind: (held-out loss, training curve, seconds, samples)} for each recurrent layer."""
    train_names, held_out, vocab = charlm.split_names()
    results = {}
    for kind in kinds:
        model, curve = charlm.train(kind, steps, train_names, vocab)
        loss = charlm.held_out_loss(model, held_out, vocab)
        results[kind] = (loss, curve, model.seconds, sample(model, vocab, num=8, seed=1))
        print(f"{kind:>4}: held-out {loss:.4f} nats per character, trained in {model.seconds:.0f} s")
    return results


def plot_curves(results, save):
    """The smoothed training losses of the three networks in one plot, with the bigram's level."""
    from viz import plots

    fig = plots.figure(9, 5)
    ax = fig.subplots()
    for kind, (loss, curve, _, _) in results.items():
        steps, values = zip(*curve)
        ax.plot(steps, values, label=f"{kind} (held-out {loss:.3f})")
    ax.axhline(BIGRAM, color="grey", linestyle="--", label=f"count bigram ({BIGRAM})")
    ax.set_xlabel("training step (batches of 32 names)")
    ax.set_ylabel("training loss, nats per character (mean of 100 steps)")
    ax.set_title("RNN, GRU and LSTM on the names: same data, size and budget")
    ax.grid(alpha=0.3)
    ax.legend()
    return plots.finish(fig, save)


# %% [markdown]
# ## Run it


# %%
out = begin(__name__, "30_gru_lstm_names")
results = train_all()
for kind, threshold in BARS.items():
    charlm.at_most(f"nn.{kind} held-out loss after {STEPS} steps", results[kind][0], threshold)
for kind, (_, _, _, names) in results.items():
    print(f"{kind:>4} writes: {', '.join(names)}")

# %%
picture(plot_curves, results, save=out / "training_curves.png")
done(out)
