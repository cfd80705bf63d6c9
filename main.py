"""NeuroCanvas entry point.

    python main.py [FILE.nnd]          open the GUI (optionally with a network file)
    python main.py COMMAND [ARGS...]   run a command-line tool (see SUBCOMMANDS)

The same function is installed as the ``neurocanvas`` console script.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

PROG = "neurocanvas"

#: Icons, stylesheet, example networks and bundled datasets. A top-level
#: directory of the source tree (not a package), found next to this file.
RESOURCES_DIR = Path(__file__).resolve().parent / "resources"

#: A subcommand takes the arguments after its name and returns an exit code.
Command = Callable[[list[str]], int]


def _lazy(target: str) -> Command:
    """A command that imports ``"package.module:function"`` only when run,
    so that ``python main.py`` (the GUI) never pays for CLI imports."""
    module_name, _, func_name = target.partition(":")

    def command(args: list[str]) -> int:
        func = getattr(importlib.import_module(module_name), func_name)
        return func(args)

    command.__name__ = func_name
    command.__qualname__ = target
    return command


#: Subcommands by name. Adding one is one line, e.g.
#:     "train": _lazy("engine.cli:train"),
SUBCOMMANDS: dict[str, Command] = {
    "train": _lazy("engine.cli.train:train"),
    "export": _lazy("engine.cli.export:export"),
    "info": _lazy("engine.cli.info:info"),
    "predict": _lazy("engine.cli.predict:predict"),
    "explain": _lazy("engine.cli.explain:explain"),
}


def _usage() -> str:
    lines = [
        f"usage: {PROG} [FILE.nnd]",
        f"       {PROG} COMMAND [ARGS...]",
        "",
        "Without a command, opens the NeuroCanvas window (and FILE.nnd if given).",
    ]
    if SUBCOMMANDS:
        lines += ["", "commands: " + ", ".join(sorted(SUBCOMMANDS))]
    return "\n".join(lines)


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("neurocanvas")
    except Exception:  # not installed: running from a bare checkout
        return "unknown"


def _fail(message: str, code: int = 1) -> int:
    message = " ".join(str(message).split())  # always exactly one line
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return code


def _run_command(name: str, args: list[str]) -> int:
    try:
        return int(SUBCOMMANDS[name](args) or 0)
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return _fail("interrupted", 130)
    except Exception as exc:
        if os.environ.get("NEUROCANVAS_DEBUG"):
            raise
        return _fail(str(exc) or type(exc).__name__)


def _run_gui(args: list[str]) -> int:
    from gui.app import run

    return run(args[0] if args else None)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)

    if args and args[0] in SUBCOMMANDS:
        return _run_command(args[0], args[1:])
    if args and args[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0
    if args and args[0] == "--version":
        print(f"{PROG} {_version()}")
        return 0
    if args and args[0].startswith("-"):
        return _fail(f"unknown option {args[0]!r} (try --help)", 2)
    if len(args) > 1:
        if SUBCOMMANDS:
            known = "; commands: " + ", ".join(sorted(SUBCOMMANDS))
        else:
            known = ""
        return _fail(f"unknown command {args[0]!r}{known}", 2)
    return _run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
