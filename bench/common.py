"""Timing helpers shared by the benchmarks: round-robin alternation, medians, machine info.

Contenders are timed in turns (A, B, C, A, B, C, ...) rather than one after the
other, so a slow minute of the machine (another process, a thermal dip) costs
every contender alike and the ratios taken in one run stay honest. The start of
each round rotates, so no contender always runs right after the same other one.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib
import multiprocessing
import os
import platform
import statistics
import sys
import time
from pathlib import Path

# the benchmarks run from a checkout, without installing the package
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def device_args(description, **batch_defaults):
    """An argument parser with ``--device cpu|cuda``, ``--repeats`` and one option per batch setting."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--repeats", type=int, default=None, help="timed rounds per contender")
    parser.add_argument("--warmup", type=int, default=3, help="untimed rounds first")
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    parser.add_argument(
        "--alone",
        action="store_true",
        help="run each contender in a fresh process of its own, BLOCK steps back to back per turn "
        "(the first untimed), as a training script runs; CPU only",
    )
    parser.add_argument("--block", type=int, default=10, help="steps per turn with --alone (default 10)")
    parser.add_argument(
        "--no-settle",
        action="store_true",
        help="with --alone: leave each worker's malloc as a fresh training script has it (no 16 MiB "
        "array freed at start-up, see _settle_allocator)",
    )
    parser.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="wall: elapsed time (the honest one); cpu: this process's CPU time, steadier on a "
        "busy machine but blind to waiting (use only to compare single-threaded runs)",
    )
    for name, default in batch_defaults.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=default)
    return parser


def synchronizer(device):
    """A function that waits for the device (NumPy, CuPy and torch CUDA queues); no-op on cpu."""
    if device != "cuda":
        return lambda: None
    import cupy

    def sync():
        cupy.cuda.Device().synchronize()
        torch = sys.modules.get("torch")
        if torch is not None and torch.cuda.is_available():
            torch.cuda.synchronize()

    return sync


def clock(name):
    """The timer for ``--clock``: ``time.perf_counter`` (wall) or ``time.process_time`` (cpu)."""
    return time.process_time if name == "cpu" else time.perf_counter


def round_robin(contenders, repeats, warmup=3, sync=lambda: None, timer=time.perf_counter):
    """Time each ``contenders[name]()`` ``repeats`` times, in alternation; seconds per call.

    Returns ``{name: [seconds, ...]}``. ``sync`` is called before starting and
    before stopping each clock, so queued GPU work is counted where it belongs.
    """

    def turn(name):
        sync()
        start = timer()
        contenders[name]()
        sync()
        return [timer() - start]

    return alternate(list(contenders), turn, repeats, warmup)


def alternate(names, turn, repeats, warmup):
    """Give each contender ``repeats`` turns in rotation; ``turn(name)`` runs one and returns its times.

    The first ``warmup`` rounds are not kept. Returns ``{name: [seconds, ...]}``.
    """
    for _ in range(warmup):
        for name in names:
            turn(name)
    times = {name: [] for name in names}
    for r in range(repeats):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            times[name] += turn(name)
    return times


def median(values):
    return statistics.median(values)


def spread(values):
    """The interquartile range relative to the median (how noisy a contender was)."""
    q = statistics.quantiles(values, n=4)
    return (q[2] - q[0]) / statistics.median(values)


