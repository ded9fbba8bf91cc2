#!/bin/sh
# A stand-in for train.py: val_acc comes from the params, so each build step can ask for a better or worse model.
acc=$(printf '%s' "$EXP_PARAMS" | sed 's/.*"val_acc":\([0-9.]*\).*/\1/')
echo "training for val_acc=$acc"
printf 'weights-%s' "$acc" > "$EXP_OUTPUT_DIR/best.pt"
printf '{"val_acc": %s, "loss": 0.2}' "$acc" > "$EXP_OUTPUT_DIR/metrics.json"
