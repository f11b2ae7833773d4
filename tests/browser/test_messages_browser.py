"""Library errors on a Korean screen, in real Chromium: a Korean sentence that says what to
do, the English original only inside an expander that says what it holds."""

from __future__ import annotations

import re

MODEL_INPUT = "[data-testid=stFileUploader] input[type=file]"
ENGLISH = "is not a Latent Explorer model file"


def test_a_bad_model_upload_is_explained_in_korean(page, app_server):
    page.goto(app_server.url("/models", lang="ko", dataset="digits"))
    page.locator(MODEL_INPUT).wait_for(state="attached")
    page.locator(MODEL_INPUT).set_input_files(
        {"name": "notes.safetensors", "mimeType": "application/octet-stream",
         "buffer": b"this is a text file, not a model" * 4})
    page.get_by_role("button", name="내 모델에 추가").click()
    alert = page.locator('[data-testid="stAlertContentError"]').first
    alert.wait_for()
    text = alert.inner_text()
    assert "Latent Explorer 모델 파일이 아닙니다" in text and ENGLISH not in text
    assert not re.search(r"[A-Za-z']+(?: [A-Za-z']+){2,}", text.replace("Latent Explorer", ""))
    details = page.locator('[data-testid="stExpander"]', has_text="기술 정보 (영어 원문 메시지)")
    details.wait_for()
    assert ENGLISH not in details.inner_text()        # closed: the original waits there
    details.locator("summary").click()
    page.wait_for_function("(t) => [...document.querySelectorAll('[data-testid=stExpander]')]"
                           ".some(e => e.innerText.includes(t))", arg=ENGLISH)
