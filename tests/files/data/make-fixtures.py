#!/usr/bin/env python3
"""Regenerates the decoder fixtures in this folder (run it here; the outputs are committed, so
tests need none of these tools). Needs netpbm (pnmtopng) and libjpeg-turbo-progs (cjpeg).

Every image is 48x32 and its pixels follow a formula that test-image-decode.c recomputes:
  RGB(x, y)   = (4x + 8, 6y + 10, 128 + 2x - 2y)       rgb.*, baseline/progressive JPEG
  GRAY(x, y)  = 2x + 3y + 20                           gray.*
  ALPHA(x, y) = 5x + 10                                the alpha of rgba / gray-alpha PNGs
  PALETTE     = 4 colours in 12x8 tiles: PAL[(x/12 + y/8) % 4]
  16-bit      = 8-bit value * 257 + 200 (so scaling with rounding gives value + 1)
  2-bit gray  = (x/12) % 4, maxval 3 (so 0, 85, 170, 255 after scaling)
"""
import subprocess

W, H = 48, 32
PAL = [(200, 30, 30), (30, 200, 30), (30, 30, 200), (220, 220, 40)]


def rgb(x, y): return (4 * x + 8, 6 * y + 10, 128 + 2 * x - 2 * y)
def gray(x, y): return 2 * x + 3 * y + 20
def alpha(x, y): return 5 * x + 10
def pal(x, y): return PAL[(x // 12 + y // 8) % 4]


def samples(pix):
    for y in range(H):
        for x in range(W):
            p = pix(x, y)
            yield from (p if isinstance(p, tuple) else (p,))


def binary(name, magic, maxval, pix, comment=None):
    hdr = magic + "\n" + (f"# {comment}\n" if comment else "") + f"{W} {H}\n{maxval}\n"
    data = bytearray(hdr.encode())
    for v in samples(pix):
        data += bytes([v]) if maxval < 256 else bytes([v >> 8, v & 255])
    open(name, "wb").write(data)


def ascii(name, magic, maxval, pix):
    """Comments after the magic, after the width and on a line of their own."""
    vals = [str(v) for v in samples(pix)]
    per_row = len(vals) // H
    rows = [" ".join(vals[i:i + per_row]) for i in range(0, len(vals), per_row)]
    head = [f"{magic} # comment after magic", f"{W} # width", "# a full-line comment",
            str(H), str(maxval)]
    open(name, "w").write("\n".join(head + rows) + "\n")


def run(cmd, out):
    with open(out, "wb") as f:
        subprocess.run(cmd, stdout=f, check=True)


binary("rgb.ppm", "P6", 255, rgb, "mtcam test fixture: R=4x+8 G=6y+10 B=128+2x-2y")
binary("gray.pgm", "P5", 255, gray, "gray=2x+3y+20")
binary("alpha.pgm", "P5", 255, alpha)
binary("palette.ppm", "P6", 255, pal)
binary("rgb16.ppm", "P6", 65535, lambda x, y: tuple(v * 257 + 200 for v in rgb(x, y)))
binary("gray16.pgm", "P5", 65535, lambda x, y: gray(x, y) * 257 + 200)
binary("gray2bit.pgm", "P5", 3, lambda x, y: (x // 12) % 4)
ascii("rgb-ascii.ppm", "P3", 1000, lambda x, y: tuple(round(v * 1000 / 255) for v in rgb(x, y)))
ascii("gray-ascii.pgm", "P2", 255, gray)

run(["cjpeg", "-quality", "95", "rgb.ppm"], "baseline.jpg")
run(["cjpeg", "-quality", "95", "-progressive", "rgb.ppm"], "progressive.jpg")
run(["cjpeg", "-quality", "95", "gray.pgm"], "gray.jpg")
run(["pnmtopng", "rgb.ppm"], "rgb.png")
run(["pnmtopng", "gray.pgm"], "gray.png")
run(["pnmtopng", "-alpha=alpha.pgm", "gray.pgm"], "gray-alpha.png")
run(["pnmtopng", "palette.ppm"], "palette.png")
run(["pnmtopng", "-transparent", "=rgb:1e/c8/1e", "palette.ppm"], "palette-trns.png")
run(["pnmtopng", "-alpha=alpha.pgm", "rgb.ppm"], "rgba.png")
run(["pnmtopng", "rgb16.ppm"], "rgb16.png")
run(["pnmtopng", "gray16.pgm"], "gray16.png")
run(["pnmtopng", "gray2bit.pgm"], "gray2bit.png")
run(["pnmtopng", "-interlace", "rgb.ppm"], "interlaced.png")
run(["pnmtopng", "-interlace", "-alpha=alpha.pgm", "rgb.ppm"], "interlaced-rgba.png")
