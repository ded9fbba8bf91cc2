#!/bin/sh
# A stand-in for train.py: what matters here is the contract, not the maths.
echo "training params=$EXP_PARAMS"
mkdir -p "$EXP_OUTPUT_DIR/checkpoints"
printf 'epoch1-weights' > "$EXP_OUTPUT_DIR/checkpoints/epoch1.pt"
printf 'epoch2-weights' > "$EXP_OUTPUT_DIR/checkpoints/epoch2.pt"
printf '{"step": 1, "loss": 0.9}\n{"step": 2, "loss": 0.4}\n' > "$EXP_OUTPUT_DIR/metrics.jsonl"
printf '{"val_acc": 0.91, "loss": 0.4}' > "$EXP_OUTPUT_DIR/metrics.json"
printf 'training done'
