"""Shared fixtures: a fresh Keras session per test and an event collector."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from buildtrace.keras import backend
from buildtrace.trace import BUS, Event


@pytest.fixture(autouse=True)
def _fresh_session() -> Iterator[None]:
    """Each test starts with Keras's name counters reset (the first Dense is `dense`)."""
    backend.clear_session()
    yield
    backend.clear_session()


@pytest.fixture
def events() -> Iterator[list[Event]]:
    """Collect every event published during the test."""
    collected: list[Event] = []
    unsubscribe = BUS.subscribe(collected.append)
    yield collected
    unsubscribe()
