"""The rule base class and the context rules see. Rules are pure: context in, findings out."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, Protocol, TypeVar

from arxdocker.dockerfile.model import Dockerfile, Instruction
from arxdocker.dockerfile.shell import Command, commands
from arxdocker.dockerfile.stages import Stage, StageModel, build_stages
from arxdocker.lint.model import Finding, Fix, Severity

T = TypeVar("T")


class ContextFiles(Protocol):
    """Lookups of paths relative to the build context, for the few files a rule needs; the
    runner gives them, so rules stay free of I/O. Paths outside the context are never found."""

    def kind(self, relative: str) -> Literal["file", "folder"] | None: ...

    def text(self, relative: str) -> str | None:
        """A small file's text; None when it is missing or too large to be a script."""
        ...


@dataclass(frozen=True)
class BuildContext:
    """What rules may know about the build context directory (None when linting stdin)."""

    path: str
    dockerignore: tuple[str, ...] | None  # None: there is no .dockerignore
    entries: tuple[str, ...]  # top-level names in the context
    files: ContextFiles


@dataclass(frozen=True)
class LintContext:
    dockerfile: Dockerfile
    context: BuildContext | None = None
    _commands: dict[int, list[Command]] = field(default_factory=dict, compare=False, repr=False)
    _memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """A value a rule computes once per file (rules are asked for every instruction)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[return-value]

    @cached_property
    def stages(self) -> StageModel:
        return build_stages(self.dockerfile)

    def stage_of(self, instruction: Instruction) -> Stage | None:
        return self.stages.stage_of(instruction)

    def commands(self, instruction: Instruction) -> list[Command]:
        if instruction.keyword != "RUN":
            return []
        if instruction.index not in self._commands:  # split each RUN once per file
            self._commands[instruction.index] = commands(instruction.script)
        return self._commands[instruction.index]

    @cached_property
    def _in_effect(self) -> dict[int, tuple[str, str]]:
        """The working directory and USER in effect at each instruction (by index), from its
        stage and the stages it builds on, found in one pass over the file."""
        at: dict[int, tuple[str, str]] = {}
        stage_end: dict[int, tuple[str, str]] = {}
        for stage in self.stages.stages:
            workdir, user = stage_end.get(stage.base_stage, ("/", "root"))  # type: ignore[arg-type]
            for instruction in stage.instructions:
                at[instruction.index] = (workdir, user)
                if instruction.keyword == "WORKDIR" and instruction.args:
                    workdir = join_path(
                        workdir, self.stages.expand(instruction, instruction.args[0])
                    )
                elif instruction.keyword == "USER" and instruction.args:
                    user = self.stages.expand(instruction, instruction.args[0])
            stage_end[stage.index] = (workdir, user)
        return at

    def user(self, instruction: Instruction) -> str:
        """The USER an instruction runs as ("root" unless a USER in its stage chain says else)."""
        return self.user_and_group(instruction).split(":")[0]

    def user_and_group(self, instruction: Instruction) -> str:
        """The USER instruction's value in effect: `user`, or `user:group`."""
        return self._in_effect.get(instruction.index, ("/", "root"))[1]

    def home(self, instruction: Instruction) -> str:
        """The USER's home: /root, /home/NAME, and for a numeric uid `/`, which Docker gives a
        uid that /etc/passwd does not name (the base image's passwd is not known here)."""
        user = self.user(instruction)
        if user in ("root", "0", ""):
            return "/root"
        return "/" if user.isdigit() else f"/home/{user}"

    def workdir(self, instruction: Instruction) -> str:
        """The working directory at an instruction (absolute, "/" by default)."""
        return self._in_effect.get(instruction.index, ("/", "root"))[0]


def join_path(base: str, path: str) -> str:
    path = path.strip("\"'")
    full = path if path.startswith("/") else f"{base.rstrip('/')}/{path}"
    parts: list[str] = []
    for part in full.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
        else:
            parts.append(part)
    return "/" + "/".join(parts)


class Rule:
    """A rule: a code, a kebab-case name, a severity, a ruff-style doc (the class docstring)."""

    code: str = ""
    name: str = ""
    severity: Severity = "warning"
    fix_title: str = ""  # the imperative help line
    fix_priority: int = 50  # lower goes first when fixes of two rules touch the same lines

    def check(self, ctx: LintContext) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(
        self,
        ctx: LintContext,
        instruction: Instruction,
        message: str,
        *,
        help: str | None = None,
        fix: Fix | None = None,
        related: tuple[int, ...] = (),
    ) -> Finding:
        span = instruction.span
        return Finding(
            code=self.code,
            name=self.name,
            severity=self.severity,
            file=ctx.dockerfile.path,
            line=span.line,
            column=span.column,
            end_line=span.end_line,
            end_column=span.end_column,
            message=message,
            help=help if help is not None else self.fix_title,
            fix=fix,
            related=related,
        )

    @classmethod
    def doc(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def doc_section(cls, title: str) -> str:
        match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", cls.doc(), re.M | re.S)
        return match.group(1).strip() if match else ""

    @classmethod
    def doc_examples(cls, title: str) -> list[str]:
        """The ```dockerfile blocks of one doc section ("Example" or "Use instead")."""
        return re.findall(r"```dockerfile\n(.*?)```", cls.doc_section(title), re.S)

    @classmethod
    def summary(cls) -> str:
        return cls.doc_section("What it does").split("\n\n")[0].replace("\n", " ")
