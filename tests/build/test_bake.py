"""`arxdocker bake`'s pure parts: the definition's targets, per-target cache sets, buildx's argv."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxdocker.build.bake import (
    BakeCache,
    BakeTarget,
    build_argv,
    cache_for,
    family,
    ownership,
    stage_needs,
    targets_of,
)
from arxdocker.errors import ArxError

REPO = Path(__file__).resolve().parents[2]
# `docker buildx bake --print webapp webapp-test docsite` of the repository's docker-bake.hcl
DEFINITION = {
    "group": {"default": {"targets": ["webapp", "webapp-test", "docsite"]}},
    "target": {
        "docsite": {
            "context": "dockerfiles/docsite",
            "dockerfile": "Dockerfile",
            "args": {"BASE_IMAGE": "arxdocker/busybox:1"},
            "tags": ["arxdocker/example-docsite:dev"],
        },
        "webapp": {
            "context": "dockerfiles/webapp",
            "dockerfile": "Dockerfile",
            "args": {"BASE_IMAGE": "arxdocker/busybox:1"},
            "tags": ["arxdocker/example-webapp:dev"],
            "target": "runtime",
        },
        "webapp-test": {
            "context": "dockerfiles/webapp",
            "dockerfile": "Dockerfile",
            "args": {"BASE_IMAGE": "arxdocker/busybox:1"},
            "target": "test",
        },
    },
}


def test_targets_resolve_context_and_dockerfile_against_the_bake_folder() -> None:
    targets = {target.name: target for target in targets_of(DEFINITION, REPO)}
    assert targets["webapp"].context == REPO / "dockerfiles" / "webapp"
    assert targets["webapp"].dockerfile == REPO / "dockerfiles" / "webapp" / "Dockerfile"
    assert targets["webapp"].stage == "runtime"
    assert targets["docsite"].stage is None
    assert targets["webapp"].args == (("BASE_IMAGE", "arxdocker/busybox:1"),)
    assert family(targets["webapp"]) == family(targets["webapp-test"]) != family(targets["docsite"])


def test_stage_needs_follow_from_and_copy_from() -> None:
    targets = {target.name: target for target in targets_of(DEFINITION, REPO)}
    assert stage_needs(targets["webapp"]) == {
        "deps", "build", "runtime", "stage-0", "stage-1", "stage-3"
    }  # fmt: skip
    assert stage_needs(targets["webapp-test"]) == {"deps", "test", "stage-0", "stage-2"}
    owners = ownership(list(targets.values()))
    assert owners.families["webapp"] == owners.families["webapp-test"]


def test_registry_cache_is_one_ref_per_target_with_mode_max_and_ignore_error() -> None:
    cache = cache_for(["app", "test"], "registry:127.0.0.1:5000/cache/")
    assert cache.sets == (
        "app.cache-from=type=registry,ref=127.0.0.1:5000/cache/app:cache",
        "app.cache-to=type=registry,ref=127.0.0.1:5000/cache/app:cache,mode=max,ignore-error=true",
        "test.cache-from=type=registry,ref=127.0.0.1:5000/cache/test:cache",
        "test.cache-to=type=registry,ref=127.0.0.1:5000/cache/test:cache,mode=max,ignore-error=true",
    )
    assert cache.plan_of("app").kinds == ("registry",)


def test_local_cache_is_a_folder_per_target_swapped_in_after_success() -> None:
    cache = cache_for(["app"], "local:.cache/bake", staging_suffix="1")
    assert cache.sets == (
        "app.cache-from=type=local,src=.cache/bake/app",
        "app.cache-to=type=local,dest=.cache/bake/app.arxdocker-new-1,mode=max,ignore-error=true",
    )
    (swap,) = cache.plan_of("app").local_swaps
    assert swap.final == ".cache/bake/app"


def test_gha_scopes_per_target_and_none_sets_nothing() -> None:
    assert cache_for(["app"], "gha").sets == (
        "app.cache-from=type=gha,scope=app",
        "app.cache-to=type=gha,scope=app,mode=max,ignore-error=true",
    )
    assert cache_for(["app"], "gha:ci").sets[0] == "app.cache-from=type=gha,scope=ci-app"
    assert cache_for(["app"], "none") == BakeCache() == cache_for(["app"], None)


def test_other_shorthands_are_a_one_line_error() -> None:
    with pytest.raises(ArxError, match="registry:PREFIX"):
        cache_for(["app"], "inline")


def test_argv_asks_for_rawjson_and_passes_files_sets_and_targets() -> None:
    cache = cache_for(["app"], "registry:r/c")
    argv = build_argv(["a.hcl", "b.hcl"], ["*.args.X=1"], ["app"], cache, builder="ci")
    assert argv == [
        "docker", "buildx", "bake", "--file", "a.hcl", "--file", "b.hcl",
        "--set", "*.args.X=1",
        "--set", "app.cache-from=type=registry,ref=r/c/app:cache",
        "--set", "app.cache-to=type=registry,ref=r/c/app:cache,mode=max,ignore-error=true",
        "--builder", "ci", "--progress", "rawjson", "app",
    ]  # fmt: skip


def test_registry_prefix_per_target_is_lowered() -> None:
    cache = cache_for(["App"], "registry:ghcr.io/Acme/cache")
    assert cache.plans["App"].cache_from == ("type=registry,ref=ghcr.io/acme/cache/app:cache",)


def test_args_a_stage_never_declares_do_not_split_its_steps_between_targets() -> None:
    """`--set test.args.FAIL_TESTS=5`: only the test stage declares FAIL_TESTS, so the deps
    stage both targets build is still one set of steps, counted for both, whichever target
    BuildKit names it after."""
    from arxdocker.analysis.report import Step

    targets = {target.name: target for target in targets_of(DEFINITION, REPO)}
    test = targets["webapp-test"]
    test = BakeTarget(test.name, test.context, test.dockerfile, test.stage,
                      (*test.args, ("FAIL_TESTS", "5")))  # fmt: skip
    owners = ownership([targets["webapp"], test])
    assert owners.families["webapp"] != owners.families["webapp-test"]

    def step(target: str, stage: str) -> Step:
        return Step(id=f"#{target}{stage}", name=f"[{target} {stage} 3/4] COPY x y", target=target,
                    platform=None, stage=stage, index=3, total=4, instruction="COPY x y",
                    status="cached", duration_s=0.0, cacheable=True)  # fmt: skip

    assert owners.owners(step("webapp-test", "deps")) == ["webapp", "webapp-test"]
    assert owners.owners(step("webapp", "deps")) == ["webapp", "webapp-test"]
    assert owners.owners(step("webapp-test", "test")) == ["webapp-test"]
    # A different value of an arg the shared stage declares does split it.
    base = BakeTarget(test.name, test.context, test.dockerfile, test.stage,
                      (("BASE_IMAGE", "other:1"),))  # fmt: skip
    assert ownership([targets["webapp"], base]).owners(step("webapp", "deps")) == ["webapp"]
