"""Instructions per training step, counted by valgrind: a measure no other process on the machine can disturb.

Times on a shared machine move by 10-30% from run to run; the number of CPU
instructions a step executes moves far less, though not to zero: where Python
objects land in memory changes how dictionaries and sets probe, so runs of the
same code differed by up to 2% on a small 8-8-8-2 network, even with the fixed
hash seed. Compare a few runs. This counts them for each contender of
``mlp_step`` (or ``cnn_step``, ``tiny_ops``) with valgrind's callgrind tool: each contender
runs in a fresh process under valgrind twice, once with 0 and once with
``--steps`` timed steps after the same setup and warm-up, and the difference
divided by ``--steps`` is one step's count (setup and interpreter start-up cancel).

What it cannot see: time spent waiting for memory (cache misses, page
faults), which the timed benchmarks do include. Read it beside them: the
instruction ratio says what the engine's bookkeeping adds to the array work.

Run: ``python bench/instructions.py [--bench mlp_step|cnn_step|tiny_ops] [--steps 10] [--no-torch]``
(``tiny_ops``: a step is a chain of 300 ops, forward and backward; the count is given per op)
(needs ``valgrind``: ``apt-get install valgrind``; runs 50-100x slower than normal).
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TINY_OPS = 300  # ops per tiny_ops chain here (counted per op)


def child(bench_name, contender, steps, batch_size):
    """Set up all contenders, warm the one up, run ``steps`` steps (runs under valgrind)."""
    sys.path.insert(0, str(HERE))
    import common

    bench = importlib.import_module(bench_name)
    if bench_name == "tiny_ops":  # a step is one chain of TINY_OPS ops, forward and backward
        step = bench.chain(contender, "cpu", TINY_OPS)[1]
    else:
        torch = common.import_torch(contender != "torch")
        step = bench.make_contenders("cpu", batch_size, torch)[contender]
    for _ in range(3):
        step()
    for _ in range(steps):
        step()


def count(bench_name, contender, steps, batch_size):
    """The instructions callgrind counts for the whole child process."""
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__]
    cmd += ["--child", contender, "--bench", bench_name, "--steps", str(steps), "--batch-size", str(batch_size)]
    # one hash seed: with a random one, sets and dicts lay out differently and the counts vary by a few percent
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", PYTHONHASHSEED="0")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stderr
    return int(re.search(r"Collected : (\d+)", out).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", choices=["mlp_step", "cnn_step", "tiny_ops"], default="mlp_step")
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--child", choices=["engine", "numpy", "torch", "floor"])
    args = parser.parse_args()
    batch_size = args.batch_size or {"mlp_step": 128, "cnn_step": 64, "tiny_ops": 1}[args.bench]
    if args.child:
        child(args.bench, args.child, args.steps, batch_size)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("instructions.py needs valgrind (Debian/Ubuntu: apt-get install valgrind)")

    sys.path.insert(0, str(HERE))
    import common

    contenders = ["engine", "numpy"] + ([] if args.no_torch else ["torch"])
    contenders += ["floor"] if args.bench == "mlp_step" else []  # mlp_step's featureless Python engine
    tiny = args.bench == "tiny_ops"
    what = f"chains of {TINY_OPS} ops" if tiny else f"steps, batch {batch_size}"
    print(f"instructions per {'op' if tiny else 'step'}: {args.bench}, cpu, one thread, {args.steps} {what}")
    print(common.machine_info())
    per_step = {}
    for name in contenders:
        per_step[name] = (
            count(args.bench, name, args.steps, batch_size) - count(args.bench, name, 0, batch_size)
        ) / args.steps
    for name, n in per_step.items():
        amount = f"{n / TINY_OPS:8.0f} instructions per op" if tiny else f"{n / 1e6:8.2f} million instructions per step"
        print(f"  {name:<7} {amount}  {n / per_step['numpy']:.3f}x numpy")


if __name__ == "__main__":
    main()
