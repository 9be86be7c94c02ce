"""Help texts name what works for the stage: ARX003's mount (ENV, base image, USER), ARX001's."""

from __future__ import annotations

import pytest


def _help(linter, text: str) -> list[str]:
    return [f.help or "" for f in linter.findings(text.lstrip("\n"), "ARX003")]


@pytest.mark.parametrize(
    ("dockerfile", "expected"),
    [
        (  # the stage's ENV moves the cache
            "FROM golang:1.22\nENV GOMODCACHE=/gomod GOCACHE=/gobuild\nRUN go build .\n",
            "Add `RUN --mount=type=cache,target=/gomod --mount=type=cache,target=/gobuild`",
        ),
        (  # the official ruby images' GEM_HOME
            "FROM ruby:3.3-slim\nCOPY Gemfile* ./\nRUN bundle install\n",
            "Add `RUN --mount=type=cache,target=/usr/local/bundle/cache`",
        ),
        (  # a numeric USER: the mount must be theirs
            "FROM rust:1.80\nUSER 10001:10002\nRUN cargo fetch\n",
            "target=/usr/local/cargo/registry,uid=10001,gid=10002`",
        ),
        (  # what turns the cache off is named
            "FROM alpine:3.20\nRUN apk add --no-cache curl\n",
            ", and drop `--no-cache`, which keeps the tool from caching",
        ),
        (
            "FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=1\nRUN pip install -r r.txt\n",
            ", and drop `PIP_NO_CACHE_DIR`, which keeps the tool from caching",
        ),
    ],
)
def test_help_names_the_mount_that_works(linter, dockerfile: str, expected: str) -> None:
    (found,) = _help(linter, dockerfile)
    assert expected in found


@pytest.mark.parametrize(
    ("dockerfile", "expected"),
    [
        (  # the manifest as the context has it, not as the image does
            "FROM python:3.12\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n",
            "Copy requirements.txt first and run the pip install before `COPY . /app`",
        ),
        (  # a build cannot run before its sources: the dependencies are fetched alone
            "FROM rust:1.80\nWORKDIR /src\nCOPY . .\nRUN cargo build --release\n",
            "Copy Cargo.toml Cargo.lock first and fetch the dependencies there with `cargo fetch`",
        ),
        (
            "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n",
            "fetch the dependencies there with `go mod download`; the build stays after",
        ),
    ],
)
def test_arx001_help_says_what_to_move(linter, dockerfile: str, expected: str) -> None:
    (found,) = [f.help or "" for f in linter.findings(dockerfile, "ARX001")]
    assert expected in found
