#!/usr/bin/env bash
# The README's first command: on a fresh machine, provision the engine and the PyTorch image,
# build and install the plugin, then train the example with `mvn exp:run install`.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/test-engine.sh)"
./mvnw -B -q -ntp install -DskipTests -Dinvoker.skip=true
cd examples/quickstart
exec ../../mvnw -B -ntp exp:run install "$@"
