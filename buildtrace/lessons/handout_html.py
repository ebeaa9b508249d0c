"""A handout as one self-contained HTML file: inline SVG, inline CSS, no requests.

The page opens from a USB stick or an e-mail attachment with nothing else: every
diagram is inline SVG, the styles are in the page, and no font, script or picture is
fetched. It reads like a short chapter (a readable column, the diagrams beside their
step) and prints cleanly: the answers to "predict before you look" questions, folded on
screen, open for printing, and a step never splits across pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from buildtrace import __version__
from buildtrace.lessons.handout import Figure, Handout, HandoutStep
from buildtrace.lessons.handout_pictures import DOT_NOTE, render_figures
from buildtrace.lessons.prose import html_inline, html_paragraphs
from buildtrace.render.escape import html_text as escape
from buildtrace.render.frames import is_standin

_SVG_START = re.compile(r"<svg\b")
_ID = re.compile(r'\bid="')
_REF = re.compile(r"url\(#|href=\"#")
_SIZE = re.compile(r'\b(width|height)="([\d.]+)pt"')

#: How large diagrams are shown, against their natural size: the build diagram packs a
#: lot and a topology little, and both are drawn with a classroom projector in mind.
WIDE_SCALE = 0.6
TALL_SCALE = 0.8

STYLE = """
:root { --ink: #1b1b1b; --muted: #5f6368; --line: #dadce0; --accent: #c2410c;
        --note: #f6f8fa; --ask: #fff7e6; --ask-line: #f0a020; --code: #eef1f4;
        --text: 40rem; }
