"""A failed build as a GitHub Actions `::error file=…,line=…::` annotation on its Dockerfile."""

from __future__ import annotations

from arxdocker.render.lint_github import _escape_data, _escape_property


def error_annotation(file: str, line: int | None, title: str, message: str) -> str:
    properties = [f"file={_escape_property(file)}"]
    if line is not None:
        properties.append(f"line={line}")
    properties.append(f"title={_escape_property(title)}")
    return f"::error {','.join(properties)}::{_escape_data(message)}\n"
