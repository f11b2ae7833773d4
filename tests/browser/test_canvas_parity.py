"""The page's decoder and encoder equal the library's ``decode`` and ``encode`` for every
shipped model, in real Chromium, and the drawing pad prepares a drawing as ``ae_core.drawing``.

The canvas's module (``app_lib/canvas``: the same text the component mounts) is imported
into a blank page; each model's decoder is lowered and packed exactly as the Explore page
sends it, 500 random codes are decoded in the page, and every pixel is compared with
``model.decode``: at most 1e-4 apart with float32 weights.
"""

from __future__ import annotations

import base64

import numpy as np
import pytest

from ae_core import PCAEmbedder
from ae_core.binpack import pack
from ae_core.data import load_dataset
from ae_core.drawing import preprocess
from ae_core.io import load_model
from ae_core.pretrained import list_pretrained
from ae_core.webdecoder import decoder_program, encoder_parts, program_parts
from app_lib.canvas import module_text

pytestmark = pytest.mark.browser

CODES = 500
IMAGES = 60
TOLERANCE = 1e-4

_DECODE_JS = """async ([moduleText, message, codes, dim]) => {
  if (!window.__canvasModule) {
    const url = URL.createObjectURL(new Blob([moduleText], {type: 'text/javascript'}));
    window.__canvasModule = await import(url);
  }
  const {unpackMessage, createDecoder} = window.__canvasModule;
  const bytes = Uint8Array.from(atob(message), (ch) => ch.charCodeAt(0));
  const {header, arrays} = unpackMessage(bytes);
  const decoder = createDecoder(header.decoder, arrays, 'dec:');
  const z = Float64Array.from(atob(codes), (ch) => ch.charCodeAt(0));
  const view = new Float64Array(new Uint8Array(z).buffer);
  const n = view.length / dim, out = [];
  for (let i = 0; i < n; i++) out.push(...decoder.decode(view.subarray(i * dim, (i + 1) * dim)));
  const f32 = Float32Array.from(out);
  let s = ''; const u8 = new Uint8Array(f32.buffer);
  for (let i = 0; i < u8.length; i += 8192) s += String.fromCharCode(...u8.subarray(i, i + 8192));
  return btoa(s);
}"""


def _models():
    shipped = [(m.name, m.path) for m in list_pretrained()]
    return [pytest.param(path, id=name) for name, path in shipped] + [
        pytest.param("pca:digits", id="pca-digits-5")]


