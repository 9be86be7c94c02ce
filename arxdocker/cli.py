"""Command-line entry point: argument parsing and wiring only.

Each subcommand lives in `arxdocker/commands/<name>.py` with two functions:
`configure(parser)` adds its arguments, `run(args) -> int` does the work. Command modules import
only argparse at module level, so `arxdocker --version` and `--help` stay fast; heavy libraries
(rich, python-on-whales, the docker SDK) are imported inside `run`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from typing import NoReturn

from arxdocker import __version__
from arxdocker.errors import ArxError

# name -> (module under arxdocker.commands, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "analyze": ("analyze", "report cached and rebuilt steps from a saved BuildKit progress log"),
    "lint": ("lint", "audit Dockerfiles for cache-unfriendly patterns; --fix applies safe fixes"),
    "rule": ("rule", "explain a lint rule (what it checks, why, examples)"),
    "build": ("build", "build with buildx: composed cache flags, a live cache report, a record"),
    "explain": ("explain", "why steps rebuilt: each root cause, then the steps it rebuilt"),
    "compare": ("compare", "compare two builds step by step: status changes, time and size deltas"),
    "history": ("history", "list past builds with duration, hit rate and size, and their trend"),
    "report": ("report", "write a build's report as a self-contained HTML page (--html FILE)"),
    "benchmark": ("benchmark", "time cold, warm and incremental builds, N runs each"),
    "check": ("check", "CI gate: fail when a build is slower, less cached or bigger than before"),
    "doctor": ("doctor", "check the engine, builders, cache backends and cache registry; each fix"),
    "cache": ("cache", "build cache: du by type, prune (with --dry-run), clean-local DIR"),
    "bake": ("bake", "bake several targets with buildx: per-target cache and a report per target"),
    "ci": ("ci", "CI: `ci init` prints a workflow that builds and publishes cache to a registry"),
}

EPILOG = """\
examples:
  docker buildx build --progress=rawjson . 2> build.json; arxdocker analyze build.json
  arxdocker analyze ci-build.log --json | jq .summary

Run `arxdocker COMMAND --help` for the options of each command.
"""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only `command`'s module is imported and configured (all of them if None)."""
    parser = argparse.ArgumentParser(
        prog="arxdocker",
        description="Fast Docker BuildKit builds, and a clear answer to why they are slow.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"arxdocker {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(
            name, help=help_text, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        if command is not None and name != command:
            continue  # listed in `arxdocker --help`, but its module is not imported
        module = importlib.import_module(f"arxdocker.commands.{module_name}")
        sub.description = (module.__doc__ or help_text).strip()
        module.configure(sub)
        sub.set_defaults(_run=module.run)
    return parser


def _fast_version(argv: list[str]) -> bool:
    # `--version` must not pay for importing every command module.
    if argv == ["--version"]:
        print(f"arxdocker {__version__}")
        return True
    return False


# Commands whose arguments after `--` go to buildx as they are.
_PASSTHROUGH_COMMANDS = frozenset({"build", "benchmark"})


def parse_arguments(argv: list[str]) -> tuple[argparse.ArgumentParser, argparse.Namespace]:
    """The parser of the command being run, and the arguments.

    Only the command's own module is imported: start-up stays fast, and one command's import
    problem cannot break the others."""
    command = next((arg for arg in argv if not arg.startswith("-")), None)
    parser = build_parser(command if command in COMMANDS else "")
    passthrough: list[str] | None = None
    if command in _PASSTHROUGH_COMMANDS and "--" in argv:
        # argparse takes `--` only right after CONTEXT; buildx's own args may follow any option.
        cut = argv.index("--")
        argv, passthrough = argv[:cut], argv[cut + 1 :]
    args = parser.parse_args(argv)
    if passthrough is not None:
        args.context = [*(args.context or ["."]), *passthrough]
    return parser, args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if _fast_version(argv):
        return 0
    parser, args = parse_arguments(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except ArxError as error:
        print(f"arxdocker: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `arxdocker analyze ... | head` closing the pipe early is not an error.
        sys.stderr.close()
        return 0


def entry() -> NoReturn:
    """The console script: run `main`, flush, and leave without tearing the interpreter down.

    Finalizing the modules a command loaded (rich, msgspec, the event models) took ~25 ms after
    every cached build, a sixth of what arxdocker adds to buildx. Nothing needs it: files are
    closed by their `with` blocks, background threads are joined before the report, and
    arxdocker registers no exit handlers.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe, or a closed stream
            stream.flush()
    os._exit(code)
