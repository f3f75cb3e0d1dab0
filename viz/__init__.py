"""viz: computation-graph pictures, step-by-step backprop, plots (being written)."""
