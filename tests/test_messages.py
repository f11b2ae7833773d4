"""Library errors and metric names in the UI's language: a Korean screen never shows the
library's English sentence for the common errors; facts go in the details, each once."""

from __future__ import annotations

import re
import string

import pytest

from ae_core.data import load_dataset
from ae_core.errors import ConfigError, ModelFileError, error_kind
from ae_core.io import model_from_bytes
from ae_core.store import ModelStore, StoreError, validate_name
from app_lib import messages
from app_lib.i18n import STRINGS

HANGUL = re.compile("[\uac00-\ud7a3]")


def _english_words(text: str) -> list[str]:
    """Runs of three or more English words: a sentence left untranslated."""
    return re.findall(r"[A-Za-z']+(?: [A-Za-z']+){2,}", text)


def _common_errors(tmp_path) -> list[BaseException]:
    errors = []
    for attempt in (lambda: model_from_bytes(b"not a model at all"),          # a bad upload
                    lambda: load_dataset("mnist", tmp_path, download=False),  # MNIST missing
                    lambda: validate_name("../evil"),
                    lambda: ModelStore(tmp_path / "store").load("nothing-here")):
        with pytest.raises(Exception) as info:
            attempt()
        errors.append(info.value)
    # a failed training's message from scikit-learn, and a refused setting
    errors.append(ValueError("Expected n_neighbors <= n_samples_fit, but n_neighbors = 6, "
                             "n_samples_fit = 5, n_samples = 5"))
    errors.append(ConfigError("latent_dim must be at least 1."))
    return errors


def test_every_error_kind_is_said_in_both_languages():
    keys = [k for k in STRINGS if k.startswith("err.")]
    assert len(keys) > 15
    for key in keys:
        assert set(STRINGS[key]) == {"en", "ko"}, key
        assert HANGUL.search(STRINGS[key]["ko"]), key
        fields = {f for _, f, _, _ in string.Formatter().parse(STRINGS[key]["en"]) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(STRINGS[key]["ko"]) if f}


def test_a_korean_screen_never_shows_the_library_s_english_for_the_common_errors(tmp_path):
    for error in _common_errors(tmp_path):
        english = str(error)
        text = messages.sentence(error, "ko")
        assert HANGUL.search(text), (english, text)
        assert not _english_words(text), (english, text)
        assert english not in text
        facts = "\n".join(messages.details(error))
        assert facts                        # the original stays one click away


def test_specific_kinds_say_what_to_do(tmp_path):
    bad_upload, missing, bad_name, no_model, sklearn, _ = _common_errors(tmp_path)
    assert error_kind(bad_upload)["code"] == "model_file.not_model"
    assert ".safetensors" in messages.sentence(bad_upload, "ko")
    assert "mnist" in messages.sentence(missing, "ko")
    assert "AE_DATA_DIR" in messages.sentence(missing, "ko")
    assert "../evil" in messages.sentence(bad_name, "ko")
    assert "nothing-here" in messages.sentence(no_model, "ko")
    assert "ValueError" in messages.sentence(sklearn, "ko")
    assert error_kind(sklearn)["code"] == "unexpected"
    assert messages.details(sklearn) == [f"ValueError: {sklearn}"]


def test_missing_files_are_listed_once_each_with_each_address_once(tmp_path):
    with pytest.raises(Exception) as info:
        load_dataset("mnist", tmp_path, download=False)
    facts = messages.details(info.value)
    assert len(facts) == len(set(facts))
    assert sum(str(tmp_path / "mnist") in f for f in facts) == 4       # the four files
    urls = re.findall(r"https?://\S+", "\n".join(facts))
    assert urls and len(urls) == len(set(urls))
    message = str(info.value)                                          # the CLI's text too
    assert all(message.count(url) == 1 for url in urls)


def test_an_error_the_app_already_said_is_shown_as_it_is():
    error = ConfigError("‘hidden’에 숫자가 아닌 값이 있습니다.", code=messages.SAID)
    assert messages.sentence(error, "ko") == str(error)
    assert messages.details(error) == []


def test_a_store_refusal_keeps_its_kind_through_the_train_form():
    from app_lib import train_view

    with pytest.raises(ConfigError) as info:
        train_view.chosen_name("../evil")
    assert info.value.code == "store.bad_name" and info.value.params["name"] == "../evil"
    assert isinstance(info.value.__context__, StoreError)


def test_kinds_fall_back_to_the_general_sentence_of_their_family():
    error = ModelFileError("weird", code="model_file.something_new")
    assert messages.sentence(error, "ko") == STRINGS["err.model_file"]["ko"]
    assert messages.sentence(ModelFileError("x", code="nobody.knows"), "ko") == \
        STRINGS["err.error"]["ko"]
    # in English, the library's own sentence is the more specific one
    assert messages.sentence(ConfigError("lr 5 is too large."), "en") == "lr 5 is too large."
    assert messages.sentence(ValueError("n_neighbors"), "en") == \
        STRINGS["err.unexpected"]["en"].format(type="ValueError")


def test_metric_keys_have_display_names_in_both_languages():
    scores = {"knn5": 0.912, "trustworthiness": 0.95, "mse": 0.031, "latent_dim": 2}
    keys = ("mse", "knn5", "trustworthiness")
    assert messages.metrics_text(scores, keys, lang="ko") == \
        "MSE 0.031 · 5-NN 정확도 0.912 · 신뢰도 0.95"
    assert messages.metrics_text(scores, keys, lang="en") == \
        "MSE 0.031 · 5-NN accuracy 0.912 · trustworthiness 0.95"
    assert messages.metric_name("unknown_metric") == "unknown_metric"