* { box-sizing: border-box; }
html { background: #fff; }
body { margin: 0 auto; max-width: 66rem; padding: 2.5rem 2rem 4rem; color: var(--ink);
       font: 17px/1.65 "Charter", "Georgia", "DejaVu Serif", serif; }
h1, h2, h3, .kicker, nav, table, figcaption, .meta, .narration, .stack, .question, footer
  { font-family: system-ui, "Segoe UI", "DejaVu Sans", sans-serif; }
header, nav, .detail, .single .words { max-width: var(--text); }
h1 { font-size: 2.1rem; line-height: 1.2; margin: .2rem 0 .8rem; }
h2 { font-size: 1.45rem; margin: 3rem 0 .3rem; padding-top: .6rem;
     border-top: 3px solid var(--ink); }
h3 { font-size: 1.12rem; margin: 0 0 .5rem; line-height: 1.35; }
p { margin: .55rem 0; }
code { font: .86em/1.4 "DejaVu Sans Mono", Menlo, Consolas, monospace; background: var(--code);
       padding: .05em .3em; border-radius: .25em; overflow-wrap: anywhere; }
.kicker { color: var(--accent); font-weight: 600; letter-spacing: .06em;
          text-transform: uppercase; font-size: .8rem; margin: 0; }
.summary { font-size: 1.15rem; color: #333; }
.meta { color: var(--muted); font-size: .85rem; }
.data { font-family: system-ui, "DejaVu Sans", sans-serif; font-size: .95rem; }
.data.standin { color: #b71c1c; font-weight: 600; border-left: 4px solid #b71c1c;
                padding-left: .6rem; }
nav { background: var(--note); border-radius: .5rem; padding: .8rem 1.2rem; margin: 1.5rem 0;
      font-size: .95rem; }
nav ol { margin: .3rem 0 0; padding-left: 1.4rem; }
nav a { color: inherit; }
.detail { color: var(--muted); margin-top: 0; font-style: italic; }
.step { padding: 1.2rem 0 1.4rem; border-bottom: 1px solid var(--line); }
.step .body { display: grid; grid-template-columns: minmax(0, 1fr); gap: 2rem; }
.step.cols .body { grid-template-columns: minmax(0, var(--text)) minmax(14rem, 1fr);
                   align-items: start; }
.num { display: inline-block; min-width: 1.9rem; padding: 0 .45rem; margin-right: .55rem;
       border-radius: 1rem; background: var(--ink); color: #fff; text-align: center;
       font-size: .85rem; line-height: 1.9rem; vertical-align: .1rem; }
.seq { color: var(--muted); font-weight: normal; font-size: .78rem; margin-left: .5rem; }
.teacher { font-size: 1.05rem; }
.brief { padding: .45rem 0 .5rem; }
.brief h3 { font-size: .98rem; margin: 0; }
.brief .num { min-width: 1.6rem; line-height: 1.6rem; font-size: .78rem; background: #6b7280; }
.brief .gist { margin: .15rem 0 0 2.3rem; font-size: .92rem; color: #333;
               font-family: system-ui, "Segoe UI", "DejaVu Sans", sans-serif; }
.question { background: var(--ask); border-left: 4px solid var(--ask-line); padding: .6rem 1rem;
            margin: .9rem 0; border-radius: 0 .4rem .4rem 0; font-size: .97rem; }
.question summary { cursor: pointer; color: #8a4b00; font-weight: 600; margin-top: .3rem; }
.narration { background: var(--note); border-radius: .4rem; padding: .7rem 1rem;
             margin: .9rem 0 0; font-size: .92rem; line-height: 1.55; }
.narration .title { font-weight: 600; margin: 0; }
.narration .mirrors { color: var(--muted); font-size: .82rem; margin: .1rem 0 .4rem; }
.narration .why { border-left: 3px solid #9aa5b1; padding-left: .7rem; color: #333; }
.stack { font-size: .85rem; color: var(--muted); }
.side { position: sticky; top: 1rem; }
figure { margin: 0; text-align: center; }
figure svg { max-width: 100%; height: auto; max-height: 30rem; }
figure.wide { margin: 1.2rem 0 0; }
figure.wide svg { max-height: 40rem; }
figcaption { color: var(--muted); font-size: .8rem; margin-top: .3rem; }
.nodot { background: #fdecea; border-left: 4px solid #c62828; padding: .6rem 1rem;
         font-size: .9rem; font-family: system-ui, sans-serif; text-align: left; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin-top: .8rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line);
         vertical-align: top; }
th { border-bottom: 2px solid var(--ink); }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tfoot td { font-weight: 600; border-bottom: none; }
footer { margin-top: 3rem; color: var(--muted); font-size: .8rem; }
@media (max-width: 50rem) {
  body { padding: 1.2rem 1rem 3rem; }
  .step.cols .body { grid-template-columns: minmax(0, 1fr); }
  .side { position: static; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav { display: none; }
  h2 { break-after: avoid; }
  .step { break-inside: avoid; }
  .side { position: static; }
  figure svg { max-height: 16cm; }
  a { color: inherit; text-decoration: none; }
}
"""

# The only script: open every answer before printing, so a printout has them all.
PRINT_SCRIPT = (
    "addEventListener('beforeprint', () => "
    "document.querySelectorAll('details').forEach((d) => { d.open = true; }));"
)


def write_html(handout: Handout, path: Path) -> list[str]:
    """Write the page; returns notes for the user (Graphviz missing)."""
    pictures = render_figures(handout)
    path.write_text(handout_html(handout, pictures), encoding="utf-8")
    return [] if pictures is not None else [DOT_NOTE]


def handout_html(handout: Handout, pictures: dict[str, bytes] | None) -> str:
    """The whole page as text; ``pictures`` are the SVGs by figure name (None: no dot)."""
    counter = iter(range(1, len(handout.figures) + 2))

    def figure(fig: Figure) -> str:
        return _figure(fig, pictures, next(counter))

    body = [
        '<p class="kicker">buildtrace handout</p>',
        f"<h1>{html_inline(handout.title)}</h1>",
        html_paragraphs(handout.summary, "summary") if handout.summary else "",
        f'<p class="meta">{escape(handout.source)} · {_count(len(handout.steps))}</p>',
        _data(handout.data),
        _contents(handout),
    ]
    if pictures is None:
        body.append(f'<p class="nodot">{html_inline(DOT_NOTE)}</p>')
    if handout.overview is not None:
        body.append('<h2 id="overview">The whole build at a glance</h2>')
        body.append(figure(handout.overview))
    for number, section in enumerate(handout.sections, start=1):
        body.append(f'<h2 id="section-{number}">{html_inline(section.title)}</h2>')
        body.append(f'<p class="detail">{html_inline(section.detail)}</p>')
        body.extend(_step(step, figure) for step in section.steps)
    body.append(_layers(handout))
    body.append(
        f"<footer>Made with buildtrace {escape(__version__)}: every step above is an "
        "event of a real run, and every diagram was drawn from those events.</footer>"
    )
    title = escape(handout.title)
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="buildtrace {escape(__version__)}">\n'
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(part for part in body if part)
        + f"\n<script>{PRINT_SCRIPT}</script>\n</body>\n</html>\n"
    )


def _data(data: str | None) -> str:
    """What the run trained on; the stand-in digits said plainly, never taken for MNIST."""
    if data is None:
        return ""
    css = "data standin" if is_standin(data) else "data"
    return f'<p class="{css}">Training data: {escape(data)}</p>'


def _contents(handout: Handout) -> str:
    items = [
        f'<li><a href="#section-{n}">{html_inline(s.title)}</a> ({_count(len(s.steps))})</li>'
        for n, s in enumerate(handout.sections, start=1)
    ]
    if handout.layers:
        items.append('<li><a href="#layers">The model at the end</a></li>')
    return "<nav><b>Contents</b><ol>" + "".join(items) + "</ol></nav>"


def _count(steps: int) -> str:
    return f"{steps} step" if steps == 1 else f"{steps} steps"


def _step(step: HandoutStep, figure: Callable[[Figure], str]) -> str:
    """One step: the words on the left, its topology on the right, a build diagram below."""
    words = []
    if step.brief:
        words.append(f'<p class="gist">{html_inline(step.gist)}</p>')
    elif step.teacher:
        words.append(html_paragraphs(step.teacher, "teacher"))
    if step.question:
        words.append(
            '<div class="question"><b>Predict before you look:</b> '
            f"{html_inline(step.question)}<details><summary>Show the answer</summary>"
            f"{html_paragraphs(step.answer)}</details></div>"
        )
    if not step.brief:
        words.append(_narration(step))
    if step.stack:
        calls = " → ".join(f"<code>{escape(call)}</code>" for call in step.stack)
        words.append(f'<p class="stack">Running now, outermost first: {calls}</p>')
    side = [figure(f) for f in step.figures if not f.wide]
    below = [figure(f) for f in step.figures if f.wide]
    layout = "cols" if side else "single"
    return "\n".join(
        [
            f'<article class="step {layout}{" brief" if step.brief else ""}" '
            f'id="step-{step.number}">',
            f'<h3><span class="num">{step.number}</span>{html_inline(step.title)}'
            f'<span class="seq">seq {step.seq}</span></h3>',
            '<div class="body"><div class="words">',
            *words,
            "</div>",
            *(['<div class="side">', *side, "</div>"] if side else []),
            "</div>",
            *below,
            "</article>",
        ]
    )


def _narration(step: HandoutStep) -> str:
    """The narration of the step's event: what happens, what it mirrors, why."""
    title = ""
    if step.explained and step.explained != step.title:
        title = f'<p class="title">{html_inline(step.explained)}</p>'
    return (
        f'<div class="narration">{title}'
        f'<p class="mirrors">Mirrors <code>{escape(step.mirrors)}</code></p>'
        f"{html_paragraphs(step.text)}"
        f'<p class="why"><b>Why:</b> {html_inline(step.why)}</p></div>'
    )


def _figure(figure: Figure, pictures: dict[str, bytes] | None, number: int) -> str:
    caption = f"<figcaption>{html_inline(figure.caption)}</figcaption>"
    css = ' class="wide"' if figure.wide else ""
    if pictures is None or figure.name not in pictures:
        picture = '<p class="nodot">Diagram not drawn: Graphviz is missing (see the top).</p>'
    else:
        scale = WIDE_SCALE if figure.wide else TALL_SCALE
        picture = _inline_svg(pictures[figure.name].decode("utf-8"), number, scale)
    return f"<figure{css}>{picture}{caption}</figure>"


def _inline_svg(svg: str, number: int, scale: float = 1.0) -> str:
    """An SVG file made fit to sit in the page: no XML prolog, ids unique per figure,
    its natural size times ``scale`` (the diagrams are drawn large, for a projector)."""
    match = _SVG_START.search(svg)
    svg = svg[match.start() :] if match else svg
    svg = _SIZE.sub(lambda m: f'{m[1]}="{float(m[2]) * scale:.0f}pt"', svg, count=2)
    # Graphviz numbers ids the same way in every picture (node1, edge1...).
    svg = _ID.sub(f'id="fig{number}-', svg)
    return _REF.sub(lambda m: m.group(0) + f"fig{number}-", svg)


def _layers(handout: Handout) -> str:
    if not handout.layers:
        return ""
    name = f" <code>{escape(handout.model_name)}</code>" if handout.model_name else ""
    rows = "".join(
        f"<tr><td><code>{escape(r.name)}</code></td><td>{escape(r.cls)}</td>"
        f"<td><code>{escape(r.output_shape)}</code></td><td>{escape(r.weights)}</td>"
        f'<td class="n">{r.params:,}</td></tr>'
        for r in handout.layers
    )
    return (
        f'<h2 id="layers">The model{name} at the end</h2>'
        '<p class="detail">Like <code>model.summary()</code>, with each weight\'s shape; the '
        "input layer a Sequential makes for itself is included.</p>"
        "<table><thead><tr><th>layer</th><th>class</th><th>output shape</th><th>weights</th>"
        f'<th class="n">parameters</th></tr></thead><tbody>{rows}</tbody>'
        f'<tfoot><tr><td colspan="4">total</td><td class="n">{handout.params:,}</td></tr></tfoot>'
        "</table>"
    )
