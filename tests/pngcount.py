#!/usr/bin/env python3
"""Count a PNG's pixels by colour.

    pngcount.py FILE [#rrggbb...]

Prints "size WIDTH HEIGHT", "white N" (pixels of #ffffff), "other N"
(the rest), then "#rrggbb N" for each colour asked: the pixels of
exactly that colour (an edge blended by anti-aliasing is not).  Reads
8-bit, non-interlaced greyscale, RGB and RGBA, which is what Chromium's
screenshots are, with Python's standard library only (zlib): the tests
need nothing more.  Exits 1 with a message on anything else.
"""

import struct
import sys
import zlib


def rows(path):
    """Yield (width, height) first, then each row as bytes of RGB(A)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, head = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    w, h, depth, ctype, _, _, interlace = head
    channels = {0: 1, 2: 3, 6: 4}.get(ctype)
    if depth != 8 or channels is None or interlace != 0:
        raise ValueError("unsupported PNG (depth %d, type %d, interlace %d)"
                         % (depth, ctype, interlace))
    raw = zlib.decompress(b"".join(idat))
    stride = w * channels
    prev = bytearray(stride)
    yield w, h, channels
    for y in range(h):
        i = y * (stride + 1)
        ftype, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        for x in range(stride):  # the five filters of PNG section 9
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if ftype == 1:
                line[x] = (line[x] + a) & 255
            elif ftype == 2:
                line[x] = (line[x] + b) & 255
            elif ftype == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                dist_a, dist_b, dist_c = abs(p - a), abs(p - b), abs(p - c)
                pr = a if dist_a <= dist_b and dist_a <= dist_c else (b if dist_b <= dist_c else c)
                line[x] = (line[x] + pr) & 255
        yield bytes(line)
        prev = line


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: pngcount.py FILE [#rrggbb...]")
    want = [c.lower() for c in sys.argv[2:]]
    counts = {c: 0 for c in want}
    white = other = 0
    try:
        it = rows(sys.argv[1])
        w, h, ch = next(it)
        for line in it:
            for x in range(0, len(line), ch):
                px = line[x:x + ch]
                rgb = px * 3 if ch == 1 else px[:3]
                key = "#%02x%02x%02x" % tuple(rgb)
                if key == "#ffffff":
                    white += 1
                else:
                    other += 1
                if key in counts:
                    counts[key] += 1
    except (OSError, ValueError, zlib.error, struct.error, TypeError) as e:
        sys.exit("pngcount.py: %s: %s" % (sys.argv[1], e))
    print("size %d %d" % (w, h))
    print("white %d" % white)
    print("other %d" % other)
    for c in want:
        print("%s %d" % (c, counts[c]))


if __name__ == "__main__":
    main()
