"""Benchmark: exprun.log() calls per second against a plain json.dumps + write loop on the same data.

    python3 src/test/python/bench_log.py [N]

Writes only to a temp dir. Both loops write the same records ({"step", "loss", "acc", "lr", "time"})
to a file; the exprun timing includes the final flush. Best of 5 rounds each, alternating. When torch is
installed, a second pair compares log(loss=<0-d tensor>) with json.dumps({... t.item() ...}).
"""
import json
import os
import random
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RUNTIME = os.path.normpath(os.path.join(HERE, "..", "..", "main", "resources", "dev", "exprun", "runtime"))
sys.path.insert(0, RUNTIME)
sys.dont_write_bytecode = True  # no __pycache__ in src/main/resources (it would ship in the jar)

import exprun  # noqa: E402

ROUNDS = 5


def plain_loop(path, losses, accs):
    t0 = time.perf_counter()
    with open(path, "w") as f:
        for i in range(len(losses)):
            d = {"step": i, "loss": losses[i], "acc": accs[i], "lr": 0.001, "time": time.time()}
            f.write(json.dumps(d) + "\n")
    return time.perf_counter() - t0


def exprun_loop(losses, accs):
    log = exprun.log
    t0 = time.perf_counter()
    for i in range(len(losses)):
        log(step=i, loss=losses[i], acc=accs[i], lr=0.001)
    exprun._flush_log()
    return time.perf_counter() - t0


def plain_tensor_loop(path, values):
    t0 = time.perf_counter()
    with open(path, "w") as f:
        for i in range(len(values)):
            d = {"step": i, "loss": values[i].item(), "time": time.time()}
            f.write(json.dumps(d) + "\n")
    return time.perf_counter() - t0


def exprun_tensor_loop(values):
    log = exprun.log
    t0 = time.perf_counter()
    for i in range(len(values)):
        log(step=i, loss=values[i])
    exprun._flush_log()
    return time.perf_counter() - t0


def count_lines(path):
    with open(path, "rb") as f:
        return sum(1 for _ in f)


def best_of_interleaved(rounds, fn_a, fn_b):
    """Best time of each, the rounds alternating (a, b, a, b...) so that load changes hit both."""
    a, b = [], []
    for _ in range(rounds):
        a.append(fn_a())
        b.append(fn_b())
    return min(a), min(b)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300000
    rnd = random.Random(0)
    losses = [rnd.random() for _ in range(n)]
    accs = [rnd.random() for _ in range(n)]
    tmp = tempfile.mkdtemp(prefix="exprun-bench-")
    try:
        os.environ["EXP_OUTPUT_DIR"] = os.path.join(tmp, "out")
        plain_path = os.path.join(tmp, "plain.jsonl")

        def run_exprun():
            exprun._reset_for_tests()
            series = os.path.join(tmp, "out", "metrics.jsonl")
            if os.path.exists(series):
                os.unlink(series)
            dt = exprun_loop(losses, accs)
            assert count_lines(series) == n, "exprun wrote %d lines, expected %d" % (count_lines(series), n)
            return dt

        plain, ours = best_of_interleaved(ROUNDS, lambda: plain_loop(plain_path, losses, accs), run_exprun)
        print("python %s, %d records of 5 fields, best of %d rounds" % (sys.version.split()[0], n, ROUNDS))
        print("plain json.dumps+write loop: %10.0f calls/s" % (n / plain))
        print("exprun.log():                %10.0f calls/s  (%.2fx the plain loop)" % (n / ours, plain / ours))
        try:
            import torch
        except ImportError:
            torch = None
        if torch is not None:
            m = min(n, 100000)
            values = [torch.tensor(v) for v in losses[:m]]
            def run_tensor():
                exprun._reset_for_tests()
                return exprun_tensor_loop(values)

            plain_t, ours_t = best_of_interleaved(ROUNDS, lambda: plain_tensor_loop(plain_path, values), run_tensor)
            print("with 0-d torch tensors (torch %s), %d records:" % (torch.__version__, m))
            print("plain json.dumps({.. t.item() ..})+write: %10.0f calls/s" % (m / plain_t))
            print("exprun.log(loss=t):                       %10.0f calls/s  (%.2fx)" % (m / ours_t, plain_t / ours_t))
    finally:
        exprun._reset_for_tests()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
