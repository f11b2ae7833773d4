"""One bad file cannot break My models: metadata and config types are validated on import,
and a damaged file planted in the store is listed as damaged, with Delete.

The crafted file is the one issue 18 describes: a valid model whose metadata has
``"metrics": "x"`` (accepted before, after which My models showed a ValueError box for
every visitor and could not remove it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from safetensors.torch import save as st_save
from streamlit.testing.v1 import AppTest

from ae_core import ModelFileError, build_model, make_config
from ae_core.io import model_from_bytes, model_to_bytes
from ae_core.store import DamagedModel, ModelStore

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
MODELS = "app_pages/models.py"


def tiny():
    return build_model(make_config("vanilla", input_shape=(1, 8, 8), hidden=(16,)))


def with_metadata(**fields) -> bytes:
    """A complete, valid model file whose metadata carries these fields as they are."""
    return model_to_bytes(tiny(), {"dataset": "digits", **fields})


def with_config(**changes) -> bytes:
    """The tiny model's tensors under a config with these raw (unchecked) values."""
    model = tiny()
    meta = {"format": "latent-explorer-model", "format_version": "1",
            "config": json.dumps(model.config.to_dict() | changes), "metadata": "{}"}
    return st_save({k: v.contiguous() for k, v in model.state_dict().items()}, metadata=meta)


BAD_METADATA = {
    "metrics": "x", "history": 5, "created": 5, "dataset": ["digits"], "seed": "3",
    "train": [1], "train_seconds": "fast", "trained_classes": ["a"], "status": True,
}


@pytest.mark.parametrize("field, value", [
    *BAD_METADATA.items(),
    ("metrics", {"mse": "low"}), ("metrics", {"mse": True}), ("history", [{"epoch": "one"}]),
    ("history", [3]),
])
def test_metadata_of_the_wrong_type_is_refused_naming_the_field(field, value):
    with pytest.raises(ModelFileError) as refused:
        model_from_bytes(with_metadata(**{field: value}), "upload")
    assert refused.value.code == "model_file.metadata"
    assert refused.value.params["field"] == field


@pytest.mark.parametrize("changes", [
    {"variant": ["vanilla"]}, {"input_shape": [1, 8]}, {"hidden": "16"}, {"latent_dim": 2.5},
    {"activation": None},
])
def test_a_config_of_the_wrong_type_is_the_librarys_error_not_a_type_error(changes):
    with pytest.raises(ModelFileError):
        model_from_bytes(with_config(**changes), "upload")


def test_good_metadata_still_loads():
    data = with_metadata(metrics={"mse": 0.1, "silhouette": None}, seed=None,
                         trained_classes=[0, 3], history=[{"epoch": 1, "lr": 0.001}],
                         notes="kept as is")
    model = model_from_bytes(data)
    assert model.metadata["metrics"]["mse"] == 0.1 and model.metadata["notes"] == "kept as is"


def test_the_crafted_upload_is_refused_and_nothing_is_written(tmp_path):
    store = ModelStore(tmp_path / "models")
    with pytest.raises(ModelFileError, match="metrics"):
        store.import_bytes(with_metadata(metrics="x"), "metrics_str")
    assert store.list() == [] and store.damaged() == []


def plant(store: ModelStore, name: str, data: bytes) -> Path:
    """Write a file straight into the store's folder, bypassing import's checks."""
    store.root.mkdir(parents=True, exist_ok=True)
    path = store.root / f"{name}.safetensors"
    path.write_bytes(data)
    return path


def test_the_listing_names_damaged_files_and_delete_removes_them(tmp_path):
    store = ModelStore(tmp_path / "models")
    store.save(tiny(), "good", {"dataset": "digits"})
    plant(store, "metrics_str", with_metadata(metrics="x"))
    plant(store, "truncated", with_metadata()[:100])
    plant(store, "bad config", with_config(variant=["vanilla"]))
    plant(store, "odd name!", with_metadata())
    assert [m.name for m in store.list()] == ["good"]
    damaged = {d.name: d for d in store.damaged()}
    assert set(damaged) == {"metrics_str", "truncated", "bad config", "odd name!"}
    assert all(isinstance(d, DamagedModel) for d in damaged.values())
    assert damaged["metrics_str"].error["code"] == "model_file.metadata"
    assert damaged["odd name!"].error["code"] == "store.bad_name"
    for name in damaged:
        store.delete(name)
    assert store.damaged() == [] and [m.name for m in store.list()] == ["good"]
    assert sorted(p.name for p in store.root.iterdir()) == ["good.safetensors"]


def open_models(lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.query_params["dataset"] = "digits"
    at.switch_page(MODELS)
    return at.run()


@pytest.mark.parametrize("lang, says", [("en", "damaged"), ("ko", "손상")])
def test_my_models_shows_a_planted_damaged_file_and_deletes_it(lang, says):
    store = ModelStore()
    store.save(tiny(), "good", {"dataset": "digits"})
    path = plant(store, "metrics_str", with_metadata(metrics="x"))
    at = open_models(lang)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert "good" in str(at.dataframe[0].value)  # the good model is still listed and usable
    rows = [m.value for m in at.markdown if "metrics_str" in m.value]
    assert rows and says in rows[0] and "metrics" in rows[0], rows
    at.button(key="models_damaged_delete_metrics_str").click().run()
    at.button(key="models_damaged_yes").click().run()
    assert not at.exception
    assert not path.exists() and [m.name for m in store.list()] == ["good"]
    assert not [m.value for m in at.markdown if "metrics_str" in m.value and says in m.value]
