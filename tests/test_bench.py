"""The benchmark machinery (figures themselves are printed by ``python -m ae_core bench``)."""

from __future__ import annotations

import math
import time

import pytest
import torch

from ae_core.bench import _examples_loss, epochs_done, reference_vae_loop, train
from ae_core.data.dataset import Dataset


def _blobs(n: int = 512) -> Dataset:
    """28×28 images of a few bright squares: learnable in an epoch or two."""
    g = torch.Generator().manual_seed(0)
    x = torch.zeros(n, 1, 28, 28)
    for i in range(n):
        r, c = torch.randint(0, 20, (2,), generator=g).tolist()
        x[i, 0, r:r + 8, c:c + 8] = 1.0
    y = torch.zeros(n, dtype=torch.long)
    return Dataset("blobs", x[: n - 128], y[: n - 128], x[n - 128:], y[n - 128:], ["blob"])


def test_the_examples_loss_is_summed_bce_plus_the_closed_form_kl():
    x = torch.full((2, 784), 0.5)
    recon = torch.full((2, 784), 0.5)
    mu, logvar = torch.zeros(2, 20), torch.zeros(2, 20)
    assert math.isclose(float(_examples_loss(recon, x, mu, logvar)), 2 * 784 * math.log(2),
                        rel_tol=1e-6)
    mu = torch.ones(2, 20)  # KL of N(1, 1) to N(0, 1) is 1/2 per dimension
    assert math.isclose(float(_examples_loss(recon, x, mu, logvar)),
                        2 * 784 * math.log(2) + 2 * 20 * 0.5, rel_tol=1e-6)


def test_the_reference_loop_trains_and_reports_a_falling_test_loss():
    curve = reference_vae_loop(_blobs(), epochs=2)
    assert len(curve) == 2
    (t1, loss1), (t2, loss2) = curve
    assert 0 < t1 < t2 and math.isfinite(loss1) and loss2 < loss1


def test_checks_between_epoch_ends_run_off_the_clock_at_fractional_epochs():
    """A time-to-target is not rounded up to a whole epoch, and checking costs no time."""
    seen = []

    def check(t, seconds):
        seen.append((epochs_done(t), seconds))
        if len(seen) == 3:
            import time
            time.sleep(0.3)  # a slow check must not count as training time

    data = _blobs(640)  # 512 training images: 16 batches of 32
    _, spent = train(data, {"variant": "vanilla", "hidden": [16]},
                     {"epochs": 2, "batch_size": 32}, on_epoch=check, checks_per_epoch=4)
    assert [e for e, _ in seen] == [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0]
    seconds = [s for _, s in seen]
    assert seconds == sorted(seconds) and seconds[-1] == spent
    assert seconds[3] - seconds[2] < 0.25


def test_throughput_on_one_thread_measures_gemms_and_trainer_on_one_thread(monkeypatch):
    """The app's way of training (one torch thread) is measured against GEMMs on one
    thread, a window before and after each timed epoch, and the caller's thread setting
    is left as it was."""
    import ae_core.bench as bench

    seen = []
    monkeypatch.setattr(bench, "_dataset", lambda name, quick: _blobs(640))
    monkeypatch.setattr(bench, "matmul_peak_gflops",
                        lambda seconds: seen.append(("burst", torch.get_num_threads())) or 60.0)
    monkeypatch.setattr(bench, "matmul_gflops",
                        lambda seconds: seen.append(("window", torch.get_num_threads())) or 50.0)
    before = torch.get_num_threads()
    row = bench.trainer_throughput(quick=True, threads=1)
    # quick: a warm-up epoch, then one timed epoch between two windows
    assert seen == [("burst", 1), ("window", 1), ("window", 1)]
    assert torch.get_num_threads() == before
    assert row.label.startswith("trainer throughput on blobs (quick stand-in for mnist) "
                                "(1 torch thread,")
    assert "1 timed epoch after" in row.label and "2 batches an epoch" in row.label  # 512 / 256
    assert row.ours["samples_per_s"] > 0 and row.ours["matmul_gflops"] == 50.0
    assert math.isclose(row.ours["ratio"], row.ours["gflops"] / 50.0)
    assert math.isclose(row.ours["ratio_to_best_burst"], row.ours["gflops"] / 60.0)


def test_paired_ratios_cancel_a_drift_of_the_machines_speed():
    """An epoch run while the machine was 20 % slower, with its GEMM windows slower alike,
    keeps the same ratio; each epoch is compared with the windows on either side."""
    from ae_core.bench import paired_ratios

    assert paired_ratios([70.0, 56.0], [100.0, 100.0, 60.0]) == [0.7, 0.7]
    assert paired_ratios([90.0], [120.0, 80.0]) == [0.9]
    with pytest.raises(ValueError, match="one GEMM window before each epoch"):
        paired_ratios([70.0, 56.0], [100.0, 100.0])


def test_a_sustained_gemm_window_runs_for_its_time_and_reports_a_rate():
    from ae_core.bench import matmul_gflops

    t0 = time.perf_counter()
    rate = matmul_gflops(seconds=0.1, n=128)
    assert time.perf_counter() - t0 >= 0.1 and 0 < rate < 1e5


