"""pngcheck.py PNG - what a screenshot shows, without image libraries:
prints width, height and how much of the page is not background (share of
rows and of sampled pixels that differ from the top-left pixel), so a test
can tell a rendered page from a blank one."""
import struct
import sys
import zlib


def main():
    data = open(sys.argv[1], 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
    pos, idat, w = 8, b'', 0
    while pos < len(data):
        n, typ = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if typ == b'IHDR':
            w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
            assert depth == 8 and ctype in (2, 6), f'unexpected PNG format {depth}/{ctype}'
            bpp = 3 if ctype == 2 else 4
        elif typ == b'IDAT':
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    i = 0
    for _ in range(h):  # undo the PNG filters
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            left = line[x - bpp] if x >= bpp else 0
            up, ul = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + left) & 255
            elif f == 2:
                line[x] = (line[x] + up) & 255
            elif f == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif f == 4:
                p = left + up - ul
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - ul)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else ul)) & 255
        rows.append(bytes(line))
        prev = line
    bg = rows[0][:3]
    busy_rows = sum(1 for r in rows if any(r[x:x + 3] != bg for x in range(0, stride, bpp * 4)))
    samples = [r[x:x + 3] for r in rows[::4] for x in range(0, stride, bpp * 4)]
    colours = len(set(samples))
    reds = sum(1 for s in samples if s[0] > 180 and s[1] < 120 and s[2] < 120)
    print(f'{w} {h} {busy_rows / h:.3f} {colours} {reds}')


main()
