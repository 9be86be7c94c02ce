"""The capability check decides before the build whether the builder can export the cache."""

from __future__ import annotations

from arxdocker.build.capability import BuilderInfo, export_problems

SPECS = (
    "type=registry,ref=r/a:c,mode=max",
    "type=local,dest=/tmp/x",
    "type=inline",
    "type=gha,scope=s",
)


def test_docker_driver_without_containerd_store_cannot_export_registry_local_gha() -> None:
    problems = export_problems(SPECS, BuilderInfo("default", "docker", containerd_store=False))
    assert [problem.spec for problem in problems] == [SPECS[0], SPECS[1], SPECS[3]]
    message = problems[0].message
    assert "docker driver without the containerd image store" in message
    assert "type=registry" in message
    assert "containerd-snapshotter" in problems[0].hint
    assert "--cache-optional" in problems[0].hint


def test_containerd_store_and_other_drivers_can_export() -> None:
    assert export_problems(SPECS, BuilderInfo("default", "docker", containerd_store=True)) == []
    assert export_problems(SPECS, BuilderInfo("ci", "docker-container")) == []


def test_unknown_store_is_not_guessed_as_a_problem() -> None:
    assert export_problems(SPECS, BuilderInfo("default", "docker", containerd_store=None)) == []
