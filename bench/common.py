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
    # The default (issue 17): every contender alone in a warm process of its own, taking turns.
    # --alone is kept so that old command lines still run; --in-process is the old default.
    parser.add_argument("--alone", dest="alone", action="store_true", default=True, help=argparse.SUPPRESS)
    parser.add_argument(
        "--in-process",
        dest="alone",
        action="store_false",
        help="time all contenders in this one process, alternating every call. Caveat: they then share "
        "one malloc heap, the caches and the cores (PyTorch's OpenMP threads compete with OpenBLAS's), "
        "which slows some more than others; the default runs each alone in a fresh process of its own, "
        "BLOCK calls back to back per turn (the first untimed), as a training script runs",
    )
    parser.add_argument("--block", type=int, default=10, help="calls per turn when alone (default 10)")
    parser.add_argument(
        "--pause",
        type=float,
        default=0.3,
        help="when alone: seconds of rest before each turn (default 0.3), so that the previous contender's "
        "idle BLAS/OpenMP threads have stopped spin-waiting on the cores",
    )
    parser.add_argument(
        "--no-settle",
        action="store_true",
        help="when alone: leave each worker's malloc as a fresh training script has it (no 16 MiB "
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
    """One line naming the date, machine, load, device, versions and threads (for bench/README.md)."""
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    parts = [
        datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        f"{_cpu_name()}, {os.cpu_count()} cores, load average {load} (1, 5, 15 min)",
        f"Python {platform.python_version()}",
        threads_info(),
    ]
    pinned = [f"{k}={os.environ[k]}" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS") if k in os.environ]
    parts.append(" ".join(pinned) if pinned else "no thread variables set")
    if device == "cuda":
        import cupy

        props = cupy.cuda.runtime.getDeviceProperties(cupy.cuda.Device().id)
        parts.append(f"CuPy {cupy.__version__} on {props['name'].decode()}")
    return "; ".join(parts)


def threads_info():
    """This process's libraries and the threads each will use: NumPy with its BLAS, and torch if imported."""
    import numpy as np

    text = f"NumPy {np.__version__} with {_blas_name()} ({_blas_threads() or '?'} threads)"
    torch = sys.modules.get("torch")
    if torch is not None:
        text += f", torch {torch.__version__} ({torch.get_num_threads()} threads)"
    return text


def _blas_name():
    import numpy as np

    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas['name']} {blas['version']}"
    except Exception:  # an older NumPy or another build: the name is only informative
        return "its BLAS"


def _blas_threads():
    """The number of threads OpenBLAS uses, asked of the library NumPy loaded (None if not found)."""
    import ctypes

    try:
        maps = Path("/proc/self/maps").read_text().splitlines()
    except OSError:
        return None
    for path in dict.fromkeys(line.split()[-1] for line in maps if "openblas" in line.lower()):
        lib = ctypes.CDLL(path)
        for symbol in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_", "openblas_get_num_threads"):
            if hasattr(lib, symbol):
                return getattr(lib, symbol)()
    return None


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
    if baseline != "torch" and {"engine", "torch"} <= times.keys():
        ratio = median(times["engine"]) / median(times["torch"])
        print(f"  engine / torch = {ratio:.3f}  (paired per round: {paired_ratio(times, 'engine', 'torch'):.3f})")


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


def with_weights(torch, model, weights, device):
    """``model`` (a torch.nn module) holding the engine's ``weights`` (NumPy arrays, PyTorch's layouts), on ``device``."""
    with torch.no_grad():
        for p, w in zip(model.parameters(), weights):
            p.copy_(torch.from_numpy(w))
    return model.to(device)


def torch_training_step(torch, model, weights, lr, x, y, device):
    """The same step in PyTorch, starting from the engine's ``weights`` (PyTorch's layouts)."""
    model = with_weights(torch, model, weights, device)
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


def contenders_alone(bench_file, names, x, y, weights, timer_name, block, settle=True, pause=0.3):
    """``alone_workers`` for a training step: each worker builds its step from (x, y, weights)."""
    return alone_workers(bench_file, names, (x, y, weights), timer_name, block, settle, pause)


@contextlib.contextmanager
def alone_workers(bench_file, names, payload, timer_name, block, settle=True, pause=0.3):
    """One fresh worker process per contender; yields ``run(name, message="turn")``: one turn, its times back.

    A worker builds its contender with ``alone_contender(name, *payload)`` from the
    benchmark's module when it has one (a dict of calls: "step", and "forward" for
    ``run(name, "turn:forward")``), else the training step of ``one_contender``.
    A turn is ``block`` calls back to back, the first one untimed (it runs with
    the caches full of the previous contender's data). The workers take turns,
    one at a time, so they share the machine's slow minutes as in-process
    alternation does, without sharing a malloc heap, caches or the cores: in one
    process, how one contender allocates and frees changes how often another
    takes fresh pages from the kernel, and PyTorch's threads wait on OpenBLAS's.
    ``run(name, "info")`` is the worker's libraries and threads (``threads_info``).
    Each turn starts after ``pause`` seconds of rest: a worker that has just
    finished leaves its BLAS (and PyTorch's OpenMP) threads spin-waiting for a
    while, and on 2 cores they would take one from the next contender.
    """
    context = multiprocessing.get_context("spawn")
    links, workers = {}, []
    for name in names:
        ours, theirs = context.Pipe()
        args = (theirs, bench_file, name, payload, timer_name, block, settle)
        worker = context.Process(target=_serve, args=args, daemon=True)
        worker.start()
        links[name] = ours
        workers.append(worker)

    def run(name, message="turn"):
        if message.startswith("turn"):
            time.sleep(pause)
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


def _serve(link, bench_file, name, payload, timer_name, block, settle):
    """A worker: build one contender, then answer "loss" (one step, its result as a float), "info"
    and "turn" / "turn:KIND" (times) until None."""
    sys.path.insert(0, str(Path(bench_file).parent))
    bench = importlib.import_module(Path(bench_file).stem)
    if settle:
        _settle_allocator()
    build = getattr(bench, "alone_contender", None)
    calls = build(name, *payload) if build else {"step": one_contender(name, bench, *payload)}
    timer = clock(timer_name)
    while (message := link.recv()) is not None:
        if message == "loss":
            link.send(calls["loss"]() if "loss" in calls else _as_float(calls["step"]()))
            continue
        if message == "info":
            link.send(threads_info())
            continue
        call = calls[message.partition(":")[2] or "step"]
        call()  # untimed: warms the caches up after the other contenders' turns
        times = []
        for _ in range(block - 1):
            start = timer()
            call()
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

    By default each contender runs alone in a process of its own (see ``alone_workers``);
    ``bench_file`` is the benchmark script, whose step builders the workers import.
    ``--in-process`` times them all in this process instead (its caveat is printed with the numbers).
    """
    args = device_args(description, batch_size=batch_size).parse_args()
    torch = import_torch(args.no_torch)
    contenders = make_contenders(args.device, args.batch_size, torch)
    losses = check_agreement(contenders)
    repeats = args.repeats or repeats
    if args.device != "cpu" and args.alone:
        print("(on cuda the contenders run in this process: --in-process)")
        args.alone = False
    if not args.alone:
        times = round_robin(contenders, repeats, args.warmup, synchronizer(args.device), clock(args.clock))
        report(f"{title(args)}; {IN_PROCESS_CAVEAT}", times, "numpy", machine_info(args.device))
        return
    if args.block < 2:
        raise SystemExit("each contender alone needs --block 2 or more")
    x, y, weights = contenders.setup
    names = list(contenders)
    alone = contenders_alone(bench_file, names, x, y, weights, args.clock, args.block, not args.no_settle, args.pause)
    with alone as run:
        for name in names:  # the same first loss in every worker: they compute the same thing
            assert abs(run(name, "loss") - losses[name]) < 1e-5 * max(1.0, abs(losses[name])), name
        workers = workers_info(run, names)
        times = alternate(names, run, repeats, args.warmup)
    report(f"{title(args)}; {alone_protocol(args)}", times, "numpy", machine_info(args.device) + "\n" + workers)


IN_PROCESS_CAVEAT = (
    "contenders alternate every step IN THIS ONE PROCESS (--in-process; caveat: they share one malloc heap, "
    "the caches and the cores, which slows some contenders more than others: not the protocol bench/README.md "
    "reports)"
)


def alone_protocol(args):
    """How the contenders ran, when each ran alone (for the report's title)."""
    where = f"each contender alone in its own process, taking turns of {args.block} calls (the first untimed)"
    where += f" after {args.pause:g} s of rest"
    return where + (", malloc as a fresh script has it" if args.no_settle else ", malloc settled (16 MiB freed first)")


def workers_info(run, names):
    """Each worker's libraries and threads, one line: the threads a contender used are its own process's."""
    return "workers: " + "; ".join(f"{name}: {run(name, 'info')}" for name in names)
