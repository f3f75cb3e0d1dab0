# %% [markdown]
# # Lesson 29: a recurrent network writes names (worked example R4, decks 000 and 002)
#
# The bigram of lessons 27-28 sees one character. A recurrent network carries a
# memory $h_t$ of everything it has read so far:
#
# $$h_t = \tanh(W_{xh} x_t + W_{hh} h_{t-1} + b), \qquad \text{scores}_t = W_{hy} h_t + b_y$$
#
# Here $x_t$ is a learned 16-number embedding of the current character, $h_t$ has 64
# numbers, and `nn.RNN` runs the loop over the characters of a batch of names (see
# `charlm.py` for the model and the training loop: 5,000 steps of 32 names, AdamW,
# learning rate 0.005). A tenth of the names is held out; the bar is a held-out loss of
# at most 2.15 nats per character (PyTorch reaches 2.10 with these settings), well
# below the bigram's 2.454. Then the network writes new names, one character at a time.
#
# Run: `python tutorials/29_rnn_names.py` (a few minutes; `--fast`: 300 steps, bar 2.40).

# %%
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # tiny matrices: one BLAS thread is fastest (set before NumPy)

import charlm  # noqa: E402
from common import begin, done, fast_or, picture  # noqa: E402

from nn.text import sample  # noqa: E402

STEPS = fast_or(5000, 300)
BAR = fast_or(2.15, 2.40)  # nats per character on the held-out names
BIGRAM = 2.4540  # lesson 27


def plot_curve(curve, held_out, save):
    """The training loss (mean of each 100 steps), the held-out loss it reached, and the count bigram's level."""
    from viz import plots

    steps, values = zip(*curve)
    fig = plots.figure(8, 4.5)
    ax = fig.subplots()
    ax.plot(steps, values, marker="o", markersize=3, label="nn.RNN, training loss")
    ax.plot([steps[-1]], [held_out], "s", color="#c44e52", label=f"nn.RNN, held-out names ({held_out:.3f})")
    ax.axhline(BIGRAM, color="grey", linestyle="--", label=f"count bigram, on all names ({BIGRAM}, lesson 27)")
    ax.set_xlabel("training step (batches of 32 names)")
    ax.set_ylabel("loss, nats per character")
    ax.set_title("A character-level RNN learns the names")
    ax.grid(alpha=0.3)
    ax.legend()
    return plots.finish(fig, save)


# %% [markdown]
# ## Train, measure on names it never saw, and sample
#
# Sampling: start from `.`, draw the next character from the softmax of the scores,
# feed it back, stop at the next `.`. Temperature below 1 sharpens the distribution
# (more common names); greedy decoding always takes the most likely character.


# %%
out = begin(__name__, "29_rnn_names")
train_names, held_out, vocab = charlm.split_names()
print(f"{len(train_names)} training names, {len(held_out)} held out; {len(vocab)} symbols")
model, curve = charlm.train("RNN", STEPS, train_names, vocab)
loss = charlm.held_out_loss(model, held_out, vocab)
print(f"trained {STEPS} steps in {model.seconds:.0f} s; training loss {curve[0][1]:.3f} -> {curve[-1][1]:.3f}")
print(f"held-out loss: {loss:.4f} nats per character (count bigram: {BIGRAM})")
charlm.at_most(f"nn.RNN held-out loss after {STEPS} steps", loss, BAR)
picture(plot_curve, curve, loss, save=out / "training_curve.png")

# %%
names = sample(model, vocab, num=12, temperature=1.0, seed=1)
print("sampled names (temperature 1):  " + ", ".join(names))
print("sampled names (temperature 0.5): " + ", ".join(sample(model, vocab, num=12, temperature=0.5, seed=1)))
print("greedy decoding (always the most likely):", sample(model, vocab, greedy=True)[0])
(out / "samples.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
(out / "held_out_loss.txt").write_text(f"{loss:.6f}\n", encoding="utf-8")
done(out)
