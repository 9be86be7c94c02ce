"""ARX004 reports each expensive RUN that does not use the per-build value, not the ARG line
(issue 17; the real-world corpus labels those RUNs)."""

from __future__ import annotations

import pytest

CASES = [
    pytest.param(
        """\
FROM golang:1.22
ARG GIT_SHA
RUN apt-get update && apt-get install -y git
RUN mkdir -p /out
RUN go build -ldflags "-X main.commit=$GIT_SHA" -o /out/app .
RUN curl -fsSL https://example.com/tool.tar.gz -o /tmp/tool.tar.gz
""",
        [3, 6],
        id="installs_and_downloads_around_the_consumer",
    ),
    pytest.param(
        """\
FROM node:20 AS base
RUN npm install -g pnpm@9
ARG VERSION
ENV APP_VERSION=$VERSION
RUN pnpm install --frozen-lockfile
FROM base AS web
RUN pnpm run build
RUN corepack prepare pnpm@9 --activate
FROM node:20 AS other
RUN npm ci
""",
        [5, 8],
        id="env_scope_follows_child_stages_and_js_build_reads_env",
    ),
    pytest.param(
        """\
FROM php:8.3-alpine AS base
ARG SHLINK_VERSION=latest
ENV SHLINK_VERSION=${SHLINK_VERSION}
RUN apk add --no-cache icu-dev
FROM base
RUN sed -i "s/%V%/${SHLINK_VERSION}/" /app/version.php
RUN php ./vendor/bin/rr get --location bin/
""",
        [4, 7],
        id="a_script_run_by_an_interpreter_is_judged_as_the_script",
    ),
    pytest.param(
        """\
FROM debian:12
ENV BUILD_DATE=2024-01-01
ARG BUILD_NUMBER
ENV BUILD_NUMBER=7
RUN apt-get update && apt-get install -y curl
""",
        [],
        id="literal_env_values_end_the_scope",
    ),
]


@pytest.mark.parametrize(("text", "lines"), CASES)
def test_arx004_lines(text: str, lines: list[int], linter) -> None:
    findings = linter.findings(text, "ARX004")
    assert sorted(f.line for f in findings if f.code == "ARX004") == lines


def test_arx004_message_names_the_arg_and_its_line(linter) -> None:
    text = "FROM debian:12\nARG GIT_COMMIT\nRUN apt-get update && apt-get install -y curl\n"
    (message,) = linter.messages(text, "ARX004")
    assert message.startswith("ARG GIT_COMMIT (line 2) changes on every build")
