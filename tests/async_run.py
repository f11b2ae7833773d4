"""Run a coroutine to its end from a test, whatever the test's thread already runs."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor


def run_coroutine(coro):
    """``asyncio.run`` in a thread of its own: after a browser test, Playwright's sync API
    holds a running event loop in the test's thread, where ``asyncio.run`` refuses."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
