"""Comparison metrics, PCA rate–distortion (closed form) and VAE latent statistics."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from ae_core import PCAEmbedder, build_model, make_config
from ae_core.compare import (
    METRIC_KEYS,
    ReferenceCodes,
    compare_metrics,
    pca_rate_distortion,
    tsne_reference,
    vae_latent_stats,
)
from ae_core.data.dataset import Dataset
from ae_core.evaluate import evaluate


@pytest.fixture(scope="module")
def small(digits_x, digits_y) -> Dataset:
    y = torch.as_tensor(digits_y)
    return Dataset("digits", digits_x[:600], y[:600], digits_x[600:800], y[600:800],
                   [str(i) for i in range(10)])


def test_rate_distortion_on_train_is_the_sum_of_discarded_eigenvalues(digits_x):
    flat = digits_x.reshape(len(digits_x), -1).double().numpy()
    eig = np.sort(np.linalg.eigvalsh(np.cov(flat, rowvar=False, ddof=0)))[::-1]
    dims = (1, 2, 4, 8, 16, 32)
    curve = pca_rate_distortion(digits_x, digits_x, dims)
    assert list(curve) == list(dims)
    for k in dims:
        assert curve[k] == pytest.approx(eig[k:].sum() / flat.shape[1], abs=1e-6)
    values = [curve[k] for k in dims]
    assert values == sorted(values, reverse=True)


def test_rate_distortion_on_test_matches_pca_embedder(small):
    curve = pca_rate_distortion(small.x_train, small.x_test, (2, 8, 1000))
    assert set(curve) == {2, 8}  # sizes above the rank are dropped
    for k in (2, 8):
        pca = PCAEmbedder(k).fit(small.x_train)
        mse = float(((pca.reconstruct(small.x_test) - small.x_test) ** 2).double().mean())
        assert curve[k] == pytest.approx(mse, rel=1e-4)


def test_compare_metrics_is_one_loop_with_a_code_only_reference(small):
    pca2, pca8 = PCAEmbedder(2).fit(small.x_train), PCAEmbedder(8).fit(small.x_train)
    ref = ReferenceCodes(pca2.encode(small.x_train).numpy(), pca2.encode(small.x_test).numpy())
    seen = []
    table = compare_metrics({"PCA 2": pca2, "PCA 8": pca8, "ref": ref}, small,
                            trust_points=150, progress=lambda s, f: seen.append(f))
    assert list(table) == ["PCA 2", "PCA 8", "ref"]
    for row in table.values():
        assert all(k in row for k in METRIC_KEYS)
    assert table["PCA 8"]["mse"] < table["PCA 2"]["mse"]
    assert table["PCA 8"]["psnr"] > table["PCA 2"]["psnr"]
    assert math.isnan(table["ref"]["mse"]) and math.isnan(table["ref"]["psnr"])
    # the codes-only row has exactly the same latent metrics as the embedder that made them
    for key in ("knn1", "knn5", "trustworthiness", "silhouette"):
        assert table["ref"][key] == pytest.approx(table["PCA 2"][key])
    direct = evaluate(pca2, small, trust_points=150)
    assert table["PCA 2"]["knn5"] == direct["knn5"]
    assert seen == sorted(seen) and seen[-1] == 1.0


def test_vae_latent_stats_reuse_the_kl_metrics(small):
    torch.manual_seed(0)
    vae = build_model(make_config("vae", input_shape=small.image_shape, hidden=(16,),
                                  latent_dim=3))
    stats = vae_latent_stats(vae, small.x_test)
    assert len(stats["kl_per_dim"]) == 3 and all(v >= 0 for v in stats["kl_per_dim"])
    assert 0 <= stats["active_units"] <= 3
    assert vae_latent_stats(PCAEmbedder(2).fit(small.x_train), small.x_test) == {}
    row = compare_metrics({"vae": vae}, small, trust_points=100)["vae"]
    assert row["kl_per_dim"] == stats["kl_per_dim"]


def test_tsne_reference_embeds_train_subset_and_test_together(small):
    ref, subset = tsne_reference(small, max_train=100, seed=0)
    assert ref.train_codes.shape == (100, 2) and ref.test_codes.shape == (200, 2)
    assert len(subset.x_train) == 100 and len(subset.x_test) == 200
    row = compare_metrics({"t-SNE": ref}, subset, trust_points=100)["t-SNE"]
    assert row["knn5"] > 0.5


def test_ae_rate_distortion_beats_pca_at_low_dimensions_and_improves_with_size():
    from ae_core.compare import ae_rate_distortion, pca_rate_distortion
    from ae_core.data import load_dataset

    data = load_dataset("digits")
    ae = ae_rate_distortion(data.x_train, data.x_test, dims=(1, 2, 8), epochs=60)
    pca = pca_rate_distortion(data.x_train, data.x_test, dims=(1, 2, 8))
    assert list(ae) == [1, 2, 8]
    assert ae[1] > ae[2] > ae[8]
    assert ae[2] < 0.9 * pca[2]  # a nonlinear 2-D code keeps more than two linear axes


def test_ae_rate_distortion_reports_progress_and_stops_with_what_it_has():
    from ae_core.compare import ae_rate_distortion
    from ae_core.tasks import Context

    class StopAfterFirst(Context):
        def progress(self, fraction, text=None):
            super().progress(fraction, text)
            if fraction > 0.6:  # partway through the second of two sizes
                self.request_stop()

    ctx = StopAfterFirst()
    x = torch.rand(64, 1, 8, 8)
    out = ae_rate_distortion(x, x, dims=(1, 2), epochs=20, batch_size=16, ctx=ctx)
    assert list(out) == [1] and ctx.text == "2-D" and 0.6 < ctx.fraction < 1.0
