"""``viz.trace``'s table: fitted to the terminal's width as text, an HTML table in a notebook.

Cells that do not fit their column wrap onto more lines (at most ``MAX_LINES``,
the rest elided with "..."), so a row is never wider than the terminal.
"""

from __future__ import annotations

import html
import shutil
import sys
import textwrap

from . import values as V

HEADER = ("step", "op", "upstream", "local rule, numbers plugged in", "sent to", "check")
MAX_LINES = 4
#: steps beyond which the trace does not run the numerical checks (each reruns an op's forward)
CHECK_UP_TO = 1000


def in_notebook():
    """True inside a Jupyter (IPython) kernel, where objects display as rich output."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def rows(steps):
    """One row of cells per gradient sent (a step without any gives one row)."""
    loss = steps.loss_name
    run_checks = len(steps) <= CHECK_UP_TO
    out = []
    for step in steps:
        up = f"d{loss}/d{step.op.output.name} = {V.text(step.grad_output)}"
        checks = {c.slot: c for c in step.checks} if run_checks else {}
        for j, s in enumerate(step.sent):
            sent = f"{s.tensor.name}: {V.text(s.grad)}"
            if s.complete and s.uses > 1:
                sent += f"  ({s.sum_text(loss)})"
            check = checks.get(s.slot)
            verdict = "-" if check is None else _verdict(check)
            first = j == 0
            out.append(
                (str(step.index) if first else "", step.op.name if first else "", up if first else "", s.rule, sent,
                 verdict)
            )  # fmt: skip
        if not step.sent:
            out.append((str(step.index), step.op.name, up, "(no input needs a gradient)", "", ""))
    return out


def _verdict(check):
    if check.agree is None:
        return "not checked: " + check.note
    word = "agrees" if check.agree else "DISAGREES"
    return f"{word} (error {check.max_error:.1e})"


def fit_widths(natural, width, minimum=6):
    """Column widths that fit ``width`` characters (2 between columns): the widest shrink first."""
    widths = list(natural)
    room = width - 2 * (len(widths) - 1)
    while sum(widths) > room:
        k = max(range(len(widths)), key=lambda i: widths[i])
        if widths[k] <= minimum:
            break
        widths[k] -= 1
    return widths


def _wrap(cell, w):
    lines = textwrap.wrap(cell, w, break_long_words=True, break_on_hyphens=False) or [""]
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1][: max(0, w - 3)] + "..."
    return lines


def text_table(steps, width=None):
    """The table as text no wider than ``width`` (default: the terminal's width, 100 when unknown)."""
    width = width or shutil.get_terminal_size((100, 24)).columns
    body = rows(steps)
    natural = [max(len(r[i]) for r in [HEADER, *body]) for i in range(len(HEADER))]
    widths = fit_widths(natural, width)
    lines = []
    for k, row in enumerate([HEADER, *body]):
        cells = [_wrap(c, w) for c, w in zip(row, widths)]
        for n in range(max(len(c) for c in cells)):
            parts = [(c[n] if n < len(c) else "").ljust(w) for c, w in zip(cells, widths)]
            lines.append("  ".join(parts).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def html_table(steps):
    """The table as HTML (every name and number escaped), for notebooks."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADER)
    body = []
    for row in rows(steps):
        cells = []
        for i, c in enumerate(row):
            style = ""
            if i == len(row) - 1 and c.startswith("DISAGREES"):
                style = ' style="color:#b00020;font-weight:bold"'
            cells.append(f"<td{style}>{html.escape(c)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    caption = html.escape(f"Backward pass of {steps.loss_name}, step by step ({len(steps)} steps)")
    return (
        '<table class="teachgrad-trace" style="border-collapse:collapse;font-family:monospace;font-size:12px;'
        'text-align:left"><caption style="text-align:left;font-weight:bold">' + caption + "</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


class Trace:
    """What ``viz.trace`` returns: the steps (a sequence; ``.steps`` is the ``BackpropSteps``) and their table.

    ``str(trace)`` / ``trace.text()`` is the terminal table; in a notebook it
    displays as an HTML table.
    """

    def __init__(self, steps, width=None):
        self.steps = steps
        self.width = width

    def __len__(self):
        return len(self.steps)

    def __getitem__(self, i):
        return self.steps[i]

    def __iter__(self):
        return iter(self.steps)

    def grad(self, tensor):
        """The gradient this backward pass gave ``tensor`` (see ``BackpropSteps.grad``)."""
        return self.steps.grad(tensor)

    def text(self, width=None):
        """The table as text, fitted to ``width`` (default: the terminal's)."""
        return text_table(self.steps, width or self.width)

    def html(self):
        """The table as HTML."""
        return html_table(self.steps)

    def __str__(self):
        return self.text()

    def __repr__(self):
        return f"<Trace: {len(self)} backward steps of {self.steps.loss_name}; print(it) for the table>"

    def _repr_mimebundle_(self, include=None, exclude=None, **_):
        return {"text/html": self.html(), "text/plain": repr(self)}
