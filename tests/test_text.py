"""The bundled names corpus and the text helpers: vocabulary, padding, masked loss, blocks, sampling."""

from importlib import resources

import numpy as np
import pytest

import autograd as ag
import nn
from nn.text import CharVocab, next_char_batch, pack_blocks, pad_sequences, sample


def test_names_corpus_facts():
    names = nn.datasets.load_names()
    assert len(names) == 32033 and names[:2] == ["emma", "olivia"]
    assert set("".join(names)) == set("abcdefghijklmnopqrstuvwxyz")
    vocab = CharVocab(names)
    assert len(vocab) == 27 and vocab.itos[0] == "."
    assert sum(len(vocab.encode(n)) - 1 for n in names) == 228146  # bigrams with the start/end marker
    data = resources.files("nn.datasets").joinpath("data")
    assert "MIT License" in data.joinpath("names.LICENSE").read_text()  # the licence ships with the file
    names.append("x")
    assert len(nn.datasets.load_names()) == 32033  # a fresh list each call


def test_encode_decode_round_trip_and_unknown_character():
    vocab = CharVocab(["anna", "bob"])
    assert vocab.encode("bob") == [0, 2, 4, 2, 0] and vocab.encode("bob", markers=False) == [2, 4, 2]
    assert vocab.decode(vocab.encode("nab")) == "nab"
    assert vocab.decode(ag.tensor([1, 3, 0])) == "an"
    with pytest.raises(KeyError, match=r"'z' of 'zoe' is not in the vocabulary"):
        vocab.encode("zoe")


def test_pad_sequences_and_mask():
    padded, mask = pad_sequences([[1, 2, 3], [4], []], padding_value=9)
    assert padded.tolist() == [[1, 2, 3], [4, 9, 9], [9, 9, 9]]
    assert mask.tolist() == [[True, True, True], [True, False, False], [False, False, False]]


def test_padded_positions_do_not_count_in_the_loss():
    vocab = CharVocab(["ab", "abba"])
    x, y = next_char_batch(vocab, ["ab", "abba"])
    assert x.shape == y.shape == (2, 5)
    assert y.tolist()[0] == [1, 2, 0, -100, -100]
    rng = np.random.default_rng(0)
    logits = ag.tensor(rng.standard_normal((2, 5, 3)))
    loss = nn.CrossEntropyLoss()(logits.reshape(-1, 3), y.reshape(-1))
    # the same loss from the real positions only, computed by hand
    lp = logits.numpy() - np.log(np.exp(logits.numpy()).sum(-1, keepdims=True))
    yy = y.numpy()
    real = yy != -100
    by_hand = -lp[real, yy[real]].mean()
    assert loss.item() == pytest.approx(by_hand, rel=1e-12)
    assert real.sum() == 3 + 5


def test_pack_blocks_shifts_by_one():
    x, y = pack_blocks(range(11), 3)
    assert x.tolist() == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert y.tolist() == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    with pytest.raises(ValueError, match="do not fill one block"):
        pack_blocks([1, 2], 5)


class _Table(nn.Module):
    """A bigram model as a fixed table of logits: row = the current character."""

    def __init__(self, logits):
        super().__init__()
        self.logits = ag.tensor(logits)

    def forward(self, x):
        return self.logits[x]


def test_sample_greedy_and_temperature():
    vocab = CharVocab(["ab"])  # '.', 'a', 'b'
    logits = np.array([[-5.0, 2.0, 0.0], [0.0, -5.0, 2.0], [2.0, 0.0, -5.0]])  # . -> a -> b -> .
    model = _Table(logits)
    assert sample(model, vocab, num=1, greedy=True) == ["ab"]
    cold = sample(model, vocab, num=50, temperature=0.05, seed=1)
    assert cold == ["ab"] * 50  # near zero temperature: the argmax
    hot = sample(model, vocab, num=50, temperature=5.0, seed=1, max_length=8)
    assert len(set(hot)) > 5 and all(len(w) <= 8 for w in hot)
    with pytest.raises(ValueError, match="greedy=True"):
        sample(model, vocab, temperature=0)
