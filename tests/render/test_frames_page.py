"""The frames page shares its pictures' parts, and every frame still shows its own step.

The page draws the topology once and gives each frame only what it changes (see
``buildtrace.render.frames_picture``). Opened in headless Chromium and stepped with the
arrow keys, every frame must show exactly the picture ``dot`` draws from that frame's own
DOT text (the fold at that step): the same boxes with the same words, the same title,
as many arrows, as many of them dashed. And a deep model's page stays small: each
frame drawn whole made a 100-layer model's page 402 MB.
"""

from __future__ import annotations

import asyncio
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from buildtrace import keras
from buildtrace.render.frames import Frame, build_frames
from buildtrace.render.frames_html import frames_html
from buildtrace.render.output import render_many
from buildtrace.trace import Event

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "commands"))
from cdp_client import CdpPage, find_chromium, launch_chromium

CHROMIUM = find_chromium()
SVG = "{http://www.w3.org/2000/svg}"

#: What the page shows now: each visible box's words, the title's, the arrows.
SHOWN = """
(() => {
  const words = (group) => [...group.querySelectorAll('text')].map((t) => t.textContent).join('|');
  const picture = document.getElementById('picture');
  const section = picture.closest('section');
  const look = (use) => document.getElementById(use.getAttribute('href').slice(1));
  const boxes = [...picture.querySelectorAll('use.slot')]
    .filter((use) => use.style.display !== 'none').map((use) => words(look(use))).sort();
  const edges = [...picture.querySelectorAll('g.edge')].filter((g) => g.style.display !== 'none');
  return {
    step: section.id, current: section.classList.contains('current'),
    boxes, title: words(look(picture.querySelector('use.title'))),
    edges: edges.length, dashed: edges.filter((g) => g.classList.contains('unknown')).length,
  };
})()
"""


def _words(group: ElementTree.Element) -> str:
    return "|".join(text.text or "" for text in group.iter(f"{SVG}text"))


def _expected(svg: bytes) -> dict[str, Any]:
    """What ``dot`` drew for one frame alone, in the terms of :data:`SHOWN`."""
    root = ElementTree.fromstring(svg)
    graph = root.find(f"{SVG}g")
    assert graph is not None
    groups = graph.findall(f"{SVG}g")
    boxes = sorted(_words(g) for g in groups if g.get("class") == "node")
    edges = [g for g in groups if g.get("class") == "edge"]
    dashed = [g for g in edges if any(p.get("stroke-dasharray") for p in g.iter(f"{SVG}path"))]
    title = "|".join(t.text or "" for t in graph.findall(f"{SVG}text"))
    return {"boxes": boxes, "title": title, "edges": len(edges), "dashed": len(dashed)}


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    if CHROMIUM is None:
        pytest.skip("no Chromium to open the page in: run scripts/setup.sh")
    chromium = launch_chromium(tmp_path_factory.mktemp("profile"), binary=CHROMIUM)
    try:
        yield chromium.devtools_port
    finally:
        chromium.stop()


async def _step_through(port: int, page_path: Path, count: int) -> list[dict[str, Any]]:
    page = await CdpPage.connect(port)
    seen = []
    try:
        await page.send("Page.enable")
        await page.send("Page.navigate", url=page_path.as_uri())
        for _ in range(200):
            if await page.evaluate("document.readyState") == "complete":
                break
            await asyncio.sleep(0.05)
        press = "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight'}))"
        for number in range(count):
            if number:
                await page.evaluate(press)
            seen.append(await page.evaluate(SHOWN))
        # And back, and a jump: a frame shows the same whichever way it is reached.
        await page.evaluate("document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Home'}))")
        seen.append(await page.evaluate(SHOWN))
    finally:
        await page.close()
    return seen


@pytest.mark.parametrize("name", ["seed", "functional_branches"])
def test_every_frame_shows_what_dot_draws_of_its_step(
    name: str,
    sample: Callable[[str], list[Event]],
    browser: int,
    tmp_path: Path,
    dot_binary: str,
) -> None:
    frames = build_frames(sample(name))
    page = tmp_path / f"{name}.html"
    page.write_text(frames_html(frames, title=name), encoding="utf-8")
    alone = [_expected(svg) for svg in render_many([frame.dot for frame in frames], "svg")]
    seen = asyncio.run(_step_through(browser, page, len(frames)))
    for frame, expected, shown in zip(frames, alone, seen):
        assert shown["step"] == f"step-{frame.number}" and shown["current"], frame.number
        got = {key: shown[key] for key in expected}
        assert got == expected, (name, frame.number, frame.title)
    assert {k: seen[-1][k] for k in alone[0]} == alone[0]  # Home: back to the first


def _deep(layers: int) -> Any:
    model = keras.Sequential(
        [keras.layers.Dense(8, activation="relu") for _ in range(layers - 1)]
        + [keras.layers.Dense(2, activation="softmax")]
    )
    model.build(input_shape=(None, 16))
    return model


def test_a_deep_model_page_stays_small(
    record: Callable[[Callable[[], Any]], tuple[list[Event], Any]], dot_binary: str
) -> None:
    events, _ = record(lambda: _deep(30))
    frames = build_frames(events)
    assert len(frames) > 600
    page = frames_html(frames, title="deep")
    # Each frame drawn whole took 70 kB here (every box of 30 in every frame): 45 MB.
    # Shared, a frame costs its words, its title and a few numbers.
    assert len(page.encode()) < 8_000 * len(frames), len(page) / len(frames)
    assert page.count("<svg") == 1


def test_frames_without_any_step_of_their_own_are_not_drawn_twice(
    record: Callable[[Callable[[], Any]], tuple[list[Event], Any]], dot_binary: str
) -> None:
    """A layer's look is drawn once however many frames show it."""
    events, _ = record(lambda: _deep(5))
    frames: list[Frame] = build_frames(events)
    page = frames_html(frames, title="five")
    looks = page.count('<g id="look-')
    boxes = {(layer.name, repr(layer)) for f in frames for layer in f.graph.layers}
    assert looks <= len(boxes) + 1  # + the "input" placeholder
    assert looks < len(frames)
