"""Embedding lookup ``y = W[i]`` and its backward, a scatter-add into the rows that were read.

An embedding is a table W with one row per token; looking up the indices i
(any shape) gives y[..., :] = W[i[...], :]. It is the same as multiplying a
one-hot vector by W, without building the one-hots. A row read twice (the same
letter twice in a name) receives the sum of both gradients.
"""

from ..function import Function
from ._util import constant
from .indexing import IndexAdd


class Embedding(Function):
    """y = W[i]  ->  dL/dW = zeros, with dL/dy[k] added to row i_k (summed over repeats);
    the row ``padding_idx`` gets no gradient (it stays what it was)."""

    name = "embedding"

    def forward(self, weight, indices=None, padding_idx=None):
        self.indices, self.padding_idx, self.weight_shape = indices, padding_idx, weight.shape
        return weight[indices]

    def backward(self, grad):
        if self.padding_idx is not None:  # positions that read the padding row send nothing back
            keep = (self.indices != self.padding_idx)[..., None].astype(grad.dtype)
            grad = grad * constant(keep, grad)
        return IndexAdd.apply(grad, index=self.indices, shape=self.weight_shape)

    def describe(self):
        return {} if self.padding_idx is None else {"padding_idx": self.padding_idx}


def check_indices(indices, num_embeddings, who):
    """Raise a clear error unless ``indices`` (an array) are integers in [0, num_embeddings)."""
    if indices.dtype.kind not in "iu":
        raise TypeError(
            f"{who}: expects integer indices (one token number per position), got dtype {indices.dtype}. "
            f"Convert them first, e.g. x.long(), or pass the token numbers rather than their values."
        )
    if indices.size:
        low, high = int(indices.min()), int(indices.max())
        if low < 0:
            raise IndexError(
                f"{who}: index {low} is negative; indices must be in [0, num_embeddings={num_embeddings}). "
                f"Map each token to its number in the vocabulary (0 ... {num_embeddings - 1}) first."
            )
        if high >= num_embeddings:
            raise IndexError(
                f"{who}: index {high} is out of range for num_embeddings={num_embeddings} (indices must be "
                f"0 ... {num_embeddings - 1}). Make num_embeddings the vocabulary size (at least {high + 1})."
            )


def embedding(input, weight, padding_idx=None):
    """y = weight[input]: the rows of ``weight`` (num_embeddings, embedding_dim) named by the integer ``input``.

    Output shape: input.shape + (embedding_dim,). As ``torch.nn.functional.embedding``.
    """
    if weight.ndim != 2:
        raise ValueError(f"embedding: weight must be 2-D (num_embeddings, embedding_dim), got shape {weight.shape}")
    check_indices(input.data, weight.shape[0], "embedding")
    if padding_idx is not None and padding_idx < 0:
        padding_idx += weight.shape[0]
    if input._backend is not weight._backend:  # token numbers usually come from the CPU: send them along
        input = input.to(weight.device)
    return Embedding.apply(weight, indices=input.data, padding_idx=padding_idx)
