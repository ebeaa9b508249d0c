"""Compare mode's keys, in one table: bindings, footer, help screen and palette.

The stepping keys are the normal viewer's (:data:`tui.keymap.KEYMAP`), so a student
who steps one trace steps two the same way; ``d``/``D`` go to the next and previous
difference (``n`` is already "next", as in the normal viewer).
"""

from __future__ import annotations

from textual.binding import BindingType

from tui.keymap import Key

COMPARE_KEYMAP: tuple[Key, ...] = (
    # stepping, as in the normal viewer
    Key("n,right", "step('next')", "next row (both traces)", "step", "next", "n→"),
    Key("p,left", "step('prev')", "previous row (both traces)", "step", "prev", "p←"),
    Key("s", "step('into')", "step into: the next call", "step", "into"),
    Key("o", "step('over')", "step over: past this call", "step", "over"),
    Key("u", "step('out')", "step out: past the enclosing call", "step", "out"),
    Key("S", "step('back_into')", "back into: the previous call", "step"),
    Key("O", "step('back_over')", "back over: the previous row at this level", "step"),
    Key("U", "step('up')", "up: to the enclosing call", "step"),
    Key("home", "step('home')", "first row", "step"),
    Key("end", "step('end')", "last row", "step"),
    Key("down", "row(1)", "next row", "step"),
    Key("up", "row(-1)", "previous row", "step"),
    Key("pagedown", "row(10)", "ten rows down", "step"),
    Key("pageup", "row(-10)", "ten rows up", "step"),
    # differences
    Key("d", "step('next_difference')", "next difference", "diff", "next diff"),
    Key("D", "step('prev_difference')", "previous difference", "diff", "prev diff"),
    Key("question_mark", "help", "help: every key", "app", "help", "?"),
    Key("q", "quit", "quit (exit status 1 when the traces differ)", "app", "quit"),
)

#: Group titles, in the help screen's order.
COMPARE_GROUPS = {
    "step": "Stepping (both traces at once)",
    "diff": "Differences",
    "app": "Viewer",
}

#: The footer's keys to leave out first on a narrow screen.
COMPARE_FOOTER_DROP_ORDER = ("help", "step('out')", "step('over')", "step('into')")

#: What the help screen says first.
COMPARE_INTRO = (
    "Compare mode: two traces, each reduced to the teaching view (the calls a Keras build "
    "is explained by, every flag that turns True, every weight, every error), aligned row "
    "by row. One cursor steps both. Marks: blank the same, ~ different, < only in A, "
    "> only in B, = a known, deliberate difference (its reason below; not counted). "
    "Below the rows: each side's event. Ctrl+P opens the command palette."
)


def compare_bindings() -> list[BindingType]:
    """The compare screen's bindings."""
    return [key.binding() for key in COMPARE_KEYMAP]
