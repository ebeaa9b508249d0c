"""A lesson in the plain terminal: each step's words, the narration, and Enter to go on.

This is ``buildtrace lesson NAME --text``, and the fallback when the TUI cannot run.
It drives a :class:`~buildtrace.lessons.walkthrough.Walkthrough` like any front end:
Enter moves on (first revealing the answer of a "predict before you look" question),
``b`` goes back, ``q`` quits. When stdin is not a terminal (a pipe, a file, a test)
nothing waits: every step is printed in order, each question followed by its answer,
which also makes a quick printed copy of a lesson.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text

from buildtrace.lessons.lesson_format import Lesson
from buildtrace.lessons.prose import CODE_SPAN, paragraph
from buildtrace.lessons.stops import ResolvedStep
from buildtrace.lessons.walkthrough import Walkthrough
from buildtrace.narration.context import plural

#: What a reader returns: the line typed (without the newline). EOFError means "quit".
Reader = Callable[[str], str]


def _under(step: ResolvedStep) -> str:
    """`` · under keras3`` for a step of a lesson that compares engines."""
    return f" · under {step.engine}" if step.engine else ""


def styled(text: str, style: str = "") -> Text:
    """``text`` with its `code` spans in a code colour and the backticks dropped."""
    result = Text(style=style)
    position = 0
    for match in CODE_SPAN.finditer(text):
        result.append(text[position : match.start()])
        result.append(match.group(1), style="bold cyan")
        position = match.end()
    result.append(text[position:])
    return result


def step_view(step: ResolvedStep, total: int, *, revealed: bool) -> Group:
    """Everything one step shows: the teacher's words, the narration, the question."""
    parts: list[Panel | Rule | Text | Padding] = [
        Text(),
        Rule(
            styled(f"Step {step.number} / {total} · {step.title}{_under(step)}", "bold"),
            align="left",
        ),
        Text(f"seq {step.seq} · {step.event.get('kind')}", style="dim"),
    ]
    if step.text:
        parts.append(Padding(styled(paragraph(step.text)), (1, 0, 0, 0)))
    explanation = step.explanation
    narration = Group(
        styled(explanation.title, "bold"),
        Text(f"Mirrors {explanation.mirrors}", style="dim"),
        Text(),
        styled(explanation.text),
        Text(),
        styled(f"Why: {explanation.why}", "italic"),
    )
    parts.append(
        Padding(
            Panel(narration, title="What Keras does here", title_align="left", border_style="blue"),
            (1, 0, 0, 0),
        )
    )
    if step.question:
        parts.append(
            Padding(
                styled(f"Predict before you look: {step.question}", "bold yellow"), (1, 0, 0, 0)
            )
        )
        if revealed:
            parts.append(answer_view(step))
    return Group(*parts)


def answer_view(step: ResolvedStep) -> Text:
    return styled(f"Answer: {paragraph(step.answer)}", "green")


def header_view(lesson: Lesson, steps: int) -> Panel:
    source = lesson.source.name + (" (built-in)" if lesson.builtin else "")
    body = Group(
        styled(paragraph(lesson.summary)) if lesson.summary else Text(),
        Text(
            f"{plural(steps, 'step')} · {'script' if lesson.script else 'trace'}: {source}",
            style="dim",
        ),
    )
    return Panel(body, title=styled(lesson.title, "bold"), title_align="left", border_style="cyan")


def run_text(
    lesson: Lesson,
    steps: Sequence[ResolvedStep],
    *,
    console: Console | None = None,
    interactive: bool = False,
    read: Reader | None = None,
    output: str = "",
) -> int:
    """Show the lesson; returns the number of steps seen.

    Args:
        lesson: the lesson (for its title and summary).
        steps: its resolved steps.
        console: where to print (a new console on stdout by default).
        interactive: wait for Enter at each step; False prints everything straight.
        read: reads one line after showing a prompt (``input`` by default).
        output: what the lesson's script printed, shown at the end.
    """
    console = console or Console()
    read = read or input
    walk = Walkthrough(steps, lesson)
    console.print(header_view(lesson, len(steps)))
    if not interactive:
        for step in walk.steps:
            console.print(step_view(step, len(steps), revealed=True))
        _finish(console, lesson, output)
        return len(steps)
    seen = {0}
    console.print(step_view(walk.current, len(steps), revealed=False))
    while True:
        try:
            key = read(_prompt(walk)).strip().lower()
        except EOFError:
            break
        if key in ("q", "quit", "exit"):
            break
        if key in ("b", "back"):
            if walk.previous():
                console.print(step_view(walk.current, len(steps), revealed=walk.revealed))
            continue
        move = walk.next()
        if move == "end":
            break
        if move == "reveal":
            console.print(answer_view(walk.current))
        else:
            seen.add(walk.index)
            console.print(step_view(walk.current, len(steps), revealed=False))
    _finish(console, lesson, output if walk.finished else "")
    return len(seen)


def _prompt(walk: Walkthrough) -> str:
    if walk.current.has_question and not walk.revealed:
        return "[Enter: reveal the answer · b: back · q: quit] "
    if walk.at_end:
        return "[Enter: finish · b: back] "
    return "[Enter: next step · b: back · q: quit] "


def _finish(console: Console, lesson: Lesson, output: str) -> None:
    if output.strip():
        console.print(Rule("What the script printed", align="left", style="dim"))
        console.print(Text(output.rstrip()), soft_wrap=True)
    console.print(Rule(style="dim"))
    target = lesson.name if lesson.builtin or lesson.path is None else str(lesson.path)
    command = f"buildtrace handout {target} -o {lesson.name}.html"
    console.print(styled(f"End of “{lesson.title}”. A handout to keep: `{command}`"))
