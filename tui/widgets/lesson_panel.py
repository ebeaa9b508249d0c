"""The lesson: the teacher's words for this step, the question, and (presenting) the narration.

In a lesson the panel sits above "what this step does" and shows the step: its title,
the teacher's text, a "predict before you look" question and, after the next key, its
answer. In presenter mode it is most of the screen: the step number in large digits,
the same words, and the narration of the event at the cursor (what Keras does there and
why), without the source code, which a room cannot read from the back.

The text itself is made by :func:`lesson_text` (no Textual), so tests can read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Digits, Static

from buildtrace.lessons.prose import paragraph
from buildtrace.lessons.stops import ResolvedStep
from tui.explainer import Explanation
from tui.theme_styles import ThemeStyles
from tui.widgets.explain_panel import append_marked


@dataclass(frozen=True)
class LessonView:
    """What the panel shows; built by the viewer from its lesson and cursor.

    Attributes:
        title: the lesson's title ("" when presenting without a lesson).
        step: the current step (None when there is no lesson, or its first stop has
            not been seen yet).
        number, total: "step 3 of 12".
        revealed: the step's answer is shown.
        at_stop: the cursor is on the step's event (False while the student explores).
        waiting: the student asked for a step the script has not reached yet.
        error: why the lesson cannot go on.
        finished: the last step is done.
        narration: the narration of the cursor's event (presenter mode only).
        event_seq: the cursor's event's ``seq`` (presenting without a lesson).
    """

    title: str = ""
    step: ResolvedStep | None = None
    number: int = 0
    total: int = 0
    revealed: bool = False
    at_stop: bool = True
    waiting: bool = False
    error: str | None = None
    finished: bool = False
    narration: Explanation | None = None
    event_seq: int | None = None

    @property
    def big_number(self) -> str:
        """What the large digits show: the step number, else the event's ``seq``."""
        if self.step is not None:
            return str(self.number)
        return str(self.event_seq) if self.event_seq is not None else ""


#: The keys, as a clicker or a keyboard sends them.
_NEXT, _BACK = "space/PgDn", "PgUp"


def lesson_text(view: LessonView, styles: ThemeStyles, *, presenting: bool = False) -> Text:
    """The panel's words for ``view`` (the large digits are drawn apart)."""
    text = Text()
    if view.title:
        # The count first: a long title may wrap, "step 3 of 12" stays whole.
        if view.step is not None:
            text.append(f"step {view.number} of {view.total}  ·  ", style=styles.muted)
        text.append(view.title + "\n", style=styles.muted)
    step = view.step
    if view.error:
        text.append("This lesson cannot go on: ", style=styles.palette.error)
        text.append(view.error + "\n")
    if step is None:
        if view.title and not view.error:
            text.append("Waiting for the script to reach the lesson's first stop…\n")
    else:
        text.append(step.title + "\n", style=styles.current)
        if step.text:
            append_marked(text, paragraph(step.text), styles.palette.name, styles.current)
            text.append("\n")
        if step.question:
            text.append("\nPredict before you look: ", style=styles.palette.flag)
            append_marked(text, step.question, styles.title, styles.current)
            text.append("\n")
            if view.revealed:
                text.append("Answer: ", style=styles.palette.weight)
                append_marked(text, paragraph(step.answer), styles.palette.name, styles.current)
                text.append("\n")
    if presenting and view.narration is not None:
        told = view.narration
        if step is not None:
            text.append("\n")
        if step is None or told.title != step.title:  # a step without a title has this one
            text.append(told.title, style=styles.title)
            text.append("\n")
        append_marked(text, told.text, styles.palette.name, styles.current)
        text.append("\n")
        if told.why:
            append_marked(text, told.why, styles.muted, styles.current)
            text.append("\n")
    hint = _hint(view)
    if hint:
        text.append("\n" + hint, style=styles.muted)
    text.rstrip()
    return text


def _hint(view: LessonView) -> str:
    """The line that says what the next key does."""
    if view.error or not view.title:
        return ""
    if view.waiting:
        return f"waiting for the script to reach the next stop… ({_BACK}: stay here)"
    if view.step is None:
        return ""
    parts = []
    if not view.at_stop:
        parts.append("r: back to this step's event")
    if view.step.question and not view.revealed:
        parts.append(f"{_NEXT}: the answer")
    elif view.finished:
        parts.append("the end of the lesson (q quits)")
    else:
        parts.append(f"{_NEXT}: next step")
    if view.number > 1:
        parts.append(f"{_BACK}: back")
    return " · ".join(parts)


class LessonPanel(VerticalScroll):
    """The lesson's words for this step (and, presenting, the narration).

    Example:
        >>> LessonPanel().border_title
        'lesson'
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "lesson"
        self._key: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="lesson-head"):
            yield Digits("", id="lesson-number")
        yield Static(id="lesson-words")

    def show(self, view: LessonView, styles: ThemeStyles, *, presenting: bool) -> None:
        """Show ``view`` (nothing is redrawn when nothing changed)."""
        key = (view, id(styles), presenting)
        if key == self._key:
            return
        self._key = key
        self.border_title = "lesson" if view.title else "what this step does"
        self.query_one("#lesson-number", Digits).update(view.big_number if presenting else "")
        words = lesson_text(view, styles, presenting=presenting)
        self.query_one("#lesson-words", Static).update(words)
