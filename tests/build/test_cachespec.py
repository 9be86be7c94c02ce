"""Cache shorthands, full specs, and credential stripping: pure functions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from arxdocker.build.cachespec import (
    expand,
    gha_environment_missing,
    parse_spec,
    plan,
    render_spec,
    spec_type,
    strip_credentials,
)
from arxdocker.errors import ArxError


def test_registry_shorthand_imports_and_exports_with_max_mode() -> None:
    result = expand("registry:localhost:5000/app:cache")
    assert result.cache_from == ("type=registry,ref=localhost:5000/app:cache",)
    assert result.cache_to == (
        "type=registry,ref=localhost:5000/app:cache,mode=max,ignore-error=true",
    )
    assert result.kinds == ("registry",)


def test_local_shorthand_exports_to_a_fresh_folder_beside_the_cache() -> None:
    result = expand("local:.cache/bk/", staging_suffix="42")
    assert result.cache_from == ("type=local,src=.cache/bk",)
    assert result.cache_to == ("type=local,dest=.cache/bk.arxdocker-new-42,mode=max",)
    (swap,) = result.local_swaps
    assert (swap.final, swap.staging) == (".cache/bk", ".cache/bk.arxdocker-new-42")


def test_inline_imports_from_the_first_tag() -> None:
    result = expand("inline", tags=("reg/app:1", "reg/app:latest"))
    assert result.cache_from == ("type=registry,ref=reg/app:1",)
    assert result.cache_to == ("type=inline",)


def test_inline_without_a_tag_is_a_one_line_error() -> None:
    with pytest.raises(ArxError, match="needs a tag"):
        expand("inline")


@pytest.mark.parametrize(("value", "scope"), [("gha", "buildkit"), ("gha:web", "web")])
def test_gha_scope_and_no_token_on_the_command_line(value: str, scope: str) -> None:
    result = expand(value)
    assert result.cache_from == (f"type=gha,scope={scope}",)
    assert result.cache_to == (f"type=gha,scope={scope},mode=max",)
    assert "token" not in "".join(result.cache_to)


def test_gha_needs_the_actions_environment() -> None:
    gha = expand("gha")
    assert gha_environment_missing(gha, {}) == ["ACTIONS_CACHE_URL", "ACTIONS_RUNTIME_TOKEN"]
    env = {"ACTIONS_CACHE_URL": "https://x/", "ACTIONS_RUNTIME_TOKEN": "t"}
    assert gha_environment_missing(gha, env) == []
    assert gha_environment_missing(expand("registry:r/a:c"), {}) == []


def test_none_adds_nothing() -> None:
    result = expand("none")
    assert (result.cache_from, result.cache_to) == ((), ())


@pytest.mark.parametrize("bad", ["s3", "registry:", "local:", "inline:x", "nope:1"])
def test_unknown_shorthands_name_the_choices(bad: str) -> None:
    with pytest.raises(ArxError) as caught:
        expand(bad)
    assert "registry:REF" in str(caught.value)


def test_full_specs_pass_through_untouched() -> None:
    spec = "type=registry,ref=r/a:c,mode=max,oci-mediatypes=true,compression=zstd"
    result = plan(("registry:r/b:c",), cache_from=("type=local,src=/x",), cache_to=(spec,))
    assert result.cache_to[-1] == spec
    assert result.cache_from == ("type=registry,ref=r/b:c", "type=local,src=/x")
    assert result.kinds == ("registry", "local")


def test_bare_ref_is_a_registry_spec() -> None:
    assert parse_spec("user/app:cache") == {"type": "registry", "ref": "user/app:cache"}
    assert spec_type("user/app:cache") == "registry"


_value = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"\r\n'),
    max_size=12,
)
_key = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)


@given(st.dictionaries(_key, _value, min_size=1, max_size=5))
def test_render_then_parse_round_trips(fields: dict[str, str]) -> None:
    fields = {key: value.strip() for key, value in fields.items()}
    assert parse_spec(render_spec(fields)) == fields


def test_credentials_are_stripped_for_the_record() -> None:
    spec = "type=gha,scope=web,url=https://user:pw@cache.example/,token=abc123"
    clean = strip_credentials(spec)
    assert "abc123" not in clean and "pw" not in clean
    assert clean == "type=gha,scope=web,url=https://cache.example/"
    s3 = "type=s3,bucket=b,access_key_id=AK,secret_access_key=SK,session_token=ST"
    assert strip_credentials(s3) == "type=s3,bucket=b"
