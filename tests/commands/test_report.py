"""`arxdocker report` usage: help, one-line errors."""

from __future__ import annotations

from pathlib import Path

from tests.commands._cli import arxdocker

RECORDS = Path(__file__).resolve().parents[1] / "fixtures" / "records"
WARM = RECORDS / "webapp-warm.json"


def test_help_has_examples() -> None:
    result = arxdocker("report", "--help")
    assert (
        result.returncode == 0 and "examples:" in result.stdout and "--html FILE" in result.stdout
    )


def test_a_record_file_without_history_charts_itself(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = arxdocker("report", str(WARM), "--html", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 build in the chart" in result.stdout
    assert out.read_text().count('class="hbar"') == 1


def test_builds_started_in_the_same_second_are_all_charted(tmp_path: Path) -> None:
    # the warm and the edited build have ids of the same second (…T014545Z-ed992d, -720b40)
    out = tmp_path / "r.html"
    history = RECORDS / "webapp-three-builds.jsonl"
    result = arxdocker("report", "last", "--history", str(history), "--html", str(out))
    assert result.returncode == 0, result.stderr
    assert "3 builds in the chart" in result.stdout
    assert "critical path 1.2s of 1.2s" in result.stdout
    assert out.read_text().count('class="hbar"') == 3


def test_one_line_errors(tmp_path: Path) -> None:
    missing = arxdocker("report", "--html", str(tmp_path / "r.html"), cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.startswith("arxdocker: error: no build history at")
    unwritable = arxdocker("report", str(WARM), "--html", str(tmp_path / "no" / "r.html"))
    assert unwritable.returncode == 2
    assert unwritable.stderr.strip().splitlines() == [
        f"arxdocker: error: cannot write {tmp_path / 'no' / 'r.html'}: No such file or directory"
    ]


def test_html_dash_writes_the_page_to_stdout(tmp_path: Path) -> None:
    result = arxdocker("report", str(WARM), "--html", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.lstrip().lower().startswith("<!doctype html>")
    assert result.stdout.rstrip().endswith("</html>")
    assert result.stderr.startswith("wrote the page to stdout: ")
    assert "1 build in the chart" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no file named "-"


def test_chart_builds_must_be_one_or_more(tmp_path: Path) -> None:
    for value in ("0", "-5"):
        result = arxdocker("report", str(WARM), "--html", "r.html", f"--chart-builds={value}",
                           cwd=tmp_path)  # fmt: skip
        assert result.returncode == 2
        assert result.stderr == (
            f"arxdocker: error: --chart-builds {value} is not a number of builds (1 or more)\n"
        )
        assert result.stdout == ""
        assert list(tmp_path.iterdir()) == []
