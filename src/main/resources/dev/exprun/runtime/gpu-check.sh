#!/bin/sh
# exprun GPU check. The plugin runs it inside the run's container, before the training command,
# whenever GPUs were requested: some engines (podman's Docker API) accept a GPU request and
# silently ignore it, and training would then run on the CPU. Usage: gpu-check.sh WANT [UUIDS] -- CMD...
# WANT: "all" (at least one), N (at least N: gpus=N), or =N (exactly N: named devices, a sweep's
# trial, which must not see another trial's GPU). UUIDS: the GPU-/MIG- UUIDs asked for, each of
# which nvidia-smi must list. It reports what it sees, one line, then one line per GPU that
# nvidia-smi describes (the toolkit mounts nvidia-smi into the container; without it only the
# device count is known).
want="$1"
shift
uuids=""
if [ "$#" -gt 0 ] && [ "$1" != "--" ]; then
  uuids="$1"
  shift
fi
[ "$1" = "--" ] && shift
n=0
devices=""
for d in /dev/nvidia[0-9]*; do
  [ -e "$d" ] || continue
  n=$((n + 1))
  devices="$devices${devices:+,}${d#/dev/}"
done
names=""
query=""
cuda=""
if command -v nvidia-smi >/dev/null 2>&1; then
  query=$(nvidia-smi --query-gpu=index,uuid,memory.total,driver_version,name --format=csv,noheader,nounits 2>/dev/null)
  # the CUDA version the driver supports is only in nvidia-smi's banner
  cuda=$(nvidia-smi 2>/dev/null | sed -n 's/.*CUDA Version: *\([0-9][0-9.]*\).*/\1/p' | head -n 1)
  names=$(printf '%s\n' "$query" | sed -n 's/^[^,]*,[^,]*,[^,]*,[^,]*, *//p' | tr '\n' ';')
fi
echo "exprun-gpu-check: visible=$n devices=$devices names=$names"
printf '%s\n' "$query" | while IFS=, read -r index uuid memory driver name; do
  [ -n "$index" ] || continue
  echo "exprun-gpu-check: gpu index=${index# } uuid=${uuid# } memory_mib=${memory# } driver=${driver# } cuda=$cuda name=${name# }"
done
case "$want" in
  all) ok=$([ "$n" -gt 0 ] && echo yes) ;;
  =*) ok=$([ "$n" -eq "${want#=}" ] && echo yes) ;;
  *) ok=$([ "$n" -gt 0 ] && [ "$n" -ge "$want" ] && echo yes) ;;
esac
if [ -z "$ok" ]; then
  echo "exprun-gpu-check: FAILED requested=$want visible=$n" >&2
  exit 86
fi
if [ -n "$uuids" ] && [ -n "$query" ]; then
  for u in $(printf '%s' "$uuids" | tr ',' ' '); do
    if ! printf '%s\n' "$query" | grep -q "$u"; then
      echo "exprun-gpu-check: FAILED requested=$uuids missing=$u" >&2
      exit 86
    fi
  done
fi
exec "$@"
