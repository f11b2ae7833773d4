"""Every Applications page in Korean (digits) and on MNIST: real content, no exception.

Pages that train or compute in a background task are opened, the task is waited for,
and the page is run again to draw the result (see test_app_applications.py).
"""

from __future__ import annotations

import pytest

from ae_core.pretrained import find_pretrained
from app_lib.applications import anomaly_task_key, sparse_task_key
from tests.conftest import mnist_dir
from tests.test_app_applications import (
    ANOMALY,
    COMPRESSION,
    DENOISING,
    FEATURES,
    SPARSE,
    captions,
    chart,
    compression_key,
    features_key,
    finish_task,
)
from tests.test_app_pages import assert_clean, open_app


def _task(page: str, dataset: str):
    return {ANOMALY: anomaly_task_key(dataset, (0,)), SPARSE: sparse_task_key(dataset),
            FEATURES: features_key(dataset), COMPRESSION: compression_key(dataset)}.get(page)


def _open(page: str, **params):
    at = open_app(page, **params)
    assert_clean(at)
    key = _task(page, params["dataset"])
    if key is not None:
        finish_task(at, key, timeout=600)
        assert_clean(at)
    return at


def _labels(at) -> set[str]:
    widgets = [*at.slider, *at.select_slider, *at.radio, *at.selectbox, *at.number_input,
               *at.multiselect]
    return {w.label for w in widgets} | {m.label for m in at.metric}


# What each page must show in Korean: its title, some control labels, a chart title.
KOREAN = {
    DENOISING: ("잡음 제거", {"잡음", "잡음 σ", "잡음 제거 오토인코더"}, "잡음 세기에 따른 PSNR"),
    ANOMALY: ("이상 탐지", {"정상 데이터", "임계값", "정밀도", "재현율"},
              "테스트 이미지의 복원 오차"),
    SPARSE: ("희소 표현 살펴보기",
             {"특징 그림의 출처", "유닛이 켜졌다고 보는 기준 (그 유닛 최댓값 대비)", "죽은 유닛",
              "이미지당 켜진 유닛"},
             "유닛별 평균 활성도"),
    COMPRESSION: ("압축", {"코드 값당 비트"}, "크기와 화질"),
    FEATURES: ("특징 학습", {"PCA 차원", "표본 시드"}, "레이블 효율"),
}


@pytest.mark.skipif(find_pretrained("digits-denoising-16d") is None,
                    reason="the shipped digits models are missing")
@pytest.mark.parametrize("page", list(KOREAN))
def test_each_application_page_in_korean(page):
    title, labels, chart_title = KOREAN[page]
    at = _open(page, dataset="digits", lang="ko")
    assert at.title[0].value == title
    assert labels <= _labels(at), labels - _labels(at)
    chart(at, chart_title)
    if page == SPARSE:
        table = at.dataframe[0].value
        assert list(table["벌점"]) == ["코드에 L1", "ρ에 대한 KL", "벌점 없음"]


@pytest.mark.mnist
@pytest.mark.parametrize("page", list(KOREAN))
def test_each_application_page_on_mnist(monkeypatch, page):
    if mnist_dir() is None:
        pytest.skip("MNIST files are not available (set AE_DATA_DIR to a folder with mnist/)")
    monkeypatch.setenv("AE_DATA_DIR", str(mnist_dir()))
    at = _open(page, dataset="mnist", lang="en")
    if page == DENOISING:
        assert "mnist-denoising-32d" in captions(at)
        curves = {tr["name"]: tr for tr in chart(at, "PSNR against noise level")["data"]}
        assert "mnist-denoising-32d" in curves
    elif page == ANOMALY:
        assert float({m.label: m.value for m in at.metric}["AUROC"]) > 0.9
        assert int(at.dataframe[0].value.iloc[:, 1:].to_numpy().sum()) == 10_000
    elif page == SPARSE:
        assert len(chart(at, "Mean activation of each unit")["data"][0]["y"]) > 0
        assert len(at.dataframe[0].value) == 3
    elif page == COMPRESSION:
        names = {tr.get("name") for tr in chart(at, "Size against quality")["data"]}
        assert {"PCA 2-D", "PCA 32-D"} <= names
        assert any(n and n.startswith("mnist-") for n in names)
    else:
        lines = {tr["name"] for tr in chart(at, "Label efficiency")["data"]}
        assert {"raw pixels", "PCA 16-D"} <= lines
        assert any(n.startswith("mnist-") for n in lines)
