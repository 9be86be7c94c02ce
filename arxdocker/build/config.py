"""Build defaults from `[tool.arxdocker]` in the context's pyproject.toml, or an arxdocker.toml.

```toml
[tool.arxdocker]                 # in arxdocker.toml the same keys sit at the top level
cache = ["registry:registry.example/app:buildcache"]
build_args = { PYTHON_VERSION = "3.12" }
min_hit_rate = 80
history = ".arxdocker/history.jsonl"
touch = "src/app.py"             # what `arxdocker benchmark` edits for its incremental runs

[tool.arxdocker.targets.test]    # applies when building --target test
cache = ["local:.cache/buildkit-test"]
```

A target's table overrides the top level; command-line flags override both. Unknown keys and
wrong types are one-line errors naming the file and the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from arxdocker.errors import ArxError
from arxdocker.percent import parse_percent

CONFIG_FILES = ("arxdocker.toml", "pyproject.toml")
DEFAULT_HISTORY = ".arxdocker/history.jsonl"

# key -> (python type, description); lists are lists of strings.
KEYS: dict[str, tuple[type, str]] = {
    "cache": (list, "cache shorthands, e.g. registry:REF, local:DIR, inline, gha, none"),
    "cache_from": (list, "full BuildKit --cache-from specs"),
    "cache_to": (list, "full BuildKit --cache-to specs"),
    "cache_optional": (bool, "drop a cache export the builder cannot do, instead of stopping"),
    "file": (str, "the Dockerfile, relative to the context"),
    "target": (str, "the stage to build"),
    "tags": (list, "image tags"),
    "platforms": (list, "target platforms"),
    "build_args": (dict, "build args, NAME = value"),
    "builder": (str, "the buildx builder"),
    "load": (bool, "load the image into docker"),
    "push": (bool, "push the image"),
    "progress": (str, "auto, tty, plain, rawjson or quiet"),
    "min_hit_rate": (float, "fail (exit 1) below this cache hit rate, in percent"),
    "history": (str, "the history file, relative to the context"),
    "touch": (str, "the file `arxdocker benchmark` changes for its incremental scenario"),
}
# String keys naming a file: an empty string is a mistake, not "the default".
_PATH_KEYS = ("file", "history", "touch")
_CACHE_KEYS = ("cache", "cache_from", "cache_to")


@dataclass(frozen=True)
class BuildConfig:
    """Defaults for one build; None means "not configured"."""

    source: str | None = None
    values: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


def find_config(context: Path) -> tuple[Path, dict[str, Any]] | None:
    """The first config file in `context` that has arxdocker settings, with its table."""
    for name in CONFIG_FILES:
        path = context / name
        if not path.is_file():
            continue
        import tomllib  # only when there is a file to read

        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ArxError(f"{path}: not valid TOML ({error})") from None
        if name == "arxdocker.toml":
            return path, data
        table = _arxdocker_table(data, path)
        if table is not None:
            return path, table
    return None


def _arxdocker_table(data: dict[str, Any], path: Path) -> dict[str, Any] | None:
    """`[tool.arxdocker]` of a pyproject.toml, None when there is none; not a table is an error."""
    tool = data.get("tool")
    if tool is None:
        return None
    if not isinstance(tool, dict):
        raise ArxError(f"{path}: tool.arxdocker must be a table (tool is {_type_name(tool)})")
    table = tool.get("arxdocker")
    if table is not None and not isinstance(table, dict):
        raise ArxError(f"{path}: tool.arxdocker must be a table, not {_type_name(table)}")
    return table


def load_config(context: Path, target: str | None) -> BuildConfig:
    """The defaults that apply to building `target` (from the command line) in `context`."""
    found = find_config(context)
    if found is None:
        return BuildConfig()
    path, table = found
    prefix = "" if path.name == "arxdocker.toml" else "tool.arxdocker."
    targets = table.get("targets", {})
    if not isinstance(targets, dict):
        raise ArxError(f"{path}: {prefix}targets must be a table of tables")
    own = {k: v for k, v in table.items() if k not in ("targets", "lint")}
    base = _validated(own, path, prefix)
    chosen = target or base.get("target")
    if chosen and chosen in targets:
        override = targets[chosen]
        if not isinstance(override, dict):
            raise ArxError(f"{path}: {prefix}targets.{chosen} must be a table")
        base = {**base, **_validated(override, path, f"{prefix}targets.{chosen}.")}
    return BuildConfig(str(path), base)


def _validated(table: dict[str, Any], path: Path, prefix: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, raw in table.items():
        value = raw
        if key not in KEYS:
            raise ArxError(
                f"{path}: unknown key {prefix}{key}",
                hint=f"known keys: {', '.join(KEYS)}",
            )
        kind, _ = KEYS[key]
        if kind is list and isinstance(value, str):
            value = [value]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (
            kind is list and not all(isinstance(item, str) for item in value)
        ):
            raise ArxError(f"{path}: {prefix}{key} must be {_kind_name(kind)}")
        if kind is dict:
            value = {
                str(k): _build_arg_text(v, f"{path}: {prefix}{key}.{k}") for k, v in value.items()
            }
        if key in _CACHE_KEYS:
            value = [_local_cache_from(path.parent, spec) for spec in value]
        if key == "min_hit_rate":
            parse_percent(value, f"{path}: {prefix}{key}", upper=100)
        if key in _PATH_KEYS and not value.strip():
            raise ArxError(f"{path}: {prefix}{key} must name a file, not an empty string")
        result[key] = value
    return result


def _build_arg_text(value: object, where: str) -> str:
    """A build arg's value as buildx gets it: TOML's true is `true` (not Python's `True`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise ArxError(f"{where} must be a string, a number or a boolean, not {_type_name(value)}")


def _local_cache_from(folder: Path, spec: str) -> str:
    """A local cache's folder, relative to the config file: not to wherever arxdocker runs."""
    if spec.startswith("local:"):
        written = spec[len("local:") :]
        if not written:
            return spec
        directory = Path(written).expanduser()
        return f"local:{directory if directory.is_absolute() else folder / directory}"
    fields = spec.split(",")
    if "type=local" not in fields:
        return spec
    for index, item in enumerate(fields):
        name, sep, value = item.partition("=")
        if sep and name in ("src", "dest") and value:
            value = str(Path(value).expanduser())
            fields[index] = f"{name}={value if Path(value).is_absolute() else folder / value}"
    return ",".join(fields)


def _type_name(value: object) -> str:
    kinds = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    kinds |= {list: "an array", dict: "a table"}
    return next((name for kind, name in kinds.items() if isinstance(value, kind)), "a date")


def _kind_name(kind: type) -> str:
    return {
        list: "a string or a list of strings",
        dict: "a table",
        bool: "true or false",
        float: "a number",
        str: "a string",
    }[kind]


__all__ = ["KEYS", "BuildConfig", "find_config", "load_config"]
