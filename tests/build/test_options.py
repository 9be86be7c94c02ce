"""`BuildOptions` to buildx's argv and to python-on-whales' kwargs: the two must agree."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arxdocker.build.options import BuildOptions, NotExpressible, buildx_argv, whales_kwargs


def whales_argv(options: BuildOptions, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The argv python-on-whales would run for `whales_kwargs(options)`, without running it."""
    from python_on_whales import docker
    from python_on_whales.components.buildx import cli_wrapper

    seen: list[list[str]] = []

    def capture(full_cmd: Any, env: Any = None) -> Any:
        seen.append([str(part) for part in full_cmd])
        return iter(())

    monkeypatch.setattr(cli_wrapper, "stream_buildx_logs", capture)
    docker.buildx.build(**whales_kwargs(options))
    return seen[0]


_word = st.from_regex(r"[a-z][a-z0-9._-]{0,10}", fullmatch=True)
_options = st.builds(
    BuildOptions,
    context=_word,
    file=st.none() | _word,
    tags=st.lists(_word, max_size=2).map(tuple),
    target=st.none() | _word,
    build_args=st.dictionaries(
        st.from_regex(r"[A-Z][A-Z0-9_]{0,6}", fullmatch=True).filter(
            lambda n: not any(w in n for w in ("KEY", "AUTH", "CERT", "TOKEN", "SECRET"))
        ),
        _word,
        max_size=3,
    ).map(lambda d: tuple(d.items())),
    platforms=st.lists(st.sampled_from(["linux/amd64", "linux/arm64"]), max_size=2).map(tuple),
    builder=st.none() | _word,
    load=st.booleans(),
    push=st.booleans(),
    no_cache=st.booleans(),
    cache_from=st.lists(_word.map(lambda w: f"type=registry,ref=r/{w}"), max_size=2).map(tuple),
    cache_to=st.lists(_word.map(lambda w: f"type=local,dest=/c/{w}"), max_size=1).map(tuple),
    secrets=st.lists(_word.map(lambda w: f"id={w}"), max_size=2).map(tuple),
    metadata_file=st.none() | _word,
)


# No deadline: python-on-whales' first call finds the docker binary, which can take 0.5 s.
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(options=_options)
def test_argv_is_what_python_on_whales_would_run(
    options: BuildOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv, env = buildx_argv(options)
    assert env == {}
    theirs = whales_argv(options, monkeypatch)
    assert theirs[0].endswith("docker")  # python-on-whales resolves the binary's full path
    assert argv[1:] == theirs[1:]


def test_secret_looking_build_args_go_by_name_with_the_value_in_the_environment() -> None:
    options = BuildOptions(build_args=(("NPM_TOKEN", "s3cr3t"), ("MODE", "prod")))
    argv, env = buildx_argv(options)
    assert "s3cr3t" not in " ".join(argv)
    assert argv[argv.index("NPM_TOKEN") - 1] == "--build-arg"
    assert "MODE=prod" in argv
    assert env == {"NPM_TOKEN": "s3cr3t"}


def test_rawjson_and_extra_args_before_the_context() -> None:
    options = BuildOptions(
        context="ctx",
        cache_to=("type=inline", "type=local,dest=/x"),
        extra_args=("--ssh", "default"),
    )
    argv, _ = buildx_argv(options)
    assert argv[:5] == ["docker", "buildx", "build", "--progress", "rawjson"]
    assert argv[-3:] == ["--ssh", "default", "ctx"]
    assert argv.count("--cache-to") == 2


def test_what_python_on_whales_cannot_express_is_said() -> None:
    with pytest.raises(NotExpressible):
        whales_kwargs(BuildOptions(cache_to=("type=inline", "type=local,dest=/x")))
    with pytest.raises(NotExpressible):
        whales_kwargs(BuildOptions(extra_args=("--ssh", "default")))
