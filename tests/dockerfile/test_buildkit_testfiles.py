"""BuildKit's own parser test files (tests/fixtures/buildkit-parser-testfiles, see its README):
our parser must give the instructions, flags and values of each `result` file (BuildKit's
`Node.Dump()`, compared as BuildKit's TestParseCases compares it), the lines of BuildKit's parser
(the `dockerfile` package: the result files hold no lines), and reject every negative case.

One difference with the `dockerfile` package is known, and is the package's, not BuildKit's: it
hands values to Python as C strings, so a value holding NUL (`"\\u0000"` in testfiles/json) is cut
there. BuildKit keeps the NUL (its result file has `\\x00`), and so do we: the oracle comparison
cuts our values at NUL for that case only, and the result-file comparison checks the whole value.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import dockerfile
import pytest

from arxdocker.dockerfile import DockerfileParseError, parse_text
from arxdocker.dockerfile.model import Instruction
from arxdocker.dockerfile.validate import check_instructions
from tests.corpora import corpus_dir, require_corpus
from tests.dockerfile.conftest import oracle_view, our_view

# The files are BuildKit's, laid out from moby/buildkit at the README's commit (tests/corpora.py).
FILES = corpus_dir("buildkit-parser-testfiles", probe="LICENSE") or Path("/nonexistent")
CASES = sorted(path.parent.name for path in (FILES / "testfiles").glob("*/Dockerfile"))
NEGATIVE = sorted(path.parent.name for path in (FILES / "testfiles-negative").glob("*/Dockerfile"))
# Cases whose values hold a NUL, which the `dockerfile` package cuts (see the module docstring).
NUL_IN_VALUE = {"json"}

_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_GO_ESCAPES |= {"\v": "\\v", "\\": "\\\\", '"': '\\"'}


def go_quote(value: str) -> str:
    """Go's strconv.Quote (as `%q` formats a string): printable runes kept, others escaped."""
    out = []
    for char in value:
        code = ord(char)
        if char in _GO_ESCAPES:
            out.append(_GO_ESCAPES[char])
        elif char == " " or (char.isprintable() and unicodedata.category(char)[0] != "Z"):
            out.append(char)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def dump(instruction: Instruction) -> str:
    """BuildKit's Node.Dump() of one instruction, from our model: lower-case keyword, flags as a
    quoted list, then the node chain (ENV/LABEL pairs end with their separator, "" or "=")."""
    text = instruction.keyword.lower()
    if instruction.flags:
        text += " [" + " ".join(go_quote(flag.raw) for flag in instruction.flags) + "]"
    if instruction.sub is not None:
        return f"{text} ({dump(instruction.sub)})"
    values = list(instruction.args)
    if instruction.keyword in ("ENV", "LABEL"):
        separator = "" if instruction.legacy_key_value else "="
        values = [
            part
            for pair in zip(values[::2], values[1::2], strict=True)
            for part in (*pair, separator)
        ]
    return " ".join([text, *map(go_quote, values)]).strip()


def test_all_of_buildkits_test_files_are_here() -> None:
    require_corpus("buildkit-parser-testfiles", probe="LICENSE")
    assert (len(CASES), len(NEGATIVE)) == (33, 4)  # 37 in all
    assert all((FILES / "testfiles" / case / "result").is_file() for case in CASES)
    assert (FILES / "LICENSE").read_text().split()[:3] == ["Apache", "License", "Version"]


@pytest.mark.parametrize("case", CASES)
def test_instructions_and_values_match_buildkits_result_file(case: str) -> None:
    text = (FILES / "testfiles" / case / "Dockerfile").read_text()
    expected = (FILES / "testfiles" / case / "result").read_text()
    parsed = parse_text(text)
    assert "".join(f"({dump(instruction)})\n" for instruction in parsed.instructions) == expected


@pytest.mark.parametrize("case", CASES)
def test_lines_and_values_match_buildkits_parser(case: str) -> None:
    text = (FILES / "testfiles" / case / "Dockerfile").read_text()
    ours = our_view(text)
    if case in NUL_IN_VALUE:
        assert any("\x00" in value for row in ours for value in row[6])
        ours = [(*row[:6], tuple(v.split("\x00")[0] for v in row[6]), *row[7:]) for row in ours]
    assert ours == oracle_view(text)


@pytest.mark.parametrize("case", NEGATIVE)
def test_negative_files_are_rejected(case: str) -> None:
    text = (FILES / "testfiles-negative" / case / "Dockerfile").read_text()
    with pytest.raises(dockerfile.GoParseError):
        dockerfile.parse_string(text)
    with pytest.raises(DockerfileParseError):
        parse_text(text)


def test_go_quote_matches_the_result_files_escapes() -> None:
    assert go_quote('" \\ / \b \f \n \r \t \x00') == r'"\" \\ / \b \f \n \r \t \x00"'
    assert go_quote("♥ ☃ é") == '"♥ ☃ é"'
    assert go_quote("\u00a0\u200b\U000e0001") == r'"\u00a0\u200b\U000e0001"'


def test_instruction_checks_refuse_only_what_buildkits_instruction_parser_does() -> None:
    """The parser test files need only parse; BuildKit's instruction parser (instructions/
    parse.go, run before a build) refuses one of them, the bare `HEALTHCHECK` of `health`, and
    our instruction checks refuse that one alone, with BuildKit's message."""
    require_corpus("buildkit-parser-testfiles", probe="LICENSE")
    refused = {}
    for case in CASES:
        try:
            check_instructions(parse_text((FILES / "testfiles" / case / "Dockerfile").read_text()))
        except DockerfileParseError as error:
            refused[case] = error.reason
    assert refused == {"health": "HEALTHCHECK requires at least one argument"}
