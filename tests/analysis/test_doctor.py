"""doctor's judgement over facts: each problem with its fix; exit 1 when the setup cannot work."""

from __future__ import annotations

from dataclasses import replace

import pytest

from arxdocker.analysis.doctor import (
    FAIL,
    OK,
    WARN,
    diagnose,
    exit_code,
    exportable,
    registry_hosts,
    registry_of,
)
from arxdocker.engine.doctor_checks import BuilderFacts, DoctorFacts, RegistryProbe
from arxdocker.engine.du_text import CacheRecord

REGISTRY = "type=registry,ref=127.0.0.1:5000/app:cache"
DEFAULT = BuilderFacts("default", "docker", True, ("default",), "running", "v0.13")
HEALTHY = DoctorFacts(
    docker_host="unix:///run/docker.sock",
    docker_client="28.2.2",
    docker_server="26.1.5",
    buildx="0.13.1",
    containerd_store=True,
    builders=(DEFAULT,),
    selected_builder="default",
    config_source="pyproject.toml",
    cache_from=(REGISTRY,),
    cache_to=(REGISTRY + ",mode=max",),
    registries=(RegistryProbe("127.0.0.1:5000", True, "HTTP 200 over http in 3 ms"),),
    cache_records=(CacheRecord("a", "regular", 2_000_000, True, False),),
)


def by_topic(facts: DoctorFacts) -> dict[str, tuple[str, str, str | None]]:
    return {c.topic: (c.status, c.detail, c.fix) for c in diagnose(facts)}


def test_a_healthy_setup_passes() -> None:
    checks = diagnose(HEALTHY)
    assert exit_code(checks) == 0
    assert {c.status for c in checks} == {OK}
    topics = by_topic(HEALTHY)
    assert topics["builder default (selected)"][1] == (
        "driver docker, endpoint default, running; exports inline, azblob, gha, local, registry, s3"
    )
    assert topics["build cache"][1] == "2.0 MB in 1 records, 2.0 MB reclaimable"


def test_engine_down_is_a_failure_with_its_fix() -> None:
    facts = DoctorFacts(
        docker_host="unix:///nowhere.sock",
        docker_client="28.2.2",
        engine_error="Cannot connect to the Docker daemon at unix:///nowhere.sock.",
    )
    checks = diagnose(facts)
    assert exit_code(checks) == 1
    status, detail, fix = by_topic(facts)["docker engine"]
    assert status == FAIL
    assert detail.startswith("no engine answers at DOCKER_HOST=unix:///nowhere.sock")
    assert fix and "DOCKER_HOST" in fix


def test_classic_store_cannot_export_the_configured_registry_cache() -> None:
    facts = replace(HEALTHY, containerd_store=False)
    topics = by_topic(facts)
    assert topics["image store"][0] == WARN
    assert topics["builder default (selected)"][1].endswith("exports inline")
    status, detail, fix = topics["cache export"]
    assert status == FAIL and "cannot export type=registry cache" in detail
    assert fix and "containerd-snapshotter" in fix
    assert exit_code(diagnose(facts)) == 1


def test_a_docker_container_builder_exports_on_a_classic_store() -> None:
    builder = BuilderFacts("ci", "docker-container", True, ("unix:///x",), "running")
    assert "registry" in exportable(builder, containerd_store=False)
    facts = replace(
        HEALTHY, containerd_store=False, builders=(DEFAULT, builder), selected_builder="ci"
    )
    assert exit_code(diagnose(facts)) == 0


def test_registry_down_fails() -> None:
    probe = RegistryProbe("127.0.0.1:5000", False, "http: Connection refused")
    facts = replace(HEALTHY, registries=(probe,))
    status, detail, fix = by_topic(facts)["registry 127.0.0.1:5000"]
    assert status == FAIL and "Connection refused" in detail
    assert detail.endswith("so the build fails")
    assert fix and fix.startswith("start the registry at 127.0.0.1:5000")


def test_registry_down_only_warns_when_its_export_ignores_errors() -> None:
    """`ignore-error=true` (what arxdocker's shorthands compose): the build runs uncached."""
    probe = RegistryProbe("127.0.0.1:5000", False, "http: Connection refused")
    facts = replace(HEALTHY, registries=(probe,), cache_to=(REGISTRY + ",ignore-error=true",))
    status, detail, _ = by_topic(facts)["registry 127.0.0.1:5000"]
    assert status == WARN and detail.endswith("so builds run without this cache")
    assert exit_code(diagnose(facts)) == 0


def test_no_cache_config_only_warns() -> None:
    facts = replace(HEALTHY, cache_from=(), cache_to=(), registries=())
    assert by_topic(facts)["cache config"][0] == WARN
    assert exit_code(diagnose(facts)) == 0


