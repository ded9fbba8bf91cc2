#!/usr/bin/env bash
# The project's test command (README, "Run the tests"): provisions both container engines (Podman's
# Docker API and a Docker Engine), the local registries and the test images (scripts/test-engine.sh,
# idempotent), then runs every test: unit tests, engine tests and the src/it invoker builds. Extra
# arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
# Captured first, then evaluated: `eval "$(scripts/test-engine.sh)"` would hide a failed
# provisioning from `set -e` and the tests would fail later with a misleading message.
if ! engine_env=$(scripts/test-engine.sh); then
  echo "[test] provisioning failed (scripts/test-engine.sh, its message is above); not running the tests" >&2
  exit 1
fi
eval "$engine_env"
echo "[test] engines: podman ${EXP_TEST_PODMAN_HOST:-none}, docker ${EXP_TEST_DOCKER_HOST:-none}; DOCKER_HOST=${DOCKER_HOST}" >&2
exec ./mvnw -B -ntp verify "$@"
