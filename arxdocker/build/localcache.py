"""Swap a freshly exported local cache into place, atomically.

BuildKit's local cache exporter only ever adds blobs to its `dest`, so exporting into the
folder we import from grows it forever. arxdocker exports into a fresh sibling folder and, once
the build has succeeded, exchanges the two with `renameat2(RENAME_EXCHANGE)` (one atomic step on
Linux), then deletes the old one. Where the kernel or filesystem refuses the exchange, it falls
back to two renames, leaving a window of a few microseconds without a cache folder.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
from pathlib import Path

from arxdocker.build.cachespec import LocalSwap

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: str, b: str) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def commit(swap: LocalSwap) -> None:
    """Put `swap.staging` at `swap.final`; the previous cache is removed."""
    staging, final = Path(swap.staging), Path(swap.final)
    if not staging.is_dir():
        return  # nothing was exported (the export failed and was ignored)
    if not final.exists():
        staging.rename(final)
        return
    if _exchange(str(staging), str(final)):
        shutil.rmtree(staging, ignore_errors=True)  # staging now holds the old cache
        return
    old = final.with_name(final.name + f".arxdocker-old-{os.getpid()}")
    final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def discard(swap: LocalSwap) -> None:
    """Drop the staging folder of a failed or interrupted build."""
    with contextlib.suppress(OSError):
        shutil.rmtree(swap.staging)


def folder_size(path: str) -> int:
    """Bytes of all files under `path` (0 when it does not exist)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += (Path(root) / name).lstat().st_size
    return total
