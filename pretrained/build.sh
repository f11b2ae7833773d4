#!/usr/bin/env bash
# Rebuilds every shipped model with the project's own CLI (exact commands).
# Usage: AE_DATA_DIR=../shared/datasets bash pretrained/build.sh [digits|mnist|fashion|all]
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
T="python -m ae_core train --half --quiet --eval-points 0"
PROBE="--probe-size 1000"  # codes of 1000 test images per epoch, replayed by the app (2-D only)
P=pretrained

if [[ $which == digits || $which == all ]]; then
  $T --dataset digits --variant vanilla --hidden 256,128 --latent-dim 2 $PROBE --epochs 300 --batch-size 64 --out $P/digits-ae-2d.safetensors
  $T --dataset digits --variant vae --hidden 256,128 --latent-dim 2 $PROBE --epochs 300 --batch-size 64 --out $P/digits-vae-2d.safetensors
  $T --dataset digits --variant denoising --hidden 128 --latent-dim 16 --noise gaussian --noise-level 0.3 --epochs 300 --batch-size 64 --out $P/digits-denoising-16d.safetensors
  $T --dataset digits --variant sparse_kl --hidden '' --latent-dim 64 --rho 0.05 --sparsity-weight 1 --epochs 300 --batch-size 64 --out $P/digits-sparse-kl-64.safetensors
fi
