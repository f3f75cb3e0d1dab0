# %% [markdown]
# # Lesson 26: the chain rule of probabilities (worked example R1, slide deck 002)
#
# A language model gives every sentence a probability. The slide writes it as a
# product, one factor per word, each conditioned on the words before it:
#
# $$P(S) = P(\text{Where}) \times P(\text{are} \mid \text{Where}) \times
#   P(\text{we} \mid \text{Where are}) \times P(\text{going} \mid \text{Where are we})$$
#
# Here a small word-level recurrent network (embedding, `nn.GRU`, linear) is trained
# on a corpus the lesson writes itself. Then each factor is read from its softmax,
# one prefix at a time, and multiplied; and the same number comes out of one pass
# over the whole sentence, by summing log-probabilities:
# $\log P(S) = \sum_t \log P(w_t \mid w_1 \ldots w_{t-1})$.
#
# Run: `python tutorials/26_chain_rule_of_probabilities.py` (`--fast`: shorter training).

# %%
import numpy as np
from common import begin, check, done, fast_or, picture

import autograd as ag
import autograd.functional as F
import nn

CORPUS = """
where are we going . where are you going . where are they going . where are we now .
where is he going . where is she going . we are going home . we are going out .
they are going home . you are going home . are we going home . are you going out .
where were we going . we were going home . where are we . he is going home .
she is going out . where is home .
"""
SENTENCE = ["where", "are", "we", "going"]
MARKER = "."  # starts every sentence (the model's first input) and ends it (its last target)

# %% [markdown]
# ## The corpus and its vocabulary
#
# Each sentence is read as `. w_1 w_2 ... w_n .`: the marker stands for "start" as an
# input and for "end" as a target. Word numbers come from a sorted vocabulary.


# %%
def sentences(corpus=CORPUS):
    """The corpus as lists of words, without the markers."""
    return [s.split() for s in corpus.split(MARKER) if s.strip()]


def vocabulary(corpus=CORPUS):
    """Word -> number, with the marker as number 0."""
    words = sorted({w for s in sentences(corpus) for w in s})
    return {w: i for i, w in enumerate([MARKER, *words])}


class WordModel(nn.Module):
    """P(next word | words so far): embedding -> GRU -> linear, softmax over the vocabulary."""

    def __init__(self, vocab_size, embedding_dim=8, hidden_size=32):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.rnn = nn.GRU(embedding_dim, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, x):
        return self.head(self.rnn(self.embedding(x))[0])


# %% [markdown]
# ## Training: predict each next word
#
# All sentences form one batch, padded to the longest; padded targets are
# `ignore_index` and the loss skips them.


