"""Explain a lint rule: what it checks, why it matters, examples, fix safety (like `ruff rule`).

The text is the rule's own doc, the same that feeds SARIF help and the meta-tests.
"""

from __future__ import annotations

import argparse

EPILOG = """\
examples:
  arxdocker rule ARX001                      what it checks, why, its fix, bad and good examples
  arxdocker rule broad-copy-before-install   the same, by name
  arxdocker rule --list                      every rule: code, name, severity, whether it fixes
  arxdocker rule --list --format json | jq '.[] | select(.severity == "error") | .code'
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("code", nargs="?", metavar="RULE", help="a rule code or name (ARX001)")
    parser.add_argument("--list", action="store_true", help="list every rule (the default)")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default) or JSON"
    )


def run(args: argparse.Namespace) -> int:
    import json

    from arxdocker.errors import ArxError
    from arxdocker.lint.registry import all_rules, get_rule

    if args.list or not args.code:
        rules = all_rules()
        if args.format == "json":
            print(json.dumps([_as_dict(rule) for rule in rules], indent=2))
        else:
            for rule in rules:
                fix = "fix" if "Safe" in rule.doc_section("Fix safety")[:5] else "   "
                print(
                    f"{rule.code}  {rule.name:<34} {rule.severity:<8} {fix}  {rule.summary()[:60]}"
                )
        return 0
    rule = get_rule(args.code)
    if rule is None:
        raise ArxError(f"unknown rule {args.code!r}", hint="`arxdocker rule --list` lists them")
    if args.format == "json":
        print(json.dumps(_as_dict(rule), indent=2))
    else:
        print(f"# {rule.name} ({rule.code})\n\nSeverity: {rule.severity}\n\n{rule.doc()}")
    return 0


def _as_dict(rule) -> dict:
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity,
        "summary": rule.summary(),
        "fix": rule.fix_title,
        "doc": rule.doc(),
    }
