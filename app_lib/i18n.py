"""Every user-facing string of the app, in Korean and English, in one table.

Pages call ``t("key", **values)``; a missing translation is a test failure,
never a half-translated screen in front of a class.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

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
    "sidebar.not_cached": {"en": "to download", "ko": "내려받지 않음"},
    # ----- a class: students follow the teacher (app_lib.classroom_ui, canvas/follow.js)
    "class.title": {"en": "Class", "ko": "수업"},
    "class.start": {"en": "Start a class", "ko": "수업 시작"},
    "class.start_help": {
        "en": "Students who open the class link see your map, point, A/B and page live.",
        "ko": "수업 링크를 연 학생들은 내 지도, 위치, A/B, 페이지를 실시간으로 봅니다."},
    "class.code_is": {"en": "Class code", "ko": "수업 코드"},
    "class.qr_alt": {"en": "QR code of the class link", "ko": "수업 링크 QR 코드"},
    "class.teacher_note": {
        "en": "Students scan the QR code, open the link, or type the code under "
              "\"Join a class\". They see what you do here, read-only.",
        "ko": "학생은 QR 코드를 찍거나 링크를 열거나 \"수업 참여\"에 코드를 입력합니다. "
              "여기서 하는 일을 읽기 전용으로 봅니다."},
    "class.end": {"en": "End class", "ko": "수업 끝내기"},
    "class.join_label": {"en": "Join a class: code", "ko": "수업 참여: 코드"},
    "class.join": {"en": "Join", "ko": "참여"},
    "class.no_such": {"en": "No open class has that code.",
                      "ko": "그 코드로 열린 수업이 없습니다."},
    "class.student_note": {"en": "You are in class {code}.", "ko": "수업 {code}에 참여 중입니다."},
    "class.leave": {"en": "Leave the class", "ko": "수업 나가기"},
    "class.following": {"en": "Following class {code}", "ko": "수업 {code} 따라가는 중"},
    "class.detached": {"en": "Exploring on my own", "ko": "혼자 탐색하는 중"},
    "class.detach": {"en": "Explore on my own", "ko": "혼자 탐색하기"},
    "class.follow": {"en": "Follow again", "ko": "다시 따라가기"},
    "class.ended": {"en": "The class has ended.", "ko": "수업이 끝났습니다."},
    "dataset.short.digits": {"en": "Digits 8×8", "ko": "손글씨 숫자 8×8"},
    "dataset.short.mnist": {"en": "MNIST digits", "ko": "MNIST 숫자"},
    "dataset.short.fashion-mnist": {"en": "Fashion-MNIST", "ko": "Fashion-MNIST"},
    "dataset.title.digits": {"en": "Handwritten digits 8×8 (scikit-learn)",
                             "ko": "손글씨 숫자 8×8 (scikit-learn)"},
    "dataset.title.mnist": {"en": "MNIST handwritten digits 28×28",
                            "ko": "MNIST 손글씨 숫자 28×28"},
    "dataset.title.fashion-mnist": {"en": "Fashion-MNIST clothing 28×28",
                                    "ko": "Fashion-MNIST 의류 28×28"},
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
    # ----- library errors by kind (ae_core.errors; app_lib.messages): what to do, no jargon
    "err.details": {"en": "Technical details (the original message, in English)",
                    "ko": "기술 정보 (영어 원문 메시지)"},
    "err.details_files": {"en": "Which files go where, and where to download them",
                          "ko": "어떤 파일을 어디에 둘지, 어디서 내려받을지"},
    "err.error": {"en": "Something went wrong; the technical details below say what.",
                  "ko": "문제가 생겼습니다. 아래 기술 정보에 원인이 있습니다."},
    "err.unexpected": {
        "en": "An unexpected error ({type}) stopped it. Try again, perhaps with other settings; "
              "if it happens again, pass the technical details below to whoever runs the app.",
        "ko": "예상하지 못한 오류({type})로 멈췄습니다. 설정을 바꿔 다시 해 보세요. 계속되면 아래 "
              "기술 정보를 앱 관리자에게 전해 주세요.",
    },
    "err.data": {
        "en": "This data cannot be used as it is (its format, size or values do not fit). "
              "Compare it with the formats described on My data.",
        "ko": "이 데이터는 그대로 쓸 수 없습니다(형식, 크기 또는 값이 맞지 않습니다). "
              "'내 데이터' 페이지의 형식 설명과 비교해 보세요.",
    },
    "err.corrupt_file": {
        "en": "A data file is damaged. Delete it and download it again.",
        "ko": "데이터 파일이 손상되었습니다. 파일을 지우고 다시 내려받으세요.",
    },
    "err.dataset_unavailable": {
        "en": "The dataset's files are not on this computer and cannot be downloaded now. "
              "Connect to the internet and try again, or copy the files listed below there.",
        "ko": "데이터셋 파일이 이 컴퓨터에 없고 지금은 내려받을 수 없습니다. 인터넷에 연결한 뒤 "
              "다시 시도하거나, 아래 목록의 파일을 그 경로에 복사하세요.",
    },
    "err.dataset_unavailable.offline": {
        "en": "The {dataset} files are not on this computer and downloading is off. Copy the "
              "files listed below to those paths, or set {env} to a folder that has them.",
        "ko": "{dataset} 파일이 이 컴퓨터에 없고 내려받기가 꺼져 있습니다. 아래 목록의 파일을 그 "
              "경로에 복사하거나, 파일이 있는 폴더를 {env} 환경 변수로 지정하세요.",
    },
    "err.dataset_unavailable.read_only": {
        "en": "The {dataset} files cannot be saved: the folder {folder} is not writable. Set "
              "{env} to a folder you can write to, or copy the files listed below there.",
        "ko": "{dataset} 파일을 저장할 수 없습니다: {folder} 폴더에 쓸 권한이 없습니다. 쓸 수 있는 "
              "폴더를 {env} 환경 변수로 지정하거나, 아래 목록의 파일을 복사하세요.",
    },
    "err.dataset_unavailable.no_mirror": {
        "en": "The {dataset} files could not be downloaded: no download address answered. Check "
              "the internet connection and try again, or copy the files listed below there.",
        "ko": "{dataset} 파일을 내려받지 못했습니다: 응답한 내려받기 주소가 없습니다. "
              "인터넷 연결을 확인하고 다시 시도하거나, 아래 목록의 파일을 그 경로에 복사하세요.",
    },
    "err.config": {
        "en": "These settings do not make a valid model or training run: change the value the "
              "technical details name, or start from a preset.",
        "ko": "이 설정으로는 모델이나 학습을 만들 수 없습니다. 기술 정보에 나온 값을 바꾸거나 "
              "프리셋에서 다시 시작하세요.",
    },
    "err.model_file": {
        "en": "This file is damaged or not a complete Latent Explorer model. Download the model "
              "again from where it was made.",
        "ko": "이 파일은 손상되었거나 완전한 Latent Explorer 모델이 아닙니다. 모델을 만든 곳에서 "
              "다시 내려받으세요.",
    },
    "err.model_file.not_model": {
        "en": "This is not a Latent Explorer model file. Upload a .safetensors file saved by "
              "Latent Explorer (My models → Download).",
        "ko": "Latent Explorer 모델 파일이 아닙니다. Latent Explorer에서 저장한 .safetensors "
              "파일(내 모델 → 내려받기)을 올려 주세요.",
    },
    "err.model_file.version": {
        "en": "This model file has format {found}; this version of the app reads format "
              "{supported}. Use the app version that made it, or train the model again here.",
        "ko": "이 모델 파일의 형식은 {found}이고, 이 버전의 앱은 형식 {supported}를 읽습니다. "
              "파일을 만든 버전의 앱을 쓰거나 여기서 모델을 다시 학습하세요.",
    },
    "err.model_file.too_large": {
        "en": "This file is larger than {mb} MB, more than any model file may be.",
        "ko": "이 파일은 {mb} MB보다 커서 모델 파일일 수 없습니다.",
    },
    "err.model_file.too_big": {
        "en": "This file describes a model of {count:,} numbers, more than the {limit:,} any "
              "model may have, so it was refused before anything was loaded.",
        "ko": "이 파일이 설명하는 모델은 수 {count:,}개로 이루어져, 모델이 가질 수 있는 "
              "최대치 {limit:,}개보다 큽니다. 아무것도 읽기 전에 거부했습니다.",
    },
    "err.config.too_big": {
        "en": "This model would hold {count:,} numbers, more than the {limit:,} a model file "
              "may hold, so it could never be saved: choose fewer or narrower layers.",
        "ko": "이 모델은 수 {count:,}개로 이루어져 모델 파일이 담을 수 있는 최대치 {limit:,}개보다 "
              "커서 저장할 수 없습니다. 층의 수나 너비를 줄이세요.",
    },
    "err.model_file.metadata": {
        "en": "This model file's description is damaged: its field “{field}” does not have "
              "the type Latent Explorer writes. Download the model again from where it was made.",
        "ko": "이 모델 파일의 설명 정보가 손상되었습니다. “{field}” 항목의 형식이 Latent "
              "Explorer가 쓰는 형식과 다릅니다. 모델을 만든 곳에서 다시 내려받으세요.",
    },
    "err.data.image_too_large": {
        "en": "The image {name} is {width}×{height} pixels; at most {limit:,} pixels per "
              "image are accepted. Shrink the large images before zipping them.",
        "ko": "이미지 {name}은(는) {width}×{height} 픽셀입니다. 이미지 한 장은 최대 "
              "{limit:,} 픽셀까지 받습니다. 큰 이미지를 줄인 뒤 압축하세요.",
    },
    "err.data.too_many_pixels": {
        "en": "The images in this zip would decode to more than {limit:,} pixels in all, "
              "which would take too long: use fewer or smaller images.",
        "ko": "이 zip의 이미지를 모두 풀면 {limit:,} 픽셀이 넘어 너무 오래 걸립니다. 이미지 "
              "수를 줄이거나 더 작은 이미지를 쓰세요.",
    },
    "err.data.stopped": {"en": "Reading the file was stopped.",
                         "ko": "파일 읽기를 멈췄습니다."},
    "err.store": {"en": "The model store refused this; the technical details say why.",
                  "ko": "모델 저장소가 이 작업을 거부했습니다. 이유는 기술 정보에 있습니다."},
    "err.store.bad_name": {
        "en": "“{name}” cannot be a model name: use up to 80 letters, digits, spaces, '.', '_' "
              "or '-', starting with a letter or digit.",
        "ko": "“{name}”은(는) 모델 이름으로 쓸 수 없습니다. 글자나 숫자로 시작하는 80자 이하의 "
              "글자, 숫자, 공백, '.', '_', '-'만 쓰세요.",
    },
    "err.store.exists": {"en": "A model named “{name}” already exists: choose another name.",
                         "ko": "“{name}” 모델이 이미 있습니다. 다른 이름을 정하세요."},
    "err.store.missing": {
        "en": "There is no saved model named “{name}” (it may have been deleted in another tab).",
        "ko": "“{name}”(이)라는 저장된 모델이 없습니다 (다른 탭에서 지웠을 수 있습니다).",
    },
    "err.store.reserved": {
        "en": "“{name}” is the name of a model that comes with the app: choose another name.",
        "ko": "“{name}”은(는) 앱과 함께 제공되는 모델의 이름입니다. 다른 이름을 정하세요.",
    },
    "err.job.busy_session": {
        "en": "A training job is already running in this session: stop it or wait until it ends.",
        "ko": "이 창에서 이미 학습이 진행 중입니다. 멈추거나 끝날 때까지 기다리세요.",
    },
    "err.job.busy_machine": {
        "en": "{count} training runs are already going on this computer, the most it allows: "
              "try again when one ends.",
        "ko": "이 컴퓨터에서 이미 학습 {count}개가 진행 중입니다(최대치). 하나가 끝나면 다시 "
              "시도하세요.",
    },
    "err.task.busy": {
        "en": "{count} computations are already running on this computer, the most it allows: "
              "try again in a moment.",
        "ko": "이 컴퓨터에서 이미 계산 {count}개가 진행 중입니다(최대치). 잠시 뒤 다시 "
              "시도하세요.",
    },
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
    "map.legend": {"en": "Classes", "ko": "클래스"},
    "explore.manifold": {"en": "Decoded manifold", "ko": "매니폴드 보기"},
    "explore.manifold_help": {
        "en": "Paint the map with images decoded on an n×n grid over the visible window.",
        "ko": "보이는 창 위 n×n 격자에서 디코딩한 이미지로 지도를 채웁니다.",
    },
    "explore.grid_n": {"en": "Grid size n", "ko": "격자 크기 n"},
    "explore.points": {"en": "Show points", "ko": "점 표시"},
    "explore.center": {"en": "Centre the view on the current position",
                       "ko": "현재 위치를 화면 가운데로"},
    "explore.reset_view": {"en": "Show the whole map again", "ko": "지도 전체 보기"},
    "explore.grid_download": {"en": "Manifold PNG", "ko": "매니폴드 PNG"},
    "explore.generated": {"en": "Decoded at this position", "ko": "이 위치의 디코딩 결과"},
    "explore.sliders": {"en": "Latent sliders", "ko": "잠재 슬라이더"},
    "explore.slider": {"en": "z{i}", "ko": "z{i}"},
    "explore.position": {"en": "Position", "ko": "위치"},
    "explore.png": {"en": "Image PNG", "ko": "이미지 PNG"},
    "explore.encoding_note": {
        "en": "This model has not put these images on a map yet: they are encoded once, then "
              "kept on this computer, so the map opens at once next time.",
        "ko": "이 모델로 이 이미지들을 아직 지도에 올린 적이 없습니다. 한 번 인코딩해 이 컴퓨터에 "
              "저장해 두므로 다음에는 지도가 바로 열립니다.",
    },
    "explore.encoding": {"en": "Encoding the images", "ko": "이미지 인코딩"},
    "explore.encode": {"en": "Encode the images", "ko": "이미지 인코딩하기"},
    "train.watching": {
        "en": "You are watching this training: only the browser that started it can stop or "
              "save it.",
        "ko": "이 학습을 지켜보는 중입니다. 학습을 시작한 브라우저만 멈추거나 저장할 수 있습니다.",
    },
    "train.unwatched": {
        "en": "It stopped itself because no page showed it for {minutes:.0f} minutes; the "
              "last finished epoch was kept.",
        "ko": "{minutes:.0f}분 동안 아무 페이지도 보지 않아 스스로 멈췄습니다. 마지막으로 끝난 "
              "에포크를 저장했습니다.",
    },
    "canvas.zoom_in": {"en": "Zoom in (wheel or +)", "ko": "확대 (휠 또는 +)"},
    "canvas.zoom_out": {"en": "Zoom out (wheel or −)", "ko": "축소 (휠 또는 −)"},
    "canvas.hover_preview": {"en": "Preview on hover", "ko": "마우스 위치 미리보기"},
    "canvas.preview": {"en": "Under the pointer", "ko": "마우스 위치의 디코딩 결과"},
    "canvas.legend_help": {"en": "Click to hide or show this class",
                           "ko": "클릭하면 이 클래스를 숨기거나 다시 보여 줍니다"},
    "canvas.server_decode": {
        "en": "This model's decoder runs on the server: the image beside the map updates when "
              "you release the slider or the marker.",
        "ko": "이 모델의 디코더는 서버에서 실행됩니다. 슬라이더나 표시를 놓으면 지도 옆의 "
              "이미지가 바뀝니다.",
    },
    "canvas.set_a": {"en": "Set A here", "ko": "여기를 A로"},
    "canvas.set_b": {"en": "Set B here", "ko": "여기를 B로"},
    "canvas.set_a_help": {"en": "Make the current position the start A of the interpolation",
                          "ko": "현재 위치를 보간의 시작점 A로 정합니다"},
    "canvas.set_b_help": {"en": "Make the current position the end B of the interpolation",
                          "ko": "현재 위치를 보간의 끝점 B로 정합니다"},
    "canvas.spherical_help": {
        "en": "Interpolate along the prior's shell (slerp) instead of a straight line",
        "ko": "직선 대신 사전분포의 껍질을 따라 보간합니다 (slerp)",
    },
    "canvas.gap_detail": {
        "en": "Nearest code: {dist} away = {ratio}× the typical spacing between codes "
              "(farther than {pct}% of codes are from their neighbour).",
        "ko": "가장 가까운 코드까지 거리 {dist} = 코드 사이 보통 간격의 {ratio}배 "
              "(코드의 {pct}%보다 이웃에서 더 멂).",
    },
    "canvas.prior_band": {"en": "the prior's ±3σ", "ko": "사전분포의 ±3σ"},
    "canvas.clicked_caption": {
        "en": "Class {label} · index {index} · code ({z}) · reconstruction error (MSE per "
              "pixel) {mse}",
        "ko": "클래스 {label} · 번호 {index} · 코드 ({z}) · 복원 오차 (픽셀당 MSE) {mse}",
    },
    "draw.toggle": {"en": "✎ Draw", "ko": "✎ 그리기"},
    "draw.help": {"en": "Draw an image yourself: its code appears on the map as a ★ and its "
                        "reconstruction beside it",
                  "ko": "직접 그린 이미지의 코드가 지도에 ★로 나타나고 그 복원이 옆에 보입니다"},
    "draw.title": {"en": "Draw here", "ko": "여기에 그리기"},
    "draw.undo": {"en": "↶ Undo", "ko": "↶ 되돌리기"},
    "draw.undo_help": {"en": "Remove the last stroke", "ko": "마지막 획 지우기"},
    "draw.clear": {"en": "Clear", "ko": "지우기"},
    "draw.clear_help": {"en": "Start again with an empty pad", "ko": "빈 패드로 다시 시작"},
    "draw.input": {"en": "model input", "ko": "모델 입력"},
    "draw.recon": {"en": "reconstruction", "ko": "복원"},
    "draw.mark": {"en": "on the map: your drawing's code.", "ko": "지도 위: 내 그림의 코드."},
    "draw.empty": {"en": "Draw with the mouse, a pen or a finger.",
                   "ko": "마우스, 펜 또는 손가락으로 그리세요."},
    "draw.reading": {"en": "code ({z}) · {count} of the {k} nearest images are “{label}”",
                     "ko": "코드 ({z}) · 가장 가까운 이미지 {k}개 중 {count}개가 ‘{label}’"},
    "draw.server": {"en": "This model is encoded on the server (one request per stroke).",
                    "ko": "이 모델은 서버에서 인코딩합니다(획마다 한 번 요청)."},
    "draw.failed": {"en": "The drawing could not be encoded on the server.",
                    "ko": "서버에서 그림을 인코딩하지 못했습니다."},
    "draw.note_mnist": {
        "en": "Prepared as MNIST was made: the ink fitted into a 20×20 box, centred by its "
              "centre of mass in 28×28, so a drawn digit lands where real ones do.",
        "ko": "MNIST를 만든 방식대로 준비합니다: 잉크를 20×20 상자에 맞추고 무게중심을 28×28의 "
              "가운데에 둡니다. 그래서 그린 숫자가 실제 숫자들이 있는 곳에 놓입니다."},
    "draw.note_digits": {
        "en": "Prepared as these 8×8 digits were made: the ink fitted to a 32×32 field, "
              "then each 4×4 block averaged into one pixel.",
        "ko": "이 8×8 숫자를 만든 방식대로 준비합니다: 잉크를 32×32에 맞춘 뒤 4×4 칸마다 "
              "평균을 내어 한 픽셀로 만듭니다."},
    "draw.note_resize": {"en": "The pad is the image, at the dataset's size.",
                         "ko": "패드가 곧 이미지이며, 데이터셋의 크기로 줄여 씁니다."},
    "canvas.clicked_failed": {"en": "The image could not be fetched from the server.",
                              "ko": "서버에서 이미지를 가져오지 못했습니다."},
    "canvas.slider_help": {
        "en": "Drag: the image is decoded in your browser as you move.",
        "ko": "끌면 움직이는 동안 브라우저에서 바로 디코딩합니다.",
    },
    "canvas.hint": {
        "en": "Move over the map to preview, drag the ✕ or a slider to generate, drag empty "
              "space to pan, wheel to zoom, click a point to compare it with its "
              "reconstruction.",
        "ko": "지도 위로 움직이면 미리보기, ✕나 슬라이더를 끌면 생성, 빈 곳을 끌면 이동, 휠로 "
              "확대, 점을 클릭하면 원본과 복원을 비교합니다.",
    },
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
    "interp.point": {"en": "{name}: {what}", "ko": "{name}: {what}"},
    "interp.row": {"en": "image #{index} ({label})", "ko": "이미지 #{index} ({label})"},
    "interp.free": {"en": "position ({z})", "ko": "위치 ({z})"},
    "interp.steps": {"en": "Steps", "ko": "단계 수"},
    "canvas.spherical": {"en": "slerp", "ko": "구면 보간"},
    "interp.png": {"en": "Strip PNG", "ko": "스트립 PNG"},
    "interp.gif": {"en": "Animated GIF", "ko": "애니메이션 GIF"},
    "export.title": {"en": "Export", "ko": "내보내기"},
    "export.csv": {"en": "Codes + labels (CSV)", "ko": "코드 + 레이블 (CSV)"},
    "export.npy": {"en": "Codes + labels (NPY)", "ko": "코드 + 레이블 (NPY)"},
    # ----- train
    "nav.train": {"en": "Train", "ko": "학습"},
    "nav.models": {"en": "My models", "ko": "내 모델"},
    "nav.data": {"en": "My data", "ko": "내 데이터"},
    "home.train": {"en": "Train your own autoencoder and watch its latent map form, live.",
                   "ko": "나만의 오토인코더를 학습시키고 잠재 지도가 만들어지는 모습을 실시간으로 "
                         "보세요."},
    "home.models": {"en": "Rename, delete, download or upload model files.",
                    "ko": "모델 파일의 이름 바꾸기, 삭제, 내려받기, 올리기."},
    "home.data": {"en": "Upload your own images (.npz or a .zip of class folders).",
                  "ko": "내 이미지를 올리세요 (.npz 또는 클래스별 폴더를 담은 .zip)."},
    "train.title": {"en": "Train an autoencoder", "ko": "오토인코더 학습"},
    "train.caption": {
        "en": "Pick a preset or set every parameter, then start: training runs in the "
              "background and you can leave this page and come back.",
        "ko": "프리셋을 고르거나 모든 설정을 직접 정한 뒤 시작하세요. 학습은 백그라운드에서 "
              "진행되므로 이 페이지를 떠났다가 돌아와도 됩니다.",
    },
    "train.presets": {"en": "Presets", "ko": "프리셋"},
    "train.preset_help": {"en": "Fill the form with this recipe ({variant}).",
                          "ko": "이 설정({variant})으로 양식을 채웁니다."},
    "preset.plain-2d": {"en": "Plain AE 2-D", "ko": "기본 오토인코더 2차원"},
    "preset.vae-2d": {"en": "VAE 2-D", "ko": "VAE 2차원"},
    "preset.sparse": {"en": "Sparse AE", "ko": "희소 오토인코더"},
    "preset.denoising": {"en": "Denoising AE", "ko": "잡음 제거 오토인코더"},
    "preset.conv-vae": {"en": "Conv VAE", "ko": "합성곱 VAE"},
    "preset.deep-30d": {"en": "Deep AE 30-D", "ko": "심층 오토인코더 30차원"},
    "train.form": {"en": "Settings", "ko": "설정"},
    "train.dataset": {"en": "Dataset", "ko": "데이터셋"},
    "train.variant": {"en": "Objective", "ko": "학습 목표"},
    "train.variant_help": {
        "en": "Plain: copy the input. Sparse: few active code units. Denoising: rebuild the "
              "clean image from a corrupted one. VAE: codes that follow a normal distribution.",
        "ko": "기본: 입력을 그대로 복사. 희소: 적은 수의 코드만 활성화. 잡음 제거: 손상된 "
              "이미지에서 깨끗한 이미지를 복원. VAE: 코드가 정규분포를 따르도록 학습.",
    },
    "train.arch": {"en": "Architecture", "ko": "구조"},
    "arch.mlp": {"en": "fully connected (MLP)", "ko": "완전 연결 (MLP)"},
    "arch.conv": {"en": "convolutional", "ko": "합성곱"},
    "train.hidden": {"en": "Hidden layer sizes", "ko": "은닉층 크기"},
    "train.hidden_help": {
        "en": "Encoder layer widths, comma-separated (e.g. 512, 256, 128); the decoder mirrors "
              "them. Empty = no hidden layer. More layers = a deeper autoencoder.",
        "ko": "인코더 층의 너비를 쉼표로 구분해 적습니다 (예: 512, 256, 128). 디코더는 이를 "
              "거꾸로 따릅니다. 비우면 은닉층이 없습니다. 층이 많을수록 깊은 오토인코더입니다.",
    },
    "train.channels": {"en": "Convolution channels", "ko": "합성곱 채널 수"},
    "train.channels_help": {
        "en": "One stride-2 3×3 convolution per entry, comma-separated (e.g. 32, 64).",
        "ko": "항목마다 stride 2의 3×3 합성곱 하나, 쉼표로 구분 (예: 32, 64).",
    },
    "train.latent": {"en": "Latent dimension", "ko": "잠재 차원"},
    "train.latent_help": {
        "en": "How many numbers each image is squeezed into. 2 gives a map you can look at "
              "directly; more rebuilds better.",
        "ko": "각 이미지를 몇 개의 숫자로 압축할지 정합니다. 2이면 바로 볼 수 있는 지도가 되고, "
              "더 크면 복원이 더 좋아집니다.",
    },
    "train.loss": {"en": "Reconstruction loss", "ko": "복원 손실"},
    "train.loss_help": {
        "en": "BCE suits images with pixels in [0, 1]; MSE is the plain squared error.",
        "ko": "BCE는 픽셀 값이 [0, 1]인 이미지에 알맞고, MSE는 단순한 제곱 오차입니다.",
    },
    "loss.bce": {"en": "binary cross-entropy (BCE)", "ko": "이진 교차 엔트로피 (BCE)"},
    "loss.mse": {"en": "mean squared error (MSE)", "ko": "평균 제곱 오차 (MSE)"},
    "train.beta": {"en": "β (KL weight)", "ko": "β (KL 가중치)"},
    "train.beta_help": {
        "en": "Weight of the KL term that pulls codes towards N(0, I). Larger β = smoother map, "
              "blurrier images.",
        "ko": "코드를 N(0, I) 쪽으로 당기는 KL 항의 가중치. β가 클수록 지도는 매끄럽고 이미지는 "
              "흐려집니다.",
    },
    "train.rho": {"en": "Target activation ρ", "ko": "목표 활성도 ρ"},
    "train.rho_help": {"en": "The average activation each code unit should have (0 < ρ < 1).",
                       "ko": "각 코드 유닛이 가져야 할 평균 활성도 (0 < ρ < 1)."},
    "train.sparsity_weight": {"en": "Sparsity weight", "ko": "희소성 가중치"},
    "train.sparsity_weight_help": {
        "en": "β, the weight of the KL(ρ ‖ ρ̂) sparsity penalty, per pixel and per unit: the "
              "loss adds β × pixels × the mean KL over the units to the reconstruction "
              "summed over the pixels, so one β means the same at any image size (3, as in "
              "UFLDL, brings the mean activation close to ρ).",
        "ko": "β, KL(ρ ‖ ρ̂) 희소성 벌점의 가중치 (픽셀당·유닛당): 픽셀마다 더한 복원 오차에 "
              "β × 픽셀 수 × 유닛 평균 KL을 더하므로, 이미지 크기와 상관없이 같은 뜻입니다 "
              "(UFLDL처럼 3이면 평균 활성도가 ρ 가까이 옵니다)."},
    "train.l1_weight": {"en": "L1 weight", "ko": "L1 가중치"},
    "train.l1_weight_help": {
        "en": "λ, the weight of the L1 penalty on the codes, per pixel and per unit: the loss "
              "adds λ × pixels × the mean over the units of |code| × the RMS of what the unit "
              "paints, so one λ means the same at any image size (at 1 most codes are 0).",
        "ko": "λ, 코드에 주는 L1 벌점의 가중치 (픽셀당·유닛당): 복원 오차에 λ × 픽셀 수 × "
              "유닛 평균 (|코드| × 그 유닛이 그리는 그림의 RMS)을 더하므로, 이미지 크기와 "
              "상관없이 같은 뜻입니다 (1이면 코드 대부분이 0)."},
    "train.noise": {"en": "Noise type", "ko": "잡음 종류"},
    "train.noise_help": {"en": "How the input is corrupted before encoding.",
                         "ko": "인코딩 전에 입력을 손상시키는 방식."},
    "noise.gaussian": {"en": "Gaussian", "ko": "가우시안"},
    "noise.salt_pepper": {"en": "salt and pepper", "ko": "소금과 후추"},
    "noise.masking": {"en": "masking", "ko": "가리기 (마스킹)"},
    "train.noise_level": {"en": "Noise level", "ko": "잡음 세기"},
    "train.noise_level_help": {
        "en": "Standard deviation (Gaussian) or fraction of corrupted pixels (others).",
        "ko": "표준편차(가우시안) 또는 손상되는 픽셀의 비율(그 밖).",
    },
    "train.epochs": {"en": "Epochs", "ko": "에포크"},
    "train.epochs_help": {"en": "Passes over the training images.",
                          "ko": "학습 이미지를 몇 번 반복해서 볼지."},
    "train.batch": {"en": "Batch size", "ko": "배치 크기"},
    "train.batch_help": {"en": "Images per optimisation step.",
                         "ko": "한 번의 최적화 단계에 쓰는 이미지 수."},
    "train.lr": {"en": "Learning rate", "ko": "학습률"},
    "train.lr_help": {"en": "Adam's step size (its schedule is under Advanced). Too large "
                            "diverges.",
                      "ko": "Adam의 보폭 (스케줄은 ‘고급 설정’에서). 너무 크면 발산합니다."},
    "train.advanced": {"en": "Advanced: regularisation and schedule",
                       "ko": "고급 설정: 정규화와 스케줄"},
    "train.weight_decay": {"en": "Weight decay", "ko": "가중치 감쇠"},
    "train.weight_decay_help": {
        "en": "Pulls every weight towards zero a little at each step (Adam's L2 penalty): "
              "against overfitting; 0 is off. The 30-D deep AE benchmark uses 0.001.",
        "ko": "단계마다 모든 가중치를 0 쪽으로 조금씩 당깁니다 (Adam의 L2 벌점): "
              "과적합을 막습니다. 0이면 끕니다. 30차원 심층 오토인코더 벤치마크는 0.001을 씁니다.",
    },
    "train.schedule": {"en": "Learning-rate schedule", "ko": "학습률 스케줄"},
    "train.schedule_help": {
        "en": "Both warm up over the first steps. Cosine then lowers the rate smoothly to 2 % "
              "of it by the last epoch, which usually ends on a better model; constant keeps it.",
        "ko": "둘 다 처음 몇 단계 동안 서서히 올립니다. 코사인은 그 뒤 마지막 에포크까지 학습률을 "
              "2 %까지 부드럽게 낮춰 대개 더 좋은 모델로 끝나고, 일정은 그대로 유지합니다.",
    },
    "schedule.cosine": {"en": "cosine", "ko": "코사인"},
    "schedule.constant": {"en": "constant", "ko": "일정"},
    "train.shift": {"en": "Random shift (pixels)", "ko": "무작위 이동 (픽셀)"},
    "train.shift_help": {
        "en": "Moves each training image up or down and left or right by up to this many "
              "pixels, drawn anew every time it is seen: more variety against overfitting; 0 is "
              "off. One pixel helped the 30-D deep AE on 28×28 images.",
        "ko": "학습 이미지를 볼 때마다 위아래와 좌우로 최대 이만큼 픽셀 무작위 이동합니다: "
              "다양성을 늘려 과적합을 막습니다. 0이면 끕니다. "
              "28×28 이미지의 30차원 심층 오토인코더에는 1픽셀이 도움이 되었습니다.",
    },
    "train.seed": {"en": "Seed", "ko": "시드"},
    "train.seed_help": {"en": "Same seed and settings = the same model.",
                        "ko": "시드와 설정이 같으면 같은 모델이 나옵니다."},
    "train.name": {"en": "Model name (optional)", "ko": "모델 이름 (선택)"},
    "train.name_help": {"en": "Left empty: dataset-variant-dimension, e.g. digits-vae-2d.",
                        "ko": "비우면 데이터셋-종류-차원, 예: digits-vae-2d."},
    "train.start": {"en": "Start training", "ko": "학습 시작"},
    "train.invalid": {"en": "These settings cannot be used: {error}",
                      "ko": "이 설정은 사용할 수 없습니다: {error}"},
    "train.bad_list": {
        "en": "“{field}” must be whole numbers separated by commas, not “{value}”.",
        "ko": "“{field}”에는 쉼표로 구분한 정수를 적어야 합니다 (“{value}”는 안 됩니다).",
    },
    "train.refused": {"en": "Training could not start: {error}",
                      "ko": "학습을 시작할 수 없습니다: {error}"},
    "train.job": {"en": "Current training", "ko": "현재 학습"},
    "train.job_caption": {"en": "{variant} · {dim}-D · {dataset}",
                          "ko": "{variant} · {dim}차원 · {dataset}"},
    "train.progress": {"en": "Epoch {epoch} of {epochs} · {pct:.0f}% · {eta}",
                       "ko": "에포크 {epoch} / {epochs} · {pct:.0f}% · {eta}"},
    "train.eta": {"en": "about {s:.0f} s left", "ko": "약 {s:.0f}초 남음"},
    "train.eta_unknown": {"en": "estimating time…", "ko": "남은 시간 계산 중…"},
    "train.elapsed": {"en": "took {s:.0f} s", "ko": "{s:.0f}초 걸림"},
    "train.stop": {"en": "Stop", "ko": "멈추기"},
    # ----- background computations (app_lib/background.py)
    "task.progress": {"en": "{label} · {pct:.0f}% · {eta}", "ko": "{label} · {pct:.0f}% · {eta}"},
    "task.stop_help": {"en": "Stop now and keep what has been computed so far.",
                       "ko": "지금 멈추고 지금까지 계산한 결과를 남깁니다."},
    "task.failed": {"en": "The computation failed: {error}", "ko": "계산이 실패했습니다: {error}"},
    "task.stopped": {"en": "Stopped after {s:.0f} s; the result so far is shown.",
                     "ko": "{s:.0f}초 만에 멈췄습니다. 지금까지의 결과를 보여 줍니다."},
    "train.stop_help": {"en": "Stop now and keep the model of the last finished epoch.",
                        "ko": "지금 멈추고 마지막으로 끝난 에포크의 모델을 남깁니다."},
    "status.queued": {"en": "Preparing the data…", "ko": "데이터를 준비하는 중…"},
    "status.running": {"en": "Training…", "ko": "학습 중…"},
    "status.stopping": {"en": "Stopping…", "ko": "멈추는 중…"},
    "train.finished": {"en": "Finished: saved as **{name}**.",
                       "ko": "완료: **{name}**(으)로 저장했습니다."},
    "train.stopped": {"en": "Stopped. {kept}", "ko": "멈췄습니다. {kept}"},
    "train.kept": {"en": "The model keeps the weights of epoch {epoch}.",
                   "ko": "모델은 {epoch}번째 에포크의 가중치를 유지합니다."},
    "train.kept_nothing": {"en": "No epoch had finished, so nothing was saved.",
                           "ko": "끝난 에포크가 없어 아무것도 저장하지 않았습니다."},
    "train.diverged_at": {"en": "the loss became {loss} in epoch {at}.",
                          "ko": "{at}번째 에포크에서 손실이 {loss}이(가) 되었습니다."},
    "train.saved": {"en": "Saved as **{name}**.", "ko": "**{name}**(으)로 저장했습니다."},
    "train.unsaved": {
        "en": "The model is trained but could not be saved ({error}). It is kept here until "
              "you save it: choose a name and press Save.",
        "ko": "모델은 학습했지만 저장하지 못했습니다 ({error}). 저장할 때까지 여기 남아 있으니 "
              "이름을 정하고 저장을 누르세요.",
    },
    "train.save_name": {"en": "Save the model as", "ko": "저장할 모델 이름"},
    "train.save_as": {"en": "Save", "ko": "저장"},
    "train.save_failed": {"en": "It could not be saved under that name either: {error}",
                          "ko": "그 이름으로도 저장하지 못했습니다: {error}"},
    "store.reserved": {
        "en": "“{name}” is the name of a model that comes with the app: choose another name.",
        "ko": "“{name}”은(는) 앱과 함께 제공되는 모델의 이름입니다. 다른 이름을 정하세요.",
    },
    "train.diverged": {
        "en": "Training diverged: {detail} {kept} Try a lower learning rate.",
        "ko": "학습이 발산했습니다: {detail} {kept} 학습률을 낮춰 보세요.",
    },
    "train.failed": {"en": "Training failed: {message}", "ko": "학습에 실패했습니다: {message}"},
    "train.metrics": {"en": "Test metrics: {metrics}", "ko": "테스트 지표: {metrics}"},
    "train.explore": {"en": "Explore this model", "ko": "이 모델 탐색하기"},
    "train.new": {"en": "Train another model below.", "ko": "아래에서 다른 모델을 학습할 수 "
                                                        "있습니다."},
    "train.losses": {"en": "Loss per epoch", "ko": "에포크별 손실"},
    "train.latent_map": {"en": "Latent map of {n} test images", "ko": "테스트 이미지 {n}개의 "
                                                                    "잠재 지도"},
    "train.latent_pca": {"en": "{d}-D codes, first two principal components",
                         "ko": "{d}차원 코드의 첫 두 주성분"},
    "train.replay": {"en": "Replay: latent map after epoch",
                     "ko": "다시 보기: 에포크 후 잠재 지도"},
    "train.replay_help": {"en": "0 = before training.", "ko": "0 = 학습 전."},
    "train.waiting": {"en": "The charts appear after the first epoch.",
                      "ko": "첫 에포크가 끝나면 그래프가 나타납니다."},
    "loss.recon": {"en": "reconstruction", "ko": "복원"},
    "loss.kl": {"en": "KL", "ko": "KL"},
    "loss.sparsity": {"en": "sparsity", "ko": "희소성"},
    "loss.total": {"en": "total", "ko": "합계"},
    "loss.train": {"en": "train", "ko": "학습"},
    "loss.val": {"en": "validation", "ko": "검증"},
    "loss.epoch": {"en": "epoch", "ko": "에포크"},
    # ----- model store
    "models.title": {"en": "My models", "ko": "내 모델"},
    "models.caption": {"en": "Models you trained or uploaded, stored in {path}.",
                       "ko": "학습하거나 올린 모델이 {path}에 저장되어 있습니다."},
    "models.empty": {"en": "No models yet: train one on the Train page or upload a file below.",
                     "ko": "아직 모델이 없습니다. 학습 페이지에서 학습하거나 아래에서 파일을 "
                           "올리세요."},
    "models.col_name": {"en": "name", "ko": "이름"},
    "models.col_dataset": {"en": "dataset", "ko": "데이터셋"},
    "models.col_variant": {"en": "variant", "ko": "종류"},
    "models.col_dim": {"en": "latent dim", "ko": "잠재 차원"},
    "models.col_metrics": {"en": "metrics", "ko": "지표"},
    "models.col_date": {"en": "date", "ko": "날짜"},
    "models.pick": {"en": "Model", "ko": "모델"},
    "models.rename_to": {"en": "New name", "ko": "새 이름"},
    "models.rename": {"en": "Rename", "ko": "이름 바꾸기"},
    "models.renamed": {"en": "Renamed to {name}.", "ko": "{name}(으)로 이름을 바꿨습니다."},
    "models.download": {"en": "Download the file", "ko": "파일 내려받기"},
    "models.delete": {"en": "Delete…", "ko": "삭제…"},
    "models.confirm": {"en": "Delete **{name}** for good?", "ko": "**{name}**을(를) 영구히 "
                                                               "삭제할까요?"},
    "models.yes": {"en": "Yes, delete", "ko": "예, 삭제합니다"},
    "models.no": {"en": "Cancel", "ko": "취소"},
    "models.deleted": {"en": "Deleted {name}.", "ko": "{name}을(를) 삭제했습니다."},
    "models.upload": {"en": "Upload a model file (.safetensors)",
                      "ko": "모델 파일 올리기 (.safetensors)"},
    "models.upload_help": {
        "en": "Only Latent Explorer model files are accepted; the file is checked completely "
              "before anything is stored.",
        "ko": "잠재 공간 탐험기 모델 파일만 받습니다. 저장하기 전에 파일 전체를 검사합니다.",
    },
    "models.upload_name": {"en": "Store as", "ko": "저장할 이름"},
    "models.import": {"en": "Add to my models", "ko": "내 모델에 추가"},
    "models.imported": {"en": "Added {name}.", "ko": "{name}을(를) 추가했습니다."},
    "models.refused": {"en": "This file was refused: {error}",
                       "ko": "이 파일은 받을 수 없습니다: {error}"},
    "models.error": {"en": "That did not work: {error}", "ko": "실행하지 못했습니다: {error}"},
    "models.damaged_title": {"en": "Damaged files", "ko": "손상된 파일"},
    "models.damaged_caption": {
        "en": "These files in the model folder cannot be opened as models. Delete them, or "
              "replace them with a good copy.",
        "ko": "모델 폴더에 있는 이 파일들은 모델로 열 수 없습니다. 삭제하거나 온전한 파일로 "
              "바꾸세요.",
    },
    "models.damaged_row": {"en": "**{name}** · damaged: {reason}",
                           "ko": "**{name}** · 손상됨: {reason}"},
    # ----- own data
    "data.title": {"en": "My data", "ko": "내 데이터"},
    "data.caption": {
        "en": "Upload a .npz file (arrays x and optional y) or a .zip with one folder of "
              "images per class. Check the preview, then save: the dataset appears in the "
              "sidebar and on the Train page.",
        "ko": ".npz 파일(배열 x와 선택적으로 y) 또는 클래스마다 이미지 폴더 하나씩을 담은 .zip을 "
              "올리세요. 미리보기를 확인하고 저장하면 사이드바와 학습 페이지에 나타납니다.",
    },
    "data.file": {"en": "Data file (.npz or .zip)", "ko": "데이터 파일 (.npz 또는 .zip)"},
    "data.size": {"en": "Image size (pixels a side)", "ko": "이미지 크기 (한 변의 픽셀)"},
    "data.size_help": {"en": "Every image is resized to this square size.",
                       "ko": "모든 이미지를 이 크기의 정사각형으로 바꿉니다."},
    "data.name": {"en": "Dataset name", "ko": "데이터셋 이름"},
    "data.bad": {"en": "This file cannot be used: {error}",
                 "ko": "이 파일은 사용할 수 없습니다: {error}"},
    "data.summary": {"en": "{n_train} training and {n_test} test images, {k} classes, "
                           "{side}×{side} pixels.",
                     "ko": "학습 이미지 {n_train}개, 테스트 이미지 {n_test}개, 클래스 {k}개, "
                           "{side}×{side} 픽셀."},
    "data.preview": {"en": "Preview", "ko": "미리보기"},
    "data.counts": {"en": "Images per class", "ko": "클래스별 이미지 수"},
    "data.class": {"en": "class", "ko": "클래스"},
    "data.count": {"en": "images", "ko": "이미지 수"},
    "data.save": {"en": "Save dataset", "ko": "데이터셋 저장"},
    "data.saved": {"en": "Saved as {name}: pick it in the sidebar or on the Train page.",
                   "ko": "{name}(으)로 저장했습니다. 사이드바나 학습 페이지에서 고르세요."},
    "data.saved_list": {"en": "Saved datasets", "ko": "저장된 데이터셋"},
    "data.none": {"en": "No saved datasets yet.", "ko": "아직 저장된 데이터셋이 없습니다."},
    "data.delete": {"en": "Delete", "ko": "삭제"},
    "data.importing": {"en": "Reading {file}", "ko": "{file} 읽는 중"},
    "data.import_stopped": {"en": "Reading the file was stopped; nothing was kept.",
                            "ko": "파일 읽기를 멈췄습니다. 아무것도 남기지 않았습니다."},
    "data.import_again": {"en": "Read it again", "ko": "다시 읽기"},
    "data.deleted": {"en": "Deleted {name}.", "ko": "{name}을(를) 삭제했습니다."},
    # ----- compare and gaps pages
    "nav.compare": {"en": "Compare", "ko": "비교"},
    "nav.gaps": {"en": "Gaps", "ko": "빈틈"},
    "home.compare": {"en": "PCA and autoencoders side by side: maps, metrics, rate–distortion.",
                     "ko": "PCA와 오토인코더를 나란히: 지도, 지표, 차원별 복원 오차."},
    "home.gaps": {"en": "Where AE and VAE maps are empty, and what sampling them gives.",
                  "ko": "AE와 VAE 지도의 빈 곳, 그리고 그곳에서 뽑은 샘플."},
    "compare.title": {"en": "Compare methods", "ko": "방법 비교"},
    "compare.intro": {
        "en": "The same test images, encoded by PCA (fitted on the training images at the same "
              "latent size) and by autoencoders, in the same class colours. Select points in "
              "any map (click, box or lasso) to highlight the same images in every map and "
              "see each method's reconstruction. PCA is the best *linear* code of its size; "
              "an autoencoder earns its keep when it beats PCA's error or separates the "
              "classes better.",
        "ko": "같은 테스트 이미지를 PCA(같은 잠재 크기로 학습 이미지에 맞춤)와 오토인코더로 "
              "인코딩해 같은 클래스 색으로 보여 줍니다. 어느 지도에서든 점을 고르면(클릭, 상자, "
              "올가미) 모든 지도에서 같은 이미지가 강조되고 방법별 복원 결과가 나옵니다. PCA는 "
              "그 크기에서 가장 좋은 *선형* 코드입니다. 오토인코더는 PCA보다 오차가 작거나 "
              "클래스를 더 잘 나눌 때 의미가 있습니다.",
    },
    "compare.models": {"en": "Autoencoders to compare with PCA",
                       "ko": "PCA와 비교할 오토인코더"},
    "compare.models_help": {"en": "Shipped or your own models of this dataset (at most two).",
                            "ko": "이 데이터셋의 기본 제공 모델 또는 내 모델 (최대 두 개)."},
    "compare.selected": {"en": "selected", "ko": "선택됨"},
    "compare.legend": {"en": "Colours are classes: {classes}.",
                       "ko": "색은 클래스입니다: {classes}."},
    "compare.select_hint": {"en": "Click a point in any map to select that image in all of "
                                  "them; to select many, pick Box or Lasso Select in the map's "
                                  "toolbar and drag.",
                            "ko": "아무 지도에서나 점을 클릭하면 모든 지도에서 그 이미지가 "
                                  "선택됩니다. 여러 개를 고르려면 지도 도구 모음에서 상자 또는 "
                                  "올가미 선택을 누르고 끌어 주세요."},
    "compare.recon_title": {"en": "Selected images ({n}): original, then each method",
                            "ko": "선택한 이미지 ({n}개): 원본, 그리고 방법별 복원"},
    "compare.original": {"en": "original #{row}", "ko": "원본 #{row}"},
    "compare.metrics_title": {"en": "Metrics on the test images",
                              "ko": "테스트 이미지에서의 지표"},
    "compare.computing": {"en": "Computing the metrics…", "ko": "지표를 계산하는 중…"},
    "compare.computing_model": {"en": "Computing the metrics of {name}…",
                                "ko": "{name}의 지표를 계산하는 중…"},
    "compare.method": {"en": "method", "ko": "방법"},
    "compare.vae_stats": {"en": "{name}: {active} of {d} latent dimensions are active; "
                                "KL per dimension (nats): {kl}.",
                          "ko": "{name}: 잠재 차원 {d}개 중 {active}개가 활성; "
                                "차원별 KL(nats): {kl}."},
    "compare.rd_title": {"en": "Error against latent size (rate–distortion)",
                         "ko": "잠재 크기에 따른 오차 (율–왜곡)"},
    "compare.rd_x": {"en": "latent dimensions", "ko": "잠재 차원 수"},
    "compare.rd_train": {"en": "Train the AE curve here", "ko": "여기서 AE 곡선 학습하기"},
    "compare.rd_train_help": {
        "en": "Trains one plain autoencoder per latent size (1–32) with the same recipe, in the "
              "background: about half a minute on digits, a few minutes on 28×28 data "
              "(10,000 training images, 4 epochs each).",
        "ko": "잠재 크기(1–32)마다 같은 방법으로 평범한 오토인코더를 하나씩 백그라운드에서 "
              "학습합니다. digits는 30초 안팎, 28×28 데이터는 몇 분(학습 이미지 10,000장, "
              "크기마다 4 에포크) 걸립니다.",
    },
    "compare.rd_training": {"en": "Training the AE curve", "ko": "AE 곡선 학습 중"},
    "compare.rd_ae_curve": {"en": "AE (trained here)", "ko": "AE (여기서 학습)"},
    "compare.rd_y": {"en": "test MSE per pixel", "ko": "테스트 픽셀당 MSE"},
    "compare.rd_caption": {
        "en": "The solid line is PCA at 1–32 dimensions, the dashed one plain autoencoders "
              "trained here at the same sizes; dots are models at their own size. A point below "
              "the PCA line reconstructs better than any linear code of that size.",
        "ko": "실선은 1–32차원의 PCA, 점선은 같은 크기들에서 여기서 학습한 평범한 "
              "오토인코더입니다. 점은 각 모델의 크기에서의 결과입니다. PCA 선보다 아래에 "
              "있으면 그 크기의 어떤 선형 코드보다 복원이 좋습니다.",
    },
    "metric.latent_dim": {"en": "latent dims", "ko": "잠재 차원"},
    "metric.mse": {"en": "MSE", "ko": "MSE"},
    "metric.psnr": {"en": "PSNR (dB)", "ko": "PSNR (dB)"},
    "metric.knn1": {"en": "1-NN accuracy", "ko": "1-NN 정확도"},
    "metric.knn5": {"en": "5-NN accuracy", "ko": "5-NN 정확도"},
    "metric.trustworthiness": {"en": "trustworthiness", "ko": "신뢰도"},
    "metric.trust": {"en": "trustworthiness", "ko": "신뢰도"},
    "metric.silhouette": {"en": "silhouette", "ko": "실루엣"},
    "gaps.title": {"en": "Gaps in the latent space", "ko": "잠재 공간의 빈틈"},
    "gaps.intro": {
        "en": "A plain autoencoder may put its codes anywhere, so its map often has wide "
              "empty regions: decoding there gives images nothing was trained on. A VAE pulls "
              "its codes towards N(0, I), which should leave fewer gaps and make random "
              "samples look like data. Red marks the gaps under each map.",
        "ko": "일반 오토인코더는 코드를 아무 곳에나 둘 수 있어 지도에 넓은 빈 곳이 생기곤 "
              "합니다. 그곳을 디코딩하면 학습에 없던 이미지가 나옵니다. VAE는 코드를 N(0, I) "
              "쪽으로 끌어당기므로 빈틈이 적고 무작위 샘플이 데이터처럼 보여야 합니다. 각 지도 "
              "아래의 빨간색이 빈틈입니다.",
    },
    "gaps.ae": {"en": "Autoencoder (2-D)", "ko": "오토인코더 (2차원)"},
    "gaps.vae": {"en": "VAE (2-D)", "ko": "VAE (2차원)"},
    "gaps.none": {"en": "No {kind} model for this dataset.",
                  "ko": "이 데이터셋에는 {kind} 모델이 없습니다."},
    "gaps.axis": {"en": "normalised z{i}", "ko": "정규화한 z{i}"},
    "gaps.fraction": {"en": "Gap fraction · {name}", "ko": "빈틈 비율 · {name}"},
    "gaps.fraction_help": {"en": "Share of the window farther than r from every code.",
                           "ko": "창 안에서 모든 코드로부터 r보다 먼 곳의 비율."},
    "gaps.convention": {
        "en": "Both maps are on a common scale: codes centred and divided by their RMS "
              "radius. Window: the 1st–99th percentile box of the codes. r = 3 × the 95th "
              "percentile of the codes' nearest-neighbour distances (the Explore page's "
              "\"gap\"). Colour: distance to the nearest code divided by r.",
        "ko": "두 지도는 같은 척도입니다: 코드를 중심에 맞추고 RMS 반지름으로 나눴습니다. 창: "
              "코드의 1–99 백분위 상자. r = 코드 최근접 이웃 거리의 95 백분위 × 3 (탐색 "
              "페이지의 \"빈틈\"). 색: 가장 가까운 코드까지의 거리 ÷ r.",
    },
    "gaps.sampling_title": {"en": "Sampling: do random codes decode to recognisable images?",
                            "ko": "샘플링: 무작위 코드가 알아볼 수 있는 이미지가 되나요?"},
    "gaps.sampling_intro": {
        "en": "The VAE decodes codes drawn from its prior N(0, I); the autoencoder has no "
              "prior, so it decodes codes drawn from a Gaussian fitted to its own training "
              "codes. A classifier trained on the real images (logistic regression on pixels) "
              "judges how clearly each sample shows one class.",
        "ko": "VAE는 사전 분포 N(0, I)에서 뽑은 코드를 디코딩합니다. 오토인코더는 사전 분포가 "
              "없어 자기 학습 코드에 맞춘 가우시안에서 뽑은 코드를 디코딩합니다. 실제 이미지로 "
              "학습한 분류기(픽셀 로지스틱 회귀)가 샘플마다 한 클래스가 얼마나 뚜렷한지 "
              "판정합니다.",
    },
    "gaps.training_judge": {"en": "Training the judging classifier…",
                            "ko": "판정용 분류기를 학습하는 중…"},
    "gaps.from_prior": {"en": "z ~ N(0, I)", "ko": "z ~ N(0, I)"},
    "gaps.from_fit": {"en": "z ~ Gaussian fitted to its codes",
                      "ko": "z ~ 코드에 맞춘 가우시안"},
    "gaps.samples_caption": {"en": "{n} decoded samples", "ko": "디코딩한 샘플 {n}개"},
    "gaps.share": {"en": "share of samples", "ko": "샘플 비율"},
    "gaps.sampler": {"en": "sampler", "ko": "샘플링 방법"},
    "gaps.mean_max_prob": {"en": "mean top probability", "ko": "평균 최고 확률"},
    "gaps.confident_share": {"en": "share ≥ 0.9 confident", "ko": "확신(≥ 0.9) 비율"},
    "gaps.sampling_caption": {
        "en": "Higher is better for both numbers; the histogram shows whether samples cover "
              "every class or collapse onto a few.",
        "ko": "두 숫자 모두 높을수록 좋습니다. 막대그래프는 샘플이 모든 클래스를 고루 덮는지, "
              "몇 개 클래스에 몰리는지 보여 줍니다.",
    },
    # --- Gaps: decoded manifold grid and β explorer; Compare: t-SNE and projected maps
    "gaps.grid_title": {"en": "Decoded manifold with the gap cells marked",
                        "ko": "빈틈 칸을 표시한 디코딩 매니폴드"},
    "gaps.grid_intro": {
        "en": "Each cell shows what the decoder makes of the centre of that cell. Red cells are "
              "gaps: their centre is farther than r from every code. Click a cell to see it large.",
        "ko": "각 칸은 그 칸 중심을 디코더가 디코딩한 그림입니다. 빨간 칸은 빈틈으로, 중심이 어떤 "
              "코드에서도 r보다 멉니다. 칸을 클릭하면 크게 볼 수 있습니다.",
    },
    "gaps.grid_gap_cells": {"en": "{name}: {gaps} of {cells} cells are gaps",
                            "ko": "{name}: {cells}칸 중 {gaps}칸이 빈틈"},
    "gaps.cell_caption": {"en": "{name} · cell {index} ({kind})",
                          "ko": "{name} · {index}번 칸 ({kind})"},
    "gaps.cell_gap": {"en": "gap", "ko": "빈틈"},
    "gaps.cell_filled": {"en": "near codes", "ko": "코드 근처"},
    "gaps.cell_hint": {"en": "Click a cell of a grid to see its decoded image large.",
                       "ko": "격자의 칸을 클릭하면 디코딩한 그림을 크게 볼 수 있습니다."},
    "gaps.beta_title": {"en": "β explorer: how the KL weight shapes the map",
                        "ko": "β 탐색기: KL 가중치가 지도를 어떻게 바꾸는가"},
    "gaps.beta_intro": {
        "en": "The same 2-D VAE trained with KL weights β = 0 (a plain autoencoder with noise), "
              "0.5, 1 (the ELBO), 2 and 4. Larger β pulls the codes towards N(0, I): fewer gaps, "
              "blurrier reconstructions, and eventually unused latent dimensions.",
        "ko": "같은 2차원 VAE를 KL 가중치 β = 0(잡음을 더한 일반 오토인코더), 0.5, 1(ELBO), 2, 4로 "
              "학습했습니다. β가 클수록 코드가 N(0, I)로 끌려가 빈틈은 줄고, 복원은 흐려지며, "
              "결국 쓰이지 않는 잠재 차원이 생깁니다.",
    },
    "gaps.beta_missing": {"en": "Not shipped for this dataset: β = {betas}.",
                          "ko": "이 데이터셋에는 제공되지 않음: β = {betas}."},
    "gaps.beta_none": {"en": "No β-sweep models are shipped for this dataset (they exist for "
                             "digits).",
                       "ko": "이 데이터셋에는 β 비교 모델이 없습니다 (digits에는 있습니다)."},
    "gaps.beta_gap": {"en": "gap fraction", "ko": "빈틈 비율"},
    "gaps.beta_kl": {"en": "KL per dimension (nats)", "ko": "차원별 KL (nats)"},
    "gaps.beta_active": {"en": "active units", "ko": "활성 유닛 수"},
    "gaps.beta_mse": {"en": "reconstruction MSE", "ko": "복원 MSE"},
    "gaps.beta_map": {"en": "β = {beta} · gaps {gap}", "ko": "β = {beta} · 빈틈 {gap}"},
    "compare.tsne": {"en": "Add a t-SNE reference map (no decoder)",
                     "ko": "t-SNE 참고 지도 추가 (디코더 없음)"},
    "compare.tsne_help": {
        "en": "t-SNE embeds train and test images together and cannot decode: it gets the map "
              "and the latent metrics only. Takes a while the first time.",
        "ko": "t-SNE는 학습·테스트 이미지를 함께 임베딩하며 디코딩할 수 없어 지도와 잠재 지표만 "
              "얻습니다. 처음에는 시간이 걸립니다.",
    },
    "compare.tsne_name": {"en": "t-SNE (reference, no decoder)",
                          "ko": "t-SNE (참고용, 디코더 없음)"},
    "compare.pc_axis": {"en": "PC{i} of the codes ({share:.0%} of variance)",
                        "ko": "코드의 주성분 {i} (분산의 {share:.0%})"},
    "compare.projected": {"en": "{d}-D codes, 2-D PCA projection",
                          "ko": "{d}차원 코드의 2차원 PCA 투영"},
    # ----- Applications pages (denoising, anomaly, sparse, compression, features)
    "nav.denoising": {"en": "Denoising", "ko": "잡음 제거"},
    "nav.anomaly": {"en": "Anomaly detection", "ko": "이상 탐지"},
    "nav.sparse": {"en": "Sparse inspector", "ko": "희소 표현 살펴보기"},
    "nav.compression": {"en": "Compression", "ko": "압축"},
    "nav.features": {"en": "Feature learning", "ko": "특징 학습"},
    "home.denoising": {"en": "Add noise and watch a denoising autoencoder clean it up.",
                       "ko": "잡음을 넣고 잡음 제거 오토인코더가 지우는 모습을 봅니다."},
    "home.anomaly": {"en": "Train on normal classes; unusual images reconstruct badly.",
                     "ko": "정상 클래스로 학습하면 낯선 이미지는 잘 복원되지 않습니다."},
    "home.sparse": {"en": "Which hidden units fire, and what each one draws.",
                    "ko": "어떤 은닉 유닛이 켜지고 각 유닛이 무엇을 그리는지 봅니다."},
    "home.compression": {"en": "Bytes per image against quality: PCA, autoencoders and PNG.",
                         "ko": "이미지당 바이트와 화질: PCA, 오토인코더, PNG."},
    "home.features": {"en": "How good are codes as features when labels are few?",
                      "ko": "레이블이 적을 때 코드는 얼마나 좋은 특징일까요?"},
    "apps.error": {"en": "Could not compute this: {error}", "ko": "계산하지 못했습니다: {error}"},
    "apps.retrain": {"en": "Train again", "ko": "다시 학습"},
    "apps.recompute": {"en": "Compute again", "ko": "다시 계산"},
    "apps.again_help": {"en": "Start this computation again from the beginning.",
                        "ko": "이 계산을 처음부터 다시 시작합니다."},
    "apps.busy": {"en": "The machine is already running as many background computations as it "
                        "allows. Once one has finished, touch any control to start this one.",
                  "ko": "이 컴퓨터에서 허용된 만큼의 백그라운드 계산이 이미 실행 중입니다. "
                        "하나가 끝나면 아무 설정이나 건드려 이 계산을 시작하세요."},
    "den.title": {"en": "Denoising", "ko": "잡음 제거"},
    "den.intro": {
        "en": "A denoising autoencoder was trained to map corrupted images back to clean ones. "
              "Pick a noise and a level: each row below shows the clean images, the noisy "
              "input, and what the denoising AE and a plain AE make of that noisy input.",
        "ko": "잡음 제거 오토인코더는 손상된 이미지를 깨끗한 이미지로 되돌리도록 학습했습니다. "
              "잡음 종류와 세기를 고르세요. 아래 줄마다 깨끗한 이미지, 잡음 섞인 입력, 그리고 "
              "잡음 제거 AE와 일반 AE가 그 입력으로 만든 결과가 나옵니다.",
    },
    "den.no_model": {"en": "No denoising autoencoder for this dataset yet: train one on the "
                           "Train page (variant: denoising).",
                     "ko": "이 데이터셋의 잡음 제거 오토인코더가 아직 없습니다. 학습 페이지에서 "
                           "만들어 보세요 (종류: 잡음 제거)."},
    "den.model": {"en": "Denoising autoencoder", "ko": "잡음 제거 오토인코더"},
    "den.plain": {"en": "Compared with", "ko": "비교 대상"},
    "den.plain_help": {"en": "A plain autoencoder (or PCA of the same size) never trained on "
                             "noisy inputs.",
                       "ko": "잡음 입력으로 학습한 적 없는 일반 오토인코더(또는 같은 크기의 PCA)."},
    "den.noise": {"en": "Noise", "ko": "잡음"},
    "den.noise.gaussian": {"en": "Gaussian", "ko": "가우시안"},
    "den.noise.salt_pepper": {"en": "Salt and pepper", "ko": "소금과 후추"},
    "den.noise.masking": {"en": "Masking", "ko": "가리기"},
    "den.level.gaussian": {"en": "Noise σ", "ko": "잡음 σ"},
    "den.level.salt_pepper": {"en": "Share of pixels set to 0 or 1",
                              "ko": "0 또는 1로 바뀐 픽셀 비율"},
    "den.level.masking": {"en": "Share of pixels set to 0", "ko": "0으로 바뀐 픽셀 비율"},
    "den.clean": {"en": "clean", "ko": "깨끗한 원본"},
    "den.noisy": {"en": "noisy", "ko": "잡음 섞임"},
    "den.noisy_input": {"en": "noisy input (no model)", "ko": "잡음 입력 (모델 없음)"},
    "den.chart_title": {"en": "PSNR against noise level (higher is better)",
                        "ko": "잡음 세기에 따른 PSNR (높을수록 좋음)"},
    "den.chart_caption": {
        "en": "Mean PSNR against the clean image over {n} test images, same noise for every "
              "method. The dotted line is the level you chose.",
        "ko": "테스트 이미지 {n}장에 대한 깨끗한 원본 대비 평균 PSNR이며 모든 방법에 같은 잡음을 "
              "씁니다. 점선은 고른 세기입니다.",
    },
    "den.upload_title": {"en": "Denoise your own image", "ko": "내 이미지 잡음 제거"},
    "den.upload": {"en": "Upload one image (it is converted to grey and resized)",
                   "ko": "이미지 한 장 올리기 (회색조로 바꾸고 크기를 맞춥니다)"},
    "den.upload_caption": {"en": "your image (converted) · with the noise above · denoised",
                           "ko": "내 이미지 (변환됨) · 위의 잡음 추가 · 잡음 제거 결과"},
    "anom.title": {"en": "Anomaly detection", "ko": "이상 탐지"},
    "anom.intro": {
        "en": "An autoencoder trained only on the *normal* classes reconstructs them well and "
              "everything else badly, so the reconstruction error is an anomaly score.",
        "ko": "*정상* 클래스로만 학습한 오토인코더는 그 클래스는 잘, 나머지는 잘 못 복원합니다. "
              "그래서 복원 오차가 이상 점수가 됩니다.",
    },
    "anom.mode": {"en": "Normal data", "ko": "정상 데이터"},
    "anom.mode.one": {"en": "one class", "ko": "한 클래스"},
    "anom.mode.all_but_one": {"en": "all but one", "ko": "하나만 빼고 전부"},
    "anom.mode.custom": {"en": "choose", "ko": "직접 고르기"},
    "anom.class": {"en": "Class", "ko": "클래스"},
    "anom.normal": {"en": "Normal classes", "ko": "정상 클래스"},
    "anom.need_both": {"en": "Choose at least one normal class and leave at least one out.",
                       "ko": "정상 클래스를 하나 이상 고르고, 하나 이상은 남겨 두세요."},
    "anom.source": {"en": "Model", "ko": "모델"},
    "anom.source.train": {"en": "train a small AE on the normal classes now",
                          "ko": "정상 클래스로 작은 AE를 지금 학습"},
    "anom.source.shipped": {"en": "{name} (trained on all classes)",
                            "ko": "{name} (모든 클래스로 학습됨)"},
    "anom.source_help": {"en": "A shipped model saw every class, so it is a weaker detector.",
                         "ko": "기본 제공 모델은 모든 클래스를 보았으므로 탐지 성능이 낮습니다."},
    "anom.shipped_note": {"en": "This model was trained on every class: anomalies are only "
                                "what it finds hard, not what it never saw.",
                          "ko": "이 모델은 모든 클래스로 학습했습니다. 이상이란 처음 본 것이 "
                                "아니라 복원하기 어려운 것일 뿐입니다."},
    "anom.training": {"en": "Training on {n} normal images…",
                      "ko": "정상 이미지 {n}장으로 학습하는 중…"},
    "anom.threshold": {"en": "Threshold", "ko": "임계값"},
    "anom.hist_title": {"en": "Reconstruction error of test images",
                        "ko": "테스트 이미지의 복원 오차"},
    "anom.score": {"en": "squared error per image", "ko": "이미지당 제곱 오차"},
    "anom.normal_label": {"en": "normal", "ko": "정상"},
    "anom.anomalous": {"en": "anomalous", "ko": "이상"},
    "anom.precision": {"en": "Precision", "ko": "정밀도"},
    "anom.recall": {"en": "Recall", "ko": "재현율"},
    "anom.truth": {"en": "true class", "ko": "실제"},
    "anom.pred_anomaly": {"en": "flagged", "ko": "이상으로 판정"},
    "anom.pred_normal": {"en": "passed", "ko": "정상으로 판정"},
    "anom.fpr": {"en": "false positive rate", "ko": "거짓 양성 비율"},
    "anom.tpr": {"en": "true positive rate", "ko": "참 양성 비율"},
    "anom.worst_title": {"en": "Worst reconstructed test images",
                         "ko": "가장 잘못 복원된 테스트 이미지"},
    "anom.flagged": {"en": "flagged", "ko": "이상 판정"},
    "anom.map_title": {"en": "Latent map (two leading axes), flagged images circled",
                       "ko": "잠재 지도 (주요 두 축), 이상 판정 이미지는 동그라미"},
    "sparse.title": {"en": "Sparse inspector", "ko": "희소 표현 살펴보기"},
    "sparse.intro": {
        "en": "A sparse autoencoder has many hidden units but lets only a few fire for each "
              "image. Here: how often each unit fires, which never or always fire, and the "
              "stroke each one draws.",
        "ko": "희소 오토인코더는 은닉 유닛이 많지만 이미지마다 몇 개만 켜지게 합니다. 여기서는 "
              "유닛마다 얼마나 자주 켜지는지, 전혀 안 켜지거나 늘 켜지는 유닛, 그리고 각 유닛이 "
              "그리는 획을 봅니다.",
    },
    "sparse.model": {"en": "Sparse model", "ko": "희소 모델"},
    "sparse.no_model": {"en": "No sparse model for this dataset; see the comparison below.",
                        "ko": "이 데이터셋의 희소 모델이 없습니다. 아래 비교를 보세요."},
    "sparse.which": {"en": "Draw features from", "ko": "특징 그림의 출처"},
    "sparse.which.decoder": {"en": "decoder columns (what each unit paints)",
                             "ko": "디코더 열 (유닛이 그리는 것)"},
    "sparse.which.encoder": {"en": "encoder rows (what each unit looks for)",
                             "ko": "인코더 행 (유닛이 찾는 것)"},
    "sparse.mean_act": {"en": "mean activation", "ko": "평균 활성도"},
    "sparse.dead": {"en": "dead units", "ko": "죽은 유닛"},
    "sparse.always_on": {"en": "always-on units", "ko": "늘 켜진 유닛"},
    "sparse.near_zero": {"en": "share of activations ≤ {v} of their unit's largest",
                         "ko": "유닛 최댓값의 {v} 이하인 활성 비율"},
    "sparse.per_image": {"en": "units firing per image", "ko": "이미지당 켜진 유닛"},
    "sparse.per_image_help": {
        "en": "On average, how many units fire on one test image (of all the units). "
              "A sparse code uses only a few.",
        "ko": "테스트 이미지 한 장에서 평균 몇 개의 유닛이 켜지는지 (전체 유닛 중). "
              "희소 코드는 몇 개만 씁니다."},
    "sparse.fire": {"en": "A unit fires above this share of its largest activation",
                    "ko": "유닛이 켜졌다고 보는 기준 (그 유닛 최댓값 대비)"},
    "sparse.fire_help": {"en": "Each unit is measured on its own scale: it fires on an image when "
                               "its activation there is above this share of the largest it "
                               "reaches on any test image. A unit that is always 0 (or almost) "
                               "is dead; one that fires on more than 90 % of the images is "
                               "always on.",
                         "ko": "유닛마다 자기 기준으로 잽니다. 어떤 이미지에서의 활성값이 테스트 "
                               "이미지 전체에서 그 유닛이 내는 최댓값의 이 비율보다 크면 켜진 "
                               "것입니다. 늘 0(또는 거의 0)인 유닛은 죽은 유닛, 이미지의 90 % "
                               "넘게 켜지는 유닛은 늘 켜진 유닛입니다."},
    "sparse.fire_line": {"en": "fires above {v}", "ko": "{v} 초과면 켜짐"},
    "sparse.dead_tiles": {"en": "plain grey = dead units ({n})",
                          "ko": "회색 칸 = 죽은 유닛 ({n}개)"},
    "sparse.unit": {"en": "hidden unit (sorted)", "ko": "은닉 유닛 (정렬)"},
    "sparse.bars_title": {"en": "Mean activation of each unit (dashed: target ρ)",
                          "ko": "유닛별 평균 활성도 (점선: 목표 ρ)"},
    "sparse.hist_title": {"en": "All activations on the test set, each over its unit's largest",
                          "ko": "테스트셋 전체 활성값 (각 유닛 최댓값 대비)"},
    "sparse.compare_title": {"en": "L1 vs KL vs no penalty", "ko": "L1 대 KL 대 벌점 없음"},
    "sparse.compare_intro": {
        "en": "Three {n}-unit models trained here on the same data and seed; only the "
              "sparsity penalty differs.",
        "ko": "같은 데이터와 시드로 여기서 학습한 {n}유닛 모델 세 개이며, 희소성 벌점만 "
              "다릅니다.",
    },
    "sparse.training": {"en": "Training the three comparison models…",
                        "ko": "비교용 모델 세 개를 학습하는 중…"},
    "sparse.objective": {"en": "penalty", "ko": "벌점"},
    "sparse.obj.sparse_l1": {"en": "L1 on the codes", "ko": "코드에 L1"},
    "sparse.obj.sparse_kl": {"en": "KL to ρ", "ko": "ρ에 대한 KL"},
    "sparse.obj.none": {"en": "no penalty", "ko": "벌점 없음"},
    "comp.title": {"en": "Compression", "ko": "압축"},
    "comp.intro": {
        "en": "An encoder is a lossy compressor: store the code, quantised to a few bits per "
              "value, and let the decoder rebuild the image. Size = latent dimension × bits.",
        "ko": "인코더는 손실 압축기입니다. 코드를 값마다 몇 비트로 양자화해 저장하고 디코더가 "
              "이미지를 다시 만듭니다. 크기 = 잠재 차원 × 비트.",
    },
    "comp.bits": {"en": "Bits per code value", "ko": "코드 값당 비트"},
    "comp.computing": {"en": "Measuring size and quality of every method…",
                       "ko": "모든 방법의 크기와 화질을 재는 중…"},
    "comp.chart_title": {"en": "Size against quality", "ko": "크기와 화질"},
    "comp.x": {"en": "bytes per image", "ko": "이미지당 바이트"},
    "comp.png": {"en": "PNG ≈ {size} B", "ko": "PNG ≈ {size} B"},
    "comp.caption": {"en": "Mean PSNR over {n} test images; diamonds mark the chosen bits. "
                           "The dashed line is the lossless PNG size of the originals.",
                     "ko": "테스트 이미지 {n}장의 평균 PSNR이며 마름모는 고른 비트입니다. 점선은 "
                           "원본의 무손실 PNG 크기입니다."},
    "comp.images_title": {"en": "Reconstructions at {bits} bits per value",
                          "ko": "값당 {bits}비트로 복원한 이미지"},
    "comp.original": {"en": "originals (PNG ≈ {size} B each)",
                      "ko": "원본 (장당 PNG ≈ {size} B)"},
    "comp.recon": {"en": "{name}: {size} B per image · {psnr} dB",
                   "ko": "{name}: 이미지당 {size} B · {psnr} dB"},
    "feat.title": {"en": "Feature learning", "ko": "특징 학습"},
    "feat.intro": {
        "en": "Codes learnt without labels can make classification easier when labels are "
              "scarce. Each line: a classifier trained on 10, 100 or 1000 labelled examples "
              "per class, tested on the test split.",
        "ko": "레이블 없이 배운 코드는 레이블이 적을 때 분류를 쉽게 해 줄 수 있습니다. 각 선은 "
              "클래스당 10, 100, 1000개의 레이블로 학습한 분류기의 테스트 정확도입니다.",
    },
    "feat.classifier": {"en": "Classifier", "ko": "분류기"},
    "feat.clf.logreg": {"en": "logistic regression", "ko": "로지스틱 회귀"},
    "feat.clf.knn": {"en": "5-NN", "ko": "5-NN"},
    "feat.pca_k": {"en": "PCA dimensions", "ko": "PCA 차원"},
    "feat.seed": {"en": "Sampling seed", "ko": "표본 시드"},
    "feat.computing": {"en": "Encoding and fitting classifiers…",
                       "ko": "인코딩하고 분류기를 학습하는 중…"},
    "feat.raw": {"en": "raw pixels", "ko": "원본 픽셀"},
    "feat.chart_title": {"en": "Label efficiency · {clf}", "ko": "레이블 효율 · {clf}"},
    "feat.x": {"en": "labelled examples per class", "ko": "클래스당 레이블 개수"},
    "feat.y": {"en": "test accuracy", "ko": "테스트 정확도"},
    "feat.caption": {"en": "Same seeded labelled subset for every feature set; a class with "
                           "fewer examples uses all it has ({n} training images in all).",
                     "ko": "모든 특징에 같은 시드의 레이블 부분집합을 씁니다. 예시가 부족한 "
                           "클래스는 가진 것을 모두 씁니다 (학습 이미지 총 {n}장)."},
    "feat.features": {"en": "features", "ko": "특징"},
    "feat.class": {"en": "class", "ko": "클래스"},
    # ----- lessons
    "nav.lessons": {"en": "Lessons", "ko": "수업"},
    "home.lessons": {"en": "Guided lessons for a class: a few steps, each opening the view it "
                           "talks about, with a question to discuss.",
                     "ko": "수업용 안내 단계: 각 단계가 설명하는 화면을 바로 열고, 함께 생각해 볼 "
                           "질문을 줍니다."},
    "lessons.title": {"en": "Lessons", "ko": "수업"},
    "lessons.intro": {
        "en": "Pick a lesson and walk the class through it. Each step says what to look at, "
              "opens exactly that view of the app, and ends with a question for the class.",
        "ko": "수업을 골라 한 단계씩 함께 진행하세요. 각 단계는 무엇을 볼지 설명하고, 앱의 바로 "
              "그 화면을 열어 주며, 반 전체에 던질 질문으로 끝납니다.",
    },
    "lessons.pick": {"en": "Lesson", "ko": "수업"},
    "lessons.step_of": {"en": "Step {k} of {n}", "ko": "{n}단계 중 {k}단계"},
    "lessons.question": {"en": "Question for the class:", "ko": "함께 생각해 볼 질문:"},
    "lessons.open": {"en": "Open in the app", "ko": "앱에서 열기"},
    "lessons.opens": {"en": "Opens {what} · [open in a new tab]({href})",
                      "ko": "열리는 화면: {what} · [새 탭에서 열기]({href})"},
    "lessons.point": {"en": "test image {row}", "ko": "테스트 이미지 {row}"},
    "lessons.back": {"en": "Previous", "ko": "이전"},
    "lessons.next": {"en": "Next", "ko": "다음"},
    "lessons.none": {"en": "No lessons in {lang} were found in the lessons/ folder.",
                     "ko": "lessons/ 폴더에 {lang} 수업이 없습니다."},
    "lessons.refused": {"en": "The lesson file {name} was skipped: {reason}",
                        "ko": "수업 파일 {name}을(를) 건너뛰었습니다: {reason}"},
    "lessons.where_lesson": {"en": "the lesson", "ko": "수업 정보"},
    "lessons.where_step": {"en": "step {k}", "ko": "{k}단계"},
    "lessons.err.shape": {"en": "it is not a lesson (a JSON object with id, lang, title, "
                                "summary and steps).",
                          "ko": "수업 형식(id, lang, title, summary, steps가 있는 JSON 객체)이 "
                                "아닙니다."},
    "lessons.err.name": {"en": "its name must be <lesson>.<language>.json.",
                         "ko": "파일 이름은 <수업>.<언어>.json 형식이어야 합니다."},
    "lessons.err.size": {"en": "it is larger than {limit} bytes.",
                         "ko": "파일이 {limit}바이트보다 큽니다."},
    "lessons.err.read": {"en": "it could not be read ({reason}).",
                         "ko": "파일을 읽을 수 없습니다 ({reason})."},
    "lessons.err.json": {"en": "it is not valid JSON ({reason}).",
                         "ko": "올바른 JSON이 아닙니다 ({reason})."},
    "lessons.err.lang": {"en": "it says its language is '{found}', its name says '{expected}'.",
                         "ko": "파일 안의 언어는 '{found}'인데 이름은 '{expected}'입니다."},
    "lessons.err.id": {"en": "it says its id is '{found}', its name says '{expected}'.",
                       "ko": "파일 안의 id는 '{found}'인데 이름은 '{expected}'입니다."},
    "lessons.err.field": {"en": "{where}: '{field}' is missing or not what it should be.",
                          "ko": "{where}: '{field}' 항목이 없거나 형식이 맞지 않습니다."},
    "lessons.err.steps": {"en": "it has {n} steps; a lesson has {lo} to {hi}.",
                          "ko": "단계가 {n}개입니다. 수업은 {lo}~{hi}단계여야 합니다."},
    "lessons.err.page": {"en": "{where}: the app has no page '{page}'.",
                         "ko": "{where}: 앱에 '{page}' 페이지가 없습니다."},
    "lessons.err.param": {"en": "{where}: the page '{page}' does not read '{param}'.",
                          "ko": "{where}: '{page}' 페이지는 '{param}' 값을 읽지 않습니다."},
    # ----- presentation mode (app_lib.present)
    "present.toggle": {"en": "Presentation mode", "ko": "발표 모드"},
    "present.help": {
        "en": "For a projector: hides this sidebar and the notes, enlarges the text. "
              "Esc or “Exit presentation” at the bottom right brings them back.",
        "ko": "프로젝터용 화면: 이 사이드바와 설명을 숨기고 글자를 키웁니다. "
              "Esc 키나 오른쪽 아래의 ‘발표 모드 끝내기’로 돌아옵니다.",
    },
    "present.exit": {"en": "Exit presentation", "ko": "발표 모드 끝내기"},
    "present.exit_help": {"en": "Back to the normal view (Esc)", "ko": "일반 화면으로 (Esc)"},
    # ----- the per-image replay of training (app_lib.replay)
    "replay.title": {"en": "One image, epoch by epoch", "ko": "이미지 하나, 에포크별로"},
    "replay.pick": {"en": "Pick an image", "ko": "이미지를 고르세요"},
    "replay.original": {"en": "original", "ko": "원본"},
    "replay.reconstruction": {"en": "reconstruction", "ko": "복원"},
    "replay.strip": {"en": "Its reconstruction after every epoch (click one to jump there)",
                     "ko": "에포크마다의 복원 결과 (누르면 그 에포크로 이동)"},
    "replay.scrubber": {"en": "Epoch", "ko": "에포크"},
    "replay.epoch": {"en": "Epoch {epoch}", "ko": "에포크 {epoch}"},
    "replay.image": {"en": "Image of class {label}", "ko": "클래스 {label}의 이미지"},
    "replay.none": {
        "en": "This model was saved without a replay of its training (the shipped models "
              "and models trained with --probe-size 0 have none).",
        "ko": "이 모델은 학습 과정 재생 없이 저장되었습니다 (기본 제공 모델과 --probe-size 0으로 "
              "학습한 모델에는 없습니다).",
    },
    "replay.no_images": {
        "en": "This model keeps the map's replay but not its images' reconstructions: it was "
              "trained before they were recorded, or with --replay-images 0.",
        "ko": "이 모델은 지도의 재생만 있고 이미지별 복원 기록은 없습니다. 기록 기능이 생기기 전에 "
              "학습했거나 --replay-images 0으로 학습한 모델입니다.",
    },
    "replay.slider_help": {
        "en": "Move through training: the map and the picked image's reconstruction follow.",
        "ko": "학습 과정을 앞뒤로 움직입니다. 지도와 고른 이미지의 복원이 함께 바뀝니다.",
    },
    "replay.models_title": {"en": "Replay of training", "ko": "학습 과정 재생"},
    "train.another": {"en": "Train another model", "ko": "다른 모델 학습하기"},
}


_outside_session = threading.local()


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Fix this thread's language for work done outside any session (the server's warm-up
    draws figures before a visitor exists, so it has no session state to read)."""
    previous = getattr(_outside_session, "lang", None)
    _outside_session.lang = lang
    try:
        yield
    finally:
        _outside_session.lang = previous


