"""Makes resources/icons/roadmap.ico (the Windows program, installer and file icon) from roadmap.svg.

Run after changing the SVG:  QT_QPA_PLATFORM=offscreen .venv/bin/python installer/windows/make_icon.py
Each size is drawn from the SVG itself, not scaled from a big picture, so 16 px stays sharp. Sizes up
to 48 px are stored as plain 32-bit bitmaps, which every reader of .ico files knows; 64 px and up as
PNG (valid in .ico since Windows Vista, and far smaller at 256 px).
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parents[2] / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)
PNG_FROM = 64  # this size and larger: PNG entries


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    # Straight (not premultiplied) alpha, laid out B, G, R, A in memory: what both formats want.
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):  # type: ignore[call-overload]  # the stubs say bytes; str works
        raise RuntimeError("PNG encoding failed")
    return bytes(data.data())


def bitmap(image: QImage) -> bytes:
    """An icon's DIB: BITMAPINFOHEADER with the height doubled (colour rows + AND mask), rows bottom-up."""
    size = image.width()
    pixels = bytes(image.constBits())[: size * size * 4]
    rows = [pixels[y * size * 4 : (y + 1) * size * 4] for y in range(size)]
    mask_row = ((size + 31) // 32) * 4  # 1 bit a pixel, rows padded to 4 bytes; all 0: alpha decides
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    return header + b"".join(reversed(rows)) + bytes(mask_row * size)


def icon(images: dict[int, bytes]) -> bytes:
    directory = struct.pack("<HHH", 0, 1, len(images))  # reserved, type 1 = icon, count
    offset = len(directory) + 16 * len(images)
    entries, blobs = b"", b""
    for size, blob in images.items():
        side = 0 if size == 256 else size  # a byte: 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset + len(blobs))
        blobs += blob
    return directory + entries + blobs


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICONS / "roadmap.svg"))
    if not renderer.isValid():
        raise SystemExit("roadmap.svg could not be read")
    images = {}
    for size in SIZES:
        image = render(renderer, size)
        images[size] = png(image) if size >= PNG_FROM else bitmap(image)
    target = ICONS / "roadmap.ico"
    target.write_bytes(icon(images))
    print(f"{target}: {', '.join(map(str, SIZES))} px, {target.stat().st_size} bytes")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
