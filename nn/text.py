"""Text to numbers and back, for character-level language models (worked examples R2-R5).

A language model predicts each character from the ones before it. Every word is
framed by a marker, ``.``, that stands for "start" before it and "end" after
it: ``emma`` is read as ``. e m m a .``, giving the pairs (input -> target)
``. -> e``, ``e -> m``, ``m -> m``, ``m -> a``, ``a -> .``.

>>> vocab = CharVocab(["emma", "ava"])
>>> vocab.itos                       # index -> character; 0 is the marker
['.', 'a', 'e', 'm', 'v']
>>> vocab.encode("emma")
[0, 2, 3, 3, 1, 0]
>>> vocab.decode([2, 3, 3, 1, 0])
'emma'
>>> x, y = next_char_batch(vocab, ["ava", "emma"])
>>> x.tolist()                       # inputs: marker + word, padded with the marker
[[0, 1, 4, 1, 0], [0, 2, 3, 3, 1]]
>>> y.tolist()                       # targets: word + marker, padded with ignore_index
[[1, 4, 1, 0, -100], [2, 3, 3, 1, 0]]

``nn.CrossEntropyLoss(ignore_index=-100)`` (its default) then skips the padded
positions, so a short word in a batch of long ones counts only its own characters.
"""

import numpy as np

import autograd as ag

__all__ = ["CharVocab", "next_char_batch", "pack_blocks", "pad_sequences", "sample"]


class CharVocab:
    """The characters of a corpus, numbered: index 0 is the start/end ``marker``, then the characters sorted.

    ``stoi`` maps character -> index, ``itos`` index -> character; ``len(vocab)``
    is the number of symbols (27 for the names: ``.`` and a-z).
    """

    def __init__(self, texts, marker="."):
        chars = sorted(set("".join(texts)) - {marker})
        self.marker = marker
        self.itos = [marker, *chars]
        self.stoi = {c: i for i, c in enumerate(self.itos)}

    def __len__(self):
        return len(self.itos)

    def encode(self, text, markers=True):
        """The indices of ``text``'s characters, with the marker before and after (``markers=True``)."""
        try:
            ids = [self.stoi[c] for c in text]
        except KeyError as e:
            raise KeyError(
                f"CharVocab.encode: character {e.args[0]!r} of {text!r} is not in the vocabulary "
                f"({''.join(self.itos)!r}); build the vocabulary from text that contains it"
            ) from None
        return [0, *ids, 0] if markers else ids

    def decode(self, indices):
        """The text of ``indices`` (a list, array or Tensor), markers removed."""
        if isinstance(indices, ag.Tensor):
            indices = indices.tolist()
        return "".join(self.itos[int(i)] for i in indices if int(i) != 0)

    def __repr__(self):
        return f"CharVocab({len(self)} symbols: {''.join(self.itos)!r})"


def pad_sequences(sequences, padding_value=0):
    """Lists of different lengths -> ``(padded, mask)``: an int64 Tensor (batch, longest) and a bool mask.

    ``mask[b, t]`` is True where sequence b has a real element at position t,
    False where ``padding_value`` fills it up.
    """
    sequences = [list(s) for s in sequences]
    longest = max((len(s) for s in sequences), default=0)
    padded = np.full((len(sequences), longest), padding_value, dtype=np.int64)
    mask = np.zeros((len(sequences), longest), dtype=bool)
    for b, s in enumerate(sequences):
        padded[b, : len(s)] = s
        mask[b, : len(s)] = True
    return ag.tensor(padded), ag.tensor(mask)


def next_char_batch(vocab, words, ignore_index=-100):
    """Inputs and targets for next-character prediction: ``x = . w_1 ... w_n``, ``y = w_1 ... w_n .``.

    Returns two int64 Tensors of shape (batch, longest word + 1). Inputs are
    padded with the marker (any valid index would do: those positions are not
    scored), targets with ``ignore_index``, which the loss skips.
    """
    encoded = [vocab.encode(w) for w in words]
    x, _ = pad_sequences([e[:-1] for e in encoded], padding_value=0)
    y, _ = pad_sequences([e[1:] for e in encoded], padding_value=ignore_index)
    return x, y


def pack_blocks(indices, block_size):
    """One long stream of indices cut into fixed blocks: ``x[i]`` = block i, ``y[i]`` = the same shifted by one.

    No padding: every position is scored. Returns int64 Tensors (blocks, block_size);
    the tail that does not fill a block is dropped.
    """
    stream = np.asarray(indices, dtype=np.int64)
    n = (len(stream) - 1) // block_size
    if n < 1:
        raise ValueError(f"pack_blocks: {len(stream)} indices do not fill one block of {block_size} (+1 for y)")
    x = stream[: n * block_size].reshape(n, block_size)
    y = stream[1 : n * block_size + 1].reshape(n, block_size)
    return ag.tensor(x), ag.tensor(y)


def sample(model, vocab, num=1, temperature=1.0, greedy=False, max_length=30, seed=0):
    """Generate ``num`` words from a model that maps inputs (batch, T) to logits (batch, T, len(vocab)).

    Start from the marker; at each step take the logits of the last position and
    pick the next character: the most likely one (``greedy=True``), or a draw from
    softmax(logits / temperature) (below 1: safer, more common names; above 1:
    more surprising). A word ends when the marker is drawn, or at ``max_length``.
    The whole prefix is fed again at each step: simple, and fast enough for names.
    """
    if temperature <= 0 and not greedy:
        raise ValueError(f"sample: temperature must be > 0 (got {temperature}); use greedy=True for the argmax")
    rng = np.random.default_rng(seed)
    seqs = np.zeros((num, 1), dtype=np.int64)
    finished = np.zeros(num, dtype=bool)
    with ag.no_grad():
        for _ in range(max_length):
            logits = model(ag.tensor(seqs))[:, -1, :].numpy().astype(np.float64)
            if greedy:
                nxt = logits.argmax(axis=1)
            else:
                z = logits / temperature
                p = np.exp(z - z.max(axis=1, keepdims=True))
                p /= p.sum(axis=1, keepdims=True)
                nxt = np.array([rng.choice(len(vocab), p=row) for row in p])
            nxt[finished] = 0
            seqs = np.concatenate([seqs, nxt[:, None]], axis=1)
            finished |= nxt == 0
            if finished.all():
                break
    words = []
    for row in seqs[:, 1:]:
        end = np.flatnonzero(row == 0)
        words.append(vocab.decode(row[: end[0]] if end.size else row))
    return words
