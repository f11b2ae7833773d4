#!/usr/bin/env bash
# Rebuilds every shipped model with the project's own CLI (exact commands).
# Usage: AE_DATA_DIR=../shared/datasets bash pretrained/build.sh [digits|mnist|fashion|sparse|all]
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-all}"
T="python -m ae_core train --half --quiet --eval-points 0"
PROBE="--probe-size 1000"  # codes of 1000 test images per epoch, replayed by the app (2-D only)
P=pretrained
# sparse models: β and λ at their documented defaults (3 and 1, per pixel and per unit, see
# ae_core/models/sparse_*.py), the penalty warmed up over the first part of training so the
# codes carry the images before it bites (else a KL makes every unit uniformly low), ReLU
# codes (L1) at a lower rate (fewer die). On MNIST the features are pen strokes (UFLDL's
# recipe): 196 units (KL: ρ = 0.1), squared error, images shifted by up to 2 pixels each
# epoch, and Adam's weight decay 2e-3 — its L2 term λ/2·‖W‖² is UFLDL's λ = 3e-3 at 6e-3 on
# this summed (not halved) squared error; 2e-3 reconstructs better, 2e-2 and more bring
# templates back. At 64 units, BCE and no shifts each unit is a whole-digit template
# (benchmarks/sparse_features.py). The 8×8 digits keep 64 units and BCE: a digit there is a
# few pixels wide, shifts cost more reconstruction than they buy locality.
SPARSE_KL=(--hidden '' --latent-dim 64 --rho 0.05 --sparsity-weight 3 --lr 0.005 --penalty-warmup 0.3 --weight-decay 0.001)
SPARSE_L1=(--hidden '' --latent-dim 64 --l1-weight 1 --lr 0.001 --penalty-warmup 0.5 --weight-decay 0.001)
sparse_digits() {
  $T --dataset digits --variant sparse_kl "${SPARSE_KL[@]}" --epochs 300 --batch-size 64 --out $P/digits-sparse-kl-64.safetensors
  $T --dataset digits --variant sparse_l1 "${SPARSE_L1[@]}" --epochs 300 --batch-size 64 --out $P/digits-sparse-l1-64.safetensors
}
sparse_mnist() {
  $T --dataset mnist --variant sparse_kl --hidden '' --latent-dim 196 --rho 0.1 --sparsity-weight 3 --loss mse --lr 0.005 --penalty-warmup 0.3 --weight-decay 0.002 --augment-shift 2 --epochs 30 --batch-size 128 --out $P/mnist-sparse-kl-196.safetensors
  $T --dataset mnist --variant sparse_l1 --hidden '' --latent-dim 196 --l1-weight 1 --loss mse --lr 0.001 --penalty-warmup 0.5 --weight-decay 0.002 --augment-shift 2 --epochs 30 --batch-size 128 --out $P/mnist-sparse-l1-196.safetensors
}
if [[ $which == sparse ]]; then  # only the four sparse models (a few minutes on one core)
  sparse_digits
  sparse_mnist
  exit 0
fi

if [[ $which == digits || $which == all ]]; then
  $T --dataset digits --variant vanilla --hidden 256,128 --latent-dim 2 $PROBE --epochs 300 --batch-size 64 --out $P/digits-ae-2d.safetensors
  $T --dataset digits --variant vae --hidden 256,128 --latent-dim 2 $PROBE --epochs 300 --batch-size 64 --out $P/digits-vae-2d.safetensors
  # β explorer (Gaps page): the same 2-D VAE at other KL weights (β = 1 is digits-vae-2d)
  $T --dataset digits --variant vae --hidden 256,128 --latent-dim 2 --beta 0 --epochs 300 --batch-size 64 --out $P/digits-vae-2d-beta0.safetensors
  $T --dataset digits --variant vae --hidden 256,128 --latent-dim 2 --beta 0.5 --epochs 300 --batch-size 64 --out $P/digits-vae-2d-beta0.5.safetensors
  $T --dataset digits --variant vae --hidden 256,128 --latent-dim 2 --beta 2 --epochs 300 --batch-size 64 --out $P/digits-vae-2d-beta2.safetensors
  $T --dataset digits --variant vae --hidden 256,128 --latent-dim 2 --beta 4 --epochs 300 --batch-size 64 --out $P/digits-vae-2d-beta4.safetensors
  $T --dataset digits --variant denoising --hidden 128 --latent-dim 16 --noise gaussian --noise-level 0.3 --epochs 300 --batch-size 64 --out $P/digits-denoising-16d.safetensors
  sparse_digits
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
  sparse_mnist
fi
