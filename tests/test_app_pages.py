"""Every page renders (AppTest): datasets, 2-D and >2-D models, the canvas's message, language,
URL, downloads.

AppTest cannot drive the latent canvas; what it sends back is tested as functions in
test_explorer_actions.py and for real in tests/browser/.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from ae_core.binpack import unpack
from ae_core.data import DATASETS
from ae_core.pretrained import find_pretrained
from app_lib import catalog, rows, state
from app_lib.i18n import LANGUAGES, STRINGS
from app_lib.nav import PAGES
from tests.conftest import mnist_dir

APP = str(Path(__file__).resolve().parents[1] / "streamlit_app.py")
EXPLORE = "app_pages/explore.py"
HOME = "app_pages/home.py"
HAS_16D = find_pretrained("digits-denoising-16d") is not None


def open_app(page: str = EXPLORE, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in {"lang": "en", "dataset": "digits", **params}.items():
        at.query_params[key] = value
    at.switch_page(page)
    return at.run()


def assert_clean(at: AppTest) -> None:
    """No exception and no error box (the red "in a gap" verdict is not an error)."""
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error if e.icon != "🕳️"]
    assert not errors, errors


def image_urls(at: AppTest, alt: str) -> list[str]:
    """Sources of the images with this alt text (``st.image`` URLs or inline data URIs)."""
    urls = [img.url for el in at.get("image") for img in el.proto.imgs if img.alt == alt]
    inline = [el.proto.body for el in at.get("html") if f'alt="{alt}"' in el.proto.body]
    return urls + [re.search(r'src="([^"]+)"', body).group(1) for body in inline]


def latent_canvases(at: AppTest) -> list:
    """The page's latent canvases (the sidebar's class box is a component too)."""
    return [e for e in at.get("bidi_component") if e.proto.component_name == "latent_canvas"]


def canvas_message(at: AppTest) -> tuple[dict, dict]:
    """The header and arrays the Explore page sent its latent canvas."""
    (element,) = latent_canvases(at)
    return unpack(element.proto.bytes)


# ------------------------------------------------------------------ strings


def test_every_string_exists_in_both_languages():
    for key, entry in STRINGS.items():
        assert set(entry) == set(LANGUAGES), key
        assert all(entry.values()), key
        fields = {lang: set(re.findall(r"{(\w+)", text)) for lang, text in entry.items()}
        assert fields["en"] == fields["ko"], key


def test_every_page_title_is_translated():
    for page in PAGES:
        assert page.title_key in STRINGS and (not page.blurb_key or page.blurb_key in STRINGS)


def test_page_icons_need_no_emoji_font():
    """Streamlit ships the Material Symbols font; emoji are boxes on PCs without an emoji font."""
    assert all(re.fullmatch(r":material/[a-z0-9_]+:", page.icon) for page in PAGES)


# ------------------------------------------------------------------ choices and defaults


def test_the_default_dataset_is_mnist_only_when_its_files_are_here(monkeypatch, tmp_path):
    monkeypatch.setenv("AE_DATA_DIR", str(tmp_path))
    assert catalog.default_dataset() == "digits"
    if mnist_dir() is not None:
        monkeypatch.setenv("AE_DATA_DIR", str(mnist_dir()))
        assert catalog.default_dataset() == "mnist"


def test_pca_is_always_offered_and_the_default_is_a_2d_map():
    for name in DATASETS:
        keys = [c.key for c in catalog.model_choices(name)]
        assert "pca:2" in keys
        choice = catalog.find_choice(name, catalog.default_model(name))
        assert choice.latent_dim == 2


def test_url_values_are_validated():
    values = state.initial_values({"lang": "fr", "dataset": "nope", "model": "pca:999",
                                   "split": "weird"})
    assert values["lang"] == "ko" and values["split"] == "test"
    assert values["dataset"] in DATASETS
    assert catalog.find_choice(values["dataset"], values["model"]) is not None
    assert state.initial_values({"dataset": "digits", "model": "pca:5"})["model"] == "pca:5"


# ------------------------------------------------------------------ pages render


MODELS = ["pretrained:digits-vae-2d", "pca:1", "pca:2", "pca:5",
          pytest.param("pretrained:digits-denoising-16d", marks=pytest.mark.skipif(
              not HAS_16D, reason="digits-denoising-16d is not shipped yet"))]


@pytest.mark.parametrize("model", MODELS)
def test_explore_renders_for_1d_2d_and_higher_dimensional_models(model):
    at = open_app(model=model)
    assert_clean(at)
    dim = catalog.find_choice("digits", model).latent_dim
    header, arrays = canvas_message(at)
    assert header["map"]["d"] == len(header["state"]["z"]) == len(header["map"]["ranges"]) == dim
    assert arrays["xy"].shape == (360, 2) and arrays["labels"].shape == (360,)
    assert ("latent dimension z1" in header["text"]["x_axis"]) == (dim <= 2)
    assert ("PC1" in header["text"]["x_axis"]) == (dim > 2)
    assert ("codes" in arrays) == (dim > 2)  # the reading's distances are measured in d-D
    assert header["decoder"]["latent_dim"] == dim  # every registry decoder runs in the page
    assert at.query_params["model"] == model


def test_home_renders_the_picture_and_links_every_page():
    at = open_app(HOME)
    assert_clean(at)
    assert at.title[0].value == "What does an autoencoder learn?"
    assert at.get("image"), "the autoencoder diagram is missing"
    links = [el.proto.page for el in at.get("page_link")]
    assert len(links) == len([p for p in PAGES if p.blurb_key])


@pytest.mark.mnist
@pytest.mark.parametrize("dataset", ["mnist", "fashion-mnist"])
@pytest.mark.parametrize("page", [HOME, EXPLORE])
def test_pages_render_for_the_downloaded_datasets(monkeypatch, dataset, page):
    if mnist_dir() is None:
        pytest.skip("MNIST / Fashion-MNIST files are not available")
    monkeypatch.setenv("AE_DATA_DIR", str(mnist_dir()))
    at = open_app(page, dataset=dataset, model="pca:2", lang="ko")
    assert_clean(at)
    if page == EXPLORE and dataset == "fashion-mnist":
        legend = canvas_message(at)[0]["classes"]["names"]
        assert "티셔츠/탑" in legend and "앵클 부츠" in legend


def test_a_missing_dataset_offers_the_download_not_an_exception(monkeypatch, tmp_path):
    monkeypatch.setenv("AE_DATA_DIR", str(tmp_path / "empty"))
    at = open_app(dataset="mnist")
    assert not at.exception
    size = f"{DATASETS['mnist'].total_bytes / 1e6:.1f} MB"
    assert any(size in i.value for i in at.info)
    assert any(b.label.startswith("Download") for b in at.button)
    assert not at.get("plotly_chart")


def test_an_offline_download_ends_in_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.setenv("AE_DATA_DIR", str(tmp_path / "empty"))
    with socket.socket() as s:  # a port nobody listens on: the download fails at once
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/"
    monkeypatch.setenv("AE_DATA_MIRROR", dead)
    at = open_app(dataset="fashion-mnist")
    at.button(key="download:fashion-mnist").click().run(timeout=120)
    assert not at.exception
    message = "\n".join(e.value for e in at.error)
    assert "could not be downloaded" in message and "fashion-mnist" in message
    # which files go where, and the address tried, in an expander that says so
    details = [x for x in at.expander if x.label.startswith("Which files go where")]
    assert details and "fashion-mnist/train-images" in details[0].code[0].value
    assert details[0].code[0].value.count(dead) == 1


# ------------------------------------------------------------------ interaction


def test_the_position_bookmarked_in_the_url_is_restored():
    at = open_app(model="pretrained:digits-vae-2d", z="1.5,-0.5")
    assert_clean(at)
    assert canvas_message(at)[0]["state"]["z"] == pytest.approx([1.5, -0.5])


def test_a_bookmarked_clicked_image_reopens_at_its_exact_code():
    """The URL keeps 4 significant digits; with the clicked row beside them, the canvas starts
    at that image's own code, so its reading says "exactly the code of image #3"."""
    at = open_app(model="pretrained:digits-vae-2d")
    _, arrays = canvas_message(at)
    z = arrays["xy"][3]  # a 2-D model: the map positions are the codes
    rounded = ",".join(f"{v:.4g}" for v in z)
    at = open_app(model="pretrained:digits-vae-2d", z=rounded, pt="3")
    state = canvas_message(at)[0]["state"]
    assert state["row"] == 3
    assert state["z"] == [float(v) for v in z]  # exactly, not the rounded URL value
    header, arrays = canvas_message(at)  # the page shows the clicked image from its row route
    query = dict(parse_qsl(urlsplit(header["row_url"]).query), row="3")
    header_3, image_3 = unpack(rows.row_message(query))
    assert header_3 == {"row": 3, "label": int(arrays["labels"][3])}
    np.testing.assert_array_equal(image_3["code"], z)


