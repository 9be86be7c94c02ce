"""Look after the builder's cache and local cache folders.

du            build cache by record type (regular, source.local, exec.cachemount, frontend, ...)
              with size, reclaimable space and last use, then the cache mounts by id
prune         remove build cache, print what went and the space freed (--dry-run: only say)
clean-local   shrink a type=local cache folder to the blobs its index.json references
"""

from __future__ import annotations

import argparse

EPILOG = """\
examples:
  arxdocker cache du
  arxdocker cache du --json | jq '.types[] | [.type, .size_bytes]'
  arxdocker cache prune --older-than 7d --dry-run
  arxdocker cache prune --type exec.cachemount
  arxdocker cache prune --all --keep-storage 10GB
  arxdocker cache clean-local .cache/buildkit
"""


def _subcommand(sub: argparse._SubParsersAction, name: str, help_text: str):
    return sub.add_parser(
        name, help=help_text, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )


def configure(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    sub = parser.add_subparsers(dest="cache_command", metavar="SUBCOMMAND", required=True)
    du = _subcommand(sub, "du", "build cache by type, and cache mounts by id")
    du.add_argument("--builder", help="the buildx builder (default: the current one)")
    du.add_argument("--json", action="store_true", help="print arxdocker.cache-du/v1 JSON")
    prune = _subcommand(sub, "prune", "remove build cache; print what went and the space freed")
    prune.add_argument("--builder", help="the buildx builder (default: the current one)")
    prune.add_argument(
        "--all", action="store_true", help="also cache shared with images, internal and frontend"
    )
    prune.add_argument("--older-than", metavar="AGE", help="only cache unused for AGE (7d, 12h)")
    prune.add_argument(
        "--keep-storage", metavar="SIZE", help="remove least-used cache until below SIZE (10GB)"
    )
    prune.add_argument("--type", metavar="T", help="only records of type T (exec.cachemount, ...)")
    prune.add_argument(
        "--dry-run", action="store_true", help="say what would be removed; remove nothing"
    )
    clean = _subcommand(sub, "clean-local", "shrink a type=local cache folder to its index")
    clean.add_argument("dir", metavar="DIR", help="the dest of --cache-to type=local,dest=DIR")
    clean.add_argument("--dry-run", action="store_true", help="say what would go; delete nothing")


def run(args: argparse.Namespace) -> int:
    return {"du": _du, "prune": _prune, "clean-local": _clean_local}[args.cache_command](args)


def _du(args: argparse.Namespace) -> int:
    from arxdocker.analysis.cache_usage import summarize
    from arxdocker.engine.buildcache import disk_usage

    records, _ = disk_usage(args.builder)
    usage = summarize(records)
    if args.json:
        import json
        import sys

        from arxdocker.render.cache_du import du_dict

        json.dump(du_dict(usage, args.builder), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    from arxdocker.render.cache_du import CacheDuTable
    from arxdocker.render.theme import make_console

    make_console().print(CacheDuTable(usage, args.builder))
    return 0


# The record types `docker buildx du --verbose` shows (BuildKit's client.UsageRecordType).
RECORD_TYPES = (
    "regular",
    "source.local",
    "exec.cachemount",
    "source.git.checkout",
    "frontend",
    "internal",
)


def _request(args: argparse.Namespace):  # -> PruneRequest
    from arxdocker.analysis.cache_prune import PruneRequest, parse_bytes, parse_duration

    keep = parse_bytes(args.keep_storage) if args.keep_storage else None
    if args.type is not None and args.type not in RECORD_TYPES:
        from arxdocker.errors import ArxError

        raise ArxError(
            f"--type {args.type!r} is not a build cache record type",
            hint=f"choose one of {', '.join(RECORD_TYPES)}",
        )
    return PruneRequest(
        all=args.all,
        older_than_s=parse_duration(args.older_than) if args.older_than else None,
        keep_storage=keep or None,  # 0 means no limit, as in buildx
        type=args.type,
    )


def _prune(args: argparse.Namespace) -> int:
    from arxdocker.analysis.cache_prune import buildx_args, select
    from arxdocker.engine import buildcache
    from arxdocker.render.cache_prune import PruneResult
    from arxdocker.render.theme import make_console

    request = _request(args)
    before, _ = buildcache.disk_usage(args.builder)
    if args.dry_run:
        removed = select(before, request)
    else:
        buildcache.prune(buildx_args(request), args.builder)
        after, _ = buildcache.disk_usage(args.builder)
        left = {record.id for record in after}
        removed = [record for record in before if record.id not in left]
    make_console().print(PruneResult(removed, args.dry_run))
    return 0


def _clean_local(args: argparse.Namespace) -> int:
    from arxdocker.build.localcache_clean import apply, plan_clean
    from arxdocker.render.cache_prune import clean_text

    plan = plan_clean(args.dir)
    if not args.dry_run:
        apply(plan)
    print(clean_text(plan, args.dry_run))
    return 0
