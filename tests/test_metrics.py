"""Every metric checked against hand arithmetic or the reference implementation."""

import math

import numpy as np
import pytest
import torch
from sklearn.manifold import trustworthiness as sk_trustworthiness
from sklearn.metrics import roc_auc_score, roc_curve, silhouette_score
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors

from ae_core import metrics as m
from ae_core.errors import DataError

# Two 2-pixel images: squared errors are [0, 0.25] and [0, 1].
X = np.array([[0.0, 1.0], [1.0, 1.0]])
X_HAT = np.array([[0.0, 0.5], [1.0, 0.0]])


# --------------------------------------------------------------------------- reconstruction


def test_mse_and_squared_error_by_hand():
    assert m.mse_per_pixel(X, X_HAT) == pytest.approx((0 + 0.25 + 0 + 1) / 4)  # 0.3125
    np.testing.assert_allclose(m.per_image_squared_error(X, X_HAT), [0.25, 1.0])
    assert m.squared_error_per_image(X, X_HAT) == pytest.approx((0.25 + 1.0) / 2)


def test_psnr_by_hand_and_the_two_conventions_differ():
    # per-image MSE: 0.25 / 2 = 0.125 and 1 / 2 = 0.5
    np.testing.assert_allclose(
        m.psnr_per_image(X, X_HAT), [10 * math.log10(1 / 0.125), 10 * math.log10(1 / 0.5)]
    )
    mean_psnr = (10 * math.log10(8) + 10 * math.log10(2)) / 2  # = 10·log10(4) ≈ 6.02 dB
    assert m.psnr(X, X_HAT) == pytest.approx(mean_psnr)
    assert m.psnr(X, X_HAT, reduction="median") == pytest.approx(mean_psnr)
    assert m.psnr_of_mean_mse(X, X_HAT) == pytest.approx(10 * math.log10(1 / 0.3125))  # 5.05
    assert m.psnr(X, X_HAT) > m.psnr_of_mean_mse(X, X_HAT)
    # the range enters squared: 255-scaled images give the same PSNR
    assert m.psnr(255 * X, 255 * X_HAT, data_range=255.0) == pytest.approx(mean_psnr)


def test_psnr_of_identical_images_is_finite_and_capped():
    x = np.random.default_rng(0).random((3, 1, 4, 4))
    assert m.psnr(x, x) == m.PSNR_CAP_DB == 100.0
    assert m.psnr(255 * x, 255 * x, data_range=255.0) == pytest.approx(100.0)
    assert m.psnr_of_mean_mse(x, x) == pytest.approx(100.0)
    # two perfect images and one at MSE 0.01 (20 dB): the cap keeps the mean finite
    x_hat = x.copy()
    x_hat[1] += 0.1
    assert m.psnr(x, x_hat) == pytest.approx((100.0 + 20.0 + 100.0) / 3)


def test_bce_by_hand_with_clipping():
    eps = 1e-7
    # image 1: x=0,p=0 → -log(1-eps); x=1,p=0.5 → -log 0.5
    # image 2: x=1,p=1 → -log(1-eps); x=1,p=0 → -log(eps)
    img1 = -math.log(1 - eps) - math.log(0.5)
    img2 = -math.log(1 - eps) - math.log(eps)
    assert m.bce_nats_per_image(X, X_HAT, eps=eps) == pytest.approx((img1 + img2) / 2)


def test_bce_accepts_grey_levels_and_refuses_out_of_range_targets():
    # x = p = 0.5: the minimum is the entropy of x, ln 2 per pixel, not 0
    assert m.bce_nats_per_image([[0.5, 0.5]], [[0.5, 0.5]]) == pytest.approx(2 * math.log(2))
    with pytest.raises(DataError, match=r"\[0, 1\]"):
        m.bce_nats_per_image([[1.5]], [[0.5]])


def test_reconstruction_metrics_block():
    got = m.reconstruction_metrics(X, X_HAT)
    assert got == {
        "mse": pytest.approx(0.3125),
        "sq_err_per_image": pytest.approx(0.625),
        "psnr": pytest.approx(10 * math.log10(4)),
        "bce_nats": pytest.approx(m.bce_nats_per_image(X, X_HAT)),
    }
    assert all(type(v) is float for v in got.values())
    assert math.isnan(m.reconstruction_metrics(2 * X, X_HAT)["bce_nats"])


def test_torch_tensors_any_shape_and_mismatch():
    x = torch.tensor(X, dtype=torch.float32).reshape(2, 1, 1, 2)
    x_hat = torch.tensor(X_HAT, dtype=torch.float32, requires_grad=True).reshape(2, 1, 1, 2)
    assert m.mse_per_pixel(x, x_hat) == pytest.approx(0.3125)
    assert type(m.mse_per_pixel(x, x_hat)) is float
    np.testing.assert_allclose(m.per_image_squared_error(x, x_hat), [0.25, 1.0])
    with pytest.raises(DataError, match="same shape"):
        m.mse_per_pixel(X, X_HAT[:1])


# --------------------------------------------------------------------------- latent