def current_language() -> str:
    lang = getattr(_outside_session, "lang", None) or st.session_state.get(LANG_KEY)
    return lang if lang in LANGUAGES else browser_language()


def language_of(locale: str | None) -> str | None:
    """Korean for ``ko``, ``ko-KR``…; English for any other language; None when unknown."""
    if not locale or not locale.strip() or locale.strip() == "*":
        return None
    return "ko" if locale.strip().lower().startswith("ko") else "en"


def browser_language() -> str:
    """The visitor's language: the browser's (``navigator.language``), else the first of its
    Accept-Language header, else DEFAULT_LANGUAGE (outside a session: the warm-up, tests)."""
    try:
        lang = language_of(st.context.locale)
        if lang is None:
            header = (st.context.headers or {}).get("Accept-Language", "")
            lang = language_of(header.split(",")[0].split(";")[0])
    except Exception:  # no session, hence no browser to ask
        lang = None
    return lang or DEFAULT_LANGUAGE


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
    """A built-in dataset's display title (``dataset.title.<name>``), else the ``title`` of
    anything that has one: the library names datasets in English only."""
    key = f"dataset.title.{getattr(spec, 'name', '')}"
    return t(key, lang) if key in STRINGS else getattr(spec, "title", str(spec))


def preset_title(preset: object, lang: str | None = None) -> str:
    """A Train preset's button title (``preset.<key>``), else its English ``title``."""
    key = f"preset.{getattr(preset, 'key', '')}"
    return t(key, lang) if key in STRINGS else getattr(preset, "title", str(preset))


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
