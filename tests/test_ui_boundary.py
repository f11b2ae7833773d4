"""The library stays free of the user interface: ``ae_core`` imports neither Streamlit nor
Plotly, and what only the app shows (titles in Korean and English, a chart's selection event)
lives in ``app_lib``, so a notebook or the command line uses the library without them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ae_core.data import DATASETS
from ae_core.presets import PRESETS
from app_lib.i18n import LANGUAGES, STRINGS, dataset_title, preset_title

REPO = Path(__file__).resolve().parents[1]

IMPORT_ALL = """
import importlib, json, pkgutil, sys
import ae_core
names = [m.name for m in pkgutil.walk_packages(ae_core.__path__, "ae_core.")
         if m.name != "ae_core.__main__"]  # the command line's entry point: it runs and exits
for name in names:
    importlib.import_module(name)
print(json.dumps({"modules": names,
                  "ui": sorted(m for m in sys.modules
                               if m.split(".")[0] in ("streamlit", "plotly"))}))
"""


def test_importing_every_ae_core_module_loads_neither_streamlit_nor_plotly():
    done = subprocess.run([sys.executable, "-c", IMPORT_ALL], cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"ae_core.cli", "ae_core.models.vae", "ae_core.data.builtin", "ae_core.latent",
            "ae_core.gaps", "ae_core.presets"} <= set(report["modules"])
    assert report["ui"] == []


def test_the_app_titles_every_built_in_dataset_and_preset_in_both_languages():
    for spec in DATASETS.values():
        assert set(STRINGS[f"dataset.title.{spec.name}"]) == set(LANGUAGES)
        assert dataset_title(spec, "en") == spec.title  # the library's English title
        assert dataset_title(spec, "ko") != spec.title
    for key, preset in PRESETS.items():
        assert set(STRINGS[f"preset.{key}"]) == set(LANGUAGES)
        assert preset_title(preset, "en") == preset.title
    assert preset_title(PRESETS["vae-2d"], "ko") == "VAE 2차원"
    assert dataset_title(DATASETS["mnist"], "ko") == "MNIST 손글씨 숫자 28×28"
