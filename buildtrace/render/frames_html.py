"""The frames as one self-contained HTML page: a handout that steps through a build.

One file, nothing to install and no server: every picture is inline SVG, the styles and
the few lines of script are in the page. The arrow keys (or the buttons, or the slider)
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

from buildtrace.render.escape import html_text as escape
from buildtrace.render.frames import Frame, is_standin
from buildtrace.render.output import PAGE_HINT, DotMissing, fit_viewbox, render_many

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
  function show(index) {
    current = Math.max(0, Math.min(frames.length - 1, index));
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
    frames: Sequence[Frame], *, title: str = "How the model is built", data: str | None = None
) -> str:
    """The whole page, as text (write it with ``Path.write_text(..., encoding="utf-8")``).

    Args:
        frames: the frames, in order.
        title: the page's title.
        data: what the trace trained on (:func:`~buildtrace.render.frames.data_name`),
            named in the header on every frame; the stand-in digits stand out.
    """
    try:
        pictures = [
            _inline_svg(svg.decode("utf-8"), f.number)
            for svg, f in zip(render_many([f.dot for f in frames], "svg"), frames)
        ]
    except DotMissing:
        hint = f'<p class="hint">{escape(PAGE_HINT)}.</p>'
        pictures = [f"{hint}<pre>{escape(frame.dot)}</pre>" for frame in frames]
    sections = "\n".join(_section(frame, picture) for frame, picture in zip(frames, pictures))
    if not frames:
        sections = '<section class="frame current"><p>No build steps in this trace.</p></section>'
    total = max(len(frames), 1)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="buildtrace">
<title>{escape(title)}</title>
<style>{STYLE}</style>
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
<script>{SCRIPT}</script>
</body>
</html>
"""


def _data_badge(data: str | None) -> str:
    """``Data: stand-in digits (not MNIST)`` in the header, or nothing."""
    if data is None:
        return ""
    css = "data standin" if is_standin(data) else "data"
    return f'<span class="{css}">Data: {escape(data)}</span>\n'


def _section(frame: Frame, picture: str) -> str:
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
    return (
        f'<section class="frame" id="step-{frame.number}" data-seq="{frame.seq}">\n'
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
