"""Gap fraction, gap radius, distance field and the sampling scorer."""

from __future__ import annotations

import numpy as np
import pytest

from ae_core.errors import DataError
from ae_core.gaps import (
    code_window,
    distance_field,
    gap_analysis,
    gap_fraction,
    gap_radius,
    normalise_codes,
)
from ae_core.latent import Window
from ae_core.sampling import (
    fitted_gaussian_codes,
    prior_codes,
    sample_images,
    score_samples,
)

UNIT = Window(0.0, 1.0, 0.0, 1.0)


def uniform(n=4000, seed=0):
    return np.random.default_rng(seed).uniform(0, 1, (n, 2))


def two_clusters(n=2000, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.normal([0.2, 0.2], 0.01, (n // 2, 2))
    return np.vstack([a, rng.normal([0.8, 0.8], 0.01, (n // 2, 2))])


def test_uniform_codes_have_almost_no_gaps():
    codes = uniform()
    assert gap_fraction(codes, UNIT, gap_radius(codes)) < 0.01
    assert gap_analysis(codes).fraction < 0.01


def test_two_tight_clusters_are_mostly_gap():
    codes = two_clusters()
    assert gap_fraction(codes, UNIT, gap_radius(codes)) > 0.5
    assert gap_analysis(codes).fraction > 0.5


def test_the_fraction_does_not_depend_on_the_codes_scale():
    codes = two_clusters()
    a, b = gap_analysis(codes), gap_analysis(40.0 * codes + 7.0)
    assert a.fraction == pytest.approx(b.fraction)
    norm = normalise_codes(40.0 * codes)
    assert np.sqrt(np.mean(np.sum(norm**2, axis=1))) == pytest.approx(1.0)
    assert norm.mean(0) == pytest.approx([0.0, 0.0], abs=1e-12)


def test_distance_field_by_hand_and_rows_top_first():
    codes = np.array([[0.25, 0.75]])        # the centre of the top-left cell of a 2×2 grid
    field = distance_field(codes, UNIT, 2)
    np.testing.assert_allclose(field, [[0.0, 0.5], [0.5, np.sqrt(0.5)]])
    assert gap_fraction(codes, UNIT, 0.6, n=2) == 0.25
    assert gap_fraction(codes, UNIT, 0.4, n=2) == 0.75


def test_gap_radius_and_window_by_hand():
    codes = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]])  # NN distances 1, 1, 2
    assert gap_radius(codes, quantile=0.0, factor=1.0) == pytest.approx(1.0)
    assert gap_radius(codes, quantile=1.0, factor=3.0) == pytest.approx(6.0)
    w = code_window(uniform(), (0.0, 1.0))
    assert 0 <= w.x0 < 0.01 and 0.99 < w.x1 <= 1


def test_only_2d_codes_are_accepted():
    with pytest.raises(DataError):
        gap_radius(np.zeros((10, 3)))


# ------------------------------------------------------------------ sampling scorer


class SumClassifier:
    """Fixed 2-class judge: the brighter half of the image wins; p = 0.5 + (difference) / 2."""

    def predict_proba(self, x):
        half = x.shape[1] // 2
        d = x[:, :half].mean(1) - x[:, half:].mean(1)
        p0 = 0.5 + d / 2
        return np.column_stack([p0, 1 - p0])


def test_score_samples_on_constructed_images():
    left = np.zeros((3, 1, 2, 2))
    left[:, :, 0, :] = 1.0                  # first half bright: class 0 with p = 1
    blank = np.zeros((1, 1, 2, 2))          # p = 0.5 / 0.5: class 0 by argmax, not confident
    right = np.zeros((1, 1, 2, 2))
    right[:, :, 1, :] = 0.5                 # class 1 with p = 0.75
    scores = score_samples(SumClassifier(), np.concatenate([left, blank, right]))
    assert scores["mean_max_prob"] == pytest.approx((3 * 1.0 + 0.5 + 0.75) / 5)
    assert scores["confident_share"] == pytest.approx(3 / 5)
    assert scores["class_histogram"] == pytest.approx([4 / 5, 1 / 5])


def test_samplers_are_seeded_and_fit_the_codes():
    z = prior_codes(2, 5000, seed=1)
    assert z.shape == (5000, 2) and np.allclose(z, prior_codes(2, 5000, seed=1))
    assert abs(z.mean()) < 0.05 and abs(z.std() - 1) < 0.05
    codes = np.random.default_rng(0).normal([10, -5], [3, 0.5], (5000, 2))
    s = fitted_gaussian_codes(codes, 5000, seed=0)
    assert s.mean(0) == pytest.approx([10, -5], abs=0.15)
    assert s.std(0) == pytest.approx([3, 0.5], rel=0.05)


def test_sample_images_decodes_with_any_embedder():
    class Doubler:
        def decode(self, z):
            return np.asarray(z) * 2

    np.testing.assert_allclose(sample_images(Doubler(), np.ones((2, 2))), 2 * np.ones((2, 2)))
