"""The rule registry: every `rules/arxNNN_<name>.py` module holds exactly one Rule subclass."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from arxdocker.lint.rule import Rule


@cache
def all_rules() -> tuple[Rule, ...]:
    from arxdocker.lint import rules as package

    found: list[Rule] = []
    for module_info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if not module_info.name.startswith("arx"):
            continue
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        classes = [
            value
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule
            and value.__module__ == module.__name__
        ]  # fmt: skip
        found.extend(cls() for cls in classes)
    return tuple(sorted(found, key=lambda rule: rule.code))


def module_names() -> list[str]:
    from arxdocker.lint import rules as package

    return sorted(
        m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("arx")
    )


def get_rule(code: str) -> Rule | None:
    wanted = code.strip()
    return next((r for r in all_rules() if wanted.upper() == r.code or wanted == r.name), None)
