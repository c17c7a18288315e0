"""Pagefind's filter files put in one order, so that the same pages always give the same index.

Pagefind lists each filter's values (and the filters in its metadata file) in the order of a
hash map that changes from run to run; the files' names are hashes of their bytes, so the names,
the metadata file and ``pagefind-entry.json`` change too. The browser reads a filter file into a
map, so any order is one Pagefind itself may write: here the values and the filters are sorted by
name and each rewritten file renamed after its new bytes, the way Pagefind names them (language,
an underscore, a hash).

The files are gzip-compressed: ``pagefind_dcd`` then one CBOR item. A filter file is
``[name, [[value, [page numbers]], ...]]``; the metadata file
``[version, pages, index chunks, [[filter name, filter file hash], ...], sorts, fields]``. Only
the CBOR Pagefind writes there (unsigned integers, text, arrays) is read; anything else leaves
the bundle as Pagefind wrote it, with a warning.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from pathlib import Path

logger = logging.getLogger(__name__)
SIGNATURE = b"pagefind_dcd"
FILTERS = 3  # where the metadata lists the filter files


def _decode(data: bytes, at: int) -> tuple[object, int]:
    head = data[at]
    major, info = head >> 5, head & 31
    at += 1
    if info < 24:
        value = info
    elif info <= 27:
        size = 1 << (info - 24)
        value, at = int.from_bytes(data[at:at + size], "big"), at + size
    else:
        raise ValueError(f"CBOR item {head:#x}")
    if major == 0:
        return value, at
    if major == 3:
        return data[at:at + value].decode("utf-8"), at + value
    if major == 4:
        items = []
        for _ in range(value):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    raise ValueError(f"CBOR major type {major}")


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise ValueError(f"{value} is too large")


def _encode(item: object) -> bytes:
    if isinstance(item, bool) or not isinstance(item, (int, str, list)):
        raise ValueError(f"cannot write {type(item).__name__}")
    if isinstance(item, int):
        return _head(0, item)
    if isinstance(item, str):
        data = item.encode("utf-8")
        return _head(3, len(data)) + data
    return _head(4, len(item)) + b"".join(map(_encode, item))


def _read(path: Path) -> list:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path.name} does not start with {SIGNATURE!r}")
    item, end = _decode(data, len(SIGNATURE))
    if end != len(data) or not isinstance(item, list):
        raise ValueError(f"{path.name} is not one CBOR array")
    return item


def _write(folder: Path, stem: str, hash_length: int, suffix: str, item: list) -> str:
    """Write ``item`` as ``<stem>_<hash><suffix>`` in ``folder``; returns ``<stem>_<hash>``."""
    data = SIGNATURE + _encode(item)
    name = f"{stem}_{hashlib.sha256(data).hexdigest()[:hash_length]}"
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    return name


def _language(hash_name: str) -> tuple[str, int]:
    stem, _, digest = hash_name.rpartition("_")
    return stem, len(digest)


def canonicalise(bundle: Path) -> None:
    """Sort the filter values and filters of the Pagefind bundle in ``bundle``, in place."""
    entry_path = bundle / "pagefind-entry.json"
    try:
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        renames: dict[str, str] = {}
        for language in entry["languages"].values():
            old_meta = bundle / f"pagefind.{language['hash']}.pf_meta"
            meta = _read(old_meta)
            filters = []
            for name, digest in meta[FILTERS]:
                path = bundle / "filter" / f"{digest}.pf_filter"
                filter_name, values = _read(path)
                path.unlink()
                new = _write(path.parent, *_language(digest), ".pf_filter",
                             [filter_name, sorted(values, key=lambda value: value[0])])
                filters.append([name, new])
            meta[FILTERS] = sorted(filters)
            old_meta.unlink()
            stem, length = _language(language["hash"])
            renames[language["hash"]] = _write(bundle, f"pagefind.{stem}", length, ".pf_meta",
                                               meta).removeprefix("pagefind.")
    except (OSError, ValueError, KeyError, TypeError, EOFError, gzip.BadGzipFile) as error:
        logger.warning("Could not put the search index in a stable order (%s): it is as Pagefind "
                       "wrote it", error)
        return
    text = entry_path.read_text(encoding="utf-8")
    for old, new in renames.items():
        text = text.replace(f'"{old}"', f'"{new}"')
    entry_path.write_text(text, encoding="utf-8")
