#!/bin/sh
# Regenerates the torch.save fixtures here, inside the project's PyTorch image (see README.md).
# Run from the repository root: src/test/resources/dev/exprun/which/generate.sh
set -eu
HERE=src/test/resources/dev/exprun/which
docker -H "${DOCKER_HOST:-unix:///run/exp-podman.sock}" run --rm \
    -v "$PWD/src/main/resources/dev/exprun/runtime:/exp/lib:ro" \
    -v "$PWD/$HERE:/fixtures" \
    -e PYTHONPATH=/exp/lib -e PYTHONDONTWRITEBYTECODE=1 \
    localhost/exp-test/pytorch-cpu:1.13 \
    python3 /fixtures/generate.py /fixtures
