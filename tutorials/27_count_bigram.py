# %% [markdown]
# # Lesson 27: a count-based character bigram on 32,033 names (worked example R2, deck 002)
#
# The simplest language model of names: the next character depends only on the
# current one. Count every pair (bigram) in the names, with `.` marking the start
# and the end of each name (`emma` gives `.e em mm ma a.`), and turn each row of
# counts into probabilities:
#
# $$P(b \mid a) = \frac{N[a, b]}{\sum_{b'} N[a, b']}$$
#
# The model's quality is the mean negative log-likelihood of all 228,146 bigrams, in
# nats per character: $-\frac{1}{n}\sum_i \log P(c_{i+1} \mid c_i)$. The worked example
# gives 2.4540 without smoothing and 2.4546 with add-one smoothing ($N + 1$: no pair
# gets probability zero). The counting and the loss below are engine ops.
#
# Run: `python tutorials/27_count_bigram.py`.

# %%
from common import begin, check, done, picture

import autograd as ag
import nn
from nn.text import CharVocab

SLIDE_NLL = {0: 2.4540, 1: 2.4546}  # smoothing -> nats per character (worked example R2)

# %% [markdown]
# ## Every bigram as a pair of character numbers


# %%
def bigrams(names=None):
    """(first characters, next characters) as int64 tensors, one entry per bigram, and the vocabulary."""
    names = nn.datasets.load_names() if names is None else names
    vocab = CharVocab(names)
    firsts, nexts = [], []
    for name in names:
        ids = vocab.encode(name)  # . e m m a .
        firsts += ids[:-1]
        nexts += ids[1:]
    return ag.tensor(firsts), ag.tensor(nexts), vocab


# %% [markdown]
# ## Counting with a matrix product
#
# One-hot rows (a row of the identity matrix per character) make counting a matrix
# product: $N = X^\top Y$, where row $i$ of $X$ is the one-hot of the $i$-th first
# character and row $i$ of $Y$ the one-hot of the character after it.


# %%
def count_table(firsts, nexts, size):
    """N[a, b] = how many times b follows a: one-hot(firsts)^T @ one-hot(nexts)."""
    eye = ag.eye(size, dtype="float64")
    return eye[firsts].T @ eye[nexts]


def mean_nll(counts, firsts, nexts, smoothing=0):
    """-mean log P(next | first) with P from the (smoothed) counts, row by row."""
    counts = counts + smoothing
    probs = counts / counts.sum(axis=1, keepdims=True)
    return -probs[firsts, nexts].log().mean()


# %% [markdown]
# ## The count table, as a picture


# %%
def top_pairs(counts, k):
    """The k most frequent (a, b) pairs of a count table."""
    order = counts.ravel().argsort()[::-1][:k]
    return [divmod(int(i), counts.shape[1]) for i in order]


def plot_counts(counts, vocab, save):
    """The 27 x 27 count table as a heatmap with its letters (log colour scale, with a colour bar)."""
    import numpy as np
    from matplotlib.colors import LogNorm

    from viz import plots

    fig = plots.figure(8.5, 7.5)
    ax = fig.subplots()
    image = ax.imshow(np.maximum(counts, 1), cmap="Blues", norm=LogNorm())
    ax.set_xticks(range(len(vocab)), vocab.itos)
    ax.set_yticks(range(len(vocab)), vocab.itos)
    ax.set_xlabel("next character b")
    ax.set_ylabel("current character a ('.' = start)")
    ax.set_title("Bigram counts N[a, b] over the 32,033 names")
    fig.colorbar(image, ax=ax, label="count (log scale; white: 0 or 1)")
    return plots.finish(fig, save)


# %% [markdown]
# ## Run the lesson

# %%
out = begin(__name__, "27_count_bigram")
firsts, nexts, vocab = bigrams()
print(f"{len(firsts.numpy())} bigrams over {len(vocab)} symbols: {''.join(vocab.itos)}")
check("number of bigrams", len(firsts.numpy()), 228146, tol=0, source="worked example")
counts = count_table(firsts, nexts, len(vocab))
print(f"most common bigrams: {', '.join(vocab.itos[a] + vocab.itos[b] for a, b in top_pairs(counts.numpy(), 5))}")

# %%
for smoothing, slide in SLIDE_NLL.items():
    nll = mean_nll(counts, firsts, nexts, smoothing).item()
    what = "no smoothing" if smoothing == 0 else "add-one smoothing"
    check(f"mean NLL per character, {what} (4 decimals)", round(nll, 4), slide, tol=1e-9, source="worked example")
    print(f"      (unrounded: {nll:.6f} nats)")

# %%
picture(plot_counts, counts.numpy(), vocab, save=out / "bigram_counts.png")
done(out)
