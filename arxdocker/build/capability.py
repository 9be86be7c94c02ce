"""Can this builder export the cache we are about to ask for? Decided before the build starts.

buildx's `docker` driver exports registry, local and gha cache only when dockerd uses the
containerd image store; other drivers (docker-container, kubernetes, remote) always can.
"""

from __future__ import annotations

from dataclasses import dataclass

from arxdocker.build.cachespec import EXPORTING_TYPES, spec_type


@dataclass(frozen=True, slots=True)
class BuilderInfo:
    name: str
    driver: str
    buildkit_version: str | None = None
    containerd_store: bool | None = None  # only asked for the docker driver
    docker_client: str | None = None
    buildx: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "driver": self.driver,
            "buildkit_version": self.buildkit_version,
            "containerd_image_store": self.containerd_store,
        }


@dataclass(frozen=True, slots=True)
class CapabilityProblem:
    spec: str
    message: str
    hint: str


def export_problems(cache_to: tuple[str, ...], builder: BuilderInfo) -> list[CapabilityProblem]:
    """One problem per `--cache-to` spec this builder cannot export."""
    if builder.driver != "docker" or builder.containerd_store is not False:
        return []
    problems = []
    for spec in cache_to:
        kind = spec_type(spec)
        if kind not in EXPORTING_TYPES:
            continue
        problems.append(
            CapabilityProblem(
                spec,
                f"builder {builder.name!r} uses the docker driver without the containerd image "
                f"store, which cannot export type={kind} cache",
                'enable {"features": {"containerd-snapshotter": true}} in daemon.json, or '
                "`docker buildx create --use --driver docker-container`; "
                "--cache-optional builds without the export",
            )
        )
    return problems
