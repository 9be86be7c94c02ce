"""Secret-looking build-arg values never leave arxdocker: text, logs, rawjson, records."""

from __future__ import annotations

import base64
import json

import pytest

from arxdocker.analysis.report import build_report
from arxdocker.build.redact import MASK, Redactor, args_for_record, looks_secret, redact_report
from arxdocker.progress.rawjson import iter_rawjson


@pytest.mark.parametrize(
    "name",
    ["NPM_TOKEN", "github_token", "DB_PASSWORD", "PASSWD", "API_KEY", "AWS_SECRET_ACCESS_KEY",
     "CREDENTIALS", "BASIC_AUTH", "TLS_CERT"],
)  # fmt: skip
def test_secret_looking_names(name: str) -> None:
    assert looks_secret(name)


@pytest.mark.parametrize("name", ["PYTHON_VERSION", "MODE", "BASE_IMAGE", "FAIL_TESTS"])
def test_ordinary_names(name: str) -> None:
    assert not looks_secret(name)


def test_args_are_recorded_by_name_and_secret_values_dropped() -> None:
    recorded = args_for_record([("NPM_TOKEN", "abc"), ("MODE", "prod")])
    assert recorded == {"NPM_TOKEN": None, "MODE": "prod"}


def test_text_bytes_and_nested_values_are_masked() -> None:
    redactor = Redactor(["tok-123", "tok-123456"])
    assert redactor.text("a tok-123456 b tok-123") == f"a {MASK} b {MASK}"
    assert redactor.data(b"xtok-123x") == b"x***x"
    assert redactor.deep({"k": ["tok-123", {"tok-123": 1}]}) == {"k": [MASK, {MASK: 1}]}
    assert not Redactor([""])


def test_rawjson_lines_are_masked_inside_base64_log_data() -> None:
    redactor = Redactor(["s3cr3t-value"])
    payload = base64.b64encode(b"token is s3cr3t-value\n").decode()
    line = f'      "data": "{payload}",\n'.encode()
    masked = redactor.rawjson_line(line)
    decoded = base64.b64decode(masked.split(b'"')[3])
    assert decoded == b"token is ***\n"
    untouched = b'      "data": "aGVsbG8K",\n'
    assert redactor.rawjson_line(untouched) == untouched


def test_report_texts_are_masked() -> None:
    secret = "s3cr3t-value"
    vertex = {
        "digest": "sha256:" + "a" * 64,
        "name": f"[1/2] RUN echo {secret}",
        "started": "2026-01-01T00:00:00Z",
        "completed": "2026-01-01T00:00:01Z",
        "error": f"process failed: {secret}",
    }
    logs = [{"vertex": vertex["digest"], "stream": 1,
             "data": base64.b64encode(f"token {secret}\n".encode()).decode(),
             "timestamp": "2026-01-01T00:00:00.5Z"}]  # fmt: skip
    lines = [json.dumps({"vertexes": [vertex], "logs": logs}).encode()]
    report = redact_report(build_report(iter_rawjson(lines), "rawjson"), Redactor([secret]))
    assert secret not in json.dumps(report.to_dict())
    assert report.failure is not None
    assert secret not in repr(report.failure) and MASK in report.failure.log_tail[-1]
