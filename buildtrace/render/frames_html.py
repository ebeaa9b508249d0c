"""The frames as one self-contained HTML page: a handout that steps through a build.

One file, nothing to install and no server: the picture is inline SVG, the styles and
the few lines of script are in the page. The frames share one picture
(:mod:`~buildtrace.render.frames_picture`): the topology laid out once, every look of a
box drawn once, and each frame saying in numbers (``data-nodes``, ``data-edges``,
``data-title``) what it changes, which the script applies; a 100-layer model's page
is a few MB, not 400. A model drawn with nested models expanded gets a picture per
frame instead. The arrow keys (or the buttons, or the slider)
step through the frames; each frame shows the topology at that step and, beside it,
what the step means (title, the Keras 2 function it mirrors, the text, why). Printed,
the page gives one frame per sheet.

Without Graphviz's ``dot`` the page is still written, each frame showing its DOT text
and the one line saying how to install Graphviz.

Example:
    >>> html = frames_html(build_frames(events), title="How seed.py builds")  # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from buildtrace.render import style
from buildtrace.render.escape import html_text as escape
from buildtrace.render.frames import Frame, is_standin
from buildtrace.render.frames_picture import FrameChanges, SharedPicture, shared_picture
from buildtrace.render.output import PAGE_HINT, DotMissing, fit_viewbox, render_many
from buildtrace.render.topology import TopologyOptions

_CODE = re.compile(r"`([^`]+)`")
_SVG_START = re.compile(r"<svg\b")
_SVG_ID = re.compile(r'\bid="')

STYLE = """
:root { --ink: #1a1a1a; --muted: #555; --accent: #e65100; --paper: #fff; --panel: #f7f9fc; }
* { box-sizing: border-box; }
body { margin: 0; font: 17px/1.5 "DejaVu Sans", system-ui, sans-serif; color: var(--ink);
       background: var(--paper); }
header { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.2rem;
         border-bottom: 1px solid #ddd; position: sticky; top: 0; background: var(--paper); }
header h1 { font-size: 1.2rem; margin: 0; flex: 1; }
header button { font: inherit; padding: .2rem .8rem; cursor: pointer; }
header input[type=range] { width: 14rem; }
.count { font-variant-numeric: tabular-nums; color: var(--muted); }
.frame { display: none; grid-template-columns: minmax(0, 3fr) minmax(18rem, 2fr); gap: 1.5rem;
         padding: 1rem 1.2rem; }
.frame.current { display: grid; }
.picture { text-align: center; }
.picture svg { max-width: 100%; height: auto; max-height: calc(100vh - 6rem); }
.picture pre { text-align: left; white-space: pre-wrap; font-size: .75rem; }
aside { background: var(--panel); border-radius: .6rem; padding: 1rem 1.3rem; align-self: start; }
aside h2 { font-size: 1.25rem; margin: 0 0 .4rem; }
aside .step { color: var(--accent); font-weight: bold; }
aside .mirrors { color: var(--muted); font-size: .9rem; }
aside .why { border-left: 4px solid #90a4ae; padding-left: .8rem; color: #333; }
aside .where { color: var(--muted); font-size: .85rem; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .92em;
       background: #eceff1; padding: 0 .2em; border-radius: .2em; overflow-wrap: anywhere; }
.hint { color: #b71c1c; }
.edge.unknown path { stroke: %GHOST%; stroke-dasharray: 5,2; }
.edge.unknown polygon { stroke: %GHOST%; fill: %GHOST%; }
.data { color: var(--muted); font-size: .9rem; }
.data.standin { color: #b71c1c; font-weight: bold; border: 2px solid #b71c1c;
                border-radius: .3rem; padding: 0 .4rem; }
@media print {
  header { display: block; position: static; border: none; }
  header button, header input, header .count { display: none; }
  .frame { display: grid; break-after: page; }
}
"""

SCRIPT = """
(function () {
  const frames = document.querySelectorAll('.frame');
  const slider = document.getElementById('slider');
  const count = document.getElementById('count');
  let current = 0;
  const picture = document.getElementById('picture');
  function pairs(text) {
    const numbers = (text || '').split(' ').filter(Boolean).map(Number);
    const found = [];
    for (let i = 0; i + 1 < numbers.length; i += 2) found.push([numbers[i], numbers[i + 1]]);
    return found;
  }
  // The shared picture as frame `index` shows it: every change up to it, applied.
  function draw(index) {
    if (!picture) return;
    const looks = new Map(), arrows = new Map();
    let title = 0;
    for (let i = 0; i <= index; i++) {
      const data = frames[i].dataset;
      pairs(data.nodes).forEach(([slot, look]) => looks.set(slot, look));
      pairs(data.edges).forEach(([edge, state]) => arrows.set(edge, state));
      title = Number(data.title);
    }
    picture.querySelectorAll('.slot').forEach((use, slot) => {
      const look = looks.has(slot) ? looks.get(slot) : -1;
      use.style.display = look < 0 ? 'none' : '';
      if (look >= 0) use.setAttribute('href', '#look-' + look);
    });
    picture.querySelectorAll('.edge').forEach((edge, number) => {
      const state = arrows.get(number) || 0;
      edge.style.display = state ? '' : 'none';
      edge.classList.toggle('unknown', state === 2);
    });
    picture.querySelector('.title').setAttribute('href', '#title-' + title);
    frames[index].querySelector('.picture').appendChild(picture);
  }
  // Printed, every frame gets its own copy of the picture as that frame shows it.
  window.addEventListener('beforeprint', () => {
    if (!picture) return;
    frames.forEach((frame, i) => {
      draw(i);
      const copy = picture.cloneNode(true);
      copy.removeAttribute('id');
      copy.querySelector('defs').remove();
      copy.classList.add('copy');
      frame.querySelector('.picture').appendChild(copy);
    });
  });
  window.addEventListener('afterprint', () => {
    document.querySelectorAll('svg.copy').forEach((copy) => copy.remove());
    draw(current);
  });
  function show(index) {
    current = Math.max(0, Math.min(frames.length - 1, index));
    draw(current);
    frames.forEach((frame, i) => frame.classList.toggle('current', i === current));
    slider.value = current + 1;
    count.textContent = (current + 1) + ' / ' + frames.length;
    history.replaceState(null, '', '#' + (current + 1));
  }
  document.addEventListener('keydown', (event) => {
    const keys = {ArrowRight: 1, ArrowDown: 1, PageDown: 1, ' ': 1,
                  ArrowLeft: -1, ArrowUp: -1, PageUp: -1};
    if (event.key in keys) { show(current + keys[event.key]); event.preventDefault(); }
    else if (event.key === 'Home') { show(0); }
    else if (event.key === 'End') { show(frames.length - 1); }
  });
  document.getElementById('back').onclick = () => show(current - 1);
  document.getElementById('next').onclick = () => show(current + 1);
  slider.oninput = () => show(Number(slider.value) - 1);
  show((parseInt(location.hash.slice(1), 10) || 1) - 1);
})();
"""


def frames_html(
    frames: Sequence[Frame],
    *,
    title: str = "How the model is built",
    data: str | None = None,
    options: TopologyOptions | None = None,
) -> str:
    """The whole page, as text (write it with ``Path.write_text(..., encoding="utf-8")``).

    Args:
        frames: the frames, in order.
        title: the page's title.
        data: what the trace trained on (:func:`~buildtrace.render.frames.data_name`),
            named in the header on every frame; the stand-in digits stand out.
        options: how the topology is drawn (as the frames were made).
    """
    try:
        shared = shared_picture(list(frames), options) if frames else None
        pictures = [""] * len(frames) if shared else _separate_pictures(frames)
    except DotMissing:
        shared = None
        hint = f'<p class="hint">{escape(PAGE_HINT)}.</p>'
        pictures = [f"{hint}<pre>{escape(frame.dot)}</pre>" for frame in frames]
    changes = shared.changes if shared else [None] * len(frames)
    sections = "\n".join(
        _section(frame, picture, change)
        for frame, picture, change in zip(frames, pictures, changes)
    )
    if not frames:
        sections = '<section class="frame current"><p>No build steps in this trace.</p></section>'
    total = max(len(frames), 1)
    svg = _shared_svg(shared, (options or TopologyOptions()).dpi) if shared else ""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="buildtrace">
<title>{escape(title)}</title>
<style>{STYLE.replace("%GHOST%", style.GHOST.border)}</style>
</head>
<body>
<header>
<h1>{escape(title)}</h1>
{_data_badge(data)}<button id="back" title="previous step (←)">← back</button>
<span class="count" id="count">1 / {total}</span>
<button id="next" title="next step (→)">next →</button>
<input id="slider" type="range" min="1" max="{total}" value="1" aria-label="step">
</header>
<main>
{sections}
</main>
<div hidden>{svg}</div>
<script>{SCRIPT}</script>
</body>
</html>
"""


def _separate_pictures(frames: Sequence[Frame]) -> list[str]:
    """A whole picture per frame (for what the shared picture does not draw: clusters)."""
    return [
        _inline_svg(svg.decode("utf-8"), f.number)
        for svg, f in zip(render_many([f.dot for f in frames], "svg"), frames)
    ]


def _shared_svg(shared: SharedPicture, dpi: int) -> str:
    """The one picture the frames share, every slot and arrow hidden until a frame shows it."""
    scale = dpi / 72
    slots = "".join(
        f'<use class="slot" x="{x:.2f}" y="{y:.2f}" style="display:none"/>' for x, y in shared.slots
    )
    edges = "".join(f'<g class="edge" style="display:none">{edge}</g>' for edge in shared.edges)
    return (
        f'<svg id="picture" xmlns="http://www.w3.org/2000/svg" '
        f'width="{shared.width * scale:.0f}pt" height="{shared.height * scale:.0f}pt" '
        f'viewBox="0 0 {shared.width:.2f} {shared.height:.2f}">'
        f"<defs>{''.join(shared.defs)}</defs>"
        f'<rect width="100%" height="100%" fill="white"/>'
        f"<g>{edges}</g><g>{slots}</g>"
        f'<use class="title" x="{shared.width / 2:.2f}" y="{shared.title_y:.2f}"/></svg>'
    )


def _data_badge(data: str | None) -> str:
    """``Data: stand-in digits (not MNIST)`` in the header, or nothing."""
    if data is None:
        return ""
    css = "data standin" if is_standin(data) else "data"
    return f'<span class="{css}">Data: {escape(data)}</span>\n'


def _section(frame: Frame, picture: str, change: FrameChanges | None = None) -> str:
    parts = [
        f'<p class="step">step {frame.number} · seq {frame.seq}</p>',
        f"<h2>{_inline(frame.title)}</h2>",
    ]
    if frame.mirrors:
        parts.append(f'<p class="mirrors">Mirrors <code>{escape(frame.mirrors)}</code></p>')
    parts.append(f"<p>{_inline(frame.text)}</p>")
    if frame.why:
        parts.append(f'<p class="why"><b>Why:</b> {_inline(frame.why)}</p>')
    src = frame.event.get("src")
    if src:
        parts.append(f'<p class="where">buildtrace source: <code>{escape(str(src))}</code></p>')
    aside = "\n".join(parts)
    shows = ""
    if change is not None:  # numbers only: which look, arrow and title (frames_picture)
        nodes = " ".join(f"{slot} {look}" for slot, look in change.nodes)
        edges = " ".join(f"{edge} {state}" for edge, state in change.edges)
        shows = f' data-nodes="{nodes}" data-edges="{edges}" data-title="{change.title}"'
    return (
        f'<section class="frame" id="step-{frame.number}" data-seq="{frame.seq}"{shows}>\n'
        f'<div class="picture">{picture}</div>\n<aside>\n{aside}\n</aside>\n</section>'
    )


def _inline_svg(svg: str, number: int) -> str:
    """An SVG document made fit to sit inside the page."""
    svg = fit_viewbox(svg.encode()).decode()  # Graphviz at dpi != 72 crops its own viewBox
    match = _SVG_START.search(svg)
    svg = svg[match.start() :] if match else svg  # drop the XML prolog and doctype
    # Graphviz numbers its ids (node1, edge1...) the same in every picture: prefix them so
    # that the page's ids stay unique.
    return _SVG_ID.sub(f'id="f{number}-', svg)


def _inline(text: str) -> str:
    """Narration text as HTML: escaped, with `code` spans."""
    return _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", escape(text))
