"""The differentiable ops, grouped by kind; each op's forward and backward sit together.

The public functions are gathered in ``autograd.functional`` (imported as ``F``).
Where to read an op:

* numbers in, numbers out: ``arithmetic`` (+ - * / **), ``elementwise`` (exp, log, sqrt, abs, sin,
  cos, clip, maximum, where), ``trig`` (tan, asin, atan2, sinh...), ``exp_log`` (exp2, log1p, erf,
  logaddexp...), ``rounding`` (floor, round, sign: zero gradient; fmod, %), ``logical`` (isnan, &, |)
* activations: ``activations`` (relu, sigmoid, tanh...), ``smooth_activations`` (gelu, silu, mish,
  selu...), ``hard_activations`` (hardtanh, relu6, hardswish, rrelu), ``softmax``, ``dropout``
* reductions and scans: ``reductions`` (sum, mean, var, max...; ``torch_reductions`` gives them
  PyTorch's argument names), ``scans`` (cumsum, cumprod, cummax, prod), ``sorting`` (sort, topk, median)
* moving values: ``shape`` (reshape, transpose), ``indexing`` (x[...], cat, stack), ``rearrange``
  (flip, roll, repeat, split, tril...), ``gather`` (gather, scatter, masked_fill, one_hot), ``padding``
* products: ``linalg`` (matmul, linear), ``einsum``, ``torch_aliases`` (mm, dot, outer, norm...)
* images and sequences: ``conv``, ``conv_transpose``, ``fold``, ``pool``, ``adaptive_pool``, ``unpool``,
  ``interpolate``, ``norm`` (batch/layer/group norm), ``attention``, ``embedding``, ``nll``;
  ``windows`` holds their sliding windows and ``reference`` loop versions to read and test against
"""
