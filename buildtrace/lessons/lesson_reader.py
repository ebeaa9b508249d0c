"""Reading a lesson file: TOML in, a checked :class:`Lesson` out.

``tomllib`` says where a file is not TOML; everything else (an unknown key, a step
without ``stop``, a kind that does not exist, a placeholder misspelt, a script that is
not there, or outside the lesson's folder) is checked here, and reported as a
:class:`~buildtrace.lessons.lesson_format.LessonError` naming the line, found with
:class:`~buildtrace.lessons.source_lines.SourceLines`. Names close to a misspelt one
are suggested, since most mistakes in a hand-written file are typos.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Any

from buildtrace.lessons.lesson_format import (
    DEFAULT_SHOW,
    ENGINE_NAMES,
    HEADER_KEYS,
    KINDS,
    PANELS,
    STEP_KEYS,
    STOP_KEYS,
    Lesson,
    LessonError,
    LessonStep,
    Selector,
)
from buildtrace.lessons.placeholders import PLACEHOLDERS, TemplateError, unknown_names
from buildtrace.lessons.source_lines import SourceLines

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")

#: The option that lets a lesson run a script outside its folder (named in the error).
ALLOW_OUTSIDE_FLAG = "--allow-outside-scripts"


def parse_lesson(
    text: str,
    path: Path | None = None,
    *,
    scripts: Path | None = None,
    builtin: bool = False,
    allow_outside_scripts: bool = False,
) -> Lesson:
    """Read a lesson from the text of its file.

    A lesson runs its script as Python code, with the user's rights. A lesson file is
    easily shared (and a folder of them pointed at), so its ``script`` must be a file in
    the lesson's own folder (or below it), or a built-in script: a path that leads
    elsewhere (``/home/x/evil.py``, ``../../x.py``, a symlink out of the folder) is
    refused unless ``allow_outside_scripts`` says the user wants it.

    Args:
        text: the TOML text.
        path: the file it came from (names the lesson, anchors relative paths, and
            appears in error messages).
        scripts: the folder of built-in scripts, where ``script = "name"`` is looked
            for when no such file sits next to the lesson.
        builtin: whether this is one of buildtrace's own lessons.
        allow_outside_scripts: accept a script outside the lesson's folder.

    Raises:
        LessonError: the text is not TOML, or not a lesson (the message names the line).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        if position is None:
            raise LessonError(f"not valid TOML: {message}", path) from None
        problem = message[: position.start()]
        column = position.group(2)
        raise LessonError(
            f"not valid TOML: {problem} (column {column})", path, int(position.group(1))
        ) from None
    reader = _Reader(data, SourceLines(text), path, scripts)
    reader.allow_outside_scripts = allow_outside_scripts
    return reader.lesson(builtin)


