"""The shell's early chart (``app_lib.early``): sent before the imports, gone after them."""

from __future__ import annotations

import importlib
import sys
import threading
import time
from contextlib import contextmanager

import pytest

from app_lib import early


class FakeStreamlit:
    """Records what ``early`` sends, in order."""

    def __init__(self):
        self.sent: list[str] = []

    def empty(self):
        sent = self.sent

        class Slot:
            @contextmanager
            def container(self, key):
                sent.append(f"container {key}")
                yield

            def empty(self):
                sent.append("cleared")

        sent.append("slot")
        return Slot()

    def html(self, body):
        self.sent.append("hide" if "display: none" in body else "html")

    def plotly_chart(self, figure, config):
        assert config["staticPlot"] and figure.layout.height == 10
        self.sent.append("chart")


@pytest.fixture
def fake(monkeypatch):
    st = FakeStreamlit()
    monkeypatch.setattr(early, "st", st)
    monkeypatch.setattr(early, "_imported", False)
    monkeypatch.setattr(early, "finish_import", lambda name: st.sent.append(f"wait {name}"))
    return st


def test_the_chart_is_on_the_page_while_the_imports_run_and_gone_after(fake):
    with early.plotly_while_importing():
        fake.sent.append("imports")
    assert fake.sent == ["slot", "wait pandas", f"container {early.KEY}", "hide", "chart",
                         "imports", "cleared"]


def test_once_imported_only_the_empty_slot_is_sent_so_nothing_after_it_moves(fake):
    with early.plotly_while_importing():
        pass
    fake.sent.clear()
    with early.plotly_while_importing():
        fake.sent.append("imports")
    assert fake.sent == ["slot", "imports"]


def test_a_failed_import_clears_the_chart_and_is_tried_again(fake):
    with pytest.raises(ImportError), early.plotly_while_importing():
        raise ImportError("no torch")
    assert fake.sent[-1] == "cleared"
    fake.sent.clear()
    with early.plotly_while_importing():
        pass
    assert "chart" in fake.sent  # not marked imported: the next run sends it again


def test_finish_import_waits_for_another_threads_import_to_complete(tmp_path, monkeypatch):
    """What crashed a first visitor's page: a module another thread is importing is in
    ``sys.modules`` half-built (plotly reads pandas from there); waiting gives it whole."""
    name = "latent_explorer_slow_module"
    (tmp_path / f"{name}.py").write_text("import time\ntime.sleep(0.4)\nREADY = True\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)
    importer = threading.Thread(target=importlib.import_module, args=(name,))
    importer.start()
    deadline = time.monotonic() + 10
    while name not in sys.modules and time.monotonic() < deadline:
        time.sleep(0.001)
    try:
        assert not hasattr(sys.modules[name], "READY")  # half-built: the hazard is real
        early.finish_import(name)
        assert sys.modules[name].READY is True
    finally:
        importer.join()
        sys.modules.pop(name, None)


def test_finish_import_imports_nothing_that_nobody_imports():
    name = "latent_explorer_module_nobody_imports"
    early.finish_import(name)  # no ModuleNotFoundError: it only waits
    assert name not in sys.modules
