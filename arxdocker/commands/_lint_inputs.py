"""Finding and reading the Dockerfiles `arxdocker lint` was given, with one-line errors."""

from __future__ import annotations

import sys
from pathlib import Path

from arxdocker.errors import ArxError

PATTERNS = ("Dockerfile", "*.Dockerfile", "*.dockerfile", "Dockerfile.*")
SKIP = {"node_modules", "__pycache__", "venv"}


def _is_dockerfile(path: Path) -> bool:
    # `Dockerfile.dockerignore` is BuildKit's ignore file for `Dockerfile`, not a Dockerfile.
    if path.name.endswith(".dockerignore"):
        return False
    return any(path.match(pattern) for pattern in PATTERNS)


def discover(paths: list[str]) -> list[str]:
    """Expand folders into the Dockerfiles below them, sorted; `-` stays as stdin."""
    found: list[str] = []
    for name in paths:
        path = Path(name)
        if name == "-" or path.is_file():
            found.append(name)
        elif path.is_dir():
            below = sorted(
                str(p)
                for p in path.rglob("*")
                if p.is_file()
                and _is_dockerfile(p)
                and not any(
                    part.startswith(".") or part in SKIP for part in p.relative_to(path).parts[:-1]
                )
            )
            if not below:
                raise ArxError(
                    f"{name}: no Dockerfile found",
                    hint="looked for Dockerfile, *.Dockerfile and Dockerfile.* in it and below",
                )
            found.extend(below)
        else:
            raise ArxError(f"{name}: no such file or directory")
    return found


def read_input(name: str) -> str:
    return decode(name, read_bytes(name))


def read_bytes(name: str) -> bytes:
    """The bytes of a Dockerfile, or of stdin for `-`; an unreadable file is an ArxError."""
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        raise ArxError(f"{name}: {exc.strerror or exc}") from None


def decode(name: str, data: bytes) -> str:
    """A Dockerfile's text; binary or non-UTF-8 data is a DockerfileParseError at its line."""
    from arxdocker.dockerfile.parser import DockerfileParseError

    name = "<stdin>" if name == "-" else name
    if b"\0" in data:
        raise DockerfileParseError(
            name, data[: data.index(b"\0")].count(b"\n") + 1, "binary file, not a Dockerfile"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DockerfileParseError(
            name, data[: exc.start].count(b"\n") + 1, "not UTF-8 text"
        ) from None
