"""Reads a PNG the way any viewer must, with Python's own zlib (not the product's code): checks
the signature and every chunk's CRC, inflates IDAT, undoes each row's filter, and prints JSON with
the size, the palette, how many pixels each colour has, and the colour of asked-for pixels.

  png_check.py FILE [x,y ...]
  png_check.py --inflate FILE      (a zlib stream: prints its inflated bytes' length and SHA-256)
"""
import hashlib
import json
import struct
import sys
import zlib


def inflate(path):
    data = open(path, "rb").read()
    out = zlib.decompress(data)
    print(json.dumps({"length": len(out), "sha256": hashlib.sha256(out).hexdigest()}))


def main():
    if sys.argv[1] == "--inflate":
        return inflate(sys.argv[2])
    data = open(sys.argv[1], "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    position, chunks = 8, []
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        crc, = struct.unpack(">I", data[position + 8 + length:position + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, f"bad CRC in {kind}"
        chunks.append((kind.decode(), body))
        position += 12 + length
    assert chunks[0][0] == "IHDR" and chunks[-1][0] == "IEND", [c[0] for c in chunks]
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert depth == 8 and color == 3 and interlace == 0, (depth, color, interlace)
    palette = next(body for kind, body in chunks if kind == "PLTE")
    colors = ["%02x%02x%02x" % tuple(palette[i:i + 3]) for i in range(0, len(palette), 3)]
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == "IDAT"))
    assert len(raw) == (width + 1) * height, (len(raw), width, height)
    rows, previous = [], bytes(width)
    for y in range(height):
        kind, line = raw[y * (width + 1)], bytearray(raw[y * (width + 1) + 1:(y + 1) * (width + 1)])
        for x in range(width):
            left = line[x - 1] if x else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + previous[x]) & 0xFF
            elif kind != 0:
                raise AssertionError(f"filter {kind} not expected")
        rows.append(bytes(line))
        previous = rows[-1]
    counts = {}
    for row in rows:
        for index in row:
            counts[colors[index]] = counts.get(colors[index], 0) + 1
    asked = {}
    for point in sys.argv[2:]:
        x, y = map(int, point.split(","))
        asked[point] = colors[rows[y][x]]
    print(json.dumps({"width": width, "height": height, "bytes": len(data), "palette": colors, "counts": counts, "pixels": asked}))


if __name__ == "__main__":
    main()
