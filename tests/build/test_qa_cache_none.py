"""`--cache none` with another `--cache` is a usage error, not one of them silently dropped."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from arxdocker.build.cachespec import require_none_alone
from arxdocker.build.request import make_settings
from arxdocker.commands import build as build_command
from arxdocker.errors import ArxError

MESSAGE = "--cache none cannot be combined with other --cache values"


@pytest.mark.parametrize(
    "shorthands",
    [("local:/tmp/x", "none"), ("none", "local:/tmp/x"), (" None ", "gha"), ("none", "inline")],
)
def test_none_with_another_cache_is_refused(shorthands: tuple[str, ...]) -> None:
    with pytest.raises(ArxError) as caught:
        require_none_alone(shorthands)
    assert str(caught.value) == MESSAGE


@pytest.mark.parametrize("shorthands", [(), ("none",), ("none", "NONE"), ("local:/x", "gha")])
def test_none_alone_or_no_none_is_fine(shorthands: tuple[str, ...]) -> None:
    require_none_alone(shorthands)


@pytest.mark.parametrize("order", [("local:/tmp/x", "none"), ("none", "local:/tmp/x")])
def test_build_refuses_none_with_a_local_cache(tmp_path: Path, order: tuple[str, str]) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    parser = argparse.ArgumentParser()
    build_command.configure(parser)
    args = parser.parse_args([str(tmp_path), "--cache", order[0], "--cache", order[1]])
    with pytest.raises(ArxError) as caught:
        make_settings(args, {}, stderr_is_tty=False)
    assert str(caught.value) == MESSAGE
