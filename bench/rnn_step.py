"""One training step of lesson 30's GRU language model (worked example R5): this engine vs PyTorch, CPU.

The model: Embedding(27, 16) -> GRU(16, 64, batch_first) -> Linear(64, 27); a
step is forward over a batch of 32 sequences of 16 characters, cross-entropy
over every position, backward through time, AdamW (lr 0.005), float32.

* ``engine``: the lesson's model, written with ``nn.Embedding``, ``nn.GRU``,
  ``nn.Linear``, ``nn.CrossEntropyLoss`` and ``nn.optim.AdamW``;
* ``torch``:  the same model in PyTorch, from the same initial weights.

The first step's losses are checked to agree before anything is timed. Both run
single-threaded unless OMP_NUM_THREADS / OPENBLAS_NUM_THREADS say otherwise
(set them before starting: BLAS reads them once): the matrices are tiny, and on
a shared machine extra threads only wait for each other.

Run: ``python bench/rnn_step.py [--in-process] [--repeats 100] [--seq-len 16] [--batch-size 32]``
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before NumPy and PyTorch load their BLAS

import common  # noqa: E402
import numpy as np  # noqa: E402

VOCAB, EMBED, HIDDEN, LR = 27, 16, 64, 5e-3


def build(nn):
    """The R5 model from ``nn`` (this project's) or ``torch.nn``: the same names and parameter order."""

    class CharGRU(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(VOCAB, EMBED)
            self.rnn = nn.GRU(EMBED, HIDDEN, batch_first=True)
            self.head = nn.Linear(HIDDEN, VOCAB)

        def forward(self, x):
            return self.head(self.rnn(self.embedding(x))[0])

    return CharGRU()


def engine_step(device, x, y):
    """The engine's step and its model (whose weights the other contender copies)."""
    import autograd as ag
    import nn

    model = build(nn).to(device)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = nn.optim.AdamW(model.parameters(), lr=LR)
    x, y = ag.tensor(x, device=device), ag.tensor(y.reshape(-1), device=device)

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x).reshape(-1, VOCAB), y)
        loss.backward()
        optimizer.step()
        return loss.data

    return step, model


def torch_step(torch, device, weights, x, y):
    model = common.with_weights(torch, build(torch.nn), weights, device)
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR)
    x, y = torch.from_numpy(x).to(device), torch.from_numpy(y.reshape(-1)).to(device)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x).reshape(-1, VOCAB), y)
        loss.backward()
        optimizer.step()
        return loss.detach()

    return step


def main():
    parser = common.device_args(__doc__.splitlines()[0], batch_size=32, seq_len=16)
    args = parser.parse_args()
    if args.device != "cpu":
        raise SystemExit("rnn_step compares CPU steps (the target is PyTorch on the CPU)")
    torch = common.import_torch(args.no_torch)
    if torch is None:
        raise SystemExit("rnn_step needs PyTorch: it is the baseline")
    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    rng = np.random.default_rng(0)
    x = rng.integers(0, VOCAB, (args.batch_size, args.seq_len))
    y = rng.integers(0, VOCAB, (args.batch_size, args.seq_len))

    import autograd as ag

    ag.manual_seed(0)
    engine, model = engine_step("cpu", x, y)
    weights = [p.numpy().copy() for p in model.parameters()]
    contenders = {"engine": engine, "torch": torch_step(torch, "cpu", weights, x, y)}
    losses = {name: common._as_float(step()) for name, step in contenders.items()}
    assert abs(losses["engine"] - losses["torch"]) < 1e-4, losses
    repeats = args.repeats or 100
    title = (
        f"rnn_step: GRU language model (embedding {EMBED}, hidden {HIDDEN}), batch {args.batch_size}, "
        f"{args.seq_len} time steps, AdamW, float32, cpu, {os.environ['OMP_NUM_THREADS']} thread(s)"
    )
    info = common.machine_info("cpu")
    if not args.alone:  # --in-process
        times = common.round_robin(contenders, repeats, args.warmup, timer=common.clock(args.clock))
        common.report(f"{title}; {common.IN_PROCESS_CAVEAT}", times, "torch", info)
        return
    if args.block < 2:
        raise SystemExit("each contender alone needs --block 2 or more")
    names = list(contenders)
    settle = not args.no_settle
    alone = common.contenders_alone(__file__, names, x, y, weights, args.clock, args.block, settle, args.pause)
    with alone as run:
        for name in names:  # each worker computes the same first loss as its in-process twin
            assert abs(run(name, "loss") - losses[name]) < 1e-5 * max(1.0, abs(losses[name])), name
        workers = common.workers_info(run, names)
        times = common.alternate(names, run, repeats, args.warmup)
    common.report(f"{title}; {common.alone_protocol(args)}", times, "torch", info + "\n" + workers)


if __name__ == "__main__":
    main()
