from __future__ import annotations

import pytest

from arxdocker.analysis.stepname import parse_step_name


@pytest.mark.parametrize(
    ("name", "bake", "expected"),
    [
        ("[deps 4/4] RUN make", False, (None, None, "deps", 4, 4, "RUN make")),
        ("[ 1/13] FROM alpine", False, (None, None, None, 1, 13, "FROM alpine")),
        ("[stage-1  2/3] COPY . .", False, (None, None, "stage-1", 2, 3, "COPY . .")),
        ("[app base 2/6] RUN x", True, ("app", None, "base", 2, 6, "RUN x")),
        ("[app 2/6] RUN x", True, ("app", None, None, 2, 6, "RUN x")),
        ("[linux/amd64 build 2/5] RUN x", False, (None, "linux/amd64", "build", 2, 5, "RUN x")),
        (
            "[linux/amd64->arm64 build 2/5] RUN x",
            False,
            (None, "linux/amd64->arm64", "build", 2, 5, "RUN x"),
        ),
        ("[app linux/arm64 b 1/2] RUN\nx", True, ("app", "linux/arm64", "b", 1, 2, "RUN\nx")),
    ],
)
def test_instruction_step_names(name: str, bake: bool, expected: tuple[object, ...]) -> None:
    parsed = parse_step_name(name, bake=bake)
    assert parsed is not None
    assert (
        parsed.target,
        parsed.platform,
        parsed.stage,
        parsed.index,
        parsed.total,
        parsed.instruction,
    ) == expected


@pytest.mark.parametrize(
    "name",
    [
        "[internal] load build definition from Dockerfile",
        "[app internal] load .dockerignore",
        "exporting to image",
        "importing cache manifest from 127.0.0.1:5000/app:cache",
        "[auth] library/alpine:pull token for registry-1.docker.io",
    ],
)
def test_internal_vertices_are_not_steps(name: str) -> None:
    assert parse_step_name(name) is None


def test_from_is_the_base_and_not_cacheable() -> None:
    parsed = parse_step_name("[base 1/3] FROM docker.io/library/python:3.12@sha256:abc")
    assert parsed is not None and parsed.is_base and parsed.keyword == "FROM"
    run = parse_step_name("[base 2/3] run apt-get update")
    assert run is not None and not run.is_base and run.keyword == "RUN"
