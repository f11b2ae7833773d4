"""ae_core.latent: clicks → latent vectors, projections, gaps, paths, exports (and the
selection event → rows of app_lib.selection)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ae_core.latent import (
    LatentSpace,
    NeighbourIndex,
    Window,
    clip_to_ranges,
    codes_csv_bytes,
    codes_npy_bytes,
    fit_projection,
    fit_window,
    grid_points,
    interpolation_path,
    latent_ranges,
    lerp_path,
    locate_row,
    manifold_reading,
    slerp_path,
)
from app_lib.selection import selected_rows

REPO = Path(__file__).resolve().parents[1]


def _event(*points):
    return {"selection": {"points": list(points), "point_indices": [0] * len(points),
                          "box": [], "lasso": []}}


# ------------------------------------------------------------------ selection → row


def test_selected_rows_skips_grid_points_and_keeps_order():
    event = _event({"customdata": 4}, {"customdata": -1}, {"customdata": [2]},
                   {"customdata": "junk"})
    assert selected_rows(event) == [4, 2]


# ------------------------------------------------------------------ click → latent


def test_a_2d_projection_is_the_identity():
    codes = np.random.default_rng(0).normal(size=(50, 2))
    proj = fit_projection(codes)
    assert proj.is_identity
    np.testing.assert_allclose(proj.project(codes), codes)
    np.testing.assert_allclose(proj.lift([0.3, -1.2]), [0.3, -1.2])


def test_a_1d_code_maps_to_the_x_axis_and_back():
    proj = fit_projection(np.arange(5.0)[:, None])
    np.testing.assert_allclose(proj.project([[2.0]]), [[2.0, 0.0]])
    np.testing.assert_allclose(proj.lift([1.5, 9.0]), [1.5])


def test_higher_dimensional_codes_use_their_own_pca_plane():
    rng = np.random.default_rng(1)
    plane = rng.normal(size=(200, 2)) * [5.0, 2.0]
    basis = np.linalg.qr(rng.normal(size=(6, 2)))[0].T      # (2, 6) orthonormal
    codes = plane @ basis + 3.0 + rng.normal(scale=1e-3, size=(200, 6))
    proj = fit_projection(codes)
    assert not proj.is_identity and proj.components.shape == (2, 6)
    np.testing.assert_allclose(proj.components @ proj.components.T, np.eye(2), atol=1e-9)
    assert proj.explained[0] > proj.explained[1] > 0.1
    # codes on the plane survive a round trip through the map
    np.testing.assert_allclose(proj.lift(proj.project(codes)), codes, atol=1e-2)


def test_every_visible_spot_of_a_2d_map_is_reachable_by_slider():
    rng = np.random.default_rng(4)
    space = LatentSpace.build(rng.normal(size=(80, 2)) * [4.0, 1.0], np.zeros(80, int))
    w = space.window
    assert space.ranges[0, 0] <= w.x0 and space.ranges[0, 1] >= w.x1
    assert space.ranges[1, 0] <= w.y0 and space.ranges[1, 1] >= w.y1


def test_a_vae_map_keeps_the_prior_in_view_and_in_slider_range():
    codes = np.random.default_rng(5).normal(scale=0.3, size=(100, 2))
    space = LatentSpace.build(codes, np.zeros(100, int), prior=True)
    assert space.window.x0 <= -3 and space.window.x1 >= 3
    assert (space.ranges[:, 0] <= -3).all() and (space.ranges[:, 1] >= 3).all()


def test_locate_row_maps_train_then_test():
    assert locate_row(5, 100, "test") == ("test", 5)
    assert locate_row(5, 100, "all") == ("train", 5)
    assert locate_row(105, 100, "all") == ("test", 5)


# ------------------------------------------------------------------ windows and grids


def test_fit_window_is_square_and_padded():
    w = fit_window([[0, 0], [10, 2]], pad=0.1)
    assert w.width == pytest.approx(w.height) == pytest.approx(12.0)
    assert w.center == pytest.approx((5.0, 1.0))


def test_grid_points_are_cell_centres_top_row_first():
    pts = grid_points(Window(0, 4, 0, 2), 2)
    np.testing.assert_allclose(pts, [[1, 1.5], [3, 1.5], [1, 0.5], [3, 0.5]])


# ------------------------------------------------------------------ ranges


def test_latent_ranges_pad_the_extent_and_widen_to_the_prior():
    codes = np.array([[0.0, -1.0], [1.0, 1.0]])
    np.testing.assert_allclose(latent_ranges(codes, pad=0.1), [[-0.1, 1.1], [-1.2, 1.2]])
    np.testing.assert_allclose(latent_ranges(codes, pad=0.1, prior_sigmas=3),
                               [[-3, 3], [-3, 3]])
    np.testing.assert_allclose(clip_to_ranges([5, -5], np.array([[0, 1], [-1, 1]])), [1, -1])


# ------------------------------------------------------------------ manifold indicator


def test_the_indicator_judges_distance_against_typical_spacing():
    nn = np.sort(np.linspace(0.5, 1.5, 101))     # median 1.0
    on = manifold_reading(0.2, 3, nn, on_threshold=1.4)
    assert on.verdict == "on" and on.ratio == pytest.approx(0.2) and on.percentile == 0
    edge = manifold_reading(2.0, 3, nn, on_threshold=1.4)
    assert edge.verdict == "edge" and edge.percentile == 100
    gap = manifold_reading(5.0, 3, nn, on_threshold=1.4)
    assert gap.verdict == "gap" and gap.ratio == pytest.approx(5.0)
    assert manifold_reading(1.0, 0, nn, 1.4).percentile == pytest.approx(50, abs=1)


@pytest.mark.parametrize("dim", [2, 12])  # k-d tree and brute-force paths
def test_neighbour_index_finds_the_nearest_code_and_flags_gaps(dim):
    rng = np.random.default_rng(6)
    cluster = rng.normal(scale=0.1, size=(400, dim))
    codes = np.vstack([cluster - 5, cluster + 5])
    index = NeighbourIndex(codes, sample=300)
    assert index.nearest(codes[17]) == (pytest.approx(0.0, abs=1e-6), 17)
    assert index.reading(codes[17]).verdict == "on"
    assert index.reading(np.zeros(dim)).verdict == "gap"      # between the two clusters
    assert index.reading(np.zeros(dim)).ratio > 10
    brute = np.linalg.norm(codes - codes[3] * 1.01, axis=1)
    assert index.nearest(codes[3] * 1.01)[1] == int(brute.argmin())


# ------------------------------------------------------------------ interpolation


def test_lerp_includes_both_ends_in_equal_steps():
    path = lerp_path([0, 0], [4, 8], 5)
    np.testing.assert_allclose(path, [[0, 0], [1, 2], [2, 4], [3, 6], [4, 8]])


def test_slerp_keeps_the_norm_between_equal_norm_ends():
    a, b = np.array([3.0, 0.0, 0.0]), np.array([0.0, 3.0, 0.0])
    path = slerp_path(a, b, 9)
    np.testing.assert_allclose(path[[0, -1]], [a, b], atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(path, axis=1), 3.0)
    assert np.linalg.norm(lerp_path(a, b, 9)[4]) < 3.0   # the line cuts inside


@pytest.mark.parametrize("b", [[2.0, 0.0], [-1.0, 0.0], [0.0, 0.0]])
def test_slerp_falls_back_to_a_line_when_the_angle_is_undefined(b):
    np.testing.assert_allclose(slerp_path([1.0, 0.0], b, 4), lerp_path([1.0, 0.0], b, 4))


def test_interpolation_path_dispatches_and_refuses_unknown_methods():
    assert interpolation_path([0], [1], 3, "linear").shape == (3, 1)
    assert interpolation_path([1, 0], [0, 1], 3, "spherical").shape == (3, 2)
    with pytest.raises(ValueError):
        interpolation_path([0], [1], 3, "cubic")


# ------------------------------------------------------------------ exports


def test_csv_export_has_a_header_class_names_and_a_bom_for_spreadsheets():
    data = codes_csv_bytes(np.array([[0.5, -1.25], [2, 3]]), [1, 0], ["티셔츠", "바지"])
    text = data.decode("utf-8")
    assert text.startswith("\ufeffindex,label,class,z1,z2\n")
    assert "0,1,바지,0.5,-1.25" in text and "1,0,티셔츠,2,3" in text


def test_npy_export_is_a_structured_array_that_loads_without_pickle():
    codes = np.arange(6, dtype=np.float32).reshape(3, 2)
    table = np.load(io.BytesIO(codes_npy_bytes(codes, [2, 0, 1])), allow_pickle=False)
    np.testing.assert_array_equal(table["index"], [0, 1, 2])
    np.testing.assert_array_equal(table["label"], [2, 0, 1])
    np.testing.assert_array_equal(table["z"], codes)


def test_the_library_side_never_imports_streamlit():
    code = ("import sys, ae_core, ae_core.latent, ae_core.imaging; "
            "sys.exit('streamlit' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO, timeout=120).returncode == 0


