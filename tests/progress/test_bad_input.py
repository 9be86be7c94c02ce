"""Unusable input: a one-line error and exit 2, never a traceback; arbitrary text never crashes."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arxdocker.analysis.report import build_report
from arxdocker.errors import ProgressParseError
from arxdocker.progress.plain import iter_plain
from arxdocker.progress.rawjson import iter_rawjson
from arxdocker.progress.reader import read_events

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "buildkit"


def run_analyze(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "arxdocker", "analyze", str(path), *extra],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "100"},
    )


def truncated_json(tmp_path: Path, fixtures: Path = FIXTURES) -> Path:
    """An object cut off mid-way with more of the log after it: damage, not a log cut off (which
    ends at the cut, and is reported as a build that went on: tests/commands/test_analyze.py)."""
    text = (fixtures / "cold.rawjson.log").read_bytes()
    path = tmp_path / "truncated.json"
    path.write_bytes(text[: len(text) // 2] + b"\n" + text)
    return path


BAD_INPUTS = {
    "empty": lambda tmp: _write(tmp / "empty.log", b""),
    "random-bytes": lambda tmp: _write(tmp / "random.bin", os.urandom(4096) + b"\0"),
    "truncated-json": truncated_json,
    "neither-format": lambda tmp: _write(tmp / "notes.txt", b"hello\nworld\n[1, 2]\n"),
    "json-but-not-buildkit": lambda tmp: _write(tmp / "other.json", b'{"vertexes": 3}\n'),
    "missing-file": lambda tmp: tmp / "does-not-exist.log",
    "directory": lambda tmp: tmp,
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("kind", BAD_INPUTS)
@pytest.mark.parametrize("fmt", ["auto", "plain", "rawjson"])
def test_bad_input_gives_one_line_and_exit_2(kind: str, fmt: str, tmp_path: Path) -> None:
    path = BAD_INPUTS[kind](tmp_path)
    result = run_analyze(path, "--format", fmt)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("arxdocker: error: ")
    assert result.stdout == ""


def test_truncated_json_names_the_file_and_line(tmp_path: Path) -> None:
    result = run_analyze(truncated_json(tmp_path))
    assert "truncated.json: line 373: invalid JSON" in result.stderr


def test_truncated_one_line_json_of_buildx_0_29_names_the_file_and_line(tmp_path: Path) -> None:
    """buildx 0.29.1 writes one object per line: the cut object is the line the cut falls in."""
    fixtures = FIXTURES.with_name("buildkit-0.29")
    text = (fixtures / "cold.rawjson.log").read_bytes()
    line = text[: len(text) // 2].count(b"\n") + 1
    result = run_analyze(truncated_json(tmp_path, fixtures))
    assert result.returncode == 2
    (said,) = result.stderr.strip().splitlines()
    assert said.startswith(f"arxdocker: error: {tmp_path / 'truncated.json'}: line {line}: ")
    assert "JSON" in said


def consume(reader, text: str) -> None:  # type: ignore[no-untyped-def]
    lines = text.encode("utf-8", "surrogatepass").splitlines(keepends=True)
    with contextlib.suppress(ProgressParseError):
        build_report(reader(lines), "rawjson" if reader is iter_rawjson else "plain")


plain_like = st.lists(
    st.one_of(
        st.text(max_size=40),
        st.builds(
            lambda n, rest: f"#{n} {rest}",
            st.integers(0, 30),
            st.one_of(
                st.sampled_from(["...", "CACHED", "CANCELED", "DONE 1.5s", "DONE x", "ERROR: e"]),
                st.builds(lambda t, s: f"{t:.3f} {s}", st.floats(0, 1e4), st.text(max_size=20)),
                st.builds(
                    lambda i, n, s: f"[{s} {i}/{n}] RUN x",
                    st.integers(),
                    st.integers(),
                    st.text(max_size=8),
                ),
                st.text(max_size=30),
            ),
        ),
    ),
    max_size=40,
).map("\n".join)

json_like = st.lists(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from(
            ["{", "}", "{}", '{"vertexes": [{"digest": 1}]}', '{"logs": [{"data": "%%"}]}']
        ),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=10),
            lambda children: (
                st.lists(children, max_size=3)
                | st.dictionaries(
                    st.sampled_from(
                        ["vertexes", "digest", "started", "logs", "data", "statuses", "name"]
                    ),
                    children,
                    max_size=4,
                )
            ),
            max_leaves=10,
        ).map(lambda v: __import__("json").dumps(v)),
    ),
    max_size=30,
).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), plain_like))
def test_plain_reader_never_raises_anything_but_its_parse_error(text: str) -> None:
    consume(iter_plain, text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), json_like))
def test_rawjson_reader_never_raises_anything_but_its_parse_error(text: str) -> None:
    consume(iter_rawjson, text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_format_detection_never_raises_anything_but_its_parse_error(data: bytes) -> None:
    try:
        events = read_events(io.BytesIO(data))
        build_report(events, events.format)
    except ProgressParseError:
        pass
