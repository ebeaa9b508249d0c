"""Every key of the viewer, in one table: bindings, footer, help screen and palette.

One list drives the footer (the keys marked ``footer``), the help screen (all keys, by
group) and the command palette (every action, searchable by its description), so they
can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType

from tui.panels import PANEL_SPECS


@dataclass(frozen=True)
class Key:
    """One binding: keys (comma-separated), action, what it does, where it is listed."""

    keys: str
    action: str
    description: str
    group: str
    footer: str = ""
    display: str | None = None

    def binding(self) -> Binding:
        """The Textual binding (the footer shows the short label, if any)."""
        return Binding(
            self.keys,
            self.action,
            self.footer or self.description,
            show=bool(self.footer),
            key_display=self.display,
            tooltip=self.description,
        )

    @property
    def shown_keys(self) -> str:
        """The keys as the help screen lists them."""
        return self.display or " ".join(k.replace("_", " ") for k in self.keys.split(","))


def panel_keys() -> list[Key]:
    """The keys that show and hide the panels, as the panels declare them."""
    return [
        Key(spec.key, f"toggle_panel('{spec.name}')", spec.key_description, "panels")
        for spec in PANEL_SPECS
    ]


KEYMAP: tuple[Key, ...] = (
    # lessons and presenting: first, so that in a lesson (or presenting) space and
    # PageDown/PageUp go to them; elsewhere the viewer turns them down (check_action)
    # and the same keys fall through to the bindings below.
    Key(
        "space,pagedown",
        "forward",
        "lesson: the answer, then the next step (presenting: next event)",
        "lesson",
        "next step",
        "␣ PgDn",
    ),
    Key(
        "pageup",
        "backward",
        "lesson: the previous step (presenting: previous event)",
        "lesson",
        "back",
        "PgUp",
    ),
    Key("r", "to_stop", "lesson: back to this step's event, after exploring", "lesson"),
    Key(
        "f5,P",
        "presenter",
        "presenter mode: large type, only the words, the model and its diagram",
        "lesson",
        "",
        "F5 P",
    ),
    # stepping
    Key("n,right", "step('next')", "next event", "step", "next", "n→"),
    Key("p,left", "step('prev')", "previous event", "step", "prev", "p←"),
    Key("s", "step('into')", "step into: the next call", "step", "into"),
    Key("o", "step('over')", "step over: past this call", "step", "over"),
    Key("u", "step('out')", "step out: to the end of the enclosing call", "step", "out"),
    Key("S", "step('back_into')", "back into: the previous call", "step"),
    Key("O", "step('back_over')", "back over: the previous event at this level", "step"),
    Key("U", "step('up')", "up: to the enclosing call", "step"),
    Key("home", "step('home')", "first event", "step"),
    Key("end", "step('end')", "last event", "step"),
    Key("l", "toggle_follow", "follow live: track the newest event", "step"),
    Key("escape", "interrupt", "stop waiting for a step's target (it has not come yet)", "step"),
    Key("down", "row(1)", "next line of the timeline", "step"),
    Key("up", "row(-1)", "previous line of the timeline", "step"),
    Key("pagedown", "row(10)", "ten lines down", "step"),
    Key("pageup", "row(-10)", "ten lines up", "step"),
    Key("enter", "fold", "fold or unfold the call at the cursor", "step"),
    # jumps
    Key("b", "jump('build')", "next build of a layer", "jump", "build"),
    Key("w", "jump('weight')", "next add_weight", "jump"),
    Key("f", "jump('flag')", "next flag change", "jump"),
    Key("e", "jump('error')", "next error", "jump"),
    Key("B", "jump_back('build')", "previous build of a layer", "jump"),
    Key("W", "jump_back('weight')", "previous add_weight", "jump"),
    Key("F", "jump_back('flag')", "previous flag change", "jump"),
    Key("E", "jump_back('error')", "previous error", "jump"),
    # breakpoints
    Key("space", "toggle_breakpoint", "breakpoint on this function", "breakpoints", "break", "␣"),
    Key("c", "continue(False)", "continue to the next breakpoint", "breakpoints", "cont"),
    Key("C", "continue(True)", "reverse-continue to the previous breakpoint", "breakpoints"),
    Key("x", "breakpoints", "breakpoints by kind, function or layer", "breakpoints"),
    # finding
    Key("slash", "search", "search the timeline, or go to an event: seq 24", "find", "", "/"),
    Key("m", "match(False)", "next search match", "find"),
    Key("M", "match(True)", "previous search match", "find"),
    Key("k", "filter_kinds", "filter the timeline by event kind", "find"),
    # run
    Key("g", "release", "lockstep: run the rest of the build / start training", "run"),
    Key("t", "pause", "pause or resume training", "run", "pause"),
    # panels
    *panel_keys(),
    Key(
        "z", "zoom", "zoom: what this step does, all of it, full screen (z: back)", "panels", "zoom"
    ),
    Key("question_mark", "help", "help: every key", "app", "help", "?"),
    Key("q", "quit", "quit (stops the script)", "app", "quit"),
)

#: Group titles, in the help screen's order.
GROUPS = {
    "step": "Stepping",
    "jump": "Jumps (Shift: backwards)",
    "breakpoints": "Breakpoints",
    "find": "Finding",
    "run": "The running script",
    "panels": "Panels",
    "app": "Viewer",
    "lesson": "Lessons and presenting (clicker keys)",
}


#: The footer's keys to leave out first when the row does not fit (the rest go from the
#: end of the row): breakpoints, then the run and panel keys, stepping last.
FOOTER_DROP_ORDER = (
    "toggle_breakpoint",
    "continue(False)",
    "release",
    "pause",
    "help",
    "backward",
    "step('over')",
    "jump('build')",
)


def bindings() -> list[BindingType]:
    """The app's bindings."""
    return [key.binding() for key in KEYMAP]
