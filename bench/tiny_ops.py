"""Per-op overhead: a chain of 1000 elementwise ops on a shape-(1,) tensor, forward and backward.

The chain alternates ``y = y + a``, ``y = y * b``, ``y = tanh(y)`` (a, b constant
tensors of shape (1,)), starting from ``x`` that requires grad, then calls
``backward()``. With one element per array the arithmetic is free, so the time
is the engine's own bookkeeping per op: creating nodes and tensors, the backward
walk, summing gradients.

Contenders, each alone in a fresh process of its own (``--in-process``: all in
this one), taking turns of ``--block`` chains in one run:

* ``engine``: this engine;
* ``torch``:  PyTorch;
* ``numpy``:  the same chain by hand in NumPy, forward values kept in a list and
  the chain rule applied in a loop (the floor: no graph, no bookkeeping).

Run: ``python bench/tiny_ops.py [--device cuda] [--ops 1000] [--repeats 50] [--in-process]``
"""

from __future__ import annotations

import common


def autograd_chain(lib, device, n_ops):
    """The chain in an autograd library: ``lib`` is this engine (``autograd``) or ``torch``.

    One function serves both because the names are the same: ``tensor``,
    ``requires_grad``, ``ones_like``, ``tanh()``, ``backward()``, ``.grad``.
    """
    x = lib.tensor([0.3], requires_grad=True, device=device)
    a = lib.tensor([0.5], device=device)
    b = lib.tensor([0.9], device=device)
    one = lib.ones_like(x)

    def forward():
        y = x
        for i in range(n_ops):
            k = i % 3
            if k == 0:
                y = y + a
            elif k == 1:
                y = y * b
            else:
                y = y.tanh()
        return y

    def step():
        x.grad = None
        forward().backward(one)
        return x.grad

    return forward, step


def numpy_chain(xp, n_ops):
    x = xp.asarray([0.3], dtype="float32")
    a = xp.asarray([0.5], dtype="float32")
    b = xp.asarray([0.9], dtype="float32")

    def forward():
        y, outputs = x, []
        for i in range(n_ops):
            k = i % 3
            if k == 0:
                y = y + a
            elif k == 1:
                y = y * b
            else:
                y = xp.tanh(y)
            outputs.append(y)
        return outputs

    def step():
        outputs = forward()
        grad = xp.ones_like(x)
        for i in reversed(range(n_ops)):
            k = i % 3
            if k == 1:  # d(y*b)/dy = b
                grad = grad * b
            elif k == 2:  # d tanh(y)/dy = 1 - tanh(y)^2
                grad = grad * (1.0 - outputs[i] * outputs[i])
        return grad

    return forward, step


def chain(name, device, n_ops):
    """Contender ``name``'s (forward, step), importing only the library it needs."""
    if name == "torch":
        import torch

        return autograd_chain(torch, device, n_ops)
    import autograd as ag

    if name == "engine":
        return autograd_chain(ag, device, n_ops)
    return numpy_chain(ag.get_backend(device).xp, n_ops)


def alone_contender(name, device, n_ops):
    """What a worker of ``common.alone_workers`` times: the whole chain, its forward, and the gradient to check."""
    forward, step = chain(name, device, n_ops)
    return {"step": step, "forward": forward, "loss": lambda: float(step()[0])}


def main():
    parser = common.device_args(__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=1000)
    args = parser.parse_args()
    repeats = args.repeats or 50
    torch = common.import_torch(args.no_torch)

    names = ["engine", "numpy"] + (["torch"] if torch is not None else [])
    chains = {name: chain(name, args.device, args.ops) for name in names}

    # the three must agree, or the timings compare different work
    grads = {name: float(step()[0]) for name, (_, step) in chains.items()}
    reference = grads["numpy"]
    for name, g in grads.items():
        assert abs(g - reference) <= 1e-4 * max(1.0, abs(reference)), f"{name} gradient {g} != {reference}"

    info = common.machine_info(args.device)
    if args.alone and args.device == "cpu":
        payload, settle = (args.device, args.ops), not args.no_settle
        with common.alone_workers(__file__, names, payload, args.clock, args.block, settle, args.pause) as run:
            for name in names:  # each worker computes the same gradient
                assert abs(run(name, "loss") - grads[name]) <= 1e-6 * max(1.0, abs(grads[name])), name
            info += "\n" + common.workers_info(run, names)
            total = common.alternate(names, run, repeats, args.warmup)
            forward = common.alternate(names, lambda n: run(n, "turn:forward"), repeats, args.warmup)
        protocol = common.alone_protocol(args)
    else:
        sync = common.synchronizer(args.device)
        timer = common.clock(args.clock)
        total = common.round_robin({n: s for n, (_, s) in chains.items()}, repeats, args.warmup, sync, timer)
        forward = common.round_robin({n: f for n, (f, _) in chains.items()}, repeats, args.warmup, sync, timer)
        protocol = common.IN_PROCESS_CAVEAT
    print(
        f"tiny_ops: chain of {args.ops} ops (add, mul, tanh) on shape (1,), {args.device}, {args.clock} clock; "
        f"{protocol}\n{info}"
    )
    per_op = 1e6 / args.ops
    base = common.median(total["numpy"])
    for name in chains:
        t, f = common.median(total[name]), common.median(forward[name])
        print(
            f"  {name:<7} {t * per_op:6.2f} us/op  (forward {f * per_op:5.2f} + backward {(t - f) * per_op:5.2f})"
            f"  IQR {common.spread(total[name]) * 100:4.1f}%  {t / base:5.2f}x numpy"
        )
    if torch is not None:
        ratio = common.median(total["engine"]) / common.median(total["torch"])
        paired = common.paired_ratio(total, "engine", "torch")
        print(f"  engine/torch = {ratio:.3f}, paired per round {paired:.3f}  (target: <= 1)")


if __name__ == "__main__":
    main()
