"""``Embedding``: a learned vector for each token (letter, word), looked up by its number."""

import autograd as ag
import autograd.functional as F
from autograd.ops.embedding import check_indices

from . import init
from .module import Module, Parameter

__all__ = ["Embedding"]


class Embedding(Module):
    """A table of ``num_embeddings`` learned vectors of size ``embedding_dim``: y = W[i].

    ``Embedding(num_embeddings, embedding_dim, padding_idx=None)``. The input holds
    token numbers (integers, any shape); the output adds a last axis of size
    ``embedding_dim``. Looking up row i is the same as multiplying the one-hot
    vector e_i by W (the first layer of R3's bigram network), without the zeros.
    ``weight`` (num_embeddings, embedding_dim) starts N(0, 1), as in PyTorch; the
    row ``padding_idx`` starts at zero and gets no gradient.

    >>> emb = Embedding(27, 16)
    >>> emb(ag.tensor([[0, 5, 5]])).shape
    (1, 3, 16)
    """

    def __init__(self, num_embeddings, embedding_dim, padding_idx=None, device=None, dtype=None):
        super().__init__()
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        if padding_idx is not None:
            if not -self.num_embeddings <= padding_idx < self.num_embeddings:
                raise ValueError(
                    f"Embedding: padding_idx={padding_idx} must be a row of the table, in "
                    f"[-{self.num_embeddings}, {self.num_embeddings})"
                )
            padding_idx %= self.num_embeddings
        self.padding_idx = padding_idx
        self.weight = Parameter(ag.zeros((self.num_embeddings, self.embedding_dim), dtype=dtype, device=device))
        self.reset_parameters()

    def reset_parameters(self):
        """W ~ N(0, 1); the padding row is zero."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with ag.no_grad():
                self.weight.data[self.padding_idx] = 0

    def forward(self, input):
        if not isinstance(input, ag.Tensor):
            input = ag.tensor(input)
        check_indices(input.data, self.num_embeddings, self._display_name())
        return F.embedding(input, self.weight, self.padding_idx)

    def extra_repr(self):
        pad = "" if self.padding_idx is None else f", padding_idx={self.padding_idx}"
        return f"{self.num_embeddings}, {self.embedding_dim}{pad}"
