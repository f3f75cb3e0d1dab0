"""Scaled dot-product attention, the core of the transformer, built from engine ops.

For queries Q (..., L, E), keys K (..., S, E) and values V (..., S, Ev):

    scores  = Q K^T * scale            (..., L, S)   scale = 1 / sqrt(E) by default
    weights = softmax(scores + mask)   each query's weights over the S keys sum to 1
    out     = weights V                (..., L, Ev)

A boolean ``attn_mask`` says which keys each query may attend to (True = may,
as in PyTorch): the others get weight 0 (their scores become a number so
negative that exp gives 0). A float mask is added to the scores (-inf hides a
key). A query that may attend to no key gets output 0, as in PyTorch. ``is_causal=True`` lets query i see keys 0..i
only (a lower-triangular mask), for models that predict the next token.

Backward is the chain rule through matmul, softmax and matmul (each an engine op):

    dL/dV = weights^T dL/dout      dL/dweights = dL/dout V^T
    dL/dscores = softmax's backward of dL/dweights
    dL/dQ = dL/dscores K * scale   dL/dK = dL/dscores^T Q * scale
"""

import math

from ..tensor import Tensor
from ._util import constant
from .dropout import dropout
from .elementwise import where
from .softmax import softmax


def scaled_dot_product_attention(
    query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False
):
    """softmax(Q K^T / sqrt(E) + mask) V, as ``torch.nn.functional.scaled_dot_product_attention``.

    ``query`` (..., L, E), ``key`` (..., S, E), ``value`` (..., S, Ev); leading
    (batch, head) axes broadcast. ``attn_mask`` broadcasts to (..., L, S): bool
    (True = attend) or float (added to the scores). ``dropout_p`` drops
    attention weights (always, as PyTorch's function: pass 0.0 in evaluation).
    """
    op = "scaled_dot_product_attention"
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2:
        raise ValueError(f"{op}: query, key and value need at least 2 axes (..., L, E), got {query.shape}, {key.shape}, {value.shape}")  # fmt: skip
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise ValueError(
            f"{op}: query (..., L, E) {query.shape}, key (..., S, E) {key.shape} and value (..., S, Ev) "
            f"{value.shape} must agree on E (query and key) and S (key and value)"
        )
    if enable_gqa:
        raise ValueError(f"{op}: enable_gqa=True is not supported; repeat the key and value heads to the query's count")
    if is_causal and attn_mask is not None:
        raise ValueError(f"{op}: give attn_mask or is_causal=True, not both")
    scale = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = (query @ key.swapaxes(-2, -1)) * scale  # (..., L, S)
    xp = query.backend.xp
    if is_causal:
        length, keys = query.shape[-2], key.shape[-2]
        attn_mask = constant(xp.tril(xp.ones((length, keys), dtype=bool)), query)
    keep = None  # which (query, key) pairs may attend: a bool array, or None for all
    if attn_mask is not None:
        mask = attn_mask if isinstance(attn_mask, Tensor) else constant(xp.asarray(attn_mask), query)
        if mask.dtype == bool:
            keep = mask.data
        else:  # a float mask is added; in the scores' dtype, so a float64 mask keeps float32 scores float32
            scores = scores + (mask if mask.dtype == scores.dtype else mask.astype(scores.dtype))
            keep = scores.data > -math.inf  # a -inf in the mask hides that key
    if keep is None:
        weights = softmax(scores, axis=-1)
    else:
        # Hidden scores become a very negative number (not -inf, so no inf - inf = NaN anywhere):
        # exp gives them weight 0. A query that may see no key at all gets weights 0 and output 0, as PyTorch.
        hidden = float(xp.finfo(scores.dtype).min) / 2
        keep = constant(keep, query)
        weights = where(keep, softmax(where(keep, scores, hidden), axis=-1), 0.0)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p)
    return weights @ value
