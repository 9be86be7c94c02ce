"""What the oracle cannot check: exact columns, parsed flag options, directives, the stage model,
ARG/ENV scope and ${VAR:-default} expansion."""

from __future__ import annotations

import pytest

from arxdocker.dockerfile import DockerfileParseError, Span, parse_text
from arxdocker.dockerfile.expand import expand
from arxdocker.dockerfile.stages import build_stages

TEXT = (
    "# syntax=docker/dockerfile:1\n"
    "# escape=\\\n"
    "ARG BASE=python:3.12-slim\n"
    "ARG VERSION\n"
    "FROM ${BASE} AS Deps\n"
    "  RUN --mount=type=cache,target=/root/.cache/pip,sharing=locked \\\n"
    "      --network=none pip install -r requirements.txt\n"
    "ENV HOME_DIR=/srv APP=${HOME_DIR}/app\n"
    "ARG VERSION\n"
    "ARG MODE=${MODE:-release}\n"
    "COPY --chown=1000:1000 --link <<EOF /etc/app.conf\n"
    "mode=release\n"
    "EOF\n"
    "FROM deps AS final\n"
    "COPY --from=deps /srv /srv\n"
)


def test_spans_are_exact() -> None:
    parsed = parse_text(TEXT)
    run = parsed.instructions[3]
    assert run.span == Span(6, 3, 7, 53)
    copy = parsed.instructions[7]
    assert (copy.span.line, copy.span.end_line, copy.span.end_column) == (11, 13, 4)
    assert copy.heredocs[0].content == "mode=release\n"
    assert (copy.heredocs[0].line, copy.heredocs[0].end_line) == (12, 13)


def test_flags_and_directives() -> None:
    parsed = parse_text(TEXT)
    run = parsed.instructions[3]
    assert run.cache_mounts() == [
        {"type": "cache", "target": "/root/.cache/pip", "sharing": "locked"}
    ]
    assert run.flag("network").value == "none"
    copy = parsed.instructions[7]
    assert (copy.flag("chown").value, copy.flag("link").value) == ("1000:1000", None)
    assert [(d.name, d.value, d.line) for d in parsed.directives] == [
        ("syntax", "docker/dockerfile:1", 1),
        ("escape", "\\", 2),
    ]


def test_stage_model_and_scope() -> None:
    model = build_stages(parse_text(TEXT))
    deps, final = model.stages
    assert (deps.name, deps.base, deps.base_stage) == ("deps", "python:3.12-slim", None)
    assert (final.name, final.base_stage) == ("final", 0)
    copy = deps.instructions[-1]
    scope = model.scope(copy)
    assert scope["APP"] == "/app"  # pairs of one ENV expand with the values from before it
    assert scope["VERSION"] is None and scope["MODE"] == "release"
    assert model.scope(final.instructions[0])["HOME_DIR"] == "/srv"  # ENV is inherited
    assert "MODE" not in model.scope(final.instructions[0])  # ARG is not
    assert model.referenced() == {0}


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("${A:-x}", {}, "x"),
        ("${A:-x}", {"A": ""}, "x"),
        ("${A-x}", {"A": ""}, ""),
        ("${A:+set}", {"A": "1"}, "set"),
        ("$A/b", {"A": "a"}, "a/b"),
        ("\\$A", {"A": "a"}, "$A"),
        ("${A:-${B:-deep}}", {}, "deep"),
    ],
)
def test_expand(text: str, env: dict, expected: str) -> None:
    assert expand(text, env) == expected


def test_parse_error_names_the_file_and_line() -> None:
    with pytest.raises(DockerfileParseError) as error:
        parse_text("FROM a\nENV x\n", "app/Dockerfile")
    assert str(error.value) == "app/Dockerfile:2: ENV must have two arguments"


@pytest.mark.parametrize(
    ("script", "words"),
    [
        (
            "apt-get install -y $(cat packages.txt) nginx=${NGINX_VERSION}-1",
            [("apt-get", "install", "-y", "$(cat packages.txt)", "nginx=${NGINX_VERSION}-1")],
        ),
        (
            "pip install -r ${REQS:-requirements.txt} && echo $(date)",
            [("pip", "install", "-r", "${REQS:-requirements.txt}"), ("echo", "$(date)")],
        ),
        ("(cd src && make)", [("cd", "src"), ("make",)]),  # a subshell's commands still count
    ],
)
def test_expansions_are_single_words(script: str, words: list[tuple[str, ...]]) -> None:
    from arxdocker.dockerfile.shell import commands

    found = commands(script)
    assert [command.words for command in found] == words
    assert found[0].text() == script.split(" && ", maxsplit=1)[0].strip("()")


def test_a_single_quoted_dollar_paren_is_literal() -> None:
    from arxdocker.dockerfile.shell import commands

    found = commands("echo '$(' && pip install flask && echo done")
    assert [c.words[0] for c in found] == ["echo", "pip", "echo"]
    assert commands('echo "$HOME dir"')[0].text() == "echo '$HOME dir'"
