"""`[tool.arxdocker]` and arxdocker.toml defaults, per target, with one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxdocker.build.config import load_config
from arxdocker.errors import ArxError

PYPROJECT = """
[project]
name = "app"

[tool.arxdocker]
cache = "registry:reg/app:cache"
build_args = { PYTHON = 3.12, MODE = "prod" }
min_hit_rate = 80

[tool.arxdocker.targets.test]
cache = ["local:.cache/test", "inline"]
min_hit_rate = 50.5
"""


def test_pyproject_defaults_and_target_overrides(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    base = load_config(tmp_path, None)
    assert base.source == str(tmp_path / "pyproject.toml")
    assert base.get("cache") == ["registry:reg/app:cache"]
    assert base.get("build_args") == {"PYTHON": "3.12", "MODE": "prod"}
    assert base.get("min_hit_rate") == 80.0
    test = load_config(tmp_path, "test")
    assert test.get("cache") == [f"local:{tmp_path}/.cache/test", "inline"]
    assert test.get("min_hit_rate") == 50.5
    assert test.get("build_args") == {"PYTHON": "3.12", "MODE": "prod"}


def test_arxdocker_toml_wins_and_uses_top_level_keys(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "arxdocker.toml").write_text('target = "web"\n[targets.web]\ncache = "none"\n')
    config = load_config(tmp_path, None)
    assert config.get("target") == "web"
    assert config.get("cache") == ["none"]


def test_no_config_is_empty(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load_config(tmp_path, None).values == {}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[tool.arxdocker]\ncahce = 'inline'\n", "unknown key tool.arxdocker.cahce"),
        ("[tool.arxdocker]\nmin_hit_rate = 'high'\n", "min_hit_rate must be a number"),
        ("[tool.arxdocker]\ntags = [1, 2]\n", "tags must be a string or a list of strings"),
        ("[tool.arxdocker.targets.t]\npush = 'yes'\n", "targets.t.push must be true or false"),
        ("[tool.arxdocker\n", "not valid TOML"),
    ],
)
def test_bad_config_is_one_line_naming_file_and_key(
    tmp_path: Path, body: str, message: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(body)
    with pytest.raises(ArxError) as caught:
        load_config(tmp_path, "t")
    assert message in str(caught.value)
    assert str(tmp_path / "pyproject.toml") in str(caught.value)
    assert "\n" not in caught.value.message


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[tool]\narxdocker = "x"\n', "tool.arxdocker must be a table, not a string"),
        ('tool = "x"\n', "tool.arxdocker must be a table (tool is a string)"),
        ("[tool]\narxdocker = [1]\n", "tool.arxdocker must be a table, not an array"),
        ('[tool.arxdocker]\nhistory = ""\n', "tool.arxdocker.history must name a file"),
        ('[tool.arxdocker]\nfile = "  "\n', "tool.arxdocker.file must name a file"),
    ],
)
def test_tool_arxdocker_not_a_table_or_empty_path_is_one_line(
    tmp_path: Path, body: str, message: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(body)
    with pytest.raises(ArxError) as caught:
        load_config(tmp_path, None)
    assert str(caught.value).startswith(f"{tmp_path / 'pyproject.toml'}: {message}")
    assert "\n" not in str(caught.value)


def test_the_lint_table_belongs_to_lint_and_is_not_an_unknown_key(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.arxdocker]\nmin_hit_rate = 70\n[tool.arxdocker.lint]\nselect = ["ARX001"]\n'
    )
    assert load_config(tmp_path, None).values == {"min_hit_rate": 70.0}


def test_local_cache_folders_are_relative_to_the_config_file(tmp_path: Path) -> None:
    """Not to the folder arxdocker runs in: CI may build the context from anywhere."""
    (tmp_path / "arxdocker.toml").write_text(
        'cache = ["local:.cache/bk", "local:/abs/bk", "registry:reg/app:cache"]\n'
        'cache_from = ["type=local,src=.cache/in", "type=registry,ref=reg/x:c"]\n'
        'cache_to = ["type=local,dest=out,mode=max"]\n'
    )
    config = load_config(tmp_path, None)
    assert config.get("cache") == [
        f"local:{tmp_path}/.cache/bk",
        "local:/abs/bk",
        "registry:reg/app:cache",
    ]
    assert config.get("cache_from") == [
        f"type=local,src={tmp_path}/.cache/in",
        "type=registry,ref=reg/x:c",
    ]
    assert config.get("cache_to") == [f"type=local,dest={tmp_path}/out,mode=max"]


def test_build_arg_values_are_what_buildx_would_get(tmp_path: Path) -> None:
    (tmp_path / "arxdocker.toml").write_text(
        "build_args = { ON = true, OFF = false, N = 3, V = 3.12, S = 'x' }\n"
    )
    assert load_config(tmp_path, None).get("build_args") == {
        "ON": "true", "OFF": "false", "N": "3", "V": "3.12", "S": "x",
    }  # fmt: skip
    (tmp_path / "arxdocker.toml").write_text("build_args = { C = [1] }\n")
    with pytest.raises(ArxError, match=r"build_args.C must be a string, a number or a boolean"):
        load_config(tmp_path, None)


def test_a_home_folder_in_a_local_cache_path_is_expanded(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "arxdocker.toml").write_text(
        'cache = ["local:~/bk"]\ncache_to = ["type=local,dest=~/out,mode=max"]\n'
    )
    config = load_config(tmp_path, None)
    assert config.get("cache") == [f"local:{tmp_path}/home/bk"]
    assert config.get("cache_to") == [f"type=local,dest={tmp_path}/home/out,mode=max"]
