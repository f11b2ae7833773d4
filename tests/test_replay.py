"""The per-image replay of training: each epoch's reconstructions of a few probe images, kept
as bytes beside the probe's codes, saved with the model and checked on load."""

from __future__ import annotations

import pytest
import torch

from ae_core import TrainConfig, Trainer, build_model, make_config
from ae_core.errors import ModelFileError
from ae_core.io import model_from_bytes, model_to_bytes
from ae_core.jobs import JobRegistry, JobSpec
from ae_core.store import ModelStore
from ae_core.training import (
    ProbeSnapshots,
    ReconstructionSnapshots,
    probe_extras,
    replay_rows,
    to_uint8,
)


def small_model(variant="vanilla", seed=0):
    return build_model(make_config(variant, input_shape=(1, 8, 8), hidden=(32,), latent_dim=2),
                       seed=seed)


def test_replay_rows_take_every_class_in_turn():
    labels = torch.tensor([0, 0, 0, 1, 1, 2, 0, 2, 1])
    rows = replay_rows(labels, 5)
    assert rows.dtype == torch.int32 and rows.tolist() == [0, 1, 3, 4, 5]
    assert sorted(labels[rows.long()].tolist()) == [0, 0, 1, 1, 2]
    assert replay_rows(labels, 50).tolist() == list(range(9))  # no more than there are


def test_the_reconstruction_at_epoch_k_is_the_model_s_output_after_epoch_k(digits_x, digits_y):
    """Frame k holds exactly what the weights after epoch k reconstruct (as bytes), frame 0
    the untrained model's, on the same epochs as the probe's codes."""
    model = small_model("vae")
    trainer = Trainer(model, TrainConfig(epochs=3, batch_size=64, seed=1))
    probe = digits_x[:60]
    codes = ProbeSnapshots(probe).attach(trainer)
    rows = replay_rows(torch.as_tensor(digits_y[:60]), 12)
    recons = ReconstructionSnapshots(probe, rows).attach(trainer)
    states = []
    trainer.add_callback("on_train_start", lambda t: states.append(_copy(t.model)))
    trainer.add_callback("on_epoch_end", lambda t: states.append(_copy(t.model)))
    trainer.fit(digits_x[:600])
    assert len(recons.frames) == len(codes.codes) == 4 == len(states)
    for k, state in enumerate(states):
        after = small_model("vae")
        after.load_state_dict(state)
        expected = to_uint8(after.reconstruct(probe[rows.long()]))
        assert recons.frames[k].dtype == torch.uint8 and recons.frames[k].shape == (12, 1, 8, 8)
        assert torch.equal(recons.frames[k], expected), k
    assert not torch.equal(recons.frames[0], recons.frames[-1])
    extras = recons.extras()
    assert extras["recon_images"].dtype == torch.uint8
    assert torch.equal(extras["recon_images"], to_uint8(probe[rows.long()]))
    assert extras["recon_frames"].shape == (4, 12, 1, 8, 8)
    assert extras["recon_epochs"].tolist() == probe_extras(codes.codes, probe)["probe_epochs"] \
        .tolist() == [0, 1, 2, 3]
    assert torch.equal(extras["recon_rows"], rows)


def _copy(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def test_long_trainings_keep_the_same_epochs_as_the_codes():
    probe = torch.rand(10, 1, 8, 8)
    codes, recons = ProbeSnapshots(probe), ReconstructionSnapshots(probe, torch.arange(3))
    codes.codes = [torch.zeros(10, 2)] * 301
    recons.frames = [torch.zeros(3, 1, 8, 8, dtype=torch.uint8)] * 301
    assert recons.extras()["recon_epochs"].tolist() == codes.extras()["probe_epochs"].tolist()
    assert len(recons.extras()["recon_epochs"]) == 60
    assert recons.extras()["recon_epochs"][-1] == 300


def _replay_extras(frames=3, n=4):
    return {"recon_images": torch.randint(0, 256, (n, 1, 8, 8), dtype=torch.uint8),
            "recon_frames": torch.randint(0, 256, (frames, n, 1, 8, 8), dtype=torch.uint8),
            "recon_epochs": torch.arange(frames, dtype=torch.int32),
            "recon_rows": torch.arange(n, dtype=torch.int32)}


def test_the_replay_survives_save_and_load_even_with_half_weights():
    extras = _replay_extras()
    for half in (False, True):
        loaded = model_from_bytes(model_to_bytes(small_model(), extras=extras, half=half))
        for name, tensor in extras.items():
            assert loaded.extras[name].dtype == tensor.dtype
            assert torch.equal(loaded.extras[name], tensor), name


@pytest.mark.parametrize("change", [
    {"recon_frames": torch.zeros(3, 4, 1, 8, 8)},                        # not bytes
    {"recon_epochs": torch.arange(2, dtype=torch.int32)},                # 3 frames, 2 epochs
    {"recon_rows": torch.arange(5, dtype=torch.int32)},                  # 4 images, 5 rows
    {"recon_images": torch.zeros(4, 1, 7, 8, dtype=torch.uint8)},        # another image size
    {"recon_frames": torch.zeros(3, 4, 8, 8, dtype=torch.uint8)},        # wrong rank
])
def test_inconsistent_replays_are_refused_on_load(change):
    data = model_to_bytes(small_model(), extras={**_replay_extras(), **change})
    with pytest.raises(ModelFileError):
        model_from_bytes(data)


def test_a_training_job_records_and_saves_the_replay(tmp_path):
    registry = JobRegistry(max_running=1, threads=None)
    store = ModelStore(tmp_path)
    spec = JobSpec("digits", "vanilla", {"hidden": [32], "latent_dim": 2},
                   {"epochs": 2, "batch_size": 64}, name="replayed", probe_size=100,
                   eval_points=0, replay_images=10)
    job = registry.start(spec, owner="a", store=store)
    assert job.wait(120)
    snap = job.snapshot()
    assert snap.status == "finished"
    assert len(snap.recon_frames) == len(snap.probe_codes) == 3
    assert snap.recon_images.shape == (10, 1, 8, 8) and snap.recon_rows.shape == (10,)
    assert torch.equal(snap.recon_images, store.load("replayed").extras["recon_images"])
    assert len(set(snap.probe_labels[snap.recon_rows.long()].tolist())) == 10  # every digit
    extras = store.load("replayed").extras
    assert extras["recon_frames"].shape == (3, 10, 1, 8, 8)
    assert torch.equal(extras["recon_frames"][-1], snap.recon_frames[-1])
    assert torch.equal(extras["recon_rows"], snap.recon_rows)


def test_the_command_line_records_the_replay_with_the_probe(tmp_path):
    from ae_core.cli import main
    from ae_core.io import load_model

    out = tmp_path / "m.safetensors"
    assert main(["train", "--dataset", "digits", "--hidden", "32", "--latent-dim", "2",
                 "--epochs", "2", "--probe-size", "50", "--replay-images", "8",
                 "--eval-points", "0", "--half", "--out", str(out), "--quiet"]) == 0
    extras = load_model(out).extras
    assert extras["recon_frames"].shape == (3, 8, 1, 8, 8)
    assert extras["recon_frames"].dtype == torch.uint8
    assert extras["probe_codes"].shape[:2] == (3, 50)
    assert main(["train", "--dataset", "digits", "--hidden", "32", "--epochs", "1",
                 "--probe-size", "50", "--replay-images", "0", "--eval-points", "0",
                 "--out", str(out), "--quiet"]) == 0
    assert "recon_frames" not in load_model(out).extras and "probe_codes" in load_model(
        out).extras
