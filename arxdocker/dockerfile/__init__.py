"""The Dockerfile parser (faithful to BuildKit's grammar) and the stage model."""

from arxdocker.dockerfile.model import Directive, Dockerfile, Flag, Heredoc, Instruction, Span
from arxdocker.dockerfile.parser import DockerfileParseError, parse_bytes, parse_path, parse_text

__all__ = [
    "Directive",
    "Dockerfile",
    "DockerfileParseError",
    "Flag",
    "Heredoc",
    "Instruction",
    "Span",
    "parse_bytes",
    "parse_path",
    "parse_text",
]
