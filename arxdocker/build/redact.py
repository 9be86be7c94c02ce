"""Keep secret-looking build-arg values out of everything arxdocker prints or stores.

A build arg is secret-looking when its name contains token, secret, password, passwd, key,
credential, auth or cert (any case). Its value is replaced by `***` in every text arxdocker emits:
progress output, log tails, errors and the build record. The real fix is `--secret`; arxdocker
says so when it sees one.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from arxdocker.analysis.report import Report, Step

SECRET_NAME = re.compile(r"token|secret|password|passwd|key|credential|auth|cert", re.IGNORECASE)
MASK = "***"
_DATA_FIELD = re.compile(rb'("data":\s*")([A-Za-z0-9+/=]*)(")')


def looks_secret(name: str) -> bool:
    return bool(SECRET_NAME.search(name))


def secret_values(build_args: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The values to hide, longest first so that overlapping values are masked whole."""
    values = {value for name, value in build_args if value and looks_secret(name)}
    return tuple(sorted(values, key=len, reverse=True))


def args_for_record(build_args: Iterable[tuple[str, str]]) -> dict[str, str | None]:
    """Build args by name; secret-looking ones keep their name only (value None)."""
    return {name: (None if looks_secret(name) else value) for name, value in build_args}


class Redactor:
    """Masks a fixed set of secret values in text, bytes and rawjson lines."""

    def __init__(self, values: Iterable[str]) -> None:
        self.values = tuple(sorted({v for v in values if v}, key=len, reverse=True))
        self._bytes = tuple(v.encode() for v in self.values)
        self._pattern = (
            re.compile("|".join(re.escape(v) for v in self.values)) if self.values else None
        )

    def __bool__(self) -> bool:
        return bool(self.values)

    def text(self, text: str) -> str:
        return self._pattern.sub(MASK, text) if self._pattern and text else text

    def data(self, data: bytes) -> bytes:
        for value in self._bytes:
            data = data.replace(value, MASK.encode())
        return data

    def rawjson_line(self, line: bytes) -> bytes:
        """A rawjson line with the value masked in plain text and inside base64 log data."""
        if not self._bytes:
            return line
        line = self.data(line)
        return _DATA_FIELD.sub(self._mask_base64, line)

    def _mask_base64(self, match: re.Match[bytes]) -> bytes:
        try:
            decoded = base64.b64decode(match.group(2), validate=True)
        except (binascii.Error, ValueError):
            return match.group(0)
        masked = self.data(decoded)
        if masked == decoded:
            return match.group(0)
        return match.group(1) + base64.b64encode(masked) + match.group(3)

    def deep(self, value: object) -> object:
        """A JSON-like value with every string masked (keys included)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(str(k)): self.deep(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.deep(item) for item in value]
        return value


def redact_report(report: Report, redactor: Redactor) -> Report:
    """The report with every secret value masked in its texts (names, logs, errors)."""
    if not redactor:
        return report

    def step(item: Step) -> Step:
        return replace(
            item,
            name=redactor.text(item.name),
            instruction=redactor.text(item.instruction),
            error=redactor.text(item.error) if item.error else item.error,
            log_tail=tuple(redactor.text(line) for line in item.log_tail),
        )

    failure = report.failure
    if failure is not None:
        failure = replace(
            failure,
            step=redactor.text(failure.step),
            error=redactor.text(failure.error),
            log_tail=tuple(redactor.text(line) for line in failure.log_tail),
        )
    summary = report.summary
    if summary.failed_step:
        summary = replace(summary, failed_step=redactor.text(summary.failed_step))
    return replace(
        report,
        steps=tuple(step(item) for item in report.steps),
        slowest=tuple(step(item) for item in report.slowest),
        failure=failure,
        summary=summary,
        error=redactor.text(report.error) if report.error else report.error,
    )
