"""Adding a variant is one file plus one registry line.

A variant defined here (a config with one parameter of its own and a model class) and
entered in ``VARIANTS`` reaches the command line, the Train form and every page that lists
autoencoders, with nothing else changed; its capability flags keep it off the pages that need
another kind (the Denoising page's models, a VAE's prior).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest
from streamlit.testing.v1 import AppTest

from ae_core.models import (
    VARIANTS,
    AEConfig,
    AutoEncoder,
    build_model,
    has_capability,
    model_fields,
    variants_with,
)
from ae_core.models.config import config_fields, setting

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")


@dataclass
class WobbleConfig(AEConfig):
    variant: ClassVar[str] = "wobble"
    latent_dim: int = 3
    wobble: float = setting(0.25, "wobble: a parameter only this variant has",
                            label="train.wobble", range=(0.0, 1.0), step=0.05)


class WobbleAE(AutoEncoder):
    config_class = WobbleConfig
    description = "a variant that exists only in this test"


@pytest.fixture
def wobble(monkeypatch):
    monkeypatch.setitem(VARIANTS, "wobble", WobbleAE)


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.query_params["dataset"] = "digits"
    at.switch_page(page)
    return at.run()


def test_the_command_line_offers_its_parameter_and_builds_its_config(wobble, capsys):
    from ae_core.cli import build_parser, main, train_settings
    from ae_core.data import load_dataset

    assert "wobble" in model_fields()
    args = build_parser().parse_args(["train", "--variant", "wobble", "--wobble", "0.5"])
    variant, config, _ = train_settings(args, load_dataset("digits"))
    assert (variant, type(config), config.wobble, config.latent_dim) == (
        "wobble", WobbleConfig, 0.5, 3)
    assert main(["list", "variants"]) == 0
    assert "a variant that exists only in this test  [wobble]" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    assert "--wobble" in capsys.readouterr().out


def test_the_train_form_offers_it_with_its_parameter(wobble):
    at = open_page("app_pages/train.py")
    assert not at.exception
    assert "wobble" in at.selectbox(key="tr_variant").options
    assert not [w for w in at.number_input if w.key == "tr_wobble"]
    at.selectbox(key="tr_variant").set_value("wobble").run()
    assert not at.exception
    field = at.number_input(key="tr_wobble")
    # a label the string table does not have yet: the field's name and its English help
    assert (field.label, field.value, field.help) == (
        "wobble", 0.25, "wobble: a parameter only this variant has")
    assert at.text_input(key="tr_hidden").label == "Hidden layer sizes"


def test_the_form_builds_its_job(wobble):
    from app_lib import train_view as tv

    form = dict(tv.preset_values("plain-2d", None), variant="wobble", wobble=0.75)
    spec = tv.build_spec(form, "digits", (1, 8, 8))
    assert spec.variant == "wobble" and spec.model["wobble"] == 0.75
    assert "channels" not in spec.model  # shown, and sent, only for a convolutional model
    assert "channels" in tv.build_spec(dict(form, arch="conv"), "digits", (1, 8, 8)).model


def test_every_page_listing_autoencoders_lists_it_and_its_flags_keep_it_off_the_others(wobble):
    from ae_core.store import ModelStore
    from app_lib import catalog
    from app_lib.applications import models_of

    model = build_model(WobbleConfig(input_shape=(1, 8, 8), hidden=(16,)).validate())
    ModelStore().save(model, "digits-wobble-3d", {"dataset": "digits"})
    catalog.refresh()
    listed = {c.name: c for c in models_of("digits")}  # Anomaly, Compression, Feature learning
    assert "digits-wobble-3d" in listed and not listed["digits-wobble-3d"].is_vae
    assert "wobble" not in variants_with(denoising=True)  # the Denoising page's models
    assert not has_capability("wobble", "probabilistic") and has_capability("vae", "probabilistic")
    at = open_page("app_pages/anomaly.py")
    assert not at.exception
    assert any("digits-wobble-3d" in o for o in at.selectbox(key="anom_source").options)


def test_a_variant_that_only_changes_a_default_keeps_the_base_description():
    [latent] = [f for f in config_fields(WobbleConfig) if f.name == "latent_dim"]
    assert latent.default == 3 and latent.meta["label"] == "train.latent"


@pytest.mark.parametrize("name, f", [(n, f) for n, f in sorted(model_fields().items())
                                     if "range" in f.meta])
def test_every_range_is_the_one_validation_enforces(name, f):
    """A field's ``range`` (printed by the command line) agrees with ``validate``: the middle
    of the range is accepted and a value beyond either end refused."""
    from ae_core.errors import ConfigError
    from ae_core.models import make_config

    variant = next(v for v, cls in VARIANTS.items()
                   if name in {g.name for g in config_fields(cls.config_class)})
    low, high = f.meta["range"]
    wrap = (lambda v: [int(v)]) if name in ("hidden", "channels") else f.type
    base = {"arch": "conv"} if name == "channels" else {}
    make_config(variant, **base, **{name: wrap((low + high) / 2)})
    for outside in (low - 1, high + 1):
        with pytest.raises(ConfigError):
            make_config(variant, **base, **{name: wrap(outside)})
