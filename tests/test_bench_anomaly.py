"""The Deep SVDD anomaly benchmark: its quick path on digits, its table, its CLI name."""

from __future__ import annotations

import numpy as np
import pytest

from ae_core import bench_anomaly
from ae_core.bench import BENCHMARKS, format_rows, run_benchmarks
from ae_core.data import load_dataset
from ae_core.metrics import anomaly_auroc


def test_quick_rows_give_one_auroc_per_digit_beside_the_paper_and_the_mean():
    rows = bench_anomaly.deep_svdd_rows(quick=True)
    stand_in = " (digits, quick stand-in for mnist)"  # digits figures, labelled as such
    assert [r.label for r in rows] == [f"normal digit {c}{stand_in}" for c in range(10)] + [
        f"mean{stand_in}"]
    ours = [r.ours["auroc_pct"] for r in rows[:-1]]
    assert all(0 <= a <= 100 for a in ours)
    assert rows[-1].ours["auroc_pct"] == pytest.approx(np.mean(ours))
    assert all(r.reference is None for r in rows)  # no MNIST paper figure beside digits
    assert np.mean(bench_anomaly.DEEP_SVDD_PAPER) == pytest.approx(94.8)
    # even a tiny AE trained 20 epochs on one 8×8 digit separates it from the others
    assert rows[-1].ours["auroc_pct"] > 80


def test_one_class_auroc_is_normal_class_against_all_other_test_images():
    data = load_dataset("digits")
    seen = []
    auroc, seconds = bench_anomaly.one_class_auroc(data, 0, bench_anomaly.QUICK_RECIPE,
                                                   bench_anomaly.QUICK_TRAIN)
    assert 0.5 < auroc <= 1 and seconds > 0
    rows = bench_anomaly.deep_svdd_rows(quick=True, classes=(0,),
                                        on_class=lambda c, a: seen.append((c, a)))
    assert seen == [(0, auroc)]                                  # seeded: the same figure
    assert rows[0].ours["auroc_pct"] == pytest.approx(100 * auroc)
    # sanity of the protocol: scores by a perfect detector give AUROC 1 on the same split
    flags = data.y_test.numpy() != 0
    assert anomaly_auroc(flags.astype(float), flags) == 1.0


def test_the_benchmark_is_a_cli_benchmark_name_and_prints_a_table(capsys):
    assert "anomaly" in BENCHMARKS
    results = run_benchmarks(only=["anomaly"], quick=True)
    out = capsys.readouterr().out
    assert "== anomaly" in out and "normal digit 9" in out and "(reference" not in out
    body = format_rows("anomaly", results["anomaly"]).split("\n", 1)[1]   # minus the title
    assert body in out
    table = bench_anomaly.markdown_table(results["anomaly"])
    lines = table.splitlines()
    assert lines[0].startswith("| normal digit | 0 | 1 |") and lines[0].endswith("| mean |")
    assert lines[3].startswith("| Deep SVDD (paper) | 98.0 | 99.7 | 91.7 |")
    assert lines[3].endswith("| 94.8 |")
