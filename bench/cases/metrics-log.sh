#!/usr/bin/env bash
# Case 6, metrics logging: exprun.log() calls per second inside the PyTorch image, against appending the
# same JSON lines with json.dumps + write in a loop (src/test/python/bench_log.py, best of 5 rounds each,
# alternating, in one process). Contract: see bench/run.sh.
set -euo pipefail
cd "$BENCH_ROOT"
n=$([[ "$BENCH_QUICK" == 1 ]] && echo 100000 || echo 300000)
out=$(docker run --rm --network none -v "$BENCH_ROOT/src:/src:ro" localhost/exp-test/pytorch-cpu:1.13 \
  python3 -B /src/test/python/bench_log.py "$n")
echo "$out" > "$BENCH_WORK/metrics-log.txt"
plain=$(echo "$out" | sed -n 's/^plain json.dumps+write loop: *\([0-9]*\) calls\/s.*/\1/p')
ours=$(echo "$out" | sed -n 's/^exprun.log(): *\([0-9]*\) calls\/s.*/\1/p')
plain_t=$(echo "$out" | sed -n 's/^plain json.dumps({.. t.item() ..})+write: *\([0-9]*\) calls\/s.*/\1/p')
ours_t=$(echo "$out" | sed -n 's/^exprun.log(loss=t): *\([0-9]*\) calls\/s.*/\1/p')
{
  echo "### Metrics logging: exprun.log() in the PyTorch image"
  echo
  echo "| Loop | Calls/s | Ratio to the plain loop |"
  echo "|---|---:|---:|"
  echo "| plain \`json.dumps\` + \`write\` | $plain | 1.00x |"
  printf '| `exprun.log()` | %s | %.2fx |\n' "$ours" "$(python3 -c "print($ours/$plain)")"
  if [[ -n "$plain_t" && -n "$ours_t" ]]; then
    echo "| plain, with 0-d tensors (\`.item()\`) | $plain_t | 1.00x |"
    printf '| `exprun.log(loss=tensor)` | %s | %.2fx |\n' "$ours_t" "$(python3 -c "print($ours_t/$plain_t)")"
  fi
  echo
  echo "$n records of 5 fields; $(echo "$out" | head -1)."
  echo
  echo "Reproduce: \`bench/run.sh metrics-log\`"
  echo
} > "$BENCH_OUT/metrics-log.md"
