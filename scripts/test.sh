#!/usr/bin/env bash
# The project's test command (README, "Run the tests"): provisions the container engine, the local
# registries and the test images (scripts/test-engine.sh, idempotent), then runs every test: unit
# tests, engine tests and the src/it invoker builds. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/test-engine.sh)"
echo "[test] engine: ${DOCKER_HOST}" >&2
exec ./mvnw -B -ntp verify "$@"