class _Reader:
    """Checks the parsed TOML against the format and builds the :class:`Lesson`."""

    def __init__(
        self, data: dict[str, Any], lines: SourceLines, path: Path | None, scripts: Path | None
    ) -> None:
        self.data, self.lines, self.path, self.scripts = data, lines, path, scripts
        self.allow_outside_scripts = False

    def fail(self, problem: str, line: int | None) -> LessonError:
        return LessonError(problem, self.path, line)

    def lesson(self, builtin: bool) -> Lesson:
        data = self.data
        self.unknown_keys(data, HEADER_KEYS, "the lesson's header", None)
        title = self.string(data, "title", None, required=True)
        sources = [key for key in ("script", "trace") if key in data]
        if len(sources) != 1:
            line = self.lines.key_line(sources[1]) if sources else 1
            raise self.fail(
                'give exactly one of script = "file.py" (a Keras script to run) or '
                'trace = "file.jsonl" (a recorded trace)',
                line,
            )
        where = self.find_file(sources[0])
        args = data.get("args", [])
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            raise self.fail(
                'args must be a list of strings, e.g. ["--epochs", "1"]',
                self.lines.key_line("args"),
            )
        steps = data.get("step")
        if not isinstance(steps, list) or not steps:
            raise self.fail(
                "a lesson needs at least one [[step]] table, each with a stop = { ... }",
                self.lines.key_line("step") if "step" in data else None,
            )
        return Lesson(
            name=self.path.stem if self.path else "lesson",
            title=title,
            summary=self.string(data, "summary", None),
            steps=tuple(self.step(index, table) for index, table in enumerate(steps)),
            path=self.path,
            script=where if sources[0] == "script" else None,
            trace=where if sources[0] == "trace" else None,
            args=tuple(args),
            builtin=builtin,
            engine=self.engine(data, None),
        )

    def find_file(self, key: str) -> Path:
        value = self.string(self.data, key, None, required=True)
        folder = self.path.parent if self.path else Path.cwd()
        candidates = [folder / value]
        if key == "script" and self.scripts is not None:
            candidates += [self.scripts / value, self.scripts / f"{value}.py"]
        for candidate in candidates:
            if candidate.is_file():
                if key == "script" and not self.allow_outside_scripts:
                    self.check_inside(candidate, value, folder)
                return candidate
        raise self.fail(
            f"{key} file not found: {value} (looked in {folder})", self.lines.key_line(key)
        )

    def check_inside(self, script: Path, value: str, folder: Path) -> None:
        """Refuse a script that resolves outside the lesson's folder and the built-ins."""
        real = script.resolve()
        homes = [folder.resolve()]
        if self.scripts is not None:
            homes.append(self.scripts.resolve())
        if any(real.is_relative_to(home) for home in homes):
            return
        raise self.fail(
            f"script {value!r} is outside the lesson's folder ({real}); a lesson runs its "
            "script as Python code, so it may only name a script in its own folder or a "
            f"built-in one: move the script there, or pass {ALLOW_OUTSIDE_FLAG} if you trust "
            "this lesson",
            self.lines.key_line("script"),
        )

    def step(self, index: int, table: Any) -> LessonStep:
        line = self.lines.step_line(index)
        if not isinstance(table, dict):
            raise self.fail("write each step as a [[step]] table", line)
        context = f"step {index + 1}"
        self.unknown_keys(table, STEP_KEYS, context, index)
        if "stop" not in table:
            raise self.fail(
                f'{context} has no stop: add e.g. stop = {{ kind = "call", name = '
                '"Dense.build" }, the event the step stops at',
                line,
            )
        words = {key: self.string(table, key, index) for key in STEP_KEYS[1:5]}
        for key, words_text in words.items():
            self.check_placeholders(words_text, key, index)
        if bool(words["question"]) != bool(words["answer"]):
            missing = "answer" if words["question"] else "question"
            raise self.fail(
                f"{context}: a question needs an answer (and an answer a "
                f'question): add {missing} = "..."',
                line,
            )
        written = {key: self.lines.key_line(key, index) for key in table}
        return LessonStep(
            number=index + 1,
            stop=self.selector(table["stop"], index),
            show=self.show(table, index),
            model=self.string(table, "model", index) or None,
            engine=self.engine(table, index),
            line=line,
            lines=written,
            **words,
        )

    def selector(self, table: Any, index: int) -> Selector:
        context = f"step {index + 1}"
        line = self.lines.key_line("stop", index)
        example = '{ kind = "call", name = "Dense.build" }'
        if not isinstance(table, dict) or not table:
            raise self.fail(f"{context}: stop must be a table of keys, e.g. {example}", line)
        self.unknown_keys(table, STOP_KEYS, f"{context}'s stop", index)
        for key in ("kind", "name", "layer", "attr", "weight", "error"):
            if key in table and not isinstance(table[key], str):
                raise self.fail(
                    f'{context}: stop\'s {key} must be text in quotes, e.g. {key} = "..."',
                    self.lines.key_line(key, index),
                )
        kind = table.get("kind")
        if kind is not None and kind not in KINDS:
            raise self.fail(
                f"{context}: no event kind {kind!r}{_close(kind, KINDS)}; kinds are "
                + ", ".join(KINDS),
                line,
            )
        occurrence = table.get("occurrence", 1)
        if type(occurrence) is not int or occurrence < 1:
            raise self.fail(
                f"{context}: occurrence must be 1, 2, 3... (got {occurrence!r})",
                self.lines.key_line("occurrence", index),
            )
        if set(table) <= {"occurrence"}:
            raise self.fail(
                f"{context}: stop needs at least one of kind, name, layer, ...: e.g. {example}",
                line,
            )
        fields = {key: table[key] for key in STOP_KEYS if key in table}
        return Selector(**fields, has_value="value" in table)

    def engine(self, table: dict[str, Any], step: int | None) -> str | None:
        """``engine = "keras3"``: one of the engines (a recorded trace has its own)."""
        value = self.string(table, "engine", step) or None
        if value is not None and value not in ENGINE_NAMES:
            raise self.fail(
                f"no engine {value!r}{_close(value, ENGINE_NAMES)}; engines are "
                + ", ".join(ENGINE_NAMES),
                self.lines.key_line("engine", step),
            )
        if value is not None and "trace" in self.data:
            raise self.fail(
                "engine goes with script = ...: a recorded trace was run under one engine already",
                self.lines.key_line("engine", step),
            )
        return value

    def show(self, table: dict[str, Any], index: int) -> tuple[str, ...]:
        show = table.get("show", list(DEFAULT_SHOW))
        line = self.lines.key_line("show", index)
        if isinstance(show, str):
            show = [show]
        if not isinstance(show, list) or not all(isinstance(p, str) for p in show):
            raise self.fail('show must be a list of panel names, e.g. ["topology"]', line)
        for panel in show:
            if panel not in PANELS:
                raise self.fail(
                    f"step {index + 1}: no panel {panel!r}; panels are "
                    + ", ".join(PANELS)
                    + _close(panel, PANELS),
                    line,
                )
        return tuple(show)

    def string(
        self, table: dict[str, Any], key: str, step: int | None, *, required: bool = False
    ) -> str:
        value = table.get(key, "")
        where = (
            self.lines.key_line(key, step)
            if key in table
            else (self.lines.step_line(step) if step is not None else 1)
        )
        if required and not value:
            raise self.fail(f'{key} is missing: add {key} = "..."', where)
        if not isinstance(value, str):
            raise self.fail(f"{key} must be text in quotes, not {value!r}", where)
        return value.strip()

    def check_placeholders(self, text: str, key: str, step: int) -> None:
        try:
            unknown = unknown_names(text)
        except TemplateError as exc:
            raise self.fail(
                f"step {step + 1}: {key}: {exc}", self.lines.key_line(key, step)
            ) from None
        if unknown:
            name = unknown[0]
            line = self.lines.text_line("{" + name + "}", step) or self.lines.key_line(key, step)
            raise self.fail(
                f"step {step + 1}: unknown placeholder {{{name}}}{_close(name, PLACEHOLDERS)}; "
                "placeholders are "
                + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                + " (write {{ and }} for literal braces)",
                line,
            )

    def unknown_keys(
        self, table: dict[str, Any], allowed: tuple[str, ...], context: str, step: int | None
    ) -> None:
        choices = allowed if step is not None else (*allowed, "step")
        for key in table:
            if key in choices:
                continue
            raise self.fail(
                f"unknown key {key!r} in {context}{_close(key, choices)}; "
                "allowed: " + ", ".join(choices),
                self.lines.key_line(key, step),
            )


def _close(word: str, choices: Any) -> str:
    """`` (did you mean 'stop'?)`` when a choice is close to ``word``."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {found[0]!r}?)" if found else ""
