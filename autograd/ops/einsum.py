"""``einsum``: products and sums written as index equations, e.g. ``einsum("ij,jk->ik", a, b)`` is a @ b.

Every letter is an index; letters shared by two operands are multiplied
together, and letters missing from the output are summed over. The gradient of
one operand is again an einsum: multiply the output's gradient by every *other*
operand and keep that operand's letters,

    y = einsum("ij,jk->ik", a, b)  ->  dL/da = einsum("ik,jk->ij", dL/dy, b),  dL/db = einsum("ik,ij->jk", dL/dy, a)

so the backward is differentiable too. Two details complete the rule: a letter
found only in the operand (summed away, like j in "ij->i") is copied back along
its axis (an einsum with a vector of ones), and a letter repeated in one operand
(a diagonal or trace, "ii->") puts the gradient on that diagonal (an einsum with
the identity matrix).
"""

import string

from ..function import Function
from ..tensor import Tensor


def _parse(equation, shapes):
    """Explicit subscripts: one string per operand and the output's, with '...' spelled out in letters."""
    eq = equation.replace(" ", "")
    inputs, arrow, output = eq.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"einsum: the equation {equation!r} names {len(terms)} operands, but {len(shapes)} were given")
    used = set(eq) - set(".,->")
    for ch in used:
        if ch not in string.ascii_letters:
            raise ValueError(f"einsum: subscripts must be letters, got {ch!r} in {equation!r}")
    spare = [c for c in string.ascii_letters if c not in used]
    n_ellipsis = max((len(s) - (len(t) - 3) for t, s in zip(terms, shapes) if "..." in t), default=0)
    ell = "".join(spare[:n_ellipsis])
    expanded = []
    for t, shape in zip(terms, shapes):
        if "..." in t:
            k = len(shape) - (len(t) - 3)
            t = t.replace("...", ell[n_ellipsis - k :] if k else "")
        if len(t) != len(shape):
            raise ValueError(f"einsum: subscripts {t!r} name {len(t)} dims, but that operand has shape {tuple(shape)}")
        expanded.append(t)
    if arrow:
        out = output.replace("...", ell)
    else:  # implicit output: the ellipsis dims, then the letters used once, alphabetically (NumPy's rule)
        counts = "".join(expanded)
        out = ell + "".join(sorted(c for c in set(counts) if counts.count(c) == 1 and c not in ell))
    for c in out:
        if not any(c in t for t in expanded):
            raise ValueError(f"einsum: output letter {c!r} appears in no operand of {equation!r}")
    return expanded, out


class Einsum(Function):
    """y = einsum(spec, a_1, ..., a_n)  ->  dL/da_k = einsum(out, a_others -> spec_k)(dL/dy, ...)   (see the module docstring)"""

    name = "einsum"

    def forward(self, *arrays, terms=(), out=""):
        self.terms, self.out = terms, out
        return self.backend.xp.einsum(",".join(terms) + "->" + out, *arrays, optimize=len(arrays) > 2)

    def backward(self, grad):
        return tuple(self._grad_of(k, grad) if need else None for k, need in enumerate(self.needs_input_grad))

    def describe(self):
        return {"equation": ",".join(self.terms) + "->" + self.out}

    def _grad_of(self, k, grad):
        xp = self.backend.xp
        operand = self.inputs[k]
        term = self.terms[k]
        specs, operands = [self.out], [grad]
        for j, t in enumerate(self.inputs):
            if j != k:
                specs.append(self.terms[j])
                operands.append(t)
        elsewhere = set("".join(specs))
        spare = iter(c for c in string.ascii_letters if c not in set("".join(self.terms) + self.out))
        target, seen = [], set()
        for axis, c in enumerate(term):
            size = operand.shape[axis]
            if c in seen:  # a repeated letter: the gradient sits on the diagonal (identity matrix)
                fresh = next(spare)
                specs.append(c + fresh)
                operands.append(Tensor._make(xp.eye(size, dtype=grad.dtype), self.backend, False, None))
                target.append(fresh)
                continue
            seen.add(c)
            if c not in elsewhere:  # a letter only this operand has: copy the gradient along it (ones)
                specs.append(c)
                operands.append(Tensor._make(xp.ones(size, dtype=grad.dtype), self.backend, False, None))
                elsewhere.add(c)
            target.append(c)
        g = einsum(",".join(specs) + "->" + "".join(target), *operands)
        if g.shape != operand.shape:  # the operand was broadcast (size 1) along some dims: sum those back
            axes = tuple(i for i, (m, n) in enumerate(zip(g.shape, operand.shape)) if m != n)
            g = g.sum(axis=axes, keepdims=True)
        return g


def einsum(equation, *operands):
    """Sum of products over index letters: ``einsum("bij,bjk->bik", a, b)`` is a batched matmul,
    ``einsum("ii", a)`` the trace, ``einsum("i,j->ij", u, v)`` the outer product; '...' stands for
    leading dims. Operands may also be passed as one list."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands or not all(isinstance(t, Tensor) for t in operands):
        raise TypeError("einsum: the operands must be Tensors: einsum('ij,jk->ik', a, b)")
    terms, out = _parse(equation, [t.shape for t in operands])
    try:
        return Einsum.apply(*operands, terms=tuple(terms), out=out)
    except ValueError as e:
        shapes = ", ".join(f"{t}: {tuple(o.shape)}" for t, o in zip(terms, operands))
        raise ValueError(f"einsum {equation!r}: the sizes of a shared letter disagree ({shapes}): {e}") from None
