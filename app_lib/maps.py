"""The Explore map of one (dataset, model, split): from memory, else from disk, else computed.

A freshly started server has not imported torch yet (over a second on the 2-core
reference machine), and the first visitor's map would wait for it. Every map opened
once is kept on disk as an ``ae_core.mapstore`` record, so :func:`stored` hands it
back with NumPy alone, and the page draws its canvas before anything imports torch.
:func:`opened` computes what is missing (torch, the dataset, the model, the codes:
``app_lib.cache``) and stores the record for the next start.

This module imports neither torch nor ``app_lib.cache`` at import time: that is its
reason to exist (``tests/test_first_paint.py`` checks it).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from ae_core import mapstore
from ae_core.data.library import source_files
from ae_core.mapstore import MapRecord
from app_lib.catalog import ModelChoice

MEMORY_ENTRIES = 8
_MEMORY: OrderedDict[str, MapRecord] = OrderedDict()
_LOCK = threading.Lock()


def record_key(dataset: str, choice: ModelChoice, split: str) -> str | None:
    """The map's record key, or None when it cannot be keyed by files (a session upload)."""
    files = source_files(dataset)
    if files is None:
        return None
    model: Any = mapstore.file_stamp(choice.path) if choice.path else choice.key
    return mapstore.record_key([choice.key, model],
                               [dataset, [mapstore.file_stamp(f) for f in files]], split)


def stored(dataset: str, choice: ModelChoice, split: str) -> MapRecord | None:
    """The map if this process or the disk has it (no torch, no dataset, no model)."""
    key = record_key(dataset, choice, split)
    if key is None:
        return None
    with _LOCK:
        if key in _MEMORY:
            _MEMORY.move_to_end(key)
            return _MEMORY[key]
    record = mapstore.load(key)
    if record is not None:
        _remember(key, record)
    return record


def opened(dataset: str, choice: ModelChoice, split: str) -> MapRecord:
    """The map, computed (and stored for the next start) when :func:`stored` has none."""
    record = stored(dataset, choice, split)
    if record is not None:
        return record
    from ae_core.webdecoder import encoder_parts  # deferred with cache: see the module doc
    from app_lib import cache  # deferred: computing a map needs torch (see the module doc)

    space = cache.latent_space(dataset, choice, split)
    header, arrays, decoder = cache.canvas_parts(dataset, choice, split)
    data = cache.get_dataset(dataset)
    facts = {"class_names": [str(c) for c in data.class_names],
             "class_names_ko": [str(c) for c in data.meta.get("class_names_ko", [])],
             "image_shape": [int(v) for v in data.image_shape], "n_train": int(data.n_train)}
    encoder = cache.get_model(dataset, choice).call(encoder_parts)  # the drawing pad's
    record = MapRecord(space, header, arrays, decoder, facts, encoder)
    key = record_key(dataset, choice, split)
    if key is not None:
        mapstore.save(key, record)
        _remember(key, record)
    return record


def _remember(key: str, record: MapRecord) -> None:
    with _LOCK:
        _MEMORY[key] = record
        _MEMORY.move_to_end(key)
        while len(_MEMORY) > MEMORY_ENTRIES:
            _MEMORY.popitem(last=False)
