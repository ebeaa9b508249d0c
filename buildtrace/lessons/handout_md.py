"""A handout as Markdown, its diagrams as SVG files in a folder beside it.

``buildtrace handout ... -o seed.md`` writes ``seed.md`` and a folder ``seed_files/``
holding one SVG per diagram (``build.svg``, ``step-007.svg``...), which the Markdown
links relatively (``![...](seed_files/step-007.svg)``): keep the two together when
moving them. GitHub, GitLab, VS Code and most notebook viewers show both. Answers to
questions are in ``<details>`` blocks, folded until clicked.

Without Graphviz's ``dot`` the folder holds the DOT text instead (``step-007.dot``,
renderable later with ``dot -Tsvg``), the handout says how to install Graphviz, and
each diagram's place links its DOT file.
"""

from __future__ import annotations

from pathlib import Path

from buildtrace import __version__
from buildtrace.lessons.handout import Figure, Handout, HandoutStep
from buildtrace.lessons.handout_pictures import DOT_NOTE, render_figures
from buildtrace.lessons.prose import markdown_inline, paragraphs
from buildtrace.narration.context import plural
from buildtrace.render.escape import markdown_code, markdown_text
from buildtrace.render.output import write_atomically


def files_folder(path: Path) -> Path:
    """Where the pictures of the Markdown handout ``path`` go: ``seed.md`` -> ``seed_files``."""
    return path.with_name(f"{path.stem}_files")


def write_markdown(handout: Handout, path: Path) -> list[str]:
    """Write ``path`` and its ``FILE_files`` folder; returns notes (Graphviz missing)."""
    pictures = render_figures(handout)
    folder = files_folder(path)
    folder.mkdir(exist_ok=True)
    links: dict[str, str] = {}
    for figure in handout.figures:
        if pictures is not None:
            (folder / f"{figure.name}.svg").write_bytes(pictures[figure.name])
            links[figure.name] = f"{folder.name}/{figure.name}.svg"
        else:
            (folder / f"{figure.name}.dot").write_text(figure.dot, encoding="utf-8")
            links[figure.name] = f"{folder.name}/{figure.name}.dot"
    write_atomically(path, handout_markdown(handout, links, drawn=pictures is not None))
    return [] if pictures is not None else [DOT_NOTE]


def handout_markdown(handout: Handout, links: dict[str, str], *, drawn: bool = True) -> str:
    """The Markdown text; ``links`` maps figure names to their relative file paths."""
    lines = [f"# {markdown_inline(handout.title)}", ""]
    if handout.summary:
        lines += [markdown_inline(p) for p in paragraphs(handout.summary)] + [""]
    lines += [f"*{markdown_inline(handout.source)} · {plural(len(handout.steps), 'step')}*", ""]
    if handout.data is not None:
        lines += [f"**Training data: {markdown_text(handout.data)}**", ""]
    if not drawn:
        lines += [f"> **Note.** {markdown_inline(DOT_NOTE)}", ""]
    lines += ["## Contents", ""]
    for number, section in enumerate(handout.sections, start=1):
        lines.append(
            f"{number}. {markdown_inline(section.title)} ({plural(len(section.steps), 'step')})"
        )
    lines.append("")
    if handout.overview is not None:
        lines += ["## The whole build at a glance", "", _figure(handout.overview, links, drawn), ""]
    for section in handout.sections:
        lines += [
            f"## {markdown_inline(section.title)}",
            "",
            f"*{markdown_inline(section.detail)}*",
            "",
        ]
        for step in section.steps:
            lines += _step(step, links, drawn)
    lines += _layers(handout)
    lines += ["---", "", f"*Made with buildtrace {__version__} from the events of a real run.*", ""]
    return "\n".join(lines)


def _step(step: HandoutStep, links: dict[str, str], drawn: bool) -> list[str]:
    if step.brief:
        lines = [f"**{step.number}. {markdown_inline(step.title)}** — {markdown_inline(step.gist)}"]
        return (
            lines + [""] + [line for f in step.figures for line in (_figure(f, links, drawn), "")]
        )
    lines = [f"### {step.number}. {markdown_inline(step.title)}", ""]
    for text in paragraphs(step.teacher):
        lines += [markdown_inline(text), ""]
    if step.question:
        answer = " ".join(markdown_inline(p) for p in paragraphs(step.answer))
        lines += [
            f"> **Predict before you look:** {markdown_inline(step.question)}",
            ">",
            f"> <details><summary>Show the answer</summary>{answer}</details>",
            "",
        ]
    heading = f"**{markdown_inline(step.explained)}**" if step.explained != step.title else ""
    mirrors = f"*Mirrors {markdown_code(step.mirrors)}*"
    lines += [f"{heading} — {mirrors}" if heading else mirrors, ""]
    for text in paragraphs(step.text):
        lines += [markdown_inline(text), ""]
    lines += [f"*Why:* {markdown_inline(step.why)}", ""]
    if step.stack:
        calls = " → ".join(markdown_code(call) for call in step.stack)
        lines += [f"Running now (outermost first): {calls}", ""]
    for figure in step.figures:
        lines += [_figure(figure, links, drawn), ""]
    return lines


def _figure(figure: Figure, links: dict[str, str], drawn: bool) -> str:
    caption, link = markdown_inline(figure.caption), links[figure.name]
    if drawn:
        return f"![{caption}]({link})"
    return f"*{caption}: not drawn (its DOT text: [{link}]({link}))*"


def _layers(handout: Handout) -> list[str]:
    if not handout.layers:
        return []
    name = f" {markdown_code(handout.model_name)}" if handout.model_name else ""
    lines = [
        f"## The model{name} at the end",
        "",
        "| layer | class | output shape | weights | parameters |",
        "|---|---|---|---|---:|",
    ]
    for row in handout.layers:
        cells = (
            markdown_code(row.name, in_table=True),
            markdown_text(row.cls),
            markdown_code(row.output_shape, in_table=True),
            markdown_text(row.weights),
        )
        lines.append("| " + " | ".join(cells) + f" | {row.params:,} |")
    lines += [f"| **total** | | | | **{handout.params:,}** |", ""]
    return lines
