"""Handouts: self-contained HTML, Markdown with its SVG files, and life without Graphviz."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from lesson_runs import events_of, steps_of

from buildtrace.lessons.handout import (
    Handout,
    handout_from_lesson,
    handout_from_trace,
    write_handout,
)
from buildtrace.lessons.handout_md import files_folder
from buildtrace.lessons.handout_pictures import DOT_NOTE
from buildtrace.lessons.walkthrough import load_lesson
from buildtrace.render.output import fit_viewbox

EXTERNAL = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


@pytest.fixture(scope="module")
def seed_handout() -> Handout:
    lesson = load_lesson("seed-build")
    return handout_from_lesson(lesson, events_of("seed-build"), steps_of("seed-build"))


@pytest.fixture(scope="module")
def branches_handout() -> Handout:
    return handout_from_trace(events_of("functional-branches"), title="How branches build")


def no_dot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Make Graphviz's ``dot`` unfindable, as on a machine without Graphviz."""
    empty = tmp_path / "empty-bin"
    empty.mkdir(exist_ok=True)
    monkeypatch.setenv("PATH", str(empty))


def test_html_handout_is_self_contained_with_an_svg_per_diagram(
    seed_handout: Handout, tmp_path: Path
) -> None:
    path = tmp_path / "seed.html"
    assert write_handout(seed_handout, path) == []
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<style>" in page
    assert not EXTERNAL.search(page), EXTERNAL.search(page)
    assert "<link" not in page and "@import" not in page and "<img" not in page
    assert page.count("<svg") == len(seed_handout.figures) > len(seed_handout.steps)
    for step in seed_handout.steps:
        assert html.escape(step.title, quote=False).split("`")[0] in page
    assert "Predict before you look" in page and "<details>" in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "ids repeat across the inline SVGs"


def test_lesson_handout_keeps_the_teachers_words(seed_handout: Handout) -> None:
    steps = seed_handout.steps
    assert [s.number for s in steps] == list(range(1, 17))
    assert steps[5].answer.startswith("(784, 512)")
    assert steps[0].teacher and steps[0].text and steps[0].mirrors.startswith("keras/")
    assert any(s.stack for s in steps)  # show = [..., "stack"] lists the running calls
    assert [s.title for s in seed_handout.sections][:3] == [
        "Stage 1 · input-shape check",
        "Stage 2 · _build_graph_network_for_inferred_shape",
        "Stage 3 · _init_graph_network",
    ]
    table = {row.name: row for row in seed_handout.layers}
    assert table["dense"].weights == "kernel (784, 512), bias (512,)"
    assert seed_handout.params == 407_050


def test_script_handout_groups_steps_into_stages(branches_handout: Handout) -> None:
    titles = [section.title for section in branches_handout.sections]
    assert titles[0].startswith("Stage 1 · Input")
    assert titles[-1] == "Stage 7 · keras.Model(inputs, outputs)"
    steps = branches_handout.steps
    assert [s.number for s in steps] == list(range(1, len(steps) + 1))
    brief = [s for s in steps if s.brief]
    assert brief and all(s.gist for s in brief)
    full = [s.title for s in steps if not s.brief and s.title.startswith("Layer.__call__")]
    assert len(full) == 2  # explained twice, then brief
    figures = branches_handout.figures
    assert figures[0].wide and len(figures) > len(branches_handout.sections)


def test_markdown_handout_writes_its_svgs_beside_it(
    branches_handout: Handout, tmp_path: Path
) -> None:
    path = tmp_path / "branches.md"
    assert write_handout(branches_handout, path) == []
    text = path.read_text(encoding="utf-8")
    folder = files_folder(path)
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(links) == len(branches_handout.figures)
    for link in links:
        assert link.startswith("branches_files/") and link.endswith(".svg")
        assert (tmp_path / link).read_bytes().lstrip().startswith(b"<?xml")
    assert sorted(p.name for p in folder.iterdir()) == sorted(Path(x).name for x in links)
    assert "| **total** |" in text


def test_without_dot_the_html_handout_says_how_to_install_graphviz(
    seed_handout: Handout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_dot(monkeypatch, tmp_path)
    path = tmp_path / "seed.html"
    notes = write_handout(seed_handout, path)
    page = path.read_text(encoding="utf-8")
    assert notes == [DOT_NOTE]
    assert "<svg" not in page and "apt-get install graphviz" in page
    assert page.count("Diagram not drawn") == len(seed_handout.figures)


def test_without_dot_the_markdown_handout_keeps_the_dot_text(
    branches_handout: Handout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_dot(monkeypatch, tmp_path)
    path = tmp_path / "branches.md"
    assert write_handout(branches_handout, path) == [DOT_NOTE]
    text = path.read_text(encoding="utf-8")
    dots = sorted(files_folder(path).glob("*.dot"))
    assert len(dots) == len(branches_handout.figures)
    assert dots[0].read_text(encoding="utf-8").lstrip().startswith("digraph")
    assert "Install Graphviz" in text and "![" not in text


def test_write_handout_refuses_other_formats(seed_handout: Handout, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.html or \.md"):
        write_handout(seed_handout, tmp_path / "seed.pdf")


def test_fit_viewbox_widens_a_graphviz_viewbox_that_ignores_its_scale() -> None:
    svg = (
        b'<svg width="439pt" height="686pt"\n viewBox="0.00 0.00 329.20 514.20">\n'
        b'<g id="graph0" class="graph" transform="scale(1.33 1.33) rotate(0) translate(4 510)">\n'
        b'<polygon fill="white" stroke="transparent" points="-21.6,21.6 -21.6,-492.6 '
        b'307.6,-492.6 307.6,21.6 -21.6,21.6"/>'
    )
    assert b'viewBox="0.00 0.00 437.84 683.89"' in fit_viewbox(svg)
    already = svg.replace(b"scale(1.33 1.33)", b"scale(1 1)")
    assert fit_viewbox(already) == already
