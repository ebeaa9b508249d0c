"""Core layers. Mirrors: ``keras/layers/core/``."""

from __future__ import annotations

from buildtrace.keras.layers.core.dense import Dense

__all__ = ["Dense"]
