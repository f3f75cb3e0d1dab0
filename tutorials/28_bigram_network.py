# %% [markdown]
# # Lesson 28: the bigram as a one-layer network, trained by gradient descent (worked example R3, deck 002)
#
# Lesson 27 counted. Here the same model is *learned*: the current character goes
# in as a one-hot vector $x$ (27 numbers, a single 1), one linear layer without bias
# gives 27 scores, and softmax turns them into probabilities of the next character:
#
# $$P(\cdot \mid a) = \mathrm{softmax}(W^\top x_a) = \mathrm{softmax}(\text{row } a \text{ of } W^\top)$$
#
# The loss is the same mean negative log-likelihood over all 228,146 bigrams, and
# gradient descent on the weights brings it down towards the count model's 2.4540: the
# best a bigram can do. Exponentiated and normalised, the learned weights *are* a count
# table: $\exp(W)$ plays the role of $N$.
#
# Run: `python tutorials/28_bigram_network.py` (`--fast`: fewer steps, looser bar).

# %%
import numpy as np
from common import begin, check, done, fast_or, picture

import autograd as ag
import autograd.functional as F
import nn
from nn.text import CharVocab

COUNT_MODEL_NLL = 2.4540  # lesson 27 (worked example R2), no smoothing

# %% [markdown]
# ## The data: one-hot inputs, next-character targets


# %%
def one_hot_bigrams():
    """X: one-hot rows of the first characters (228,146 x 27), y: the next characters, and the vocabulary."""
    names = nn.datasets.load_names()
    vocab = CharVocab(names)
    firsts, nexts = [], []
    for name in names:
        ids = vocab.encode(name)
        firsts += ids[:-1]
        nexts += ids[1:]
    return ag.eye(len(vocab))[firsts], ag.tensor(nexts), vocab


# %% [markdown]
# ## Full-batch gradient descent
#
# Every step uses all 228,146 bigrams: the loss is the model's exact mean NLL, the
# number lesson 27 computed from counts. The learning rate is large (50) because the
# gradient of each weight is averaged over so many bigrams that it is tiny.


# %%
def train_bigram_network(steps=300, lr=50.0, seed=0):
    """Returns (layer, losses per step, X, y, vocabulary)."""
    X, y, vocab = one_hot_bigrams()
    ag.manual_seed(seed)
    layer = nn.Linear(len(vocab), len(vocab), bias=False)  # logits = x W^T: row a of W^T scores what follows a
    nn.init.normal_(layer.weight)
    optimizer = nn.optim.SGD(layer.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    for _ in range(steps):
        loss = loss_fn(layer(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    with ag.no_grad():
        losses.append(loss_fn(layer(X), y).item())  # the loss after the last step
    return layer, losses, X, y, vocab


def learned_table(layer):
    """P_net[a, b] = softmax over b of the scores of a: exp(W^T) normalised row by row."""
    with ag.no_grad():
        return F.softmax(layer.weight.T, axis=1).numpy()


def count_table(X, y, size):
    """P_count[a, b] = N[a, b] / sum_b N[a, b], with N = X^T one-hot(y) (lesson 27's counting)."""
    with ag.no_grad():
        counts = X.T @ ag.eye(size)[y]
        return (counts / counts.sum(axis=1, keepdims=True)).numpy()


# %% [markdown]
# ## Run it, and put the learned table beside the counts


# %%
def plot_tables(p_count, p_net, vocab, save):
    """The two 27 x 27 probability tables side by side, one colour scale (colour bar)."""
    from viz import plots

    fig = plots.figure(13, 6.2)
    axes = fig.subplots(1, 2)
    vmax = max(p_count.max(), p_net.max())
    titles = ["counted: N[a, b] / sum_b N[a, b]  (lesson 27)", "learned: softmax of the weights W (this lesson)"]
    for ax, table, title in zip(axes, (p_count, p_net), titles):
        image = ax.imshow(table, cmap="Blues", vmin=0, vmax=vmax)
        ax.set_xticks(range(len(vocab)), vocab.itos)
        ax.set_yticks(range(len(vocab)), vocab.itos)
        ax.set_xlabel("next character b")
        ax.set_title(title)
    axes[0].set_ylabel("current character a ('.' = start)")
    fig.colorbar(image, ax=axes, label="P(b | a)", shrink=0.8)
    return plots.finish(fig, save)


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "28_bigram_network")
steps = fast_or(300, 100)
layer, losses, X, y, vocab = train_bigram_network(steps=steps)
for k in sorted({0, 10, 50, 100, 200, steps}):
    if k <= steps:
        print(f"  step {k:>3}: training loss {losses[k]:.4f}")
gap = losses[-1] - COUNT_MODEL_NLL
tol = fast_or(0.01, 0.03)
print(f"count model: {COUNT_MODEL_NLL:.4f} nats; network after {steps} steps: {losses[-1]:.4f} (gap {gap:.4f})")
check(f"the network's loss, within {tol} of the count model", losses[-1], COUNT_MODEL_NLL, tol=tol,
      source="count model (lesson 27)")  # fmt: skip

# %%
p_count, p_net = count_table(X, y, len(vocab)), learned_table(layer)
print(f"largest difference between the two probability tables: {np.abs(p_count - p_net).max():.4f}")
picture(plot_tables, p_count, p_net, vocab, save=out / "learned_vs_counted.png")
done(out)
