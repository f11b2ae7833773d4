"""Sparse features on MNIST: how sparse the shipped sparse models' codes are and whether
their features are pen strokes or whole-digit templates.

For each model: mean activation (and over ρ for KL), share of exactly-0 codes, units
firing per image (above a tenth of their largest activation), and the median over
units of two measures of the feature images (``ae_core.applications``):

* locality: the share of a feature's energy inside its best 7×7 square (strokes near 1,
  digit-sized templates 0.2 to 0.5);
* template r: its largest |correlation| with the ten class-mean digits.

Rows: the shipped 196-unit models, the same single layer at 64 units trained as
``CONTROLS`` says (BCE, no shifts: it learns templates), and the class-mean images
themselves. Run: AE_DATA_DIR=../shared/datasets python benchmarks/sparse_features.py
[--no-controls] (the two 64-unit controls train for about 30 s each on one core).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ae_core.applications import (
    activation_stats,
    class_mean_images,
    feature_locality,
    feature_weights,
    template_similarity,
)
from ae_core.data import load_dataset
from ae_core.io import load_model
from ae_core.pretrained import PRETRAINED_DIR
from ae_core.threads import torch_threads

SHIPPED = ("mnist-sparse-kl-196", "mnist-sparse-l1-196")
CONTROLS = {  # name → (variant, model settings, training settings): 64 units, BCE, no shifts
    "64 units, KL": ("sparse_kl", {"rho": 0.05, "sparsity_weight": 3.0},
                     {"lr": 5e-3, "penalty_warmup": 0.3}),
    "64 units, L1": ("sparse_l1", {"l1_weight": 1.0}, {"lr": 1e-3, "penalty_warmup": 0.5}),
}
CONTROL_TRAIN = {"epochs": 30, "batch_size": 256, "weight_decay": 1e-3, "device": "cpu"}


def figures(model, data, templates) -> dict[str, float]:
    codes = model.encode(data.x_test).numpy()
    stats = activation_stats(codes)
    live = ~stats["dead"]
    rho = getattr(model.config, "rho", None) if model.config.variant == "sparse_kl" else None
    row = {"units": model.latent_dim, "mean": float(codes.mean()),
           "mean/rho": float(codes.mean() / rho) if rho else float("nan"),
           "zeros": float(np.mean(codes == 0)), "per image": float(stats["per_image"].mean()),
           "dead": int(stats["dead"].sum())}
    for which in ("decoder", "encoder"):
        weights = feature_weights(model, which)[live]
        row[f"{which} locality"] = float(np.median(feature_locality(weights)))
        row[f"{which} template r"] = float(np.median(template_similarity(weights, templates)))
    return row


def controls(data) -> dict:
    from ae_core.models import build_model, make_config
    from ae_core.training import TrainConfig, Trainer

    out = {}
    for name, (variant, settings, train) in CONTROLS.items():
        model = build_model(make_config(variant, input_shape=data.image_shape, latent_dim=64,
                                        hidden=(), **settings), seed=0)
        t0 = time.perf_counter()
        with torch_threads(1):
            Trainer(model, TrainConfig(**CONTROL_TRAIN, **train)).fit(data.x_train)
        print(f"{name}: trained in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        out[name] = model
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-controls", action="store_true",
                        help="skip training the two 64-unit controls")
    args = parser.parse_args()
    data = load_dataset("mnist", download=False)
    templates = class_mean_images(data.x_train, data.y_train, data.image_shape)
    models = {name: load_model(PRETRAINED_DIR / f"{name}.safetensors") for name in SHIPPED}
    if not args.no_controls:
        models.update(controls(data))
    cols = ("units", "mean", "mean/rho", "zeros", "per image", "dead", "decoder locality",
            "decoder template r", "encoder locality", "encoder template r")
    print("| model | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    for name, model in models.items():
        row = figures(model, data, templates)
        print(f"| {name} | " + " | ".join(_cell(row[c]) for c in cols) + " |")
    local = feature_locality(templates)
    own = template_similarity(templates, templates)
    print(f"| class-mean images | 10 | – | – | – | – | – | {np.median(local):.2f} "
          f"({local.min():.2f}–{local.max():.2f}) | {np.median(own):.2f} | – | – |")
    return 0


def _cell(v) -> str:
    if isinstance(v, int):
        return str(v)
    return "–" if np.isnan(v) else f"{v:.3f}" if v < 1 else f"{v:.2f}"


if __name__ == "__main__":
    raise SystemExit(main())
