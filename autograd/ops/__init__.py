"""The differentiable ops, grouped by kind; each op's forward and backward sit together.

The public functions are gathered in ``autograd.functional`` (imported as ``F``).
"""
