"""The command line trains, evaluates and lists on digits in seconds."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ae_core import load_model
from ae_core.cli import _parse_value, main


def test_help_explains_itself(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for word in ("train", "eval", "bench", "list", "AE_DATA_DIR"):
        assert word in text


def test_train_then_eval_then_list(tmp_path, capsys):
    out = tmp_path / "vae.safetensors"
    code = main(["train", "--dataset", "digits", "--variant", "vae", "--hidden", "64,32",
                 "--beta", "0.5", "--epochs", "3", "--seed", "4", "--out", str(out),
                 "--probe-size", "20", "--quiet"])
    assert code == 0
    model = load_model(out)
    assert model.config.hidden == (64, 32) and model.config.beta == 0.5
    assert model.config.input_shape == (1, 8, 8)
    assert model.metadata["dataset"] == "digits" and model.metadata["seed"] == 4
    assert len(model.history) == 3 and "knn5" in model.metadata["metrics"]
    assert model.extras["probe_codes"].shape == (4, 20, 2)
    assert model.extras["probe_epochs"].tolist() == [0, 1, 2, 3]
    capsys.readouterr()

    assert main(["eval", str(out), "--json"]) == 0
    assert '"knn5"' in capsys.readouterr().out

    assert main(["train", "--dataset", "digits", "--preset", "plain-2d", "--epochs", "1",
                 "--name", "my model", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["list", "models"]) == 0
    assert "my model" in capsys.readouterr().out


def test_bad_input_gives_a_message_not_a_traceback(tmp_path, capsys):
    assert main(["train", "--dataset", "digits", "--latent-dim", "0", "--quiet"]) == 2
    assert "Latent dimension must be between" in capsys.readouterr().err
    assert main(["train", "--dataset", "digits", "--rho", "0.1", "--quiet"]) == 2
    assert "does not apply to variant 'vanilla'" in capsys.readouterr().err
    bogus = tmp_path / "x.safetensors"
    bogus.write_bytes(b"not a model")
    assert main(["eval", str(bogus)]) == 2
    assert "error:" in capsys.readouterr().err
    assert main(["train", "--dataset", "imagenet", "--quiet"]) == 2
    assert "imagenet" in capsys.readouterr().err
    assert main(["train", "--dataset", "digits", "--augment-shift", "8", "--quiet"]) == 2
    assert "too large for 8×8 images" in capsys.readouterr().err


def test_train_with_shifted_images_records_it(tmp_path):
    out = tmp_path / "shifted.safetensors"
    assert main(["train", "--dataset", "digits", "--epochs", "1", "--augment-shift", "1",
                 "--out", str(out), "--quiet"]) == 0
    assert load_model(out).metadata["train"]["augment_shift"] == 1


def test_value_parsing():
    assert _parse_value("2") == 2 and _parse_value("0.5") == 0.5
    assert _parse_value("true") is True and _parse_value("512,256") == [512, 256]
    assert _parse_value("") == [] and _parse_value("gaussian") == "gaussian"


def test_module_entry_point_runs():
    done = subprocess.run([sys.executable, "-m", "ae_core", "list", "variants"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "sparse_kl" in done.stdout
