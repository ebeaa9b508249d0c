"""Subcommands of ``buildtrace`` beyond ``run``, one module each.

A module here named in :data:`COMMAND_MODULES` defines ``add_command(commands)``, which
declares its subparser and sets ``handler=`` to a function ``(args) -> int``. Modules
import their heavy dependencies (textual, graphviz, the engine) inside the handler, so
that ``buildtrace --help`` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util

#: Subcommand modules, in the order ``buildtrace --help`` lists them.
COMMAND_MODULES = ("tui", "diagram", "export", "lesson", "handout", "serve", "diff")


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Let every subcommand module that exists declare itself."""
    for name in COMMAND_MODULES:
        module_name = f"buildtrace.commands.{name}"
        if importlib.util.find_spec(module_name) is None:
            continue
        importlib.import_module(module_name).add_command(commands)
