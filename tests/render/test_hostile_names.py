"""Hostile names through every output: DOT that ``dot`` accepts, pages where no script runs.

A layer or a model can be named anything (``Dense(3, name="<script>…")``), and a trace
file can come from anyone, so names (and messages, classes, weight names...) are put
into real traces — recorded from real models, and a recorded JSONL edited by hand — and
pushed through every output: the topology, build and frames diagrams (DOT, SVG, PNG,
HTML), the handouts (HTML, Markdown) and the Jupyter formatters. The real ``dot`` must
accept every DOT text; every SVG and HTML output is opened in headless Chromium, where
no script of a name may run (``alert`` is trapped, a payload would rename the page or add
an element) and no link may lead anywhere but inside the page.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from buildtrace import keras
from buildtrace.cli import main as cli_main
from buildtrace.keras import backend
from buildtrace.lessons.handout import (
    Handout,
    handout_from_lesson,
    handout_from_trace,
    write_handout,
)
from buildtrace.lessons.walkthrough import lesson_events, load_lesson, resolve
from buildtrace.render import jupyter
from buildtrace.render.diagrams import plot_build, plot_frames, plot_model
from buildtrace.render.escape import dot_id, dot_string, markdown_code, markdown_inline
from buildtrace.render.trace_view import Trace
from buildtrace.trace import BUS, Event
from buildtrace.trace.recorder import dumps

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "commands"))
from cdp_client import CdpPage, find_chromium, launch_chromium

PWNED = "PWNED"

#: Names that break naive DOT, HTML, SVG or Markdown writers.
HOSTILE = [
    f"<script>document.title='{PWNED}';alert(1)</script>",
    f"<img src=x onerror=\"document.title='{PWNED}';alert(2)\">",
    "javascript:alert(3)",
    '"];x[label="',
    '\\"];pwn[URL="javascript:alert(4)" label="click"];x["',
    "back\\slash\\",
    "&amp;&lt;b&gt;",
    "new\nline\r\n# heading",
    "tab\tand\x01control\x1b[31m",
    "ünï©ødé → ✓ 漢字 🙂",
    "a`b|c*_d_[x](javascript:alert(5))",
    "-->]]><![CDATA[",
    "node",
    "x" * 400,
]

CHROMIUM = find_chromium()


def _record(make: Callable[[], Any]) -> tuple[list[Event], Any]:
    backend.clear_session()
    events: list[Event] = []
    unsubscribe = BUS.subscribe(events.append)
    try:
        model = make()
    except ValueError:
        model = None
    finally:
        unsubscribe()
    return events, model


def _sequential(names: list[str], model_name: str) -> Any:
    model = keras.Sequential(
        [keras.layers.Dense(2, activation="relu", name=name) for name in names],
        name=model_name,
    )
    model.build(input_shape=(None, 3))
    return model


def _functional() -> Any:
    inputs = keras.Input(shape=(4,), name=HOSTILE[1])
    left = keras.layers.Dense(3, name=HOSTILE[3])(inputs)
    right = keras.layers.Dense(3, name=HOSTILE[4])(inputs)
    merged = keras.layers.Concatenate(name=HOSTILE[10])([left, right])
    return keras.Model(inputs, keras.layers.Dense(2, name=HOSTILE[0])(merged), name=HOSTILE[6])


def _unbuildable() -> Any:
    model = keras.Sequential([keras.layers.Dense(2, name=HOSTILE[0])], name=HOSTILE[2])
    model.build()  # no input shape: Keras's error, with the names in the trace


def _edited(events: list[Event]) -> list[Event]:
    """A recorded trace edited as anyone could: every text field hostile."""
    edited = []
    for number, event in enumerate(events):
        event = dict(event)
        pick = HOSTILE[number % len(HOSTILE)]
        if event.get("kind") == "add_weight":
            event.update(weight=pick, initializer=HOSTILE[0], dtype=HOSTILE[1])
        if "cls" in event:
            event["cls"] = HOSTILE[(number + 3) % len(HOSTILE)]
        if event.get("kind") == "raise":
            event.update(message=pick, error_type=HOSTILE[1])
        if "src" in event:
            event["src"] = HOSTILE[0]
        edited.append(event)
    return edited


def _hostile_lesson_handout() -> Handout:
    """The input-first lesson's handout with every word of the lesson hostile."""
    lesson = load_lesson("input-first")
    events = lesson_events(lesson).events
    handout = handout_from_lesson(lesson, events, resolve(lesson, events))
    handout.title, handout.summary, handout.source = HOSTILE[0], HOSTILE[1], HOSTILE[10]
    for number, step in enumerate(handout.steps):
        step.title = HOSTILE[number % len(HOSTILE)]
        step.teacher = " `".join(HOSTILE)
        step.question, step.answer = HOSTILE[1], HOSTILE[4]
        step.stack = HOSTILE[:3]
    for section in handout.sections:
        section.title, section.detail = HOSTILE[7], HOSTILE[0]
    return handout


