"""What exprun.log() with the loss tensor costs a GPU training loop.

    python3 bench/lib/gpu_log.py [--device cuda|cpu] [--steps N] [--repeats K] [--item] [--json OUT]
                                 [--width W] [--batch B]

A small MLP (4 linear layers of width 512, batch 256, SGD; random data made on the device once) is
trained N steps per measurement in each variant: no logging; exprun.log(step=s, loss=loss) every
step with the device tensor; the same every 50 steps; and with --item, every step with loss.item()
(what log() did before: a host-device sync per step). After a warm-up, the variants are measured in
turn, K rounds, each round in a rotated order so that none always follows another. Each measurement
synchronizes the device before reading the clock at both ends and includes exprun's final flush.
Prints steps/s (median, min, max) per variant and the ratio of medians to no logging; the aim is
>= 0.97 for every step. Needs only torch (exprun is imported from this checkout; its outputs go to a
temp dir that is removed afterwards). Fails (exit 1) if the log does not hold the expected lines.
--width/--batch shrink the model for a quick check on a slow CPU; the GPU figures use the defaults.
"""
import argparse
import json
import math
import os
import shutil
import statistics
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
RUNTIME = os.path.join(ROOT, "src", "main", "resources", "dev", "exprun", "runtime")
AIM = 0.97


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--device", default="cuda", help="cuda (default) or cpu")
    ap.add_argument("--steps", type=int, default=3000, help="training steps per measurement (default 3000)")
    ap.add_argument("--repeats", type=int, default=5, help="measurements per variant (default 5)")
    ap.add_argument("--item", action="store_true", help="also measure log(loss=loss.item()) every step")
    ap.add_argument("--json", metavar="OUT", help="also write the results as JSON to OUT")
    ap.add_argument("--width", type=int, default=512, help="layer width (default 512)")
    ap.add_argument("--batch", type=int, default=256, help="batch size (default 256)")
    return ap.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    if args.steps < 50 or args.repeats < 1:
        sys.exit("gpu_log: --steps must be >= 50 and --repeats >= 1")
    tmp = tempfile.mkdtemp(prefix="exprun-gpu-log-")
    os.environ["EXP_OUTPUT_DIR"] = tmp
    sys.dont_write_bytecode = True  # no __pycache__ in src/main/resources (it would ship in the jar)
    sys.path.insert(0, RUNTIME)
    try:
        return run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args, tmp):
    import torch
    import exprun
    from torch import nn
    from torch.nn import functional as F

    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        sys.exit("gpu_log: --device cuda, but torch.cuda.is_available() is False")

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    torch.manual_seed(0)
    width, batch, classes = args.width, args.batch, 10
    model = nn.Sequential(nn.Linear(width, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU(),
                          nn.Linear(width, width), nn.ReLU(), nn.Linear(width, classes)).to(device)
    opt = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    x = torch.randn(batch, width, device=device)
    y = torch.randint(0, classes, (batch,), device=device)
    log = exprun.log

    def train(n, every, item):
        for s in range(n):
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            if every and s % every == 0:
                log(step=s, loss=loss.item() if item else loss)

    variants = [("none", 0, False), ("every step", 1, False), ("every 50 steps", 50, False)]
    if args.item:
        variants.append(("every step, .item()", 1, True))

    def measure(n, every, item):
        sync()
        t0 = time.perf_counter()
        train(n, every, item)
        if every:
            exprun._flush_log()  # what is still buffered is part of this variant's cost
        sync()
        return n / (time.perf_counter() - t0)

    warm = max(50, args.steps // 10)
    for _name, every, item in variants:
        measure(warm, every, item)
    series = os.path.join(tmp, "metrics.jsonl")
    exprun._reset_for_tests()  # closes metrics.jsonl: the measured runs' lines go to a new one
    os.unlink(series)

    rates = {name: [] for name, _e, _i in variants}
    for r in range(args.repeats):
        k = r % len(variants)
        for name, every, item in variants[k:] + variants[:k]:
            rates[name].append(measure(args.steps, every, item))

    expected = sum(args.repeats * len(range(0, args.steps, every)) for _n, every, _i in variants if every)
    with open(series) as f:
        lines = [json.loads(line) for line in f]
    bad = [line for line in lines if not isinstance(line.get("loss"), float) or not math.isfinite(line["loss"])]
    if len(lines) != expected or bad:
        sys.exit("gpu_log: metrics.jsonl holds %d lines (expected %d), %d without a finite loss: %r"
                 % (len(lines), expected, len(bad), bad[:3]))

    base = statistics.median(rates["none"])
    result = {
        "device": str(device),
        "device_name": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        "torch": torch.__version__,
        "cuda": getattr(torch.version, "cuda", None),
        "python": sys.version.split()[0],
        "steps": args.steps,
        "repeats": args.repeats,
        "model": "MLP 4x Linear(%d), batch %d, SGD" % (width, batch),
        "aim_every_step_ratio": AIM,
        "variants": [],
    }
    print("%s (%s), torch %s, CUDA %s, python %s; %s; %d steps x %d rounds per variant, interleaved"
          % (result["device"], result["device_name"], result["torch"], result["cuda"], result["python"],
             result["model"], args.steps, args.repeats))
    print("%-22s %12s %12s %12s %8s" % ("variant", "median st/s", "min st/s", "max st/s", "ratio"))
    for name, every, item in variants:
        v = rates[name]
        row = {"name": name, "log_every": every, "item": item, "steps_per_s": [round(x, 2) for x in v],
               "median": round(statistics.median(v), 2), "min": round(min(v), 2), "max": round(max(v), 2),
               "ratio": round(statistics.median(v) / base, 4)}
        result["variants"].append(row)
        print("%-22s %12.1f %12.1f %12.1f %7.3fx" % (name, row["median"], row["min"], row["max"], row["ratio"]))
    every_step = next(row for row in result["variants"] if row["name"] == "every step")
    result["aim_met"] = every_step["ratio"] >= AIM
    print("aim: every step >= %.2fx of no logging: %s (%.3fx)"
          % (AIM, "met" if result["aim_met"] else "NOT met", every_step["ratio"]))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