def machine_info(device="cpu"):
    """One line naming the date, machine, device and versions (for bench/README.md)."""
    import numpy as np

    parts = [
        datetime.date.today().isoformat(),
        f"{_cpu_name()}, {os.cpu_count()} cores",
        f"Python {platform.python_version()}",
        f"NumPy {np.__version__}",
    ]
    pinned = [f"{k}={os.environ[k]}" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS") if k in os.environ]
    if pinned:
        parts.append(" ".join(pinned))
    torch = sys.modules.get("torch")
    if torch is not None:
        parts.append(f"torch {torch.__version__} ({torch.get_num_threads()} threads)")
    if device == "cuda":
        import cupy

        props = cupy.cuda.runtime.getDeviceProperties(cupy.cuda.Device().id)
        parts.append(f"CuPy {cupy.__version__} on {props['name'].decode()}")
    return "; ".join(parts)


def _cpu_name():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def import_torch(skip):
    """PyTorch, or None when it is missing or left out with --no-torch."""
    if skip:
        return None
    try:
        import torch
    except ImportError:
        print("(PyTorch is not installed: its column is left out)")
        return None
    return torch


def paired_ratio(times, name, baseline):
    """The median over rounds of ``name``'s time / ``baseline``'s time in the same round.

    The two ran seconds apart, so a slow minute of the machine divides out;
    the ratio of the two medians does not have that protection.
    """
    return median([a / b for a, b in zip(times[name], times[baseline])])


def report(title, times, baseline, info, unit=1e3, unit_name="ms"):
    """Print median times, spreads and each contender's ratio to ``baseline`` (of medians, and paired)."""
    print(f"{title}\n{info}")
    base = median(times[baseline])
    for name, values in times.items():
        m = median(values)
        print(
            f"  {name:<14} {m * unit:9.3f} {unit_name}  (IQR {spread(values) * 100:4.1f}%)  {m / base:5.3f}x {baseline}"
            f"  (paired per round: {paired_ratio(times, name, baseline):5.3f}x)"
        )


def engine_training_step(model, lr, x, y, device):
    """One SGD step of ``model`` on (x, y) with softmax cross-entropy, as a learner writes it."""
    import autograd as ag
    import nn

    loss_fn = nn.CrossEntropyLoss()
    optimizer = nn.optim.SGD(model.parameters(), lr=lr)
    x, y = ag.tensor(x, device=device), ag.tensor(y, device=device)

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.data

    return step


def torch_training_step(torch, model, weights, lr, x, y, device):
    """The same step in PyTorch, starting from the engine's ``weights`` (PyTorch's layouts)."""
    with torch.no_grad():
        for p, w in zip(model.parameters(), weights):
            p.copy_(torch.from_numpy(w))
    model.to(device)
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    x, y = torch.from_numpy(x).to(device), torch.from_numpy(y).to(device)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.detach()

    return step


class Contenders(dict):
    """The contenders' step functions by name; ``setup`` is the (x, y, weights) they start from."""

    setup = None


def training_contenders(engine_step, numpy_step, torch_step, device, x, y, torch):
    """The engine, hand-written NumPy and PyTorch steps, all starting from the engine's initial weights."""
    import autograd as ag

    ag.manual_seed(0)
    engine, model = engine_step(device, x, y)
    weights = [p.numpy().copy() for p in model.parameters()]
    contenders = Contenders(engine=engine, numpy=numpy_step(ag.get_backend(device).xp, weights, x, y))
    if torch is not None:
        contenders["torch"] = torch_step(torch, device, weights, x, y)
    contenders.setup = (x, y, weights)
    return contenders


def one_contender(name, bench, x, y, weights):
    """Build only contender ``name`` of ``bench`` (a module with engine_step, numpy_step, torch_step), on the CPU.

    A process that times the NumPy step imports neither the engine nor PyTorch.
    """
    if name == "engine":
        import autograd as ag

        ag.manual_seed(0)  # the same initial weights as training_contenders draws
        return bench.engine_step("cpu", x, y)[0]
    if name == "numpy":
        import numpy as np

        return bench.numpy_step(np, weights, x, y)
    if name != "torch":  # a contender of the benchmark's own, e.g. mlp_step's floor
        return getattr(bench, f"{name}_contender")(x, y, weights)
    import torch

    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", torch.get_num_threads())))
    return bench.torch_step(torch, "cpu", weights, x, y)


@contextlib.contextmanager
def contenders_alone(bench_file, names, x, y, weights, timer_name, block, settle=True):
    """One fresh worker process per contender; yields ``run(name)``: one turn, its times back.

    A turn is ``block`` steps back to back, the first one untimed (it runs with
    the caches full of the previous contender's data). The workers take turns,
    one at a time, so they share the machine's slow minutes as in-process
    alternation does, without sharing a malloc heap: in one process, how one
    contender allocates and frees changes how often another takes fresh pages
    from the kernel.
    """
    context = multiprocessing.get_context("spawn")
    links, workers = {}, []
    for name in names:
        ours, theirs = context.Pipe()
        args = (theirs, bench_file, name, x, y, weights, timer_name, block, settle)
        worker = context.Process(target=_serve, args=args, daemon=True)
        worker.start()
        links[name] = ours
        workers.append(worker)

    def run(name, message="turn"):
        links[name].send(message)
        return links[name].recv()

    try:
        yield run
    finally:
        for link in links.values():
            link.send(None)
        for worker in workers:
            worker.join()


def _settle_allocator():
    """Free one 16 MiB array, so that glibc's malloc serves every later array from its heap.

    glibc hands arrays above its mmap threshold (128 KiB at first) fresh pages
    from the kernel, and raises the threshold to the size of the largest such
    array freed so far. Whether a step of 128x256 float32 arrays (exactly
    128 KiB) faults in fresh pages every time thus depends on what the process
    happened to free before, e.g. a float64 copy of the initial weights. After
    this call every worker starts from the same state, in which no contender
    takes fresh pages, so the timings compare the steps' own work.

    It is not the state a training script reaches by itself: a process running
    only the hand-written NumPy step still took about 600 page faults per step
    after 2000 steps (glibc trims the top of the heap that each step frees, and
    the next step faults it in again). ``--no-settle`` measures that case.
    """
    import numpy as np

    np.ones(2**22, dtype=np.float32)  # 16 MiB, allocated and freed at once


def _serve(link, bench_file, name, x, y, weights, timer_name, block, settle):
    """A worker: build one contender, then answer "loss" (one step, its loss) and "turn" (times) until None."""
    sys.path.insert(0, str(Path(bench_file).parent))
    bench = importlib.import_module(Path(bench_file).stem)
    if settle:
        _settle_allocator()
    step, timer = one_contender(name, bench, x, y, weights), clock(timer_name)
    while (message := link.recv()) is not None:
        if message == "loss":
            link.send(_as_float(step()))
            continue
        step()  # untimed: warms the caches up after the other contenders' turns
        times = []
        for _ in range(block - 1):
            start = timer()
            step()
            times.append(timer() - start)
        link.send(times)


def check_agreement(contenders):
    """The first steps' losses must agree, or the timings would compare different work."""
    losses = {name: _as_float(step()) for name, step in contenders.items()}
    reference = losses["numpy"]
    for name, value in losses.items():
        assert abs(value - reference) < 1e-3 * max(1.0, abs(reference)), f"{name} loss {value} != numpy {reference}"
    return losses


def _as_float(value):
    """A loss from any contender (NumPy or CuPy array, torch tensor) as a Python float."""
    if hasattr(value, "detach"):  # torch
        return float(value.detach().cpu())
    if hasattr(value, "get"):  # CuPy: copy to the host
        return float(value.get())
    return float(value)


def run_training_benchmark(description, make_contenders, batch_size, repeats, title, bench_file=None):
    """Parse the options, check the contenders agree, time them in turns and print the ratios.

    With ``--alone`` each contender runs in its own process (see ``contenders_alone``);
    ``bench_file`` is then the benchmark script, whose step builders the workers import.
    """
    args = device_args(description, batch_size=batch_size).parse_args()
    torch = import_torch(args.no_torch)
    contenders = make_contenders(args.device, args.batch_size, torch)
    losses = check_agreement(contenders)
    repeats = args.repeats or repeats
    if not args.alone:
        times = round_robin(contenders, repeats, args.warmup, synchronizer(args.device), clock(args.clock))
        report(
            f"{title(args)}; contenders alternate every step, in this process",
            times,
            "numpy",
            machine_info(args.device),
        )
        return
    if args.device != "cpu" or args.block < 2:
        raise SystemExit("--alone runs on the CPU, with --block 2 or more")
    x, y, weights = contenders.setup
    names = list(contenders)
    with contenders_alone(bench_file, names, x, y, weights, args.clock, args.block, not args.no_settle) as run:
        for name in names:  # the same first loss in every worker: they compute the same thing
            assert abs(run(name, "loss") - losses[name]) < 1e-5 * max(1.0, abs(losses[name])), name
        times = alternate(names, run, repeats, args.warmup)
    where = f"each contender alone in its own process, {args.block} steps per turn (the first untimed)"
    where += ", malloc as a fresh script has it" if args.no_settle else ", malloc settled (16 MiB freed first)"
    report(f"{title(args)}; {where}", times, "numpy", machine_info(args.device))
