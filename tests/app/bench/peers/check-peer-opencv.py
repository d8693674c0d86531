#!/usr/bin/env python3
"""check-peer-opencv.py PEER DETECT BENCH MODEL SHARED_DIR CASE

mtcam-peer-opencv (MTCNN on OpenCV's DNN module, the peer .ci/bench-peers times mtcam
against) must do the same work as mtcam, or the speed ratio means nothing.

Cases:
  photos   the four peer photos at min face 20 and 40: mtcam-detect and the peer find the
           same faces (boxes and landmarks within 1 px, scores within 1e-3)
  frames   the frames .ci/bench-peers times (ivan resized to 640x480 and 1920x1080, min face
           40 and 20): the peer leaves as many boxes after each stage as mtcam-bench reports
  errors   bad flags exit 2, a missing image or net file and a corrupt net exit 1, each with
           one line naming the thing
Exit 0 pass, 1 fail, 77 skip (no ../shared, no converted model).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

BOX_TOL = 1.0
LANDMARK_TOL = 1.0
SCORE_TOL = 1e-3
PHOTOS = ["ipazc_ivan.jpg", "ipazc_no-faces.jpg", "kpzhang93_test1.jpg", "kpzhang93_test2.jpg"]

peer, detect, bench, model, shared, case = sys.argv[1:7]
photo_dir = os.path.join(shared, "data", "peer-tests")
nets = os.path.join(shared, "models", "reference")


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(77)


def fail(why):
    print(f"FAIL: {why}", file=sys.stderr)
    sys.exit(1)


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"{' '.join(cmd)}: exit {p.returncode}: {p.stderr.strip()}")
    return [json.loads(line) for line in p.stdout.splitlines()]


def need_shared():
    if not os.path.isfile(os.path.join(nets, "det1.caffemodel")):
        skip(f"{nets} not found: the original weights and peer photos live in ../shared")
    if not os.path.isfile(model):
        skip(f"no model at {model} (made from {nets} by original_model.convert)")


def close(a, b, tol):
    return all(abs(x - y) <= tol for x, y in zip(a, b))


def photos():
    need_shared()
    paths = [os.path.join(photo_dir, p) for p in PHOTOS]
    checked = 0
    for min_face in (20, 40):
        ours = run([detect, "--model", model, "--min-face", str(min_face), *paths])
        theirs = run([peer, "--models", nets, "--min-face", str(min_face), *paths])
        if len(ours) != len(paths) or len(theirs) != len(paths):
            fail(f"min face {min_face}: {len(ours)} and {len(theirs)} result lines for {len(paths)} photos")
        for a, b in zip(ours, theirs):
            what = f"{os.path.basename(a['image'])}, min face {min_face}"
            if (a["width"], a["height"]) != (b["width"], b["height"]):
                fail(f"{what}: sizes {a['width']}x{a['height']} and {b['width']}x{b['height']}")
            fa, fb = a["faces"], b["faces"]
            if len(fa) != len(fb):
                fail(f"{what}: mtcam finds {len(fa)} faces, the peer {len(fb)}")
            for x, y in zip(fa, fb):  # both sorted by descending score
                if not close(x["box"], y["box"], BOX_TOL):
                    fail(f"{what}: boxes {x['box']} and {y['box']} differ by more than {BOX_TOL} px")
                if abs(x["score"] - y["score"]) > SCORE_TOL:
                    fail(f"{what}: scores {x['score']} and {y['score']}")
                px = [v for p in x["landmarks"] for v in p]
                py = [v for p in y["landmarks"] for v in p]
                if len(px) != 10 or not close(px, py, LANDMARK_TOL):
                    fail(f"{what}: landmarks {x['landmarks']} and {y['landmarks']}")
                checked += 1
    # The photos hold faces (5 at min face 20, 4 at 40): a peer and a mtcam that both found
    # none must not pass.
    if checked < 9:
        fail(f"only {checked} faces compared over the photos, expected 9 (5 at min face 20, 4 at 40)")
    print(f"ok: {checked} faces agree")


def frames():
    need_shared()
    ivan = os.path.join(photo_dir, "ipazc_ivan.jpg")
    for size in ("640x480", "1920x1080"):
        for min_face in (40, 20):
            ours = run([bench, "--model", model, "--size", size, "--min-face", str(min_face),
                        "--iters", "1", "--json", ivan])[0]
            theirs = run([peer, "--models", nets, "--size", size, "--min-face", str(min_face),
                          ivan])[0]
            st = ours["stages"]
            a = (st["pyramid"]["boxes"], st["pnet"]["boxes"], st["rnet"]["boxes"], ours["faces"])
            b = (theirs["n_scales"], theirs["n_pnet"], theirs["n_rnet"], len(theirs["faces"]))
            what = f"{size}, min face {min_face}"
            if a != b:
                fail(f"{what}: (levels, P-Net boxes, R-Net boxes, faces) mtcam {a}, peer {b}")
            if b[3] == 0:
                fail(f"{what}: no face found in the benchmark frame")
            print(f"{what}: both {a}")


def errors():
    def expect(cmd, code, needle):
        p = subprocess.run(cmd, capture_output=True, text=True)
        lines = p.stderr.strip().splitlines()
        if p.returncode != code:
            fail(f"{' '.join(cmd)}: exit {p.returncode}, expected {code}: {p.stderr.strip()}")
        if len(lines) != 1 or not lines[0].startswith("mtcam-peer-opencv: ") or needle not in lines[0]:
            fail(f"{' '.join(cmd)}: expected one line naming {needle!r}, got {lines}")

    expect([peer, "--bogus", "1", "x.jpg"], 2, "--bogus")
    expect([peer, "--threads", "0", "x.jpg"], 2, "--threads")
    expect([peer, "--size", "640", "x.jpg"], 2, "--size")
    expect([peer], 2, "no IMAGE")
    expect([peer, "--models", "/nonexistent", "x.jpg"], 1, "/nonexistent/det1.prototxt")
    need_shared()
    ivan = os.path.join(photo_dir, "ipazc_ivan.jpg")
    expect([peer, "--models", nets, "/nonexistent.jpg"], 1, "/nonexistent.jpg")
    with tempfile.TemporaryDirectory() as d:
        for n in (1, 2, 3):
            for ext in ("prototxt", "caffemodel"):
                shutil.copy(os.path.join(nets, f"det{n}.{ext}"), d)
        # Truncated weights, weights of another net, a prototxt that is not one.
        with open(os.path.join(nets, "det2.caffemodel"), "rb") as f:
            data = f.read()
        with open(os.path.join(d, "det2.caffemodel"), "wb") as f:
            f.write(data[: len(data) // 3])
        expect([peer, "--models", d, ivan], 1, "det2.caffemodel")
        shutil.copy(os.path.join(nets, "det3.caffemodel"), os.path.join(d, "det2.caffemodel"))
        expect([peer, "--models", d, ivan], 1, "det2.caffemodel")
        shutil.copy(os.path.join(nets, "det2.caffemodel"), d)
        with open(os.path.join(d, "det3.prototxt"), "w") as f:
            f.write("garbage {\n")
        expect([peer, "--models", d, ivan], 1, "det3.prototxt")
    print("ok")


{"photos": photos, "frames": frames, "errors": errors}[case]()