def _write(events: list[Event], path: Path) -> Path:
    path.write_text("".join(dumps(event) + "\n" for event in events), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def traces(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Any]]:
    """Hostile traces on disk (with the live model where there is one), by name."""
    folder = tmp_path_factory.mktemp("hostile")
    every, model = _record(lambda: _sequential(HOSTILE, HOSTILE[1]))
    small, small_model = _record(lambda: _sequential(HOSTILE[:3], HOSTILE[0]))
    functional, functional_model = _record(_functional)
    failed, _ = _record(_unbuildable)
    assert any(event["kind"] == "raise" for event in failed)
    backend.clear_session()
    return {
        "every": (_write(every, folder / "every.jsonl"), model),
        "small": (_write(small, folder / f"{HOSTILE[0][:20]}.jsonl"), small_model),
        "functional": (_write(functional, folder / "functional.jsonl"), functional_model),
        "failed": (_write(failed, folder / "failed.jsonl"), None),
        "edited": (_write(_edited(small + failed), folder / "edited.jsonl"), None),
    }


@pytest.fixture(scope="module")
def outputs(
    traces: dict[str, tuple[Path, Any]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[Path]]:
    """Every output kind of every hostile trace, by suffix (``.dot``, ``.svg``, ``.html``...)."""
    out = tmp_path_factory.mktemp("outputs")
    written: list[Path] = []
    for name, (trace, model) in traces.items():
        for suffix in ("dot", "svg", "png"):
            written.append(plot_model(trace, out / f"{name}-topology.{suffix}").path)
            written.append(plot_build(trace, out / f"{name}-build.{suffix}").path)
        events = [json.loads(line) for line in trace.read_text(encoding="utf-8").splitlines()]
        small = name != "every"  # a frame per step of 14 layers: the small traces suffice
        if small:
            plot_frames(trace, out / f"{name}-frames.html", title=HOSTILE[0])
            for fmt in ("svg", "dot"):
                written += [w.path for w in plot_frames(trace, out / f"{name}-{fmt}", fmt=fmt)]
            written.append(out / f"{name}-frames.html")
            handout = handout_from_trace(events, title=HOSTILE[1], source=HOSTILE[2])
            for suffix in ("html", "md"):
                write_handout(handout, out / f"{name}-handout.{suffix}")
                written.append(out / f"{name}-handout.{suffix}")
            written += sorted((out / f"{name}-handout_files").glob("*.svg"))
        view = Trace(events, name=HOSTILE[0])
        jupyter_page = view._repr_html_()
        if model is not None:
            jupyter_page += jupyter.model_html(model)
            (out / f"{name}-model.svg").write_text(jupyter.model_svg(model) or "", "utf-8")
            written.append(out / f"{name}-model.svg")
        (out / f"{name}-jupyter.html").write_text(f"<!doctype html>{jupyter_page}", "utf-8")
        (out / f"{name}-trace.svg").write_text(view._repr_svg_() or "", "utf-8")
        written += [out / f"{name}-jupyter.html", out / f"{name}-trace.svg"]
    # A lesson's words are data too: a lesson file can say anything.
    lesson = _hostile_lesson_handout()
    for suffix in ("html", "md"):
        write_handout(lesson, out / f"lesson-handout.{suffix}")
        written.append(out / f"lesson-handout.{suffix}")
    # The command line too (its own paths: a script's name, --at, --every).
    every = traces["every"][0]
    assert cli_main(["diagram", str(every), "--at", "150", "-o", str(out / "cli.svg")]) == 0
    assert cli_main(["diagram", str(every), "--kind", "build", "-o", str(out / "cli.dot")]) == 0
    small = str(traces["small"][0])
    assert cli_main(["diagram", small, "--kind", "frames", "-o", str(out / "cli.html")]) == 0
    assert cli_main(["handout", small, "-o", str(out / "cli-handout.md")]) == 0
    written += [out / "cli.svg", out / "cli.dot", out / "cli.html", out / "cli-handout.md"]
    by_suffix: dict[str, list[Path]] = {}
    for path in written:
        assert path.exists() and path.stat().st_size > 0, path
        by_suffix.setdefault(path.suffix, []).append(path)
    return by_suffix


def test_every_output_kind_was_written(outputs: dict[str, list[Path]]) -> None:
    assert {".dot", ".svg", ".png", ".html", ".md"} <= set(outputs)


def test_dot_accepts_every_dot_text(outputs: dict[str, list[Path]], dot_binary: str) -> None:
    for path in outputs[".dot"]:
        done = subprocess.run([dot_binary, "-Tsvg", str(path)], capture_output=True, check=False)
        assert done.returncode == 0, (path.name, done.stderr.decode())
        links, handlers, active = _links_and_handlers(ElementTree.fromstring(done.stdout))
        assert (links, handlers, active) == ([], [], []), path.name  # no link at all


def _links_and_handlers(root: ElementTree.Element) -> tuple[list[str], list[str], list[str]]:
    """Every link target, event handler attribute and active element of an XML tree."""
    links, handlers, active = [], [], []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag in ("script", "foreignobject", "iframe", "object", "embed", "img"):
            active.append(tag)
        for key, value in element.attrib.items():
            local = key.rsplit("}", 1)[-1].lower()
            if local == "href":
                links.append(value)
            if local.startswith("on"):
                handlers.append(local)
    return links, handlers, active


def test_every_svg_is_well_formed_with_no_script_and_no_link(
    outputs: dict[str, list[Path]],
) -> None:
    for path in outputs[".svg"]:
        root = ElementTree.fromstring(path.read_bytes())  # a name never breaks the XML
        links, handlers, active = _links_and_handlers(root)
        assert (links, handlers, active) == ([], [], []), path.name


class _Tags(HTMLParser):
    """The tags of an HTML text, with their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_markdown_renders_no_html_and_no_link_from_a_name(outputs: dict[str, list[Path]]) -> None:
    renderer = MarkdownIt("commonmark", {"html": True}).enable("table")
    # What Markdown itself makes, plus the <details> we write for answers.
    allowed = {"h1", "h2", "h3", "p", "em", "strong", "code", "ol", "ul", "li", "a", "img"}
    allowed |= {"table", "thead", "tbody", "tr", "th", "td", "blockquote", "hr", "details"}
    allowed |= {"summary", "pre", "br"}
    for path in outputs[".md"]:
        parser = _Tags()
        parser.feed(renderer.render(path.read_text(encoding="utf-8")))
        for tag, attributes in parser.tags:
            assert tag in allowed, (path.name, tag)
            assert not [key for key in attributes if key.startswith("on")], (path.name, tag)
            for key in ("href", "src"):
                target = attributes.get(key)
                # Only the handout's own pictures (or their DOT text) are linked.
                assert target is None or target.endswith((".svg", ".dot")), (path.name, target)
                assert target is None or ":" not in target, (path.name, target)


#: Run before any page script: trap the dialogs a payload would open.
TRAP = """
for (const name of ['alert', 'confirm', 'prompt']) {
  window[name] = () => { document.documentElement.setAttribute('data-pwned', name); };
}
"""

#: What the page became once loaded: its title, a trapped dialog, links, handlers...
INSPECT = """
(() => {
  if (!document.documentElement || document.readyState !== 'complete') return {ready: 'no'};
  const all = [...document.querySelectorAll('*')];
  const attributes = all.flatMap((e) => [...e.attributes].map((a) => [a.name, a.value]));
  return {
    title: document.title,
    pwned: document.documentElement.getAttribute('data-pwned'),
    scripts: document.querySelectorAll('script').length,
    active: document.querySelectorAll('img, iframe, object, embed, foreignObject').length,
    links: attributes.filter(([n]) => /(^|:)href$/i.test(n)).map(([, v]) => v),
    handlers: attributes.filter(([n]) => /^on/i.test(n)).map(([n]) => n),
    ready: document.readyState,
  };
})()
"""


async def _inspect_all(port: int, paths: list[Path]) -> dict[str, dict[str, Any]]:
    page = await CdpPage.connect(port)
    seen: dict[str, dict[str, Any]] = {}
    try:
        await page.send("Page.enable")
        await page.send("Page.addScriptToEvaluateOnNewDocument", source=TRAP)
        for path in paths:
            await page.send("Page.navigate", url=path.as_uri())
            for _ in range(200):
                state = await page.evaluate(INSPECT)
                if state["ready"] == "complete":
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.2)  # an onerror fires once the broken image fails
            seen[path.name] = await page.evaluate(INSPECT)
    finally:
        await page.close()
    return seen


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    if CHROMIUM is None:  # as the serve tests: scripts/setup.sh installs it
        pytest.skip(
            "no Chromium to open the pages in: run scripts/setup.sh (or apt-get install chromium)"
        )
    chromium = launch_chromium(tmp_path_factory.mktemp("profile"), binary=CHROMIUM)
    try:
        yield chromium.devtools_port
    finally:
        chromium.stop()


def test_no_script_of_a_name_runs_in_any_page(outputs: dict[str, list[Path]], browser: int) -> None:
    # Every page and picture but the frames and handout pictures (drawn the same way).
    pictures = [p for p in outputs[".svg"] if p.parent == outputs[".html"][0].parent]
    pages = outputs[".html"] + pictures
    seen = asyncio.run(_inspect_all(browser, pages))
    for name, state in seen.items():
        assert state["pwned"] is None, (name, state)
        assert state["title"] != PWNED, name
        assert state["handlers"] == [], (name, state["handlers"])
        assert state["active"] == 0, name
        # Our pages link only inside themselves (#step-3, #layers...).
        assert all(link.startswith("#") for link in state["links"]), (name, state["links"])
        ours = 1 if "frames" in name or "handout" in name or name == "cli.html" else 0
        assert state["scripts"] == ours, (name, state["scripts"])


def test_hostile_names_read_as_themselves(outputs: dict[str, list[Path]], browser: int) -> None:
    """Escaped, not dropped: the page shows the name as text."""
    page = next(p for p in outputs[".html"] if p.name == "small-frames.html")
    text = asyncio.run(_text_of(browser, page))
    assert HOSTILE[0] in text
    assert "javascript:alert(3)" in text


async def _text_of(port: int, path: Path) -> str:
    page = await CdpPage.connect(port)
    try:
        await page.send("Page.navigate", url=path.as_uri())
        await asyncio.sleep(0.5)
        text: str = await page.evaluate("document.title + ' ' + document.body.textContent")
    finally:
        await page.close()
    return text


# ------------------------------------------------------------------ the escapes alone
@pytest.mark.parametrize("name", HOSTILE)
def test_dot_ids_and_strings_survive_dot(name: str, layout: Callable[[str], Any]) -> None:
    source = f'digraph {dot_id(name)} {{ {dot_id(name)} [label="{dot_string(name)}"] }}'
    graph = layout(source)
    assert len(graph["objects"]) == 1


def test_dot_ids_differ_for_different_names() -> None:
    names = [*HOSTILE, "dense", "dense_1", "_64656e7365", "a:b", "a_b"]
    assert len({dot_id(name) for name in names}) == len(names)


def test_markdown_code_spans_hold_any_backticks() -> None:
    renderer = MarkdownIt("commonmark")
    for text in ("a`b", "``", "`x`", " lead", "plain"):
        html = renderer.render(markdown_code(text)).strip()
        assert html.startswith("<p><code>") and html.endswith("</code></p>"), (text, html)
    assert "<script" not in renderer.render(markdown_inline(HOSTILE[0]))