def test_the_hinton_recipe_trains_on_shifted_images_and_scores_pca_like_sklearn(monkeypatch):
    from sklearn.decomposition import PCA

    from ae_core import bench

    data = _blobs(640)
    configs = []

    class Recording(bench.Trainer):
        def __init__(self, model, config):
            configs.append(config)
            super().__init__(model, config)

    monkeypatch.setattr(bench, "_dataset", lambda name, quick: data)
    monkeypatch.setattr(bench, "Trainer", Recording)
    ae, pca = bench.bench_hinton(quick=True)
    assert [c.augment_shift for c in configs] == [1] and configs[0].epochs == 1
    x_train, x_test = data.x_train.flatten(1).numpy(), data.x_test.flatten(1).numpy()
    sk = PCA(30, svd_solver="full").fit(x_train)  # exact: 'auto' is randomized here, unseeded
    expected = ((sk.inverse_transform(sk.transform(x_test)) - x_test) ** 2).sum(1).mean()
    assert math.isclose(pca.ours["sq_err_per_image"], expected, rel_tol=1e-3)
    assert math.isfinite(ae.ours["sq_err_per_image"]) and ae.ours["train_s"] > 0


def test_quality_scores_the_papers_trust_on_the_first_training_images(monkeypatch):
    """The paper's table scores trustworthiness on its first 10k training images; the test
    set's figure is ours too, compared with the test figure its notebooks print."""
    from sklearn.manifold import trustworthiness as sk_trust

    from ae_core import bench

    blobs = _blobs(640)
    two_classes = [(x[:, :, :14].sum((1, 2, 3)) > 0).long() for x in (blobs.x_train, blobs.x_test)]
    data = Dataset("mnist", blobs.x_train, two_classes[0], blobs.x_test, two_classes[1],
                   ["top", "bottom"])  # named as the data the paper's figures are for
    monkeypatch.setattr(bench, "_dataset", lambda name, quick: data)
    monkeypatch.setattr(bench, "TRUST_TRAIN_POINTS", 200)
    rows = bench.bench_quality(quick=True, datasets=("mnist",))
    assert [r.label for r in rows] == ["mnist PCA-2", "mnist AE-2", "mnist VAE-2"]
    pca = bench.PCAEmbedder(2).fit(data.x_train)
    first = data.x_train[:200]
    expected_train = sk_trust(first.flatten(1).numpy(), pca.encode(first).numpy(), n_neighbors=5)
    expected_test = sk_trust(data.x_test.flatten(1).numpy(), pca.encode(data.x_test).numpy(),
                             n_neighbors=5)
    assert math.isclose(rows[0].ours["trust_train10k"], expected_train, rel_tol=1e-6)
    assert math.isclose(rows[0].ours["trustworthiness"], expected_test, rel_tol=1e-6)
    assert rows[0].reference == {"knn5": 0.4201, "trust_train10k": 0.7434, "mse": 0.0557}
    assert rows[1].reference == {"knn5": 0.7926, "trust_train10k": 0.9663, "mse": 0.0369,
                                 "trustworthiness": 0.9224}
    assert rows[2].reference["trustworthiness"] == 0.9203
    for row in rows[1:]:
        assert 0.0 < row.ours["trust_train10k"] <= 1.0 and row.ours["train_s"] > 0


def test_quick_runs_label_their_digits_figures_as_digits_without_mnist_references(monkeypatch):
    """Issue 17 item 15: ``bench --quick`` trains on digits; its rows say so and carry no MNIST
    reference beside them (the figures are not comparable)."""
    from ae_core import bench

    monkeypatch.setattr(bench, "train", lambda data, recipe, options, **kw: (
        bench.PCAEmbedder(2).fit(data.x_train), 0.0))  # the labels, not the training, matter
    monkeypatch.setattr(bench, "TRUST_TRAIN_POINTS", 200)
    rows = bench.bench_quality(quick=True, datasets=("mnist", "fashion-mnist"))
    assert [r.label for r in rows] == [
        f"digits (quick stand-in for {name}) {label}-2"
        for name in ("mnist", "fashion-mnist") for label in ("PCA", "AE", "VAE")]
    assert all(r.reference is None for r in rows)
    text = bench.format_rows("quality", rows)
    assert "mnist PCA" not in text and "(reference" not in text
    hinton = bench.bench_hinton(quick=True)
    assert all("on digits (quick stand-in for mnist)" in r.label and r.reference is None
               for r in hinton)


def test_the_presets_benchmark_reports_the_default_runs_against_their_targets(monkeypatch):
    from ae_core import bench

    seen = []
    monkeypatch.setattr(bench, "preset_row", lambda data, key, reference=None: seen.append(
        (data.name, key, reference)) or bench.Row(key, {}, reference))
    monkeypatch.setattr(bench, "load_dataset", lambda name: Dataset(
        name, torch.zeros(1), torch.zeros(1), torch.zeros(1), torch.zeros(1), []))
    bench.bench_presets(quick=False)
    assert seen == [("digits", "plain-2d", {"knn5": 0.80, "train_s": 20.0}),
                    ("mnist", "plain-2d", {"knn5": 0.70, "train_s": 120.0}),
                    ("fashion-mnist", "plain-2d", {"knn5": 0.65, "train_s": 120.0}),
                    ("shapes", "vae-2d", {"active_units": 2})]
    seen.clear()
    bench.bench_presets(quick=True)
    assert [name for name, _, _ in seen] == ["digits", "shapes"]
