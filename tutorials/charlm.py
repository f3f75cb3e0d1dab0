"""The character-level language model of lessons 29 and 30 (worked examples R4, R5), and its training loop.

A name is read one character at a time, starting from the marker ``.``; at each
step the network outputs 27 scores (logits) for the next character:

    e_t = Embedding(c_t)                    a learned vector of 16 numbers per character
    h_t = recurrent step(e_t, h_(t-1))      nn.RNN, nn.GRU or nn.LSTM, 64 numbers of memory
    logits_t = W_hy h_t + b_y               scores for the next character

and the loss is the cross-entropy of the true next character, averaged over
every real character of the batch (padding is skipped with ``ignore_index``).
A held-out loss in nats per character is comparable with the count bigram's
2.454 (lesson 27): lower means the model predicts names better.
"""

import time

import numpy as np

import autograd as ag
import nn
from nn.text import CharVocab, next_char_batch

IGNORE = -100  # the target of padded positions: the loss skips it
LOSS = nn.CrossEntropyLoss(ignore_index=IGNORE)


class CharModel(nn.Module):
    """Embedding -> recurrent layer (``kind``: "RNN", "GRU" or "LSTM") -> Linear to one score per character."""

    def __init__(self, vocab_size, kind="RNN", embedding_dim=16, hidden_size=64):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.rnn = getattr(nn, kind)(embedding_dim, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, x):
        """x: (batch, T) character numbers -> logits (batch, T, vocab_size)."""
        output, _ = self.rnn(self.embedding(x))  # output stacks h_1 ... h_T
        return self.head(output)


def split_names(seed=0, held_out=0.1):
    """The names, shuffled with ``seed``, as (training names, held-out names, vocabulary)."""
    names = nn.datasets.load_names()
    np.random.default_rng(seed).shuffle(names)
    n_held = int(len(names) * held_out)
    return names[n_held:], names[:n_held], CharVocab(names)


def sequence_loss(model, x, y):
    """Mean cross-entropy over the real (not padded) positions of a batch."""
    logits = model(x)
    return LOSS(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))


def held_out_loss(model, names, vocab, batch_size=512):
    """Nats per character over every character (end marker included) of ``names``, without training."""
    total, count = 0.0, 0
    model.eval()
    with ag.no_grad():
        for start in range(0, len(names), batch_size):
            x, y = next_char_batch(vocab, names[start : start + batch_size], IGNORE)
            n = int((y.numpy() != IGNORE).sum())
            total += sequence_loss(model, x, y).item() * n
            count += n
    model.train()
    return total / count


def train(kind, steps, train_names, vocab, batch_size=32, lr=5e-3, seed=0, log_every=100):
    """AdamW on random batches of ``batch_size`` names; returns (model, curve of smoothed training loss)."""
    ag.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = CharModel(len(vocab), kind)
    optimizer = nn.optim.AdamW(model.parameters(), lr=lr)
    curve, window, started = [], [], time.perf_counter()
    for step in range(1, steps + 1):
        batch = [train_names[i] for i in rng.integers(0, len(train_names), batch_size)]
        x, y = next_char_batch(vocab, batch, IGNORE)
        loss = sequence_loss(model, x, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        window.append(loss.item())
        if step % log_every == 0 or step == steps:
            curve.append((step, float(np.mean(window))))
            window = []
    model.seconds = time.perf_counter() - started  # a plain attribute: how long training took
    return model, curve


def at_most(what, value, threshold):
    """Print a loss beside the bar it must stay under (``value <= threshold``); raise if it does not."""
    from common import BarNotMet

    ok = float(value) <= float(threshold)
    print(f"  {'ok ' if ok else 'BAD'} {what}: {float(value):.4f} (bar: <= {float(threshold):g})")
    if not ok:
        raise BarNotMet(f"{what} is {float(value):.4f}, above the bar of {float(threshold):g}")
    return ok
