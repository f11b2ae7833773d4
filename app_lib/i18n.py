"""Every user-facing string of the app, in Korean and English, in one table.

Pages call ``t("key", **values)``; a missing translation is a test failure,
never a half-translated screen in front of a class.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

LANGUAGES = {"ko": "한국어", "en": "English"}
DEFAULT_LANGUAGE = "ko"
LANG_KEY = "lang"

STRINGS: dict[str, dict[str, str]] = {
    # ----- app shell
    "app.title": {"en": "Latent Explorer", "ko": "잠재 공간 탐험기"},
    "nav.home": {"en": "Home", "ko": "홈"},
    "nav.explore": {"en": "Explore", "ko": "탐색"},
    "sidebar.language": {"en": "Language", "ko": "언어"},
    "sidebar.dataset": {"en": "Dataset", "ko": "데이터셋"},
    "sidebar.model": {"en": "Model", "ko": "모델"},
    "sidebar.model_help": {
        "en": "Shipped models, your own saved models for this dataset, and PCA (always there).",
        "ko": "함께 제공되는 모델, 이 데이터셋으로 저장한 내 모델, 그리고 PCA(항상 사용 가능).",
    },
    "sidebar.not_cached": {"en": "not downloaded", "ko": "내려받지 않음"},
    "model.pca": {"en": "PCA · {k}-D (linear baseline)", "ko": "PCA · {k}차원 (선형 기준)"},
    "model.pretrained": {"en": "{name} · shipped", "ko": "{name} · 기본 제공"},
    "model.store": {"en": "{name} · mine", "ko": "{name} · 내 모델"},
    "model.info": {"en": "{variant} · {dim}-D latent space",
                   "ko": "{variant} · {dim}차원 잠재 공간"},
    "variant.vanilla": {"en": "autoencoder", "ko": "오토인코더"},
    "variant.sparse_l1": {"en": "sparse autoencoder (L1)", "ko": "희소 오토인코더 (L1)"},
    "variant.sparse_kl": {"en": "sparse autoencoder (KL)", "ko": "희소 오토인코더 (KL)"},
    "variant.denoising": {"en": "denoising autoencoder", "ko": "잡음 제거 오토인코더"},
    "variant.vae": {"en": "variational autoencoder (VAE)", "ko": "변분 오토인코더 (VAE)"},
    "variant.pca": {"en": "principal component analysis", "ko": "주성분 분석"},
    "error.model": {"en": "This model could not be loaded: {error}",
                    "ko": "이 모델을 불러올 수 없습니다: {error}"},
    # ----- dataset download
    "common.computing": {"en": "Encoding the images…", "ko": "이미지를 인코딩하는 중…"},
    "data.missing": {
        "en": "**{title}** is not on this computer yet ({size} to download).",
        "ko": "**{title}** 데이터가 아직 이 컴퓨터에 없습니다 (내려받을 크기 {size}).",
    },
    "data.download": {"en": "Download {title}", "ko": "{title} 내려받기"},
    "data.downloading": {"en": "Downloading {file}… {done} of {total}",
                         "ko": "{file} 내려받는 중… {done} / {total}"},
    "data.done": {"en": "Download finished.", "ko": "내려받기가 끝났습니다."},
    "data.unavailable": {"en": "The dataset cannot be downloaded right now.",
                         "ko": "지금은 데이터셋을 내려받을 수 없습니다."},
    "data.error": {"en": "The dataset could not be loaded: {error}",
                   "ko": "데이터셋을 불러올 수 없습니다: {error}"},
    # ----- home
    "home.title": {"en": "What does an autoencoder learn?",
                   "ko": "오토인코더는 무엇을 배울까요?"},
    "home.intro": {
        "en": "An **autoencoder** is a neural network trained to copy its input to its output "
              "through a narrow middle. The **encoder** squeezes each image into a few numbers, "
              "its **code**; the **decoder** rebuilds the image from the code alone. Because "
              "the code is so small, the network must discover what matters — stroke, slant, "
              "shape — instead of memorising pixels.",
        "ko": "**오토인코더**는 입력을 좁은 가운데 층을 거쳐 그대로 출력으로 복사하도록 학습한 "
              "신경망입니다. **인코더**는 각 이미지를 몇 개의 숫자, 즉 **코드**로 압축하고 "
              "**디코더**는 그 코드만 보고 이미지를 다시 만듭니다. 코드가 아주 작기 때문에 "
              "신경망은 픽셀을 외우는 대신 획, 기울기, 모양처럼 중요한 것을 스스로 찾아야 합니다.",
    },
    "home.latent": {
        "en": "All possible codes form the **latent space**. With a 2-D code every image becomes "
              "a point on a map: similar images land close together, and *any* point of the map "
              "— even one where no image landed — can be decoded into a picture. Gaps in the "
              "map are places the decoder never learned; a **VAE** is trained to leave fewer.",
        "ko": "가능한 모든 코드가 모인 공간이 **잠재 공간**입니다. 코드가 2차원이면 모든 이미지가 "
              "지도 위의 한 점이 됩니다. 비슷한 이미지는 가까이 모이고, 이미지가 하나도 없는 "
              "곳을 포함해 지도의 *어느* 점이든 그림으로 디코딩할 수 있습니다. 지도의 빈틈은 "
              "디코더가 배운 적 없는 곳이며, **VAE**는 빈틈이 적도록 학습됩니다.",
    },
    "home.pca": {
        "en": "**PCA** is the classic linear cousin: it is always available as a baseline.",
        "ko": "**PCA**(주성분 분석)는 고전적인 선형 방법으로, 비교 기준으로 언제나 쓸 수 있습니다.",
    },
    "home.pages": {"en": "Pages", "ko": "페이지"},
    "home.explore": {
        "en": "Click anywhere on the latent map, move sliders, interpolate between images.",
        "ko": "잠재 지도 아무 곳이나 클릭하고, 슬라이더를 움직이고, 이미지 사이를 보간해 보세요.",
    },
    "diagram.input": {"en": "input", "ko": "입력"},
    "diagram.encoder": {"en": "encoder", "ko": "인코더"},
    "diagram.code": {"en": "code", "ko": "코드"},
    "diagram.decoder": {"en": "decoder", "ko": "디코더"},
    "diagram.output": {"en": "reconstruction", "ko": "복원"},
    "diagram.latent": {"en": "latent space", "ko": "잠재 공간"},
    # ----- explore
    "explore.title": {"en": "Explore the latent space", "ko": "잠재 공간 탐색"},
    "explore.caption": {
        "en": "{model} on {dataset}: {n} {split} images, each one a point of the map.",
        "ko": "{dataset}의 {model}: {split} 이미지 {n}개가 각각 지도의 한 점입니다.",
    },
    "explore.split": {"en": "Images on the map", "ko": "지도에 표시할 이미지"},
    "split.test": {"en": "test", "ko": "테스트"},
    "split.all": {"en": "train + test", "ko": "학습 + 테스트"},
    "explore.hint": {
        "en": "Click a point to see how well it is rebuilt; click empty space to decode that spot.",
        "ko": "점을 클릭하면 얼마나 잘 복원되는지, 빈 곳을 클릭하면 그 위치의 디코딩 결과를 볼 수 "
              "있습니다.",
    },
    "map.axis": {"en": "latent dimension z{i}", "ko": "잠재 차원 z{i}"},
    "map.pc_axis": {"en": "PC{i} of the {d}-D codes ({pct:.0f}% of variance)",
                    "ko": "{d}차원 코드의 주성분 {i} (분산의 {pct:.0f}%)"},
    "map.pca_note": {
        "en": "The codes have {d} dimensions: the map shows their 2-D PCA projection. "
              "Clicking a point sets all {d} sliders to its code; clicking empty space uses "
              "the projection plane.",
        "ko": "코드가 {d}차원이라 지도에는 코드의 2차원 PCA 투영을 보여 줍니다. 점을 클릭하면 "
              "{d}개 슬라이더 모두가 그 코드로 바뀌고, 빈 곳을 클릭하면 투영 평면 위의 점을 "
              "사용합니다.",
    },
    "map.marks_note": {
        "en": "✕ current position · ○ clicked image · ◆ A and B, the ends of the interpolation.",
        "ko": "✕ 현재 위치 · ○ 클릭한 이미지 · ◆ 보간의 양 끝 A와 B.",
    },
    "map.prior_note": {
        "en": "Dashed circle: ±3σ of the VAE's prior N(0, I), where its codes are meant to live.",
        "ko": "점선 원: VAE 사전분포 N(0, I)의 ±3σ, 코드가 모이도록 학습되는 영역입니다.",
    },
    "map.class": {"en": "class", "ko": "클래스"},
    "map.index": {"en": "index", "ko": "번호"},
    "map.legend": {"en": "Classes", "ko": "클래스"},
    "map.here": {"en": "current position", "ko": "현재 위치"},
    "map.selected": {"en": "clicked image", "ko": "클릭한 이미지"},
    "map.prior": {"en": "prior ±3σ", "ko": "사전분포 ±3σ"},
    "map.path": {"en": "interpolation A→B", "ko": "보간 A→B"},
    "explore.manifold": {"en": "Decoded manifold", "ko": "매니폴드 보기"},
    "explore.manifold_help": {
        "en": "Paint the map with images decoded on an n×n grid over the visible window.",
        "ko": "보이는 창 위 n×n 격자에서 디코딩한 이미지로 지도를 채웁니다.",
    },
    "explore.grid_n": {"en": "Grid size n", "ko": "격자 크기 n"},
    "explore.points": {"en": "Show points", "ko": "점 표시"},
    "explore.zoom": {"en": "Zoom into the map", "ko": "지도 확대"},
    "explore.center": {"en": "Centre the view on the current position",
                       "ko": "현재 위치를 화면 가운데로"},
    "explore.reset_view": {"en": "Show the whole map again", "ko": "지도 전체 보기"},
    "explore.grid_download": {"en": "Manifold PNG", "ko": "매니폴드 PNG"},
    "explore.generated": {"en": "Decoded at this position", "ko": "이 위치의 디코딩 결과"},
    "explore.sliders": {"en": "Latent sliders", "ko": "잠재 슬라이더"},
    "explore.slider": {"en": "z{i}", "ko": "z{i}"},
    "explore.slider_help": {
        "en": "Range covers all codes{prior}. Release to decode.",
        "ko": "범위는 모든 코드{prior}를 포함합니다. 놓으면 디코딩합니다.",
    },
    "explore.slider_prior": {"en": " and the prior's ±3σ", "ko": "와 사전분포의 ±3σ"},
    "explore.position": {"en": "Position", "ko": "위치"},
    "explore.png": {"en": "Image PNG", "ko": "이미지 PNG"},
    "gap.on": {"en": "On the manifold", "ko": "매니폴드 위"},
    "gap.edge": {"en": "Near the edge", "ko": "가장자리 근처"},
    "gap.gap": {"en": "In a gap — no training image nearby",
                "ko": "빈틈 — 근처에 학습 이미지가 없음"},
    "gap.detail": {
        "en": "Nearest code: {dist:.3g} away = {ratio:.1f}× the typical spacing between codes "
              "(farther than {pct:.0f}% of codes are from their neighbour).",
        "ko": "가장 가까운 코드까지 거리 {dist:.3g} = 코드 사이 보통 간격의 {ratio:.1f}배 "
              "(코드의 {pct:.0f}%보다 이웃에서 더 멂).",
    },
    "gap.exact": {
        "en": "This is exactly the code of image #{row}.",
        "ko": "이미지 #{row}의 코드와 정확히 같은 위치입니다.",
    },
    "gap.explain": {
        "en": "The decoder still draws something here, but it never saw an image at this "
              "spot: expect a blend or a blur.",
        "ko": "디코더는 여기서도 무언가를 그리지만 이 위치의 이미지를 본 적은 없습니다. 섞이거나 "
              "흐릿한 그림이 나오기 쉽습니다.",
    },
    "point.title": {"en": "Clicked image", "ko": "클릭한 이미지"},
    "point.none": {"en": "Click a point of the map to compare an image with its reconstruction.",
                   "ko": "지도의 점을 클릭하면 원본과 복원 이미지를 비교할 수 있습니다."},
    "point.original": {"en": "original", "ko": "원본"},
    "point.reconstruction": {"en": "reconstruction", "ko": "복원"},
    "point.error": {"en": "per-pixel error", "ko": "픽셀별 오차"},
    "point.error_scale": {"en": "error |x − x̂|: black 0 → yellow 1",
                          "ko": "오차 |x − x̂|: 검정 0 → 노랑 1"},
    "point.caption": {
        "en": "Class **{label}** · index {index} · code ({z}) · reconstruction error "
              "(MSE per pixel) **{mse:.4f}**",
        "ko": "클래스 **{label}** · 번호 {index} · 코드 ({z}) · 복원 오차 "
              "(픽셀당 MSE) **{mse:.4f}**",
    },
    "interp.title": {"en": "Interpolation", "ko": "보간"},
    "interp.help": {
        "en": "Choose two positions A and B (click the map, then press a button), and watch "
              "the decoder morph one into the other.",
        "ko": "두 위치 A와 B를 고르세요(지도를 클릭한 뒤 버튼을 누르기). 디코더가 하나를 다른 "
              "하나로 바꾸는 과정을 볼 수 있습니다.",
    },
    "interp.set_a": {"en": "A ← current position", "ko": "A ← 현재 위치"},
    "interp.set_b": {"en": "B ← current position", "ko": "B ← 현재 위치"},
    "interp.point": {"en": "{name}: {what}", "ko": "{name}: {what}"},
    "interp.row": {"en": "image #{index} ({label})", "ko": "이미지 #{index} ({label})"},
    "interp.free": {"en": "position ({z})", "ko": "위치 ({z})"},
    "interp.steps": {"en": "Steps", "ko": "단계 수"},
    "interp.method": {"en": "Path", "ko": "경로"},
    "interp.linear": {"en": "straight line", "ko": "직선"},
    "interp.spherical": {"en": "spherical (slerp)", "ko": "구면 (slerp)"},
    "interp.png": {"en": "Strip PNG", "ko": "스트립 PNG"},
    "interp.gif": {"en": "Animated GIF", "ko": "애니메이션 GIF"},
    "export.title": {"en": "Export", "ko": "내보내기"},
    "export.csv": {"en": "Codes + labels (CSV)", "ko": "코드 + 레이블 (CSV)"},
    "export.npy": {"en": "Codes + labels (NPY)", "ko": "코드 + 레이블 (NPY)"},
}


def current_language() -> str:
    lang = st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The string ``key`` in the current language, formatted with ``values``."""
    entry = STRINGS[key]
    text = entry.get(lang or current_language()) or entry["en"]
    return text.format(**values) if values else text


def bound(lang: str | None = None):
    """``t`` fixed to one language: for ``format_func`` callbacks that run outside the script."""
    fixed = lang or current_language()
    return lambda key, **values: t(key, fixed, **values)


def class_names(meta: dict, english: Sequence[str], lang: str | None = None) -> list[str]:
    """Class names in the current language (``meta["class_names_ko"]`` when Korean)."""
    if (lang or current_language()) == "ko" and meta.get("class_names_ko"):
        return list(meta["class_names_ko"])
    return list(english)


def dataset_title(spec: object, lang: str | None = None) -> str:
    """A dataset's display title from anything with ``title`` / ``title_ko``."""
    if (lang or current_language()) == "ko" and getattr(spec, "title_ko", ""):
        return spec.title_ko  # type: ignore[attr-defined]
    return getattr(spec, "title", str(spec))


def variant_name(variant: str, lang: str | None = None) -> str:
    key = f"variant.{variant}"
    return t(key, lang) if key in STRINGS else variant


def human_bytes(n: int) -> str:
    """Sizes as people say them: '11.6 MB'."""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"
