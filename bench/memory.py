"""Memory of the MLP training step (bench/mlp_step.py): no growth over steps, and close to NumPy's.

Two questions, each answered in fresh processes (so one run cannot inherit
another's peak):

1. Does memory grow with the number of steps? (A graph kept alive by a stray
   reference, gradients accumulated into a list... would show here.)
   The peak after 1000 steps must equal the peak after 10, within 5%, measured
   two ways: ``tracemalloc`` (every NumPy array and Python object allocated
   after setup) and the process's peak resident memory (``ru_maxrss``).
   Both runs first take the same ``--warmup`` steps (500) untraced: CPython
   keeps up to 2000 freed tuples of each length for reuse (its free lists),
   memory that tracemalloc counts as in use; they fill over the first few
   hundred steps (about +190 KiB here, flat from step 1000 to 2000) and would
   otherwise read as growth.
2. Is the engine's process peak within 1.2x of the hand-written NumPy step's
   process (which imports only NumPy)?

It also reports, per step of the long untraced run, the page faults (fresh
pages taken from the kernel) and the CPU time in the process and in the
kernel: what each step costs when it runs alone, as in a training script.

Run: ``python bench/memory.py [--steps 1000] [--batch-size 128]``
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(contender, steps, batch_size, trace, warmup):
    """Run ``steps`` training steps; print peak memory as JSON (runs in its own process)."""
    sys.path.insert(0, str(HERE))
    import mlp_step
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch_size, mlp_step.SIZES[0]), dtype=np.float32)
    y = rng.integers(0, mlp_step.SIZES[-1], batch_size)
    if contender == "engine":
        step, _ = mlp_step.engine_step("cpu", x, y)
    else:  # weights drawn here, so this process never imports the engine
        weights = []
        for n_in, n_out in zip(mlp_step.SIZES[:-1], mlp_step.SIZES[1:]):
            bound = 1 / np.sqrt(n_in)
            weights += [rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32)]
            weights += [rng.uniform(-bound, bound, n_out).astype(np.float32)]
        step = mlp_step.numpy_step(np, weights, x, y)
    for _ in range(warmup):
        step()
    if trace:
        tracemalloc.start()
    before = resource.getrusage(resource.RUSAGE_SELF)
    for _ in range(steps):
        step()
    after = resource.getrusage(resource.RUSAGE_SELF)
    traced_peak = tracemalloc.get_traced_memory()[1] if trace else None
    print(
        json.dumps(
            {
                "maxrss_kib": after.ru_maxrss,
                "traced_peak": traced_peak,
                # per step: fresh pages taken from the kernel, and the CPU time in the process and in the kernel
                "page_faults": (after.ru_minflt - before.ru_minflt) / steps,
                "user_ms": (after.ru_utime - before.ru_utime) * 1e3 / steps,
                "system_ms": (after.ru_stime - before.ru_stime) * 1e3 / steps,
            }
        )
    )


def measure(contender, steps, batch_size, trace, warmup):
    cmd = [sys.executable, __file__, "--child", contender, "--steps", str(steps), "--batch-size", str(batch_size)]
    cmd += ["--warmup", str(warmup)]
    if trace:
        cmd.append("--trace")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--few", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--warmup", type=int, default=500, help="untraced steps first, in every run")
    parser.add_argument("--child", choices=["engine", "numpy"])
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.steps, args.batch_size, args.trace, args.warmup)
        return

    sys.path.insert(0, str(HERE))
    import common

    print(f"memory: mlp_step, batch {args.batch_size}, cpu, {args.warmup} warm-up steps\n{common.machine_info()}")
    ok = True
    results, per_step = {}, {}
    for contender in ("engine", "numpy"):
        for trace in (True, False):
            few = measure(contender, args.few, args.batch_size, trace, args.warmup)
            many = measure(contender, args.steps, args.batch_size, trace, args.warmup)
            key = "traced_peak" if trace else "maxrss_kib"
            scale = 1 / 2**20 if trace else 1 / 1024
            growth = many[key] / few[key]
            results[(contender, key)] = many[key]
            if not trace:
                per_step[contender] = many
            within = growth <= 1.05
            ok &= within or contender != "engine"
            label = "tracemalloc peak" if trace else "process peak (ru_maxrss)"
            print(
                f"  {contender:<6} {label:<25} {args.few:>4} steps {few[key] * scale:7.2f} MiB   "
                f"{args.steps} steps {many[key] * scale:7.2f} MiB   ratio {growth:.3f}"
                + ("" if contender != "engine" else f"  (target <= 1.05: {'ok' if within else 'FAIL'})")
            )
    for contender in ("engine", "numpy"):
        r = per_step[contender]
        print(
            f"  {contender:<6} per step, alone in its process ({args.steps} steps): {r['page_faults']:6.1f} page faults, "
            f"CPU {r['user_ms']:.2f} ms user + {r['system_ms']:.2f} ms system"
        )
    for key, label in (("maxrss_kib", "process peak"), ("traced_peak", "tracemalloc peak")):
        ratio = results[("engine", key)] / results[("numpy", key)]
        within = ratio <= 1.2 or key == "traced_peak"
        ok &= within
        target = "  (target <= 1.2: " + ("ok)" if within else "FAIL)") if key == "maxrss_kib" else ""
        print(f"  engine/numpy {label}: {ratio:.3f}{target}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