def test_switching_language_changes_titles_and_the_canvas_text():
    at = open_app(model="pretrained:digits-vae-2d")
    assert at.title[0].value == "Explore the latent space"
    assert canvas_message(at)[0]["text"]["x_axis"] == "latent dimension z1"
    at.radio(key="_w_lang_").set_value("ko").run()
    assert_clean(at)
    assert at.title[0].value == "잠재 공간 탐색"
    text = canvas_message(at)[0]["text"]
    assert text["x_axis"] == "잠재 차원 z1" and text["legend"] == "클래스"
    assert at.query_params["lang"] == "ko"


def test_switching_dataset_falls_back_to_a_model_of_that_dataset(monkeypatch, tmp_path):
    monkeypatch.setenv("AE_DATA_DIR", str(tmp_path))
    at = open_app(HOME, model="pretrained:digits-vae-2d")
    at.selectbox(key="_w_dataset_en").set_value("fashion-mnist").run()
    assert not at.exception
    assert at.query_params["model"] == catalog.default_model("fashion-mnist")


def test_train_plus_test_puts_every_image_on_the_map():
    at = open_app(model="pca:2", split="all")
    assert_clean(at)
    assert any("1,797" in c.value for c in at.caption)   # all of digits: 1437 + 360


def test_the_interpolation_strip_follows_the_endpoints_the_canvas_sent():
    at = open_app(model="pretrained:digits-vae-2d")
    assert_clean(at)
    header, _ = canvas_message(at)
    assert header["state"]["a_row"] == 0 and header["state"]["method"] == "linear"
    assert any(c.value.startswith("A: image #0") for c in at.caption)


