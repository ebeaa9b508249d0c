"""Reading ``dot -Tjson`` output in the diagram tests: nodes, clusters, edges by name."""

from __future__ import annotations

import re
from typing import Any


def nodes_of(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The laid-out nodes (not clusters) by name."""
    return {o["name"]: o for o in data.get("objects", []) if "nodes" not in o}


def clusters_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The laid-out clusters, in the order they were declared."""
    return [o for o in data.get("objects", []) if o["name"].startswith("cluster")]


def edges_of(data: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    names = {o["_gvid"]: o["name"] for o in data.get("objects", [])}
    return [(names[e["tail"]], names[e["head"]], e) for e in data.get("edges", [])]


def plain(label: str) -> str:
    """An HTML-like label's text: tags removed, runs of spaces made one (so a row break
    reads as a space); entities are left as they are."""
    return " ".join(re.sub(r"<[^>]+>", " ", label).split())
