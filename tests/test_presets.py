"""Presets are resolved for the dataset (a step budget, batches for its size, a KL warm-up for
VAEs), so a preset's default run gives a good map on a tiny set as on MNIST (issue 17: the
plain-2d preset was 120 steps on digits, 5-NN 0.41; the VAE preset collapsed on an upload)."""

from __future__ import annotations

import pytest

from ae_core.bench import preset_row, synthetic_shapes
from ae_core.data import load_dataset
from ae_core.errors import ConfigError
from ae_core.presets import PRESETS, batch_size_for, preset_for, resolve_preset


@pytest.mark.parametrize("n_train, batch, epochs", [(1437, 64, 91), (60_000, 256, 9),
                                                    (192, 32, 334), (40, 32, 2000)])
def test_the_step_budget_sets_batch_and_epochs_from_the_dataset_size(n_train, batch, epochs):
    resolved = resolve_preset("plain-2d", n_train, (1, 28, 28))
    assert (resolved.train["batch_size"], resolved.train["epochs"]) == (batch, epochs)
    if epochs < 2000:  # the cap on epochs
        assert 2000 <= resolved.steps < 2000 + n_train // batch
    assert resolved.model["input_shape"] == [1, 28, 28]
    assert resolved.model["hidden"] == PRESETS["plain-2d"].model["hidden"]


def test_batch_sizes_and_unknown_presets():
    assert batch_size_for(60_000) == 256 and batch_size_for(60_000, 128) == 128
    assert batch_size_for(1437) == 64 and batch_size_for(200) == 32 and batch_size_for(10) == 10
    with pytest.raises(ConfigError, match="Unknown preset"):
        resolve_preset("nope", 100, (1, 8, 8))


def test_vae_and_sparse_presets_warm_their_penalty_up():
    for key in ("vae-2d", "conv-vae", "sparse"):
        assert resolve_preset(key, 1000, (1, 8, 8)).train["penalty_warmup"] > 0
    assert "penalty_warmup" not in resolve_preset("plain-2d", 1000, (1, 8, 8)).train


def test_the_default_digits_run_gives_a_good_map_in_seconds_on_one_core():
    """The Train page's first form on digits: 5-NN at least 0.80 in well under 20 s of one
    core's time (about 10 s here)."""
    data = load_dataset("digits")
    resolved = preset_for("plain-2d", data)
    assert resolved.train["epochs"] * resolved.n_batches >= 2000
    row = preset_row(data, "plain-2d")
    assert row.ours["knn5"] >= 0.80, row.ours
    assert row.ours["train_cpu_s"] < 20, row.ours


def test_the_vae_preset_keeps_both_latent_units_on_a_small_upload():
    """A 2-class upload of 200 small images: the VAE preset's run keeps both units in use
    (each carries information: KL well above 0). Its old fixed 20 epochs of one batch
    collapsed them (the KL switched both units off)."""
    data = synthetic_shapes(n=200, side=12)
    row = preset_row(data, "vae-2d")
    assert row.ours["active_units"] == 2 and row.ours["min_unit_kl"] > 0.5, row.ours
    assert row.ours["train_cpu_s"] < 20, row.ours

    from ae_core import bench
    from ae_core.models import build_model, make_config
    from ae_core.training import TrainConfig, Trainer

    model = build_model(make_config("vae", **preset_for("vae-2d", data).model), seed=0)
    Trainer(model, TrainConfig(epochs=20, batch_size=256, device="cpu")).fit(data.x_train)
    assert bench.active_units(model, data)["min_unit_kl"] < 0.1  # the old preset: collapsed
