"""Each source file's stamp (its content hash) computed once per version of the file.

With CHECK_MODIFIED_METHOD set to a hash, Pelican reads and hashes a source file every time a
cache looks it up or stores it: the generator's cache and the readers' cache each do both, so a
cold build reads every post four or five times just to hash it. The same bytes have the same
hash, so the first hash of a file is kept and given again while the file's identity (inode,
size, modification and change times) is unchanged. Any write to the file changes its change
time, which no tool can set back, so an edited file is always hashed afresh.
"""

from __future__ import annotations

import os
from typing import Callable


# path -> (identity, stamp); emptied once every generator has read its files.
_known: dict[str, tuple[tuple[int, int, int, int], object]] = {}


def _identity(path: str) -> tuple[int, int, int, int]:
    st = os.stat(path)
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _hashed_once(stamp: Callable[[str], object]) -> Callable[[str], object]:
    def stamp_of(path: str) -> object:
        try:
            identity = _identity(path)
        except OSError:
            return stamp(path)  # Pelican reports the missing file its own way
        known = _known.get(path)
        if known is not None and known[0] == identity:
            return known[1]
        value = stamp(path)
        _known[path] = (identity, value)
        return value

    stamp_of.hashed_once = True
    return stamp_of


def hash_once(generator) -> None:
    """article_generator_init / page_generator_init handler: the generator's own cache and its
    readers' (Readers sets its stamp function up after readers_init, so it is reached here)."""
    if generator.settings.get("CHECK_MODIFIED_METHOD") == "mtime":
        return  # a stat is already cheap
    for cacher in (generator, getattr(generator, "readers", None)):
        stamp = getattr(cacher, "_filestamp_func", None)  # set by Pelican's FileStampDataCacher
        if callable(stamp) and not getattr(stamp, "hashed_once", False):
            cacher._filestamp_func = _hashed_once(stamp)


def forget(*_args) -> None:
    """all_generators_finalized handler: reading is over; a long-running preview keeps nothing."""
    _known.clear()
