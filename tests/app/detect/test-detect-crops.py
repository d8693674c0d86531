#!/usr/bin/env python3
"""mtcam-detect --crops DIR on real photos: one 112x112 PNG per face, named after the image
and the face's index; run again on the crops, the detector finds each face's landmarks where
an independent least-squares similarity (computed here from the first run's JSON) puts them,
and the eyes on ArcFace's template. Errors: a --crops path that is a file exits 1 naming it.

usage: test-detect-crops.py DETECT SOURCE_DIR SHARED_DIR"""
import json
import math
import os
import struct
import subprocess
import sys
import tempfile

detect, src, shared = sys.argv[1:4]
ARCFACE = [(38.2946, 51.6963), (73.5318, 51.5014), (56.0252, 71.7366), (41.5493, 92.3655),
           (70.7299, 92.2041)]
photos = [os.path.join(src, "assets", "demo", n) for n in ("grace-hopper.jpg", "eileen-collins.jpg")]
peer = [os.path.join(shared, "data", "peer-tests", n)
        for n in ("ipazc_ivan.jpg", "kpzhang93_test1.jpg", "kpzhang93_test2.jpg")]
photos += [p for p in peer if os.path.exists(p)]
if len(photos) == 2:
    print("note: ../shared/data/peer-tests not found: the demo portraits only")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def run(*args):
    # FP32: the detector is the measuring tool here, and INT8's landmarks move more.
    p = subprocess.run([detect, "--landmarks", "mirror", "--precision", "fp32", *args],
                       capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"mtcam-detect {' '.join(args)}: exit {p.returncode}: {p.stderr.strip()}")
    return [json.loads(line) for line in p.stdout.splitlines()]


def similarity(points, template):
    """Least-squares rotation+scale+translation from points to template (closed form)."""
    n = len(points)
    mx, my = sum(p[0] for p in points) / n, sum(p[1] for p in points) / n
    tx, ty = sum(q[0] for q in template) / n, sum(q[1] for q in template) / n
    var = a = b = 0.0
    for (px, py), (qx, qy) in zip(points, template):
        px, py, qx, qy = px - mx, py - my, qx - tx, qy - ty
        var += px * px + py * py
        a += px * qx + py * qy
        b += px * qy - py * qx
    a, b = a / var, b / var
    return lambda x, y: (a * (x - mx) - b * (y - my) + tx, b * (x - mx) + a * (y - my) + ty)


with tempfile.TemporaryDirectory() as tmp:
    crops = os.path.join(tmp, "crops", "deeper")  # made with its parents
    results = run("--crops", crops, *photos)
    checked = 0
    for photo, res in zip(photos, results):
        stem = os.path.splitext(os.path.basename(photo))[0]
        faces = res["faces"]
        names = sorted(n for n in os.listdir(crops) if n.startswith(stem + "-face"))
        if names != sorted(f"{stem}-face{i}.png" for i in range(len(faces))) or not faces:
            fail(f"{photo}: {len(faces)} faces but crops {names}")
        for i, face in enumerate(faces):
            path = os.path.join(crops, f"{stem}-face{i}.png")
            with open(path, "rb") as f:
                head = f.read(24)
            if head[:8] != b"\x89PNG\r\n\x1a\n" or struct.unpack(">II", head[16:24]) != (112, 112):
                fail(f"{path}: not a 112x112 PNG")
            if face["box"][2] - face["box"][0] < 40:
                continue  # too small to say anything at 3 px
            to_crop = similarity(face["landmarks"], ARCFACE)
            again = run(path)[0]["faces"]
            if not again:
                fail(f"{path}: no face found in the crop")
            dists = [math.dist(to_crop(*p), q) for p, q in zip(face["landmarks"], again[0]["landmarks"])]
            eyes = [math.dist(q, t) for q, t in zip(again[0]["landmarks"][:2], ARCFACE[:2])]
            print(f"{stem} face {i}: landmarks found again within {max(dists):.2f} px "
                  f"(mean {sum(dists) / 5:.2f}) of the mapped ones, eyes {max(eyes):.2f} px "
                  f"from the template")
            if max(dists) > 3.5 or sum(dists) / 5 > 2 or max(eyes) > 3.5:
                fail(f"{path}: the crop is not aligned")
            checked += 1
    if checked < 2:
        fail(f"only {checked} faces checked")
    # A file where the folder should be: one line naming it, exit 1.
    blocker = os.path.join(tmp, "file")
    open(blocker, "w").close()
    p = subprocess.run([detect, "--crops", blocker, photos[0]], capture_output=True, text=True)
    if p.returncode != 1 or blocker not in p.stderr or len(p.stderr.splitlines()) != 1:
        fail(f"--crops FILE: exit {p.returncode}, stderr {p.stderr!r}")
    p = subprocess.run([detect, "--crops", "", photos[0]], capture_output=True, text=True)
    if p.returncode != 2 or "--crops needs a folder" not in p.stderr:
        fail(f"--crops '': exit {p.returncode}, stderr {p.stderr!r}")
print(f"{checked} faces checked")