@pytest.fixture(scope="module")
def blank(browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto("about:blank")
    yield page
    context.close()


def _embedder(source):
    if source == "pca:digits":
        return PCAEmbedder(5).fit(load_dataset("digits").x_train)
    return load_model(source)


@pytest.mark.parametrize("source", _models())
def test_the_page_decodes_exactly_what_the_library_decodes(blank, source):
    embedder = _embedder(source)
    spec, weights = program_parts(decoder_program(embedder))
    message = pack({"decoder": spec}, weights)
    dim = embedder.latent_dim
    codes = np.random.default_rng(0).normal(size=(CODES, dim)) * 2.5
    out = blank.evaluate(_DECODE_JS, [module_text(), base64.b64encode(message).decode(),
                                      base64.b64encode(codes.astype("<f8").tobytes()).decode(),
                                      dim])
    in_page = np.frombuffer(base64.b64decode(out), dtype="<f4").reshape(CODES, -1)
    expected = embedder.decode(codes).numpy().reshape(CODES, -1)
    assert np.abs(in_page - expected).max() <= TOLERANCE


_ENCODE_JS = """async ([moduleText, message, images]) => {
  if (!window.__canvasModule) {
    const url = URL.createObjectURL(new Blob([moduleText], {type: 'text/javascript'}));
    window.__canvasModule = await import(url);
  }
  const {unpackMessage, createEncoder} = window.__canvasModule;
  const bytes = Uint8Array.from(atob(message), (ch) => ch.charCodeAt(0));
  const {header, arrays} = unpackMessage(bytes);
  const encoder = createEncoder(header.encoder, arrays, 'enc:');
  const raw = Uint8Array.from(atob(images), (ch) => ch.charCodeAt(0));
  const x = new Float64Array(raw.buffer);
  const [c, h, w] = header.encoder.input_shape, size = c * h * w, out = [];
  for (let i = 0; i < x.length / size; i++)
    out.push(...encoder.encode(x.subarray(i * size, (i + 1) * size)));
  return out;
}"""


@pytest.mark.parametrize("source", _models())
def test_the_page_encodes_exactly_what_the_library_encodes(blank, source):
    """The drawing pad's encoder: images in [0, 1] (half of them sparse, like a drawing)."""
    embedder = _embedder(source)
    spec, weights = encoder_parts(embedder)
    message = pack({"encoder": spec}, weights)
    rng = np.random.default_rng(1)
    images = rng.random((IMAGES, *spec["input_shape"]))
    images[::2] *= rng.random(images[::2].shape) > 0.8
    out = blank.evaluate(_ENCODE_JS, [module_text(), base64.b64encode(message).decode(),
                                      base64.b64encode(images.astype("<f8").tobytes()).decode()])
    in_page = np.asarray(out).reshape(IMAGES, -1)
    expected = embedder.encode(images.astype(np.float32)).numpy()
    assert np.abs(in_page - expected).max() <= TOLERANCE


_PREPARE_JS = """async ([moduleText, strokes, mode, shape]) => {
  if (!window.__canvasModule) {
    const url = URL.createObjectURL(new Blob([moduleText], {type: 'text/javascript'}));
    window.__canvasModule = await import(url);
  }
  return Array.from(window.__canvasModule.preprocessDrawing(strokes, mode, shape));
}"""


@pytest.mark.parametrize("mode,shape", [("mnist", (1, 28, 28)), ("digits", (1, 8, 8)),
                                        ("resize", (3, 20, 16))])
def test_the_page_prepares_a_drawing_as_the_library_does(blank, mode, shape):
    rng = np.random.default_rng(2)
    for _ in range(5):
        strokes = [np.cumsum(rng.normal(0, 0.05, size=(rng.integers(1, 30), 2)), axis=0)
                   + rng.random(2) for _ in range(rng.integers(1, 4))]
        strokes = [np.clip(s, 0, 1).tolist() for s in strokes]
        out = blank.evaluate(_PREPARE_JS, [module_text(), strokes, mode, list(shape)])
        np.testing.assert_allclose(np.asarray(out), preprocess(strokes, mode, shape).ravel(),
                                   atol=1e-6)


_MOUNT_JS = """async ([moduleText, message]) => {
  if (!window.__canvasModule) {
    const url = URL.createObjectURL(new Blob([moduleText], {type: 'text/javascript'}));
    window.__canvasModule = await import(url);
  }
  document.body.replaceChildren();
  const host = document.createElement('div');
  host.style.width = '900px';
  document.body.appendChild(host);
  const bytes = Uint8Array.from(atob(message), (ch) => ch.charCodeAt(0));
  window.__canvasModule.default({data: bytes, parentElement: host, setTriggerValue: () => {}});
  await new Promise(requestAnimationFrame);
  const c = window.__latentCanvas;
  return {fallback: c.fallback.hidden ? null : c.fallback.textContent, image: !c.image.hidden,
          sliders: c.sliderInputs.length};
}"""


def test_a_canvas_without_a_decoder_says_the_image_comes_from_the_server(blank):
    from ae_core.latent import LatentSpace, browser_map
    from app_lib.canvas import message

    rng = np.random.default_rng(1)
    space = LatentSpace.build(rng.normal(size=(40, 2)), rng.integers(0, 2, 40))
    header, arrays = browser_map(space)
    header["map_id"] = "test"
    note = "decoded on the server"
    text = {key: key for key in ("zoom_in", "zoom_out", "reset_view", "center", "hover_preview",
                                 "manifold", "manifold_help", "grid_n", "points",
                                 "grid_download", "legend", "legend_help", "generated",
                                 "preview", "set_a", "set_b", "set_a_help", "set_b_help",
                                 "spherical", "spherical_help", "image_png", "sliders",
                                 "prior_band", "slider_help", "position", "gap_on", "gap_edge",
                                 "gap_gap", "gap_explain", "slider", "gap_detail", "gap_exact",
                                 "x_axis", "y_axis", "note")}
    text["server_decode"] = note
    state = {"z": [0.0, 0.0], "row": None, "a": [0.0, 0.0], "a_row": None, "b": [1.0, 1.0],
             "b_row": None, "method": "linear"}
    payload = message(header, arrays, None, classes={"names": ["a", "b"],
                                                     "colors": ["#4e79a7", "#f28e2b"]},
                      text=text, state=state, output_shape=(1, 8, 8))
    shown = blank.evaluate(_MOUNT_JS, [module_text(), base64.b64encode(payload).decode()])
    assert shown == {"fallback": note, "image": False, "sliders": 2}
