"""The local derivative rule of an op, read from the op itself, with the numbers plugged in.

Every op class's docstring starts with its chain rule, e.g.::

    c = a * b  ->  dL/da = dL/dc * b,  dL/db = dL/dc * a

That line is the single source of the rule: nothing here keeps a second table
of derivatives that could drift from the engine. The numbers are substituted
into the text for small tensors, and the result written after them is always
the gradient the engine really computed (observed through its backward hook).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from . import values as V

_TOKEN = re.compile(r"dL/d[A-Za-z]\w*|[A-Za-z]\w*")
_INDEXED = re.compile(r"^([A-Za-z]+\d*)_[a-z]$")  # a_i, y_j: one element of a


@dataclass
class Rule:
    """A chain rule split into parts: ``forward`` ('c = a * b'), the output symbol ('c'),
    and one ``(input symbol, expression)`` per gradient part (('a', 'dL/dc * b'), ...)."""

    text: str
    forward: str = ""
    output: str = ""
    parts: list = field(default_factory=list)
    notes: list = field(default_factory=list)  # per part: the words after the formula, e.g. '(as PyTorch)'


def chain_rule(node):
    """The first line of the op's docstring: its chain rule (``node`` is an op node or op class)."""
    cls = node if isinstance(node, type) else type(node)
    doc = (cls.__doc__ or "").strip()
    return doc.splitlines()[0].strip() if doc else f"{getattr(cls, 'name', cls.__name__)} (no rule documented)"


@functools.lru_cache(maxsize=512)
def parse(text):
    """Split a rule line into its forward formula and its gradient parts (see ``Rule``; cached, never change it)."""
    rule = Rule(text)
    if "->" not in text:
        return rule
    forward, grads = (s.strip() for s in text.split("->", 1))
    rule.forward = forward
    if " = " in forward:
        rule.output = _base(forward.split(" = ", 1)[0].strip())
    for part in re.split(r",\s{2,}", grads):
        m = re.match(r"^dL/d(\S+)\s*=\s*(.+)$", part.strip())
        if m:
            expr, _, note = m.group(2).strip().partition("  (")
            rule.parts.append((_base(m.group(1)), expr.strip()))
            rule.notes.append(f"({note.strip()}" if note else "")
    return rule


def _base(symbol):
    m = _INDEXED.match(symbol)
    return m.group(1) if m else symbol


def input_symbols(rule, n_inputs):
    """The symbol of each input (``['a', 'b']``), or None where the rule does not name them one by one."""
    # a rule may name optional trailing inputs the op was called without (conv2d without a bias)
    symbols = [s for s, _ in rule.parts][:n_inputs]
    if len(symbols) == n_inputs and len(set(symbols)) == n_inputs:
        return symbols
    return None


def substitute(expr, numbers, small=V.SMALL):
    """``expr`` with each known symbol replaced by its numbers (``numbers``: symbol -> array).

    Symbols are whole tokens (``a`` in ``e^a`` but not in ``alpha``); ``dL/dc`` is one
    token; an indexed symbol ``a_i`` takes the values of ``a``. Unknown words stay as written.
    """

    def repl(m):
        tok = m.group(0)
        key = tok if tok in numbers else _base(tok)
        if key in numbers:
            return V.operand(numbers[key], small)
        return tok

    return _TOKEN.sub(repl, expr)


def backward_lines(node, grad_output, input_values, output_value, grads, small=V.SMALL):
    """One line per input that received a gradient: the rule, the numbers, the engine's result.

    e.g. ``dL/da = dL/dc * b = (-6) * 0.5 = -3`` (the last number is what backward sent).
    Where an input was broadcast, the line says the gradient was summed back to its shape.
    """
    rule = parse(chain_rule(node))
    symbols = input_symbols(rule, len(input_values))
    out_sym = rule.output or "out"
    lines = []
    for i, g in enumerate(grads):
        if g is None:
            continue
        sym = symbols[i] if symbols else f"input {i + 1}"
        result = V.text(g, small)
        if symbols:
            expr = rule.parts[i][1]
            line = f"dL/d{sym} = {expr}"
            everything_small = all(V.is_small(v, small) for v in [grad_output, output_value, *input_values])
            if everything_small:
                numbers = {f"dL/d{out_sym}": grad_output, out_sym: output_value}
                numbers.update({s: v for s, v in zip(symbols, input_values)})
                plugged = substitute(expr, numbers, small)
                if plugged.strip("()") != result:
                    line += f" = {plugged}"
            line += f" = {result}"
            if rule.notes[i]:
                line += f"   {rule.notes[i]}"
        else:
            line = f"dL/d({sym}) = {result}"
        if tuple(V.to_numpy(g).shape) != tuple(V.to_numpy(grad_output).shape) and _same_rank_or_fewer(g, grad_output):
            line += f"   (summed over the broadcast axes back to shape {V.shape_text(V.to_numpy(g).shape)})"
        lines.append(line)
    return lines


def _same_rank_or_fewer(g, out):
    """True when ``g`` could have been broadcast up to ``out`` (so the shape change is a broadcast)."""
    gs, os_ = V.to_numpy(g).shape, V.to_numpy(out).shape
    if len(gs) > len(os_):
        return False
    return all(a == b or a == 1 for a, b in zip(gs[::-1], os_[::-1]))


def symbol_names(node, input_names, output_name):
    """How the rule's symbols map to the graph's names: ``'c = E, a = t2, b = t3'`` (empty if unnamed)."""
    rule = parse(chain_rule(node))
    symbols = input_symbols(rule, len(input_names))
    if not symbols:
        return ""
    pairs = [(rule.output, output_name)] if rule.output else []
    return ", ".join(f"{s} = {n}" for s, n in pairs + list(zip(symbols, input_names)))


def forward_line(node, input_values, output_value, small=V.SMALL):
    """The op's forward formula with the input numbers plugged in: ``c = a * b = 2 * 0.5 = 1``."""
    rule = parse(chain_rule(node))
    symbols = input_symbols(rule, len(input_values))
    result = V.text(output_value, small)
    if not rule.forward:
        return f"{node.name}(...) = {result}"
    line = rule.forward
    if symbols and all(V.is_small(v, small) for v in input_values) and " = " in rule.forward:
        rhs = rule.forward.split(" = ", 1)[1]
        plugged = substitute(rhs, dict(zip(symbols, input_values)), small)
        if plugged != result:
            line += f" = {plugged}"
    return line + f" = {result}"
