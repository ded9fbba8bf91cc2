#!/bin/sh
# A stand-in for train.py: the higher the learning rate (up to 0.1), the better; 50 steps of a loss curve.
lr=$(printf '%s' "$EXP_PARAMS" | sed 's/.*"lr":\([0-9.e-]*\).*/\1/')
awk -v lr="$lr" 'BEGIN {
  for (s = 1; s <= 50; s++) printf "{\"step\": %d, \"loss\": %.6f, \"val_acc\": %.6f}\n", s, 2 / (1 + s * lr * 20), 0.5 + 0.4 * (1 - 1 / (1 + s * lr * 10))
}' > "$EXP_OUTPUT_DIR/metrics.jsonl"
acc=$(awk -v lr="$lr" 'BEGIN { printf "%.4f", 0.9 + lr / 2 }')
echo "training with lr=$lr: val_acc $acc"
printf '{"val_acc": %s, "loss": 0.2}' "$acc" > "$EXP_OUTPUT_DIR/metrics.json"
