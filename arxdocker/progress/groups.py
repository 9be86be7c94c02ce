"""Collapse the vertices of one progress group into one vertex, as BuildKit's own display does.

BuildKit runs some instructions as several vertices sharing a `progressGroup`: `COPY --link` is a
copy and a `LINK` merge. Its progress display (and so `--progress=plain`) shows the group as one
vertex, named after the group, that ran from its first member's start to its last member's end.
Applying the same collapse to rawjson events makes both formats show the same steps. The merged
vertex keeps the digest of the group's first member.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from arxdocker.progress.models import SolveStatus, Vertex, VertexLog

# Groups are few in a build; past this many, the oldest are forgotten so memory stays bounded.
_MAX_GROUPS = 4096


@dataclass(slots=True)
class _Group:
    key: str
    name: str
    members: dict[str, Vertex] = field(default_factory=dict)


class ProgressGroups:
    """Rewrites SolveStatus batches so each progress group reads as one vertex."""

    def __init__(self) -> None:
        self._groups: dict[str, _Group] = {}
        self._group_of: dict[str, str] = {}  # member digest -> group id

    def __bool__(self) -> bool:
        """Whether any group has been seen (logs of its members must then be re-keyed)."""
        return bool(self._group_of)

    def apply(self, status: SolveStatus) -> SolveStatus:
        for vertex in status.vertexes:
            if vertex.progress_group is not None:
                break
        else:
            group_of = self._group_of
            if not group_of or all(log.vertex not in group_of for log in status.logs):
                return status
        vertexes = tuple(self._vertex(vertex) for vertex in status.vertexes)
        logs = tuple(self._log(log) for log in status.logs)
        return SolveStatus(vertexes, status.statuses, logs, status.warnings)

    def _vertex(self, vertex: Vertex) -> Vertex:
        progress_group = vertex.progress_group
        if progress_group is None:
            return vertex
        group = self._groups.get(progress_group.id)
        if group is None:
            if len(self._groups) >= _MAX_GROUPS:
                oldest = next(iter(self._groups))
                for digest in self._groups.pop(oldest).members:
                    self._group_of.pop(digest, None)
            # The group goes by its first member's digest, so a step keeps a real vertex digest.
            name = progress_group.name or vertex.name
            group = self._groups[progress_group.id] = _Group(vertex.digest, name)
        group.members[vertex.digest] = vertex
        self._group_of[vertex.digest] = progress_group.id
        return _merged(group)

    def _log(self, log: VertexLog) -> VertexLog:
        group_id = self._group_of.get(log.vertex)
        if group_id is None or group_id not in self._groups:
            return log
        return VertexLog(self._groups[group_id].key, log.stream, log.data, log.timestamp_at)


def _merged(group: _Group) -> Vertex:
    # Members that never started (BuildKit dropped them) do not hold the group open.
    ran = [member for member in group.members.values() if member.started_at is not None]
    started = min((member.started_at for member in ran), default=None)  # type: ignore[type-var]
    ends = [member.completed_at for member in ran]
    completed = max(ends) if ran and None not in ends else None  # type: ignore[type-var]
    return Vertex(
        group.key,
        group.name,
        started_at=started,
        completed_at=completed,
        cached=bool(ran) and all(member.cached for member in ran),
        error=next((member.error for member in ran if member.error), ""),
    )
