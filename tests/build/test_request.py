"""Flags override the config file; `--cache none` drops the config's cache."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from arxdocker.build.request import make_settings, parse_build_args, split_positionals
from arxdocker.commands import build as build_command
from arxdocker.errors import ArxError


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    build_command.configure(parser)
    return parser.parse_args(argv)


@pytest.fixture
def context(tmp_path: Path) -> Path:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / "pyproject.toml").write_text(
        "[tool.arxdocker]\n"
        'cache = ["registry:reg/app:cache"]\n'
        'build_args = { MODE = "prod", LEVEL = "1" }\n'
        "min_hit_rate = 80\n"
        'progress = "quiet"\n'
        "[tool.arxdocker.targets.test]\n"
        'cache = ["local:.c"]\n'
    )
    return tmp_path


def test_config_defaults_apply(context: Path) -> None:
    settings = make_settings(parse(str(context)), {}, stderr_is_tty=True)
    request = settings.request
    assert request.cache.cache_from == ("type=registry,ref=reg/app:cache",)
    assert dict(request.options.build_args) == {"MODE": "prod", "LEVEL": "1"}
    assert request.min_hit_rate == 80.0
    assert settings.progress == "quiet"
    assert settings.history == context / ".arxdocker" / "history.jsonl"


def test_flags_override_config(context: Path) -> None:
    args = parse(str(context), "--cache", "inline", "-t", "r/a:1", "--build-arg", "MODE=dev",
                 "--min-hit-rate", "50", "--progress", "plain", "--target", "test")  # fmt: skip
    settings = make_settings(args, {}, stderr_is_tty=True)
    request = settings.request
    assert request.cache.cache_to == ("type=inline",)
    assert dict(request.options.build_args) == {"MODE": "dev", "LEVEL": "1"}
    assert request.min_hit_rate == 50.0
    assert settings.progress == "plain"


def test_target_table_applies(context: Path) -> None:
    settings = make_settings(parse(str(context), "--target", "test"), {}, stderr_is_tty=False)
    assert settings.request.cache.kinds == ("local",)


def test_cache_none_drops_config_but_keeps_explicit_specs(context: Path) -> None:
    args = parse(str(context), "--cache", "none", "--cache-from", "type=local,src=/x")
    request = make_settings(args, {}, stderr_is_tty=False).request
    assert request.cache.cache_from == ("type=local,src=/x",)
    assert request.cache.cache_to == ()


def test_auto_progress_follows_the_terminal(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    assert make_settings(parse(str(tmp_path)), {}, stderr_is_tty=True).progress == "tty"
    assert make_settings(parse(str(tmp_path)), {}, stderr_is_tty=False).progress == "plain"


def test_extra_buildx_args_after_the_context() -> None:
    assert split_positionals(["ctx", "--ssh", "default"]) == ("ctx", ("--ssh", "default"))
    assert split_positionals(["--ssh", "default"]) == (".", ("--ssh", "default"))
    assert split_positionals([]) == (".", ())


def test_build_arg_without_value_reads_the_environment() -> None:
    env = {"NPM_TOKEN": "t0k"}
    assert parse_build_args(["NPM_TOKEN", "UNSET", "A=1"], env) == (
        ("NPM_TOKEN", "t0k"),
        ("A", "1"),
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--min-hit-rate", "120"], "is more than 100%"),
        (["--min-hit-rate", "0.8"], "--min-hit-rate 0.8 reads as 0.8%, not 80%"),
        (["--cache", "gha"], "ACTIONS_CACHE_URL"),
        (["-f", "/nonexistent/Dockerfile"], "not found"),
        (["--cache", "inline"], "needs a tag"),
    ],
)
def test_usage_errors_are_one_line(tmp_path: Path, argv: list[str], message: str) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    with pytest.raises(ArxError, match=message):
        make_settings(parse(str(tmp_path), *argv), {}, stderr_is_tty=False)


def test_ci_without_a_cache_uses_the_cache_ref_per_target(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    environ = {"GITLAB_CI": "true", "ARXDOCKER_CACHE_REF": "reg.example/g/cache"}
    request = make_settings(parse(str(tmp_path), "--target", "test"), environ, stderr_is_tty=False)
    assert request.request.cache.cache_to == (
        "type=registry,ref=reg.example/g/cache/test:cache,mode=max,ignore-error=true",
    )
    github = {"GITHUB_ACTIONS": "true", "ACTIONS_CACHE_URL": "u", "ACTIONS_RUNTIME_TOKEN": "t"}
    gha = make_settings(parse(str(tmp_path)), github, stderr_is_tty=False).request.cache
    assert gha.cache_to == ("type=gha,scope=buildkit,mode=max,ignore-error=true",)
    # a configured or given cache wins, and outside CI nothing is added
    given = parse(str(tmp_path), "--cache", "none")
    assert make_settings(given, environ, stderr_is_tty=False).request.cache.cache_to == ()
    assert make_settings(parse(str(tmp_path)), {}, stderr_is_tty=False).request.cache.kinds == ()


def test_ci_cache_ref_is_lowered_for_the_registry(tmp_path: Path) -> None:
    """A folder (MyApp) or an owner (Acme) with capitals would give a ref registries refuse,
    and with ignore-error=true the cache would never be saved, without a word."""
    context = tmp_path / "MyApp"
    context.mkdir()
    (context / "Dockerfile").write_text("FROM scratch\n")
    environ = {"GITHUB_ACTIONS": "true", "ARXDOCKER_CACHE_REF": "ghcr.io/Acme/cache"}
    request = make_settings(parse(str(context)), environ, stderr_is_tty=False)
    assert request.request.cache.cache_to == (
        "type=registry,ref=ghcr.io/acme/cache/myapp:cache,mode=max,ignore-error=true",
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["build", ".", "--record", "r.json", "--", "--label", "qa=1"],
        ["build", "--record", "r.json", ".", "--", "--label", "qa=1"],
        ["build", ".", "--", "--label", "qa=1"],
        ["benchmark", ".", "-n", "1", "--", "--label", "qa=1"],
    ],
)
def test_buildx_args_after_double_dash_wherever_the_options_are(argv: list[str]) -> None:
    from arxdocker.cli import parse_arguments

    _, args = parse_arguments(argv)
    assert split_positionals(args.context) == (".", ("--label", "qa=1"))


def test_double_dash_without_a_context_builds_the_current_folder() -> None:
    from arxdocker.cli import parse_arguments

    _, args = parse_arguments(["build", "--progress", "quiet", "--", "--ssh", "default"])
    assert split_positionals(args.context) == (".", ("--ssh", "default"))
    # Other commands keep `--` as the end of options: a path that starts with a dash.
    _, lint_args = parse_arguments(["lint", "--", "-odd.Dockerfile"])
    assert "-odd.Dockerfile" in str(vars(lint_args))
