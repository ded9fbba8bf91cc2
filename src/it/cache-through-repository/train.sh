#!/bin/sh
echo "training with $EXP_PARAMS"
printf 'weights-%s' "$EXP_PARAMS" > "$EXP_OUTPUT_DIR/best.pt"
printf '{"val_acc": 0.93}' > "$EXP_OUTPUT_DIR/metrics.json"
