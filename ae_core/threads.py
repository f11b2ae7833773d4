"""Worker threads that yield the CPU to the people using the app.

Training shares a 2-core machine with the Streamlit server and every
browser session it serves. On Linux a thread is a schedulable task with its
own nice value, so a worker that lowers its own priority trains at full
speed on an idle machine but steps aside the moment a user's click needs the
CPU. With one intra-op torch thread (see :mod:`ae_core.jobs`) the work runs
on the worker thread itself, so this one call covers it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BACKGROUND_NICE = 19


def lower_current_thread_priority(nice: int = BACKGROUND_NICE) -> bool:
    """Give the calling thread the lowest CPU priority; True when the OS allowed it.

    Only the calling thread changes (not the server's other threads). Where
    per-thread priorities are not available (non-Linux), nothing happens.
    """
    if not hasattr(os, "setpriority"):
        return False
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
    except OSError:
        return False
    return True


@contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run a block on ``n`` intra-op torch threads (None: leave the setting alone).

    The setting belongs to the calling thread, so other threads keep theirs (torch
    also makes it the default of threads started during the block, until it ends).
    On a busy 2-core machine a one-image decode on two threads waits for a
    second core (measured 50–60 ms median under load) where one thread takes
    about 1 ms: interactive calls on small batches use one.
    """
    if n is None:
        yield
        return
    import torch  # deferred: importing this module must not load torch

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)
