"""Deflated zip archives with stable bytes: the same entries give the same file."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import date

ZIP_EARLIEST, ZIP_LATEST = date(1980, 1, 1), date(2107, 12, 31)  # what a zip timestamp can hold


def zip_bytes(entries: Iterable[tuple[str, bytes]], stamp: date) -> bytes:
    stamp = min(max(stamp, ZIP_EARLIEST), ZIP_LATEST)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            info = zipfile.ZipInfo(name, date_time=(stamp.year, stamp.month, stamp.day, 5, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()
