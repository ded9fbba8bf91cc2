#!/bin/sh
# A stand-in for train.py, run by a Slurm job: what matters here is the contract, not the maths.
echo "training on slurm params=$EXP_PARAMS"
echo "token of ${#API_TOKEN} characters"
printf 'slurm-weights' > "$EXP_OUTPUT_DIR/model.pt"
printf '{"val_acc": 0.88, "loss": 0.5}' > "$EXP_OUTPUT_DIR/metrics.json"
printf 'training done'
