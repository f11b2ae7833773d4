"""ae_core.applications: denoising, anomaly detection, sparse features, compression, few labels."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image
from sklearn.metrics import roc_auc_score, roc_curve

from ae_core import PCAEmbedder, build_model, make_config
from ae_core import applications as app
from ae_core.data import load_dataset
from ae_core.errors import ConfigError, DataError
from ae_core.metrics import anomaly_auroc, psnr, roc_curve_points
from ae_core.tasks import Context


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits")


@pytest.fixture(scope="module")
def pca8(digits):
    return PCAEmbedder(8).fit(digits.x_train)


def test_psnr_of_known_mse():
    x = np.zeros((2, 1, 4, 4))
    y = np.full_like(x, 0.1)  # mse 0.01 → 20 dB
    assert psnr(x, y) == pytest.approx(20.0)


def test_noise_statistics_match_the_requested_level():
    x = torch.full((200, 1, 8, 8), 0.5)
    sp = app.add_noise(x, "salt_pepper", 0.3, seed=1)
    stats = app.noise_statistics(x, sp)
    assert stats["changed"] == pytest.approx(0.3, abs=0.02)
    assert stats["zeros"] == pytest.approx(0.15, abs=0.02)
    assert stats["ones"] == pytest.approx(0.15, abs=0.02)
    masked = app.noise_statistics(x, app.add_noise(x, "masking", 0.4, seed=1))
    assert masked["changed"] == pytest.approx(0.4, abs=0.02) and masked["ones"] == 0
    g = app.noise_statistics(x, app.add_noise(x, "gaussian", 0.1, seed=1))
    assert g["std"] == pytest.approx(0.1, rel=0.05)   # 0.5 ± 0.1 is rarely clipped
    # seeded: the same noise twice, different with another seed
    assert torch.equal(app.add_noise(x, "gaussian", 0.3, 2), app.add_noise(x, "gaussian", 0.3, 2))
    assert not torch.equal(app.add_noise(x, "gaussian", 0.3, 2),
                           app.add_noise(x, "gaussian", 0.3, 3))
    with pytest.raises(ConfigError):
        app.add_noise(x, "blur", 0.1)


def test_psnr_vs_noise_falls_for_the_noisy_input_and_the_denoiser_beats_it(digits, pca8):
    x = digits.x_test[:100]
    curves = app.psnr_vs_noise({"pca": pca8}, x, "gaussian", [0.0, 0.2, 0.5])
    assert curves["noisy"][0] == 100.0   # no noise: identical images, capped
    assert curves["noisy"][1] > curves["noisy"][2]
    assert curves["pca"][2] > curves["noisy"][2]   # projection removes much Gaussian noise
    grid = app.denoise_grid({"pca": pca8}, x[:4], "masking", 0.5)
    assert list(grid) == ["clean", "noisy", "pca"]
    assert all(v.shape == (4, 1, 8, 8) and v.min() >= 0 and v.max() <= 1 for v in grid.values())


def test_prepare_upload_resizes_greys_and_inverts_dark_on_light():
    img = Image.new("RGB", (40, 30), "white")
    for i in range(10, 20):
        img.putpixel((20, i), (0, 0, 0))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    out = app.prepare_upload(buf.getvalue(), (1, 8, 8))
    assert out.shape == (1, 8, 8) and out.dtype == np.float32
    assert out[0, 0, 0] == pytest.approx(0.0) and out.max() > 0.1   # inverted: dark background
    with pytest.raises(DataError):
        app.prepare_upload(b"not an image", (1, 8, 8))


def test_threshold_report_and_roc_against_scikit_learn():
    rng = np.random.default_rng(0)
    y = rng.random(300) < 0.3
    scores = rng.normal(size=300) + 1.5 * y
    assert anomaly_auroc(scores, y) == pytest.approx(roc_auc_score(y, scores))
    fpr, tpr, _ = roc_curve_points(scores, y)
    sk_fpr, sk_tpr, _ = roc_curve(y, scores)
    np.testing.assert_allclose(fpr, sk_fpr)
    np.testing.assert_allclose(tpr, sk_tpr)
    rep = app.threshold_report(scores, y, 0.75)
    flagged = scores > 0.75
    assert rep["tp"] + rep["fp"] == flagged.sum()
    assert rep["tp"] + rep["fn"] == y.sum()
    assert rep["precision"] == pytest.approx((flagged & y).sum() / flagged.sum())
    assert rep["recall"] == pytest.approx((flagged & y).sum() / y.sum())
    nothing = app.threshold_report(scores, y, scores.max())
    assert nothing["precision"] == 1.0 and nothing["recall"] == 0.0


class Recorder(Context):
    """A context that keeps every fraction reported and asks for a stop at ``stop_at``."""

    def __init__(self, stop_at: float = 2.0):
        super().__init__()
        self.seen: list[float] = []
        self.stop_at = stop_at

    def progress(self, fraction, text=None):
        super().progress(fraction, text)
        self.seen.append(fraction)
        if fraction >= self.stop_at - 1e-9:
            self.request_stop()


def test_an_ae_trained_on_one_class_flags_the_others(digits):
    normal = app.normal_mask(digits.y_train, [0])
    ctx = Recorder()
    model = app.train_normal_model(digits.x_train[normal], digits.image_shape, latent_dim=4,
                                   epochs=40, ctx=ctx)
    assert ctx.seen and ctx.seen[-1] == pytest.approx(1.0)
    scores = app.anomaly_scores(model, digits.x_test)
    is_anomaly = ~app.normal_mask(digits.y_test, [0])
    assert anomaly_auroc(scores, is_anomaly) > 0.9
    with pytest.raises(ConfigError):
        app.normal_mask(digits.y_test, [])


def test_activation_stats_and_feature_images():
    codes = np.array([[0.0, 1.0, 0.5], [0.0, 1.0, 0.0], [0.0, 0.9, 0.0]])
    stats = app.activation_stats(codes)
    assert stats["dead"].tolist() == [True, False, False]
    assert stats["always_on"].tolist() == [False, True, False]
    np.testing.assert_allclose(stats["mean"], [0, 29 / 30, 1 / 6])
    assert stats["per_image"].tolist() == [2, 1, 1]
    # firing is on each unit's own scale: the same codes ×10 (an L1 model's ReLU scale) or
    # ÷10 (sigmoid codes near a small ρ) fire alike, which an absolute threshold cannot do
    for factor in (10.0, 0.1):
        scaled = app.activation_stats(codes * factor)
        assert scaled["firing"].tolist() == stats["firing"].tolist()
        np.testing.assert_allclose(scaled["relative"], stats["relative"])
    half = app.activation_stats(codes, fire_share=0.95)  # 0.9 is not above 95 % of 1.0
    assert half["firing"].tolist() == [0, 2 / 3, 1 / 3] and not half["always_on"].any()
    low = np.array([[0.0, 1e-5], [0.0, 1e-5]])
    assert app.activation_stats(np.c_[low, [1.0, 0.5]])["dead"].tolist() == [True, True, False]
    with pytest.raises(ConfigError):
        app.activation_stats(codes, fire_share=1.0)
    model = build_model(make_config("sparse_kl", input_shape=(1, 8, 8), latent_dim=12))
    dec = app.feature_images(model, "decoder")
    enc = app.feature_images(model, "encoder")
    assert dec.shape == enc.shape == (12, 1, 8, 8)
    assert dec.min() == 0 and dec.max() == pytest.approx(1)
    w = model.decoder.net[0].weight.detach().numpy()[:, 3]   # column 3 = unit 3's picture
    np.testing.assert_allclose(dec[3].ravel(), (w - w.min()) / (w.max() - w.min()), rtol=1e-5)
    blank = app.feature_images(model, "decoder", blank=np.arange(12) == 5)
    assert np.all(blank[5] == 0.5) and np.array_equal(blank[4], dec[4])  # a dead unit: grey
    deep = build_model(make_config("vanilla", input_shape=(1, 8, 8), hidden=(16,), latent_dim=2))
    with pytest.raises(ConfigError):
        app.feature_images(deep)


@pytest.mark.parametrize("bits", [1, 4, 8])
def test_quantisation_round_trip(bits):
    rng = np.random.default_rng(bits)
    codes = rng.normal(size=(50, 6))
    lo, hi = app.code_range(codes)
    q = app.quantize(codes, bits, lo, hi)
    assert q.min() >= 0 and q.max() <= 2**bits - 1
    back = app.dequantize(q, bits, lo, hi)
    step = (hi - lo) / (2**bits - 1)
    assert np.all(np.abs(back - codes) <= step / 2 + 1e-12)
    np.testing.assert_array_equal(app.quantize(back, bits, lo, hi), q)   # grid values are fixed
    with pytest.raises(ConfigError):
        app.quantize(codes, 0, lo, hi)


def test_rate_psnr_rises_with_bits_and_png_reference(digits, pca8):
    x = digits.x_test[:100]
    curve = app.rate_psnr({"pca8": pca8}, digits.x_train, x, [2, 4, 8])["pca8"]
    assert [b for b, _ in curve] == [2.0, 4.0, 8.0]   # 8 dims × bits / 8
    psnrs = [p for _, p in curve]
    assert psnrs[0] < psnrs[1] < psnrs[2]
    assert app.bytes_per_image(32, 4) == 16
    assert 60 < app.mean_png_bytes(x) < 200   # an 8×8 grey PNG is ~70-120 bytes


def test_label_efficiency_sampling_is_seeded_and_balanced(digits):
    y = digits.y_train.numpy()
    a = app.sample_per_class(y, 10, seed=3)
    assert np.array_equal(a, app.sample_per_class(y, 10, seed=3))
    assert not np.array_equal(a, app.sample_per_class(y, 10, seed=4))
    assert np.bincount(y[a]).tolist() == [10] * 10
    raw = (digits.x_train.reshape(len(y), -1), digits.x_test.reshape(len(digits.y_test), -1))
    res = app.label_efficiency({"raw": raw}, y, digits.y_test, n_per_class=(5, 50), seed=0)
    assert set(res["raw"]) == {"knn", "logreg"}
    assert res["raw"]["logreg"][1] > res["raw"]["logreg"][0] > 0.5
    assert res == app.label_efficiency({"raw": raw}, y, digits.y_test, n_per_class=(5, 50),
                                       seed=0)


def test_sparse_comparison_kl_pulls_activations_towards_rho(digits):
    models = app.train_sparse_comparison(digits.x_train, digits.image_shape, units=16, epochs=10)
    assert list(models) == ["sparse_l1", "sparse_kl", "none"]
    means = {k: float(m.encode(digits.x_test).mean()) for k, m in models.items()}
    assert means["sparse_kl"] < means["none"]
    assert torch.get_num_threads() >= 1


def test_train_normal_model_stops_on_its_context_and_keeps_finished_epochs(digits):
    x = digits.x_train[app.normal_mask(digits.y_train, [1])]
    model = app.train_normal_model(x, digits.image_shape, latent_dim=4, epochs=50,
                                   ctx=Recorder(stop_at=2 / 50))  # at the end of epoch 2
    assert len(model.history) == 2
    assert np.isfinite(app.anomaly_scores(model, digits.x_test)).all()


def test_train_normal_model_passes_architecture_settings_to_the_model(digits):
    x = digits.x_train[app.normal_mask(digits.y_train, [1])]
    model = app.train_normal_model(x, digits.image_shape, latent_dim=3, hidden=(), epochs=1,
                                   arch="conv", channels=(4,), loss="mse", batch_size=32)
    assert model.config.arch == "conv" and model.config.channels == (4,)
    assert model.config.loss == "mse" and model.latent_dim == 3


def test_sparse_comparison_stops_between_and_within_models(digits):
    ctx = Recorder(stop_at=1 / 3 + 1 / 15)  # the KL model (a third each) after 1 of 5 epochs
    models = app.train_sparse_comparison(digits.x_train[:300], digits.image_shape, units=8,
                                         epochs=5, ctx=ctx)
    assert ctx.seen == sorted(ctx.seen) and max(ctx.seen) < 2 / 3
    assert list(models) == ["sparse_l1", "sparse_kl"]
    assert len(models["sparse_l1"].history) == 5 and len(models["sparse_kl"].history) == 1


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def test_prepare_upload_puts_transparency_on_white_paper():
    img = Image.new("RGBA", (28, 28), (0, 0, 0, 0))   # a black stroke on a transparent sheet
    for i in range(6, 22):
        img.putpixel((14, i), (0, 0, 0, 255))
    out = app.prepare_upload(_png(img), (1, 28, 28))
    assert out[0, 0, 0] == pytest.approx(0.0)             # background: dark after inversion
    assert out[0, 6:22, 14].min() > 0.9                    # the stroke: bright


def test_prepare_upload_keeps_the_aspect_ratio_and_the_channels():
    img = Image.new("L", (60, 20), 255)                    # wide white picture
    img.paste(0, (20, 0, 40, 20))                          # a black 20×20 square in the middle
    out = app.prepare_upload(_png(img), (3, 12, 12))
    assert out.shape == (3, 12, 12) and np.array_equal(out[0], out[2])
    lit = out[0] > 0.5
    rows, cols = np.flatnonzero(lit.any(1)), np.flatnonzero(lit.any(0))
    assert len(rows) == len(cols) == 4                     # still a square, not a 12×4 bar


def test_prepare_upload_reads_16_bit_grey_and_refuses_empty_files():
    a = np.zeros((16, 16), dtype=np.uint16)
    a[4:12, 4:12] = 4000                                   # dark border: no inversion
    out = app.prepare_upload(_png(Image.fromarray(a)), (1, 8, 8))
    assert out.max() == pytest.approx(1.0, abs=0.02) and out[0, 0, 0] == pytest.approx(0.0)
    with pytest.raises(DataError, match="empty"):
        app.prepare_upload(b"", (1, 8, 8))


def test_compress_and_rate_psnr_reuse_a_fitted_range_and_stop_between_models(digits, pca8):
    x = digits.x_test[:50]
    fitted = app.code_range(pca8.encode(digits.x_train))
    np.testing.assert_array_equal(app.compress(pca8, digits.x_train, x, 3),
                                  app.compress(pca8, None, x, 3, fitted_range=fitted))
    pca2 = PCAEmbedder(2).fit(digits.x_train)
    full = app.rate_psnr({"a": pca8, "b": pca2}, digits.x_train, x, [2, 4])
    assert full == app.rate_psnr({"a": pca8, "b": pca2}, None, x, [2, 4],
                                 fitted_ranges={"a": fitted, "b": app.code_range(
                                     pca2.encode(digits.x_train))})
    assert full["a"][1][1] == pytest.approx(psnr(x, app.compress(pca8, digits.x_train, x, 4)))
    ctx = Recorder(stop_at=0.5)
    part = app.rate_psnr({"a": pca8, "b": pca2}, digits.x_train, x, [2, 4], ctx=ctx)
    assert list(part) == ["a"] and part["a"] == full["a"] and ctx.seen == [0.5]