def test_gaussian_kl_closed_form():
    np.testing.assert_allclose(m.gaussian_kl(np.zeros((2, 3)), np.zeros((2, 3))), [0.0, 0.0])
    np.testing.assert_allclose(m.gaussian_kl([[1.0]], [[0.0]]), [0.5])  # ½(1 + 1 - 1 - 0)
    # σ² = e: ½(0 + e - 1 - 1)
    np.testing.assert_allclose(m.gaussian_kl([[0.0]], [[1.0]]), [0.5 * (math.e - 2)])


def test_gaussian_kl_matches_torch_distributions():
    g = torch.Generator().manual_seed(0)
    mu, logvar = torch.randn(7, 4, generator=g), torch.randn(7, 4, generator=g)
    q = torch.distributions.Normal(mu.double(), torch.exp(0.5 * logvar.double()))
    p = torch.distributions.Normal(torch.zeros(7, 4).double(), torch.ones(7, 4).double())
    ref = torch.distributions.kl_divergence(q, p)
    np.testing.assert_allclose(m.gaussian_kl(mu, logvar), ref.sum(1).numpy(), rtol=1e-6)
    np.testing.assert_allclose(m.kl_per_dimension(mu, logvar), ref.mean(0).numpy(), rtol=1e-6)


def test_kl_per_dimension_finds_the_used_dimension():
    mu = np.zeros((4, 3))
    mu[:, 0] = [1.0, -1.0, 1.0, -1.0]
    np.testing.assert_allclose(m.kl_per_dimension(mu, np.zeros((4, 3))), [0.5, 0.0, 0.0])


def test_active_units_counts_dims_whose_mean_varies():
    mu = np.zeros((4, 4))
    mu[:, 0] = [1.0, -1.0, 1.0, -1.0]  # variance 1: active
    mu[:, 1] = 5.0  # constant, however large: inactive
    mu[:, 2] = math.sqrt(0.005) * np.array([1, -1, 1, -1])  # variance 0.005: inactive
    mu[:, 3] = math.sqrt(0.02) * np.array([1, -1, 1, -1])  # variance 0.02: active
    assert m.active_units(mu) == 2
    assert m.active_units(mu, threshold=0.001) == 3
    assert m.active_units(torch.tensor(mu)) == 2


def test_negative_elbo_is_mean_of_sum():
    assert m.negative_elbo([1.0, 2.0], [3.0, 4.0]) == pytest.approx((4.0 + 6.0) / 2)
    with pytest.raises(DataError):
        m.negative_elbo([1.0, 2.0], [3.0])


# --------------------------------------------------------------------------- k-NN


def _sk_knn(xtr, ytr, xte, yte, k):
    return KNeighborsClassifier(n_neighbors=k).fit(xtr, ytr).score(xte, yte)


@pytest.mark.parametrize("dim", [2, 20])  # kd-tree and brute-force inside scikit-learn
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_knn_accuracies_equal_sklearn_with_ties(dim, seed):
    rng = np.random.default_rng(seed)
    # integer-valued codes on a tiny grid: many equidistant neighbours and split votes
    xtr = rng.integers(0, 3, (150, dim)).astype(float)
    xte = rng.integers(0, 3, (80, dim)).astype(float)
    ytr, yte = rng.integers(0, 4, 150), rng.integers(0, 4, 80)
    dist, neigh = NearestNeighbors(n_neighbors=6).fit(xtr).kneighbors(xte)
    assert np.any(dist[:, 0] == dist[:, 1]), "no distance ties: the test would prove little"
    counts = np.stack([np.bincount(r, minlength=4) for r in ytr[neigh[:, :4]]])
    assert np.any(np.sort(counts, 1)[:, -1] == np.sort(counts, 1)[:, -2]), "no vote ties"

    got = m.knn_accuracies(xtr, ytr, xte, yte, ks=(1, 4, 5))
    assert set(got) == {1, 4, 5}
    for k in (1, 4, 5):
        assert got[k] == _sk_knn(xtr, ytr, xte, yte, k)
        assert m.knn_accuracy(xtr, ytr, xte, yte, k=k) == got[k]


def test_knn_accuracies_equal_sklearn_on_continuous_codes():
    rng = np.random.default_rng(3)
    xtr, xte = rng.normal(size=(300, 5)), rng.normal(size=(100, 5))
    ytr, yte = rng.integers(0, 6, 300), rng.integers(0, 6, 100)
    got = m.knn_accuracies(torch.tensor(xtr), ytr, xte, torch.tensor(yte), ks=(1, 2, 5))
    assert got == {k: _sk_knn(xtr, ytr, xte, yte, k) for k in (1, 2, 5)}


def test_knn_separable_clusters_is_perfect():
    codes = np.array([[0.0], [0.1], [0.2], [10.0], [10.1], [10.2]])
    labels = np.array([0, 0, 0, 1, 1, 1])
    assert m.knn_accuracies(codes, labels, codes + 0.05, labels, ks=(1, 3)) == {1: 1.0, 3: 1.0}


# --------------------------------------------------------------------------- embedding quality


