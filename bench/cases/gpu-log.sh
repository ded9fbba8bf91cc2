#!/usr/bin/env bash
# Case 9, GPU metrics logging: training steps per second of a small MLP on the GPU with
# exprun.log(step=s, loss=loss) every step (the CUDA loss tensor, not .item()), every 50 steps, and
# with no logging; for reference also every step with loss.item() (a host-device sync per step, what
# log() did before). bench/lib/gpu_log.py, interleaved rounds, median; aim: every step >= 0.97x of
# no logging. Runs on the host's python3 with its torch (no container, no network). Without a CUDA
# device it writes a section saying so and succeeds: there is no number to report.
# Contract: see bench/run.sh. On a machine without the rest of the bench setup (engine, Maven), run it
# alone: BENCH_ROOT=$PWD BENCH_WORK=$(mktemp -d) BENCH_OUT=$PWD BENCH_QUICK=0 bash bench/cases/gpu-log.sh
set -euo pipefail
: "${BENCH_ROOT:?}" "${BENCH_WORK:?}" "${BENCH_OUT:?}"
cd "$BENCH_ROOT"
mkdir -p "$BENCH_OUT"
title="### GPU metrics logging: exprun.log() with a CUDA tensor every step"
if ! probe=$(python3 -c 'import torch; assert torch.cuda.is_available(), "torch.cuda.is_available() is False"' 2>&1); then
  reason=$(printf '%s\n' "$probe" | tail -1)
  {
    echo "$title"
    echo
    echo "Not measured in this run: no GPU was available (\`python3 -c 'import torch; assert torch.cuda.is_available()'\`: ${reason:-failed})."
    echo
    echo "Reproduce on a machine with a CUDA GPU and torch: \`python3 bench/lib/gpu_log.py --item\` (or this case alone, see bench/cases/gpu-log.sh)"
    echo
  } > "$BENCH_OUT/gpu-log.md"
  echo "gpu-log: no GPU here; wrote a section saying so" >&2
  exit 0
fi
if [[ "${BENCH_QUICK:-0}" == 1 ]]; then steps=1500; repeats=3; else steps=3000; repeats=7; fi
python3 -B bench/lib/gpu_log.py --device cuda --steps "$steps" --repeats "$repeats" --item \
  --json "$BENCH_WORK/gpu-log.json" | tee "$BENCH_WORK/gpu-log.txt"
python3 - "$BENCH_WORK/gpu-log.json" "$title" > "$BENCH_OUT/gpu-log.md" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
print(sys.argv[2])
print()
print("| Loop | Steps/s (median) | Min | Max | Ratio to no logging |")
print("|---|---:|---:|---:|---:|")
for v in r["variants"]:
    print("| %s | %.1f | %.1f | %.1f | %.3fx |" % (v["name"], v["median"], v["min"], v["max"], v["ratio"]))
print()
every = next(v for v in r["variants"] if v["name"] == "every step")
print("Aim: every step >= %.2fx of no logging: %s. %s on %s (%s), torch %s, CUDA %s, python %s; %d steps per "
      "measurement, %d interleaved rounds; each measurement synchronizes the device at both ends and includes "
      "exprun's final flush."
      % (r["aim_every_step_ratio"], "met" if r["aim_met"] else "**not met**", r["model"], r["device"],
         r["device_name"], r["torch"], r["cuda"], r["python"], r["steps"], r["repeats"]))
print()
print("Reproduce: `python3 bench/lib/gpu_log.py --item` (or this case alone, see bench/cases/gpu-log.sh)")
print()
EOF
