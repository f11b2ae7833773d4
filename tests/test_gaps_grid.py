"""Decoded manifold grid of the Gaps page (gap cells, cell clicks) and the β-sweep summary."""

from __future__ import annotations

import numpy as np
import pytest

from ae_core import build_model, make_config
from ae_core.data.dataset import Dataset
from ae_core.gaps import (
    beta_sweep_summary,
    cell_at,
    gap_analysis,
    gap_radius,
    manifold_grid,
    normalise_codes,
)
from ae_core.latent import Window
from app_lib.selection import clicked_cell

UNIT = Window(0.0, 1.0, 0.0, 1.0)


def two_clusters(n=2000, seed=0, scale=1.0, shift=(0.0, 0.0)):
    rng = np.random.default_rng(seed)
    a = rng.normal([0.2, 0.2], 0.01, (n // 2, 2))
    b = rng.normal([0.8, 0.8], 0.01, (n // 2, 2))
    return np.vstack([a, b]) * scale + np.asarray(shift)


def test_cell_at_is_row_major_from_the_top_left():
    assert cell_at(0.01, 0.99, UNIT, 4) == 0          # top-left
    assert cell_at(0.99, 0.99, UNIT, 4) == 3          # top-right
    assert cell_at(0.01, 0.01, UNIT, 4) == 12         # bottom-left
    assert cell_at(0.6, 0.6, UNIT, 4) == 1 * 4 + 2
    assert cell_at(1.0, 0.0, UNIT, 4) == 15           # edges belong to the last cell
    assert cell_at(1.5, 0.5, UNIT, 4) is None
    assert cell_at(0.5, -0.1, UNIT, 4) is None


def test_clicked_cell_prefers_customdata_then_position():
    w = Window(-2.0, 2.0, -1.0, 1.0)
    assert clicked_cell({"selection": {"points": [{"customdata": 7, "x": 0, "y": 0}]}}, w, 4) == 7
    assert clicked_cell({"selection": {"points": [{"customdata": [5]}]}}, w, 4) == 5
    # an out-of-range index falls back to the position: (1.5, 0.9) is row 0, column 3
    assert clicked_cell({"selection": {"points": [{"customdata": 99, "x": 1.5, "y": 0.9}]}},
                        w, 4) == 3
    assert clicked_cell({"selection": {"points": []}}, w, 4) is None
    assert clicked_cell(None, w, 4) is None


def test_manifold_grid_marks_the_same_gaps_as_the_analysis_and_lifts_to_raw_codes():
    raw = two_clusters(scale=30.0, shift=(5.0, -7.0))
    grid = manifold_grid(raw, n=10)
    report = gap_analysis(raw, n=10)
    assert grid.gap.shape == (10, 10) and grid.latent.shape == (100, 2)
    assert np.array_equal(grid.gap, report.field > report.radius)
    assert 0.5 < grid.fraction < 1.0       # two tight clusters: mostly gaps
    # lifted back, every cell centre's normalised distance to the codes decides its mark
    norm = normalise_codes(raw)
    centre, rms = raw.mean(0), np.sqrt(np.mean(np.sum((raw - raw.mean(0)) ** 2, 1)))
    back = (grid.latent - centre) / rms
    d = np.min(np.linalg.norm(back[:, None, :] - norm[None, :, :], axis=2), axis=1)
    assert np.array_equal((d > gap_radius(norm)).reshape(10, 10), grid.gap)


def test_manifold_grid_of_evenly_spread_codes_has_few_gaps():
    codes = np.random.default_rng(1).uniform(-3, 3, (3000, 2))
    assert manifold_grid(codes, n=8).fraction < 0.05


@pytest.fixture(scope="module")
def tiny():
    rng = np.random.default_rng(0)
    import torch

    x = torch.as_tensor(rng.uniform(0, 1, (60, 1, 4, 4)), dtype=torch.float32)
    y = torch.as_tensor(rng.integers(0, 3, 60))
    return Dataset("tiny", x[:40], y[:40], x[40:], y[40:], ["a", "b", "c"], {})


def test_beta_sweep_summary_reports_every_beta_in_order(tiny):
    models = {}
    for beta in (4.0, 0.0, 1.0):
        cfg = make_config("vae", input_shape=(1, 4, 4), hidden=(8,), latent_dim=2, beta=beta)
        models[beta] = build_model(cfg)
    out = beta_sweep_summary(models, tiny)
    assert list(out) == [0.0, 1.0, 4.0]
    for row in out.values():
        assert 0.0 <= row["gap_fraction"] <= 1.0
        assert len(row["kl_per_dim"]) == 2 and all(v >= 0 for v in row["kl_per_dim"])
        assert 0 <= row["active_units"] <= 2 and row["latent_dim"] == 2
        assert row["mse"] > 0
    # the MSE is the per-pixel squared error of the model's own reconstruction
    recon = models[1.0].reconstruct(tiny.x_test).numpy()
    assert out[1.0]["mse"] == pytest.approx(float(np.mean((recon - tiny.x_test.numpy()) ** 2)),
                                            rel=1e-5)
