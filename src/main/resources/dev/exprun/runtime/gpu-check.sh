#!/bin/sh
# exprun GPU check. The plugin runs it inside the run's container, before the training command,
# whenever GPUs were requested: some engines (podman's Docker API) accept a GPU request and
# silently ignore it, and training would then run on the CPU. Usage: gpu-check.sh WANT -- CMD...
want="$1"
shift
[ "$1" = "--" ] && shift
n=0
devices=""
for d in /dev/nvidia[0-9]*; do
  [ -e "$d" ] || continue
  n=$((n + 1))
  devices="$devices${devices:+,}${d#/dev/}"
done
names=""
if command -v nvidia-smi >/dev/null 2>&1; then
  names=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | tr '\n' ';')
fi
echo "exprun-gpu-check: visible=$n devices=$devices names=$names"
if [ "$n" -eq 0 ] || { [ "$want" != "all" ] && [ "$n" -lt "$want" ]; }; then
  echo "exprun-gpu-check: FAILED requested=$want visible=$n" >&2
  exit 86
fi
exec "$@"
