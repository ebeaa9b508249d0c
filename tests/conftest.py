"""Shared fixtures: a fresh Keras session per test, an event collector, and the one-time
notices unsaid."""

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


@pytest.fixture
def fresh_notices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every one-time notice (``buildtrace.tf.notices``) unsaid, as in a new program, so
    that a test sees its notice said, and said once."""
    from buildtrace.tf import notices

    monkeypatch.setattr(notices, "_said", set())
