"""The trace bus: a thread-safe publish/subscribe hub for events.

There is one process-wide bus, :data:`BUS`. The engine publishes to it; recorders,
the printed tree and the terminal UI subscribe. When nobody subscribes, ``active`` is
False and the instrumentation skips building events altogether, which is what makes
tracing free when unused (see ``bench/instrumentation.py``).
"""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Callable
from typing import cast

from buildtrace.trace.events import FORMAT_VERSION, Event, RawEvent

#: A listener: it receives each event stamped (the typed, reader's view of it).
Subscriber = Callable[[Event], None]


class TraceBus:
    """Numbers events and hands each one to every subscriber, in order.

    ``seq`` and the clock ``t`` restart when the first subscriber arrives, so a trace
    recorded from an idle bus always starts at ``seq`` 0 and ``t`` 0.

    Example:
        >>> bus = TraceBus()
        >>> seen = []
        >>> unsubscribe = bus.subscribe(seen.append)
        >>> bus.publish({"kind": "call", "name": "f", "depth": 0, "layer": None})  # its seq
        0
        >>> seen[0]["seq"], seen[0]["v"]
        (0, 1)
        >>> unsubscribe()
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._subscribers: tuple[Subscriber, ...] = ()
        self._seq = 0
        self._t0 = time.monotonic()
        #: True while at least one subscriber listens. Read without the lock on the hot
        #: path: a stale read only means one event more or less at (un)subscribe time.
        self.active = False
        #: Subscribers removed because they raised, with their exception.
        self.failures: list[tuple[Subscriber, Exception]] = []

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Start delivering events to ``subscriber``; returns a function that stops it."""
        with self._lock:
            if not self._subscribers:
                self._seq = 0
                self._t0 = time.monotonic()
            self._subscribers = (*self._subscribers, subscriber)
            self.active = True

        def unsubscribe() -> None:
            self.unsubscribe(subscriber)

        return unsubscribe

    def unsubscribe(self, subscriber: Subscriber) -> None:
        """Stop delivering events to ``subscriber`` (no error if it was not subscribed)."""
        with self._lock:
            self._subscribers = tuple(s for s in self._subscribers if s is not subscriber)
            self.active = bool(self._subscribers)

    @property
    def subscriber_count(self) -> int:
        """How many subscribers listen now."""
        return len(self._subscribers)

    def publish(self, event: RawEvent) -> int:
        """Stamp ``event`` with ``v``, ``seq`` and ``t`` and deliver it to every subscriber.

        Stamping and delivery happen under one lock so that every subscriber sees the
        events of all threads in the same ``seq`` order. Returns the event's ``seq``
        (-1 when nobody listened).
        """
        with self._lock:
            if not self._subscribers:
                return -1
            seq = self._seq
            # The contract's header fields come first so that a file reads naturally.
            stamped: RawEvent = {
                "v": FORMAT_VERSION,
                "seq": self._seq,
                "t": time.monotonic() - self._t0,
                **event,
            }
            self._seq += 1
            # The engine's own events: what the contract checks in a file holds by
            # construction here, so readers listening live get the same typed view.
            typed = cast(Event, stamped)
            for subscriber in self._subscribers:
                try:
                    subscriber(typed)
                except Exception as exc:
                    # A failing listener (a full disk under a recorder, say) must never
                    # break the user's model code: drop the listener and say why once.
                    self.unsubscribe(subscriber)
                    self.failures.append((subscriber, exc))
                    warnings.warn(
                        f"buildtrace: a trace subscriber failed and was removed: {exc!r}",
                        RuntimeWarning,
                        stacklevel=2,
                    )
            return seq

    def next_seq(self) -> int:
        """The ``seq`` the next published event will get."""
        return self._seq


#: The process-wide bus the engine publishes to.
BUS = TraceBus()
