"""A feed's file written piece by piece, each unchanged event's piece copied from the file written last.

The file on disk is the cache: this process remembers where each event's piece sits in the file it
wrote last and what it was rendered from (the stored event and its context, as ``feeds.render_cache``
compares them), so a rebuild renders only the events that changed and copies every other piece from
the old file into the new one, in order. Nothing holds a whole feed in memory: at 100,000 events a
rebuild held the records, every rendered piece, the joined feed and the old file to compare it with,
about five times the file. The old file is trusted only while it is the one written here (its inode,
size and modification time), and the new one replaces it only when a byte differs, so an unchanged
feed keeps its modification time (and its ETag).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from events.store import StoredEvent
from feeds.render_cache import Wanted, key_of

FILE_MODE = 0o644  # readable by a web server in front, writable by the service only
_BUFFER = 1 << 20


@dataclass
class _Written:
    identity: tuple[int, int, int]  # inode, size, modification time (ns) of the file as written
    pieces: dict[Hashable, tuple[StoredEvent, Hashable, int, int]] = field(default_factory=dict)
    # each event's piece: what it was rendered from (the stored event, its context), offset, length


class FeedFiles:
    """The feed files this process wrote, and where each event's piece is in them."""

    def __init__(self) -> None:
        self._written: dict[Path, _Written] = {}
        self.copied = 0  # pieces taken from the old file, for tests and benches
        self.rendered = 0

    def write(self, path: Path, parts: Iterable[bytes | Wanted]) -> bool:
        """Write ``parts`` (the document's own bytes and its events' pieces, in order) to ``path``
        atomically; False when the file already held these bytes and was left as it was."""
        old_fd = _open(path)
        try:
            before = os.fstat(old_fd) if old_fd is not None else None
            known = self._written.get(path)
            if before is None or known is None or known.identity != _identity(before):
                known = None  # another writer's file, or one from before this process: compared, not copied
            written, same = self._write(path, parts, old_fd, known, before.st_size if before else -1)
        finally:
            if old_fd is not None:
                os.close(old_fd)
        with contextlib.suppress(OSError):
            self._written[path] = _Written(_identity(path.stat()), written)
        return not same

    def _write(
        self, path: Path, parts: Iterable[bytes | Wanted], old_fd: int | None, known: _Written | None, old_size: int
    ) -> tuple[dict[Hashable, tuple[StoredEvent, Hashable, int, int]], bool]:
        pieces: dict[Hashable, tuple[StoredEvent, Hashable, int, int]] = {}
        old = known.pieces if known is not None else {}
        copied = rendered = 0
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb", buffering=_BUFFER) as out:
                copy = _Copy(old_fd, out)
                for part in parts:
                    if isinstance(part, bytes):
                        copy.new(part)
                        continue
                    item, context = part.item, part.context
                    key = item.event.id if item.uid is None and not item.also else key_of(item)
                    kept = old.get(key)
                    if (
                        kept is not None
                        and (kept[0] is item or kept[0] == item)
                        and (kept[1] is context or kept[1] == context)
                    ):
                        pieces[key] = (item, context, copy.position, kept[3])
                        copy.old(kept[2], kept[3])  # consecutive pieces are copied as one run
                        copied += 1
                    else:
                        data = part.render(item)
                        pieces[key] = (item, context, copy.position, len(data))
                        copy.new(data)
                        rendered += 1
                copy.flush()
                out.flush()
                self.copied += copied
                self.rendered += rendered
                if copy.same and copy.position == old_size:
                    Path(tmp).unlink()
                    return pieces, True
                os.fchmod(out.fileno(), FILE_MODE)
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return pieces, False

    def clear(self) -> None:
        self._written.clear()
        self.copied = self.rendered = 0


class _Copy:
    """The new file's bytes as they are written: runs of the old file's bytes gathered and copied in
    large reads, and whether every byte so far equals the old file's at the same place (``same``)."""

    def __init__(self, old_fd: int | None, out: BinaryIO) -> None:
        self.old_fd, self.out = old_fd, out
        self.position = 0  # in the new file, with the pending run
        self.same = old_fd is not None
        self._run_from = self._run_to = 0  # the old file's bytes still to copy
        self._run_at = 0  # where in the new file they go

    def old(self, offset: int, length: int) -> None:
        if self._run_to == offset and self._run_to > self._run_from:
            self._run_to += length
        else:
            self.flush()
            self._run_from, self._run_to, self._run_at = offset, offset + length, self.position
        self.position += length

    def new(self, data: bytes) -> None:
        self.flush()
        if self.same:
            assert self.old_fd is not None
            self.same = os.pread(self.old_fd, len(data), self.position) == data
        self.out.write(data)
        self.position += len(data)

    def flush(self) -> None:
        assert self._run_to == self._run_from or self.old_fd is not None
        in_place = self._run_from == self._run_at  # read from where it goes: equal by construction
        at, offset = self._run_at, self._run_from
        while offset < self._run_to:
            assert self.old_fd is not None
            data = os.pread(self.old_fd, min(_BUFFER, self._run_to - offset), offset)
            if not data:
                raise OSError(f"the old feed file ended at byte {offset}, before its last piece")
            if self.same and not in_place:
                self.same = os.pread(self.old_fd, len(data), at) == data
            self.out.write(data)
            offset += len(data)
            at += len(data)
        self._run_from = self._run_to = self._run_at = 0


def _open(path: Path) -> int | None:
    try:
        return os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None


def _identity(stat: os.stat_result) -> tuple[int, int, int]:
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


FEED_FILES = FeedFiles()
