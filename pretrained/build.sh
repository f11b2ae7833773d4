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
  # β explorer (Gaps page): the same 2-D VAE at other KL weights (β = 1 is digits-vae-2d)
  $T --dataset digits --variant vae --hidden 256,128 --latent-dim 2 --beta 0 --epochs 300 --batch-size 64 --out $P/digits-vae-2d-beta0.safetensors
  $T --dataset digits --variant vae --hidden 256,128 --latent-dim 2 --beta 0.5 --epochs 300 --batch-size 64 --out $P/digits-vae-2d-beta0.5.safetensors
  $T --dataset digits --variant vae --hidden 256,128 --latent-dim 2 --beta 2 --epochs 300 --batch-size 64 --out $P/digits-vae-2d-beta2.safetensors
  $T --dataset digits --variant vae --hidden 256,128 --latent-dim 2 --beta 4 --epochs 300 --batch-size 64 --out $P/digits-vae-2d-beta4.safetensors
  $T --dataset digits --variant denoising --hidden 128 --latent-dim 16 --noise gaussian --noise-level 0.3 --epochs 300 --batch-size 64 --out $P/digits-denoising-16d.safetensors
  $T --dataset digits --variant sparse_kl --hidden '' --latent-dim 64 --rho 0.05 --sparsity-weight 1 --epochs 300 --batch-size 64 --out $P/digits-sparse-kl-64.safetensors
  $T --dataset digits --variant sparse_l1 --hidden '' --latent-dim 64 --l1-weight 0.05 --epochs 300 --batch-size 64 --out $P/digits-sparse-l1-64.safetensors
fi

# 2-D maps for MNIST and Fashion-MNIST: MLP and convolutional, plain AE and VAE
MLP2="--hidden 512,256,128 --latent-dim 2 $PROBE --epochs 30 --batch-size 256 --lr 0.002"
AE2_LONGER="--epochs 120"  # the plain AE trains 4x longer: the quality benchmark's AE recipe
CONV2="--arch conv --channels 16,32 --hidden 128 --latent-dim 2 $PROBE --epochs 15 --batch-size 256 --lr 0.002"
for ds in mnist fashion-mnist; do
  if [[ $which == all || $which == "$ds" ]]; then
    $T --dataset $ds --variant vanilla $MLP2 $AE2_LONGER --out $P/$ds-ae-2d.safetensors
    $T --dataset $ds --variant vae $MLP2 --out $P/$ds-vae-2d.safetensors
    $T --dataset $ds --variant vanilla $CONV2 --out $P/$ds-conv-ae-2d.safetensors
    $T --dataset $ds --variant vae $CONV2 --out $P/$ds-conv-vae-2d.safetensors
  fi
done

# β explorer (Gaps page) on MNIST: the 2-D VAE recipe at other KL weights (β = 1 is mnist-vae-2d)
if [[ $which == all || $which == mnist ]]; then
  for beta in 0 0.5 2 4; do
    $T --dataset mnist --variant vae $MLP2 --beta $beta --out $P/mnist-vae-2d-beta$beta.safetensors
  done
fi

# application models on MNIST: denoising and the two sparse penalties
if [[ $which == all || $which == mnist ]]; then
  $T --dataset mnist --variant denoising --hidden 256 --latent-dim 32 --noise gaussian --noise-level 0.5 --epochs 20 --out $P/mnist-denoising-32d.safetensors
  $T --dataset mnist --variant sparse_kl --hidden '' --latent-dim 64 --rho 0.05 --sparsity-weight 1 --epochs 20 --out $P/mnist-sparse-kl-64.safetensors
  $T --dataset mnist --variant sparse_l1 --hidden '' --latent-dim 64 --l1-weight 0.05 --epochs 20 --out $P/mnist-sparse-l1-64.safetensors
fi
