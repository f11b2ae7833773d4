"""The trainer: reproducible, stoppable, guarded against NaN, and it really learns."""

from __future__ import annotations

import threading

import pytest
import torch

from ae_core import PCAEmbedder, TrainConfig, Trainer, build_model, make_config
from ae_core.errors import ConfigError
from ae_core.noise import corrupt
from ae_core.training import ProbeSnapshots


def small_model(variant="vanilla", seed=0, **settings):
    settings = {"input_shape": (1, 8, 8), "hidden": (32,), **settings}
    return build_model(make_config(variant, **settings), seed=seed)


def weights(model):
    return {k: v.clone() for k, v in model.state_dict().items()}


def same_weights(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_linear_autoencoder_approaches_pca(digits_x):
    """A linear AE with MSE spans the principal subspace: its error tends to PCA's."""
    pca = PCAEmbedder(5).fit(digits_x)
    pca_mse = float(((pca.reconstruct(digits_x) - digits_x) ** 2).mean())
    ae = small_model(hidden=(), activation="identity", output="linear", loss="mse", latent_dim=5)
    ae.fit(digits_x, epochs=300, batch_size=128, lr=1e-2)
    ae_mse = float(((ae.reconstruct(digits_x) - digits_x) ** 2).mean())
    assert pca_mse * 0.999 <= ae_mse <= pca_mse * 1.05


@pytest.mark.parametrize("variant", ["vanilla", "vae", "denoising", "sparse_kl"])
def test_same_seed_same_weights(digits_x, variant):
    runs = []
    for _ in range(2):
        model = small_model(variant, seed=7)
        Trainer(model, TrainConfig(epochs=2, batch_size=64, seed=7)).fit(digits_x[:512])
        runs.append(weights(model))
    assert same_weights(*runs)
    other = small_model(variant, seed=7)
    Trainer(other, TrainConfig(epochs=2, batch_size=64, seed=8)).fit(digits_x[:512])
    assert not same_weights(runs[0], weights(other))


def test_training_lowers_the_loss_and_reports_its_parts(digits_x):
    model = small_model("vae")
    trainer = Trainer(model, TrainConfig(epochs=8, batch_size=64))
    probes = ProbeSnapshots(digits_x[:50]).attach(trainer)
    batches, epochs = [], []
    trainer.add_callback("on_batch_end", lambda t: batches.append(dict(t.last_parts)))
    trainer.add_callback("on_epoch_end", lambda t: epochs.append(t.history[-1]))
    result = trainer.fit(digits_x[:1400], x_val=digits_x[1400:])
    assert result.status == "finished" and result.epochs_completed == 8
    assert len(batches) == 8 * (1400 // 64) and len(epochs) == 8
    first, last = result.history[0], result.history[-1]
    assert {"train_recon", "train_kl", "train_total", "val_recon", "val_kl", "lr"} <= set(last)
    assert last["val_total"] < first["val_total"]
    assert last["train_total"] == pytest.approx(last["train_recon"] + last["train_kl"], rel=1e-4)
    # the probe is snapshotted before training and after every epoch
    assert len(probes.codes) == 9 and probes.codes[0].shape == (50, 2)
    assert not torch.equal(probes.codes[0], probes.codes[-1])
    assert model.history == result.history


def test_nan_guard_stops_and_keeps_the_last_good_weights(digits_x):
    model = small_model()
    trainer = Trainer(model, TrainConfig(epochs=5, batch_size=64))
    snapshots = []
    trainer.add_callback("on_epoch_end", lambda t: snapshots.append(weights(t.model)))

    def poison(t):
        if t.epoch == 2 and t.batch == 3:
            with torch.no_grad():
                next(t.model.parameters()).fill_(float("nan"))

    trainer.add_callback("on_batch_end", poison)
    result = trainer.fit(digits_x[:640])
    assert result.status == "diverged"
    assert "lower learning rate" in result.message and "epoch 2" in result.message
    assert result.epochs_completed == 2
    assert same_weights(weights(model), snapshots[-1])
    assert all(torch.isfinite(p).all() for p in model.parameters())


def test_weights_poisoned_by_an_epoch_s_last_step_are_never_kept(digits_x):
    """The loss of every batch was finite, but the last step left a NaN weight: the epoch's
    weights must not become the "last good" state, and nothing after it reads them."""
    model = small_model()
    trainer = Trainer(model, TrainConfig(epochs=5, batch_size=64))
    snapshots = []
    trainer.add_callback("on_epoch_end", lambda t: snapshots.append(weights(t.model)))

    def poison_last_step(t):
        if t.epoch == 2 and t.batch == t.n_batches:
            with torch.no_grad():
                next(t.model.parameters()).fill_(float("nan"))

    trainer.add_callback("on_batch_end", poison_last_step)
    probes = ProbeSnapshots(digits_x[:20]).attach(trainer)
    result = trainer.fit(digits_x[:640], x_val=digits_x[640:700])
    assert result.status == "diverged" and "non-finite" in result.message
    assert result.epochs_completed == 2 and len(probes.codes) == 3
    assert same_weights(weights(model), snapshots[-1])
    assert all(torch.isfinite(p).all() for p in model.parameters())


def test_stop_from_another_thread_keeps_the_last_finished_epoch(digits_x):
    model = small_model()
    trainer = Trainer(model, TrainConfig(epochs=10_000, batch_size=16))
    snapshots, second_epoch = [], threading.Event()

    def on_epoch(t):
        snapshots.append(weights(t.model))
        if t.epoch == 2:
            second_epoch.set()

    trainer.add_callback("on_epoch_end", on_epoch)
    worker = threading.Thread(target=trainer.fit, args=(digits_x,))
    worker.start()
    assert second_epoch.wait(60)
    trainer.stop()
    worker.join(10)
    assert not worker.is_alive()
    result = trainer.result
    assert result.status == "stopped" and "Stopped by the user" in result.message
    assert same_weights(weights(model), snapshots[-1])
    assert result.epochs_completed == len(snapshots)


@pytest.mark.parametrize("settings, words", [
    ({"epochs": 0}, "epochs"),
    ({"lr": 50.0}, "learning rate"),
    ({"batch_size": 10**7}, "batch size"),
    ({"schedule": "zigzag"}, "schedule"),
    ({"augment_shift": -1}, "shift"),
    ({"augment_shift": 9}, "shift"),
])
def test_absurd_training_settings_are_refused(settings, words):
    with pytest.raises(ConfigError, match=f"(?i){words}"):
        TrainConfig(**settings).validate()


def test_noise_statistics():
    g = torch.Generator().manual_seed(0)
    ones = torch.ones(1000, 1, 28, 28)
    masked = corrupt(ones, "masking", 0.3, g)
    assert float((masked == 0).float().mean()) == pytest.approx(0.3, abs=0.005)
    grey = torch.full((1000, 1, 28, 28), 0.5)
    sp = corrupt(grey, "salt_pepper", 0.2, g)
    assert float((sp == 0).float().mean()) == pytest.approx(0.1, abs=0.005)
    assert float((sp == 1).float().mean()) == pytest.approx(0.1, abs=0.005)
    assert float((sp == 0.5).float().mean()) == pytest.approx(0.8, abs=0.005)
    noisy = corrupt(grey, "gaussian", 0.1, g)
    assert float(noisy.mean()) == pytest.approx(0.5, abs=0.002)
    assert float((noisy - grey).std()) == pytest.approx(0.1, abs=0.002)
    assert float(noisy.min()) >= 0.0 and float(noisy.max()) <= 1.0
    assert torch.equal(corrupt(grey, "gaussian", 0.0, g), grey)
    a = corrupt(grey, "gaussian", 0.3, torch.Generator().manual_seed(5))
    b = corrupt(grey, "gaussian", 0.3, torch.Generator().manual_seed(5))
    assert torch.equal(a, b)


def test_denoising_model_trains_on_corrupted_input_against_clean_targets(digits_x):
    model = small_model("denoising", noise="masking", noise_level=0.5, latent_dim=16)
    result = Trainer(model, TrainConfig(epochs=15, batch_size=64)).fit(digits_x[:1400],
                                                                      x_val=digits_x[1400:])
    assert result.history[-1]["val_recon"] < result.history[0]["val_recon"]
    g = torch.Generator().manual_seed(0)
    clean = digits_x[1400:]
    noisy = corrupt(clean, "masking", 0.5, g)
    err_noisy = float(((noisy - clean) ** 2).mean())
    err_denoised = float(((model.reconstruct(noisy) - clean) ** 2).mean())
    assert err_denoised < 0.7 * err_noisy


def test_probe_replay_keeps_at_most_the_frame_budget():
    from ae_core.training import probe_extras

    frames = [torch.full((3, 2), float(i)) for i in range(301)]
    extras = probe_extras(frames, torch.zeros(3, 1, 8, 8), max_frames=60)
    epochs = extras["probe_epochs"].tolist()
    assert len(epochs) == 60 and epochs[0] == 0 and epochs[-1] == 300
    assert extras["probe_codes"][:, 0, 0].tolist() == [float(e) for e in epochs]


def test_the_penalty_warms_up_linearly_over_its_share_of_the_steps(digits_x):
    """penalty_warmup = 0.5 of 4 epochs × 5 batches: the penalties' factor is (step+1)/10 for
    the first 10 steps, then 1; the reconstruction is never scaled."""
    model = small_model("vae")
    trainer = Trainer(model, TrainConfig(epochs=4, batch_size=100, penalty_warmup=0.5))
    seen = []
    trainer.add_callback("on_batch_end", lambda t: seen.append(t.penalty_scale))
    trainer.fit(digits_x[:500])
    assert seen == pytest.approx([0.1 * (i + 1) for i in range(10)] + [1.0] * 10)
    off = Trainer(small_model("vae"), TrainConfig(epochs=1, batch_size=100))
    off.add_callback("on_batch_end", lambda t: seen.append(t.penalty_scale))
    off.fit(digits_x[:500])
    assert seen[-5:] == [1.0] * 5
    with pytest.raises(ConfigError, match="warm-up"):
        TrainConfig(penalty_warmup=1.5).validate()
