"""Every shipped model loads, matches its dataset, and its recorded metrics are true."""

from __future__ import annotations

import pytest

from ae_core.data import get_spec, load_dataset
from ae_core.evaluate import evaluate
from ae_core.io import load_model
from ae_core.pretrained import PRETRAINED_DIR, list_pretrained
from tests.conftest import mnist_dir

SHIPPED = sorted(PRETRAINED_DIR.glob("*.safetensors"))
BUDGET_BYTES = 30 * 2**20


def test_the_shipped_models_fit_the_size_budget():
    assert SHIPPED, "pretrained/ ships no model"
    assert sum(p.stat().st_size for p in SHIPPED) <= BUDGET_BYTES


def test_the_listing_sees_every_file():
    assert {m.path for m in list_pretrained()} == set(SHIPPED)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_model_loads_and_fits_its_dataset(path):
    model = load_model(path)
    spec = get_spec(model.metadata["dataset"])
    assert tuple(model.config.input_shape) == (1, spec.image_size, spec.image_size)
    assert model.history and model.metadata["status"] == "finished"
    assert "command" in model.metadata and "metrics" in model.metadata


@pytest.mark.parametrize("path", [p for p in SHIPPED if p.name.startswith("digits-")],
                         ids=lambda p: p.stem)
def test_recorded_digits_metrics_reproduce(path):
    model = load_model(path)
    scores = evaluate(model, load_dataset("digits"))
    recorded = model.metadata["metrics"]
    for key in ("mse", "knn5", "trustworthiness"):
        assert scores[key] == pytest.approx(recorded[key], abs=1e-4), key


@pytest.mark.mnist
@pytest.mark.parametrize("path", [p for p in SHIPPED if not p.name.startswith("digits-")],
                         ids=lambda p: p.stem)
def test_recorded_mnist_reconstruction_metrics_reproduce(path):
    if mnist_dir() is None:
        pytest.skip("MNIST / Fashion-MNIST files not found (set AE_DATA_DIR)")
    model = load_model(path)
    data = load_dataset(model.metadata["dataset"], data_dir=mnist_dir(), download=False)
    recon = model.reconstruct(data.x_test)
    from ae_core.metrics import mse_per_pixel

    assert mse_per_pixel(data.x_test, recon) == pytest.approx(model.metadata["metrics"]["mse"],
                                                              abs=1e-5)