def _blobs(n=120, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)
    x = rng.normal(size=(n, 1, 4, 4)) + 3.0 * labels[:, None, None, None]
    codes = x.reshape(n, -1)[:, :2] + 0.5 * rng.normal(size=(n, 2))
    return x, codes, labels


def test_trustworthiness_equals_sklearn_and_identity_is_one():
    x, codes, _ = _blobs()
    flat = x.reshape(len(x), -1)
    assert m.trustworthiness(x, codes, k=5) == pytest.approx(
        sk_trustworthiness(flat, codes, n_neighbors=5), abs=1e-12
    )
    assert m.trustworthiness(x, flat, k=5) == 1.0
    assert m.trustworthiness(x, 3.0 * flat + 1.0, k=7) == pytest.approx(1.0)


def test_trustworthiness_subset_is_seeded_and_documented():
    x, codes, _ = _blobs(200)
    a = m.trustworthiness(x, codes, k=5, max_points=60, seed=4)
    assert a == m.trustworthiness(x, codes, k=5, max_points=60, seed=4)
    idx = np.sort(np.random.default_rng(4).choice(200, 60, replace=False))
    assert a == pytest.approx(
        sk_trustworthiness(x.reshape(200, -1)[idx], codes[idx], n_neighbors=5)
    )
    full = m.trustworthiness(x, codes, k=5)
    assert m.trustworthiness(x, codes, k=5, max_points=200) == full
    with pytest.raises(DataError, match="half"):
        m.trustworthiness(x, codes, k=30, max_points=60)


def test_silhouette_equals_sklearn():
    _, codes, labels = _blobs(150)
    assert m.silhouette(codes, labels) == pytest.approx(silhouette_score(codes, labels))
    assert m.silhouette(codes, labels, max_points=50, seed=2) == pytest.approx(
        silhouette_score(codes, labels, sample_size=50, random_state=2)
    )
    with pytest.raises(DataError, match="distinct labels"):
        m.silhouette(codes, np.zeros(150))


def test_embedding_metrics_block():
    x, codes, labels = _blobs(160)
    tr, te = slice(0, 100), slice(100, 160)
    got = m.embedding_metrics(codes[tr], labels[tr], codes[te], labels[te], x[te], seed=1)
    assert got == {
        "knn1": m.knn_accuracy(codes[tr], labels[tr], codes[te], labels[te], k=1),
        "knn5": m.knn_accuracy(codes[tr], labels[tr], codes[te], labels[te], k=5),
        "trustworthiness": m.trustworthiness(x[te], codes[te], k=5),
        "silhouette": m.silhouette(codes[te], labels[te]),
    }
    assert got["knn1"] > 0.9  # well-separated blobs


# --------------------------------------------------------------------------- anomaly detection


def test_anomaly_auroc_equals_sklearn_with_ties():
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 5, 300).astype(float)  # heavy ties
    flags = rng.random(300) < 0.3 + 0.1 * scores
    assert m.anomaly_auroc(scores, flags) == pytest.approx(roc_auc_score(flags, scores))
    assert m.anomaly_auroc(torch.tensor(scores), torch.tensor(flags)) == pytest.approx(
        roc_auc_score(flags, scores)
    )


def test_anomaly_auroc_extremes():
    flags = np.array([0, 0, 0, 1, 1])
    assert m.anomaly_auroc([0.1, 0.2, 0.3, 0.8, 0.9], flags) == 1.0
    assert m.anomaly_auroc([0.8, 0.9, 0.7, 0.1, 0.2], flags) == 0.0
    assert m.anomaly_auroc([0.5] * 5, flags) == 0.5
    # one tie across the classes counts one half: (2·3 - 0.5) / 6
    assert m.anomaly_auroc([0.1, 0.2, 0.5, 0.5, 0.9], flags) == pytest.approx(5.5 / 6)


def test_anomaly_auroc_refuses_bad_input():
    with pytest.raises(DataError, match="both normal and anomalous"):
        m.anomaly_auroc([0.1, 0.2, 0.3], [0, 0, 0])
    with pytest.raises(DataError, match="both normal and anomalous"):
        m.anomaly_auroc([0.1, 0.2], [True, True])
    with pytest.raises(DataError, match="0/1"):
        m.anomaly_auroc([0.1, 0.2, 0.3], [0, 1, 2])
    with pytest.raises(DataError, match="finite"):
        m.anomaly_auroc([0.1, float("nan")], [0, 1])
    with pytest.raises(DataError, match="must match"):
        m.anomaly_auroc([0.1, 0.2, 0.3], [0, 1])


def test_roc_curve_points():
    scores, flags = [0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]
    fpr, tpr, thresholds = m.roc_curve_points(scores, flags)
    ref = roc_curve(flags, scores)
    for got, want in zip((fpr, tpr, thresholds), ref, strict=True):
        np.testing.assert_array_equal(got, want)
    assert (fpr[0], tpr[0], fpr[-1], tpr[-1]) == (0.0, 0.0, 1.0, 1.0)
    assert np.trapezoid(tpr, fpr) == pytest.approx(m.anomaly_auroc(scores, flags))  # 0.75
    with pytest.raises(DataError):
        m.roc_curve_points([0.1, 0.2], [1, 1])