def test_a_decoder_the_page_cannot_run_is_decoded_on_the_server(monkeypatch):
    import streamlit as st

    from ae_core.webdecoder import UnsupportedDecoder
    from app_lib import cache

    def refuse(embedder):
        raise UnsupportedDecoder("the page cannot run this decoder")

    monkeypatch.setattr(cache, "decoder_program", refuse)
    st.cache_resource.clear()
    try:
        at = open_app(model="pretrained:digits-ae-2d")
        assert_clean(at)
        header, arrays = canvas_message(at)
        assert header["decoder"] is None and not any(k.startswith("dec:") for k in arrays)
        assert header["output_shape"] == [1, 8, 8]
        assert image_urls(at, "Decoded at this position")  # the server's image, beside the map
    finally:
        st.cache_resource.clear()


def test_a_large_map_not_yet_encoded_shows_progress_then_the_map(monkeypatch, tmp_path):
    """The first train + test map of a model is encoded in the background with a progress bar
    and Stop; once done the page shows the map, and the next visit reads the codes from disk."""
    import time

    import streamlit as st

    from app_lib import cache

    monkeypatch.setenv("AE_CACHE_DIR", str(tmp_path / "codes"))
    monkeypatch.setattr(cache, "ENCODE_IN_BACKGROUND", 1000)  # digits' 1,797 train + test
    st.cache_data.clear()
    st.cache_resource.clear()
    at = open_app(model="pretrained:digits-ae-2d", split="all")
    assert_clean(at)
    assert not latent_canvases(at)
    assert any("encoded once" in i.value for i in at.info)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not latent_canvases(at):
        time.sleep(0.3)
        at.run()
    assert_clean(at)
    assert canvas_message(at)[0]["map"]["n"] == 1797
    st.cache_data.clear()
    st.cache_resource.clear()
    again = open_app(model="pretrained:digits-ae-2d", split="all")
    assert again.get("bidi_component")  # the codes came from disk: no encoding this time
