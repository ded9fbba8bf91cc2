#!/usr/bin/env bash
# The README's first command: on a fresh machine, provision the engine (Podman's Docker API only)
# and the PyTorch image, build and install the plugin, then train the example with
# `mvn exp:run install`.
set -euo pipefail
cd "$(dirname "$0")/.."
# Captured first, then evaluated: `eval "$(scripts/test-engine.sh)"` would hide a failed
# provisioning from `set -e` and the build would fail later with a misleading message.
if ! engine_env=$(scripts/test-engine.sh --engines podman); then
  echo "[quickstart] provisioning failed (scripts/test-engine.sh, its message is above); stopping" >&2
  exit 1
fi
eval "$engine_env"
./mvnw -B -q -ntp install -DskipTests -Dinvoker.skip=true
cd examples/quickstart
exec ../../mvnw -B -ntp exp:run install "$@"