def test_a_broken_selected_builder_fails_and_a_large_cache_warns() -> None:
    broken = replace(DEFAULT, error="context deadline exceeded")
    facts = replace(HEALTHY, builders=(broken,))
    assert by_topic(facts)["builder default (selected)"][0] == FAIL
    topics = {c.topic: c for c in diagnose(HEALTHY, large_bytes=1_000_000)}
    assert topics["build cache"].status == WARN
    assert "arxdocker cache prune" in (topics["build cache"].fix or "")


@pytest.mark.parametrize(
    ("ref", "host"),
    [
        ("registry.example/app:cache", "registry.example"),
        ("127.0.0.1:5000/app:cache", "127.0.0.1:5000"),
        ("localhost/app", "localhost"),
        ("user/app:cache", "docker.io"),
        ("app", "docker.io"),
    ],
)
def test_registry_of(ref: str, host: str) -> None:
    assert registry_of(ref) == host


def test_registry_hosts_of_specs() -> None:
    specs = (REGISTRY, REGISTRY + ",mode=max", "type=local,src=x", "type=gha", "ghcr.io/o/a:c")
    assert registry_hosts(specs) == ["127.0.0.1:5000", "ghcr.io"]


def test_a_named_builder_that_does_not_exist_fails() -> None:
    facts = replace(HEALTHY, selected_builder="ci")
    status, detail, fix = by_topic(facts)["builder ci"]
    assert status == FAIL and detail.startswith("does not exist")
    assert fix and "docker buildx create --name ci" in fix
    assert by_topic(facts)["builder default"][0] == OK  # listed, not marked selected


ENGINE_DOWN = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock."


def test_engine_down_still_reports_a_missing_buildx_plugin() -> None:
    facts = DoctorFacts(docker_host="unix:///var/run/docker.sock (default)",
                        docker_client="28.2.2", engine_error=ENGINE_DOWN)  # fmt: skip
    topics = by_topic(facts)
    assert topics["docker engine"][0] == FAIL
    status, detail, fix = topics["buildx"]
    assert (status, detail) == (FAIL, "the buildx plugin does not run")
    assert fix and "docker-buildx" in fix


def test_engine_down_still_reports_a_builder_that_does_not_exist() -> None:
    broken = BuilderFacts("default", None, True, error=ENGINE_DOWN)
    facts = DoctorFacts(docker_host="unix:///var/run/docker.sock (default)",
                        docker_client="28.2.2", engine_error=ENGINE_DOWN, buildx="0.13.1",
                        builders=(broken,), selected_builder="ci")  # fmt: skip
    topics = by_topic(facts)
    assert topics["buildx"][0] == OK
    assert topics["builder ci"][0] == FAIL and topics["builder ci"][1].startswith("does not exist")
    # the engine's own error is said once, not again for every builder on it
    assert "builder default" not in topics and "builder default (selected)" not in topics
    assert [c.status for c in diagnose(facts)].count(FAIL) == 2


@pytest.mark.parametrize(
    ("context", "host", "error", "detail", "fix"),
    [
        (None, "garbage://x",
         "Failed to initialize: unable to resolve docker endpoint: invalid bind address format: "
         "garbage://x",
         "DOCKER_HOST=garbage://x is not an endpoint docker can use: invalid bind address format: "
         "garbage://x",
         "set DOCKER_HOST to unix:///var/run/docker.sock"),
        ("nosuch", "unix:///var/run/docker.sock (default)",
         'Failed to initialize: unable to resolve docker endpoint: context "nosuch": context not '
         "found: open /root/.docker/contexts/meta/9e/meta.json: no such file or directory",
         'DOCKER_CONTEXT=nosuch cannot be used: context "nosuch": context not found: open',
         "unset DOCKER_CONTEXT"),
    ],
)  # fmt: skip
def test_an_endpoint_docker_cannot_use_names_the_variable_not_the_cli(
    context: str | None, host: str, error: str, detail: str, fix: str
) -> None:
    facts = DoctorFacts(docker_host=host, docker_client="28.2.2", docker_context=context,
                        engine_error=error)  # fmt: skip
    checks = diagnose(facts)
    topics = {c.topic: c for c in checks}
    assert topics["docker client"].status == OK
    endpoint = topics["docker endpoint"]
    assert endpoint.status == FAIL and endpoint.detail.startswith(detail)
    assert endpoint.fix and endpoint.fix.startswith(fix)
    # buildx could not run either, and that is not its fault
    assert "buildx" not in topics and "docker engine" not in topics
    assert exit_code(checks) == 1
