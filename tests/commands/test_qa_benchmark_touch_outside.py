"""`benchmark --touch` (or the config's `touch`) must name a file inside the build context: one
outside it is a usage error before anything is changed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from arxdocker.benchmark.touch import touch_path
from arxdocker.errors import ArxError
from tests.commands._cli import arxdocker


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """A context with a Dockerfile and src/index.html, and a file beside the context."""
    context = tmp_path / "ctx"
    (context / "src").mkdir(parents=True)
    (context / "Dockerfile").write_text("FROM scratch\nCOPY src/ /src/\n")
    (context / "src" / "index.html").write_text("<h1>hi</h1>\n")
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me\n")
    os.utime(outside, ns=(1_000_000_000, 2_000_000_000))
    return context, outside


def untouched(outside: Path) -> None:
    assert outside.read_text() == "keep me\n"
    assert outside.stat().st_mtime_ns == 2_000_000_000


def one_line_error(result: subprocess.CompletedProcess[str], text: str) -> None:
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith("arxdocker: error: ")
    assert text in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink"])
def test_a_touch_outside_the_context_is_a_usage_error(layout: tuple[Path, Path], how: str) -> None:
    context, outside = layout
    if how == "symlink":
        (context / "src" / "link.txt").symlink_to(outside)
    touched = {"dotdot": "../outside.txt", "absolute": str(outside), "symlink": "src/link.txt"}[how]
    result = arxdocker("benchmark", str(context), "--scenarios", "incremental", "-n", "1",
                       "--touch", touched)  # fmt: skip
    one_line_error(result, f"arxdocker: error: --touch: {touched} is outside the build context ")
    assert str(context) in result.stderr
    untouched(outside)


def test_the_configured_touch_is_held_to_the_same_rule(layout: tuple[Path, Path]) -> None:
    context, outside = layout
    (context / "pyproject.toml").write_text('[tool.arxdocker]\ntouch = "src/../../outside.txt"\n')
    result = arxdocker("benchmark", str(context), "--scenarios", "incremental", "-n", "1")
    one_line_error(result, f"touch in {context / 'pyproject.toml'}: src/../../outside.txt is "
                           "outside the build context")  # fmt: skip
    untouched(outside)


def test_paths_inside_the_context_are_kept_as_given(layout: tuple[Path, Path]) -> None:
    context, outside = layout
    assert touch_path(context, "src/index.html") == context / "src" / "index.html"
    assert touch_path(context, "src/../Dockerfile") == context / "src" / "../Dockerfile"
    assert touch_path(context, str(context / "Dockerfile")) == context / "Dockerfile"
    (context / "src" / "inner.txt").symlink_to(context / "Dockerfile")
    assert touch_path(context, "src/inner.txt") == context / "src" / "inner.txt"
    with pytest.raises(ArxError, match=r"^touch in x: \.\./outside\.txt is outside"):
        touch_path(context, "../outside.txt", "touch in x")
    untouched(outside)