# %%
def train_word_model(steps=400, seed=0):
    """Adam on the whole corpus at once; returns (model, vocabulary, final loss)."""
    vocab = vocabulary()
    encoded = [[vocab[w] for w in [MARKER, *s, MARKER]] for s in sentences()]
    x, _ = nn.text.pad_sequences([e[:-1] for e in encoded], padding_value=0)
    y, _ = nn.text.pad_sequences([e[1:] for e in encoded], padding_value=-100)
    ag.manual_seed(seed)
    model = WordModel(len(vocab))
    optimizer = nn.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    for _ in range(steps):
        loss = loss_fn(model(x).reshape(-1, len(vocab)), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model.double(), vocab, loss.item()  # float64 from here on: the checks below are exact to 1e-12


# %% [markdown]
# ## Each factor from its own prefix
#
# $P(w_t \mid w_1 \ldots w_{t-1})$: feed the marker and the words before $w_t$, take
# the softmax of the last position, read the entry of $w_t$.


# %%
def factors(model, vocab, words=SENTENCE):
    """[P(w_1), P(w_2 | w_1), ...], each from a separate forward pass over its prefix."""
    out = []
    with ag.no_grad():
        for t, word in enumerate(words):
            prefix = ag.tensor([[vocab[w] for w in [MARKER, *words[:t]]]])
            probs = F.softmax(model(prefix)[0, -1], axis=-1)
            out.append(probs[vocab[word]].item())
    return out


def one_pass_log_probability(model, vocab, words=SENTENCE):
    """log P(S) = sum_t log P(w_t | w_<t), from ONE forward pass over the whole sentence."""
    x = ag.tensor([[vocab[w] for w in [MARKER, *words[:-1]]]])
    targets = [vocab[w] for w in words]
    with ag.no_grad():
        log_probs = F.log_softmax(model(x)[0], axis=-1)  # (T, vocabulary)
        return log_probs[list(range(len(words))), targets].sum().item()


def corpus_frequency(prefix, word):
    """Of the corpus sentences that start with ``prefix``, the share whose next word is ``word``.

    The end of a sentence counts as a next word (the marker), as in the model.
    This is the count-based estimate of P(word | prefix) the network should learn.
    """
    n = len(prefix)
    following = [(s + [MARKER])[n] for s in sentences() if s[:n] == prefix]
    return following.count(word) / len(following)


def plot_factors(ps, shares, save, words=SENTENCE):
    """The four factors of P(S) side by side: the network's P(word | words before) and the corpus's share."""
    from viz import plots

    labels = [f"P({w} | {' '.join(words[:t])})" if t else f"P({w})" for t, w in enumerate(words)]
    fig = plots.figure(8, 4.2)
    ax = fig.subplots()
    at = np.arange(len(words))
    ax.bar(at - 0.2, ps, width=0.4, label="the network (softmax of its scores)", color="#4c72b0")
    ax.bar(at + 0.2, shares, width=0.4, label="the corpus (share of sentences)", color="#dd8452")
    for x, p in zip(at, ps):
        ax.annotate(f"{p:.3f}", (x - 0.2, p), ha="center", va="bottom", fontsize=9)
    ax.set_xticks(at, labels)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("probability")
    ax.set_title(f"P(S) = product of the four factors = {float(np.prod(ps)):.4f}")
    ax.legend(loc="upper left")
    ax.grid(axis="y", alpha=0.3)
    return plots.finish(fig, save)


# %% [markdown]
# ## Run it
#
# The product of the four factors equals $\exp$ of the summed log-probabilities from
# one pass. The model also learned the corpus: each factor is close to the share of
# the corpus sentences with that prefix that go on with that word (9 of 18 sentences
# start with "where", 5 of those 9 go on with "are", ...), and a scrambled sentence
# gets far less probability.


# %%
out = begin(__name__, "26_chain_rule_of_probabilities")
model, vocab, loss = train_word_model(steps=fast_or(400, 150))
print(f"Word-level GRU trained on {len(sentences())} sentences, {len(vocab)} words; final loss {loss:.4f}\n")
ps = factors(model, vocab)
conditions = ["", " | Where", " | Where are", " | Where are we"]
for word, cond, p in zip(SENTENCE, conditions, ps):
    print(f"  P({word.capitalize() if word == 'where' else word}{cond}) = {p:.6f}")
product = float(np.prod(ps))
print(f"\n  P(S) = product of the factors = {product:.6g}")

# %%
log_p = one_pass_log_probability(model, vocab)
print(f"  log P(S) summed in one pass   = {log_p:.6f}")
check("P(S): the product of the factors vs exp(summed log-probabilities)", np.exp(log_p), product,
      tol=1e-12, source="product")  # fmt: skip

# %%
shares = [corpus_frequency(SENTENCE[:t], word) for t, word in enumerate(SENTENCE)]
print("The factors against the corpus's own counts (share of sentences with the prefix that go on so):")
check("the four factors, to 0.05", ps, shares, tol=0.05, source="corpus counts")
picture(plot_factors, ps, shares, save=out / "factors.png")
scrambled = one_pass_log_probability(model, vocab, ["going", "we", "are", "where"])
print(f"  log P('going we are where') = {scrambled:.4f}  (vs {log_p:.4f} for the sentence)")
(out / "factors.txt").write_text(
    "\n".join(f"P({w}{c}) = {p:.6f}" for w, c, p in zip(SENTENCE, conditions, ps))
    + f"\nP(S) = {product:.6g}\nexp(sum of log-probabilities, one pass) = {np.exp(log_p):.6g}\n",
    encoding="utf-8",
)
done(out)
