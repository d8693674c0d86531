#!/usr/bin/env python3
"""check-detect-reference.py DETECT MODEL SHARED_DIR CASE

mtcam-detect end to end with the original MTCNN weights on the peer photos in
SHARED_DIR/data/peer-tests, against `pipeline` in mtcnn_reference_vectors.json (an independent
numpy implementation of the original algorithm, default settings).

Cases:
  rgb    the four photos fed as RGB: same faces, boxes and landmarks within 1 px, scores 1e-3
  bgr    the same fed as BGR (--bgr)
  ipazc  --bgr on ivan.jpg reproduces ipazc/mtcnn's published result
  draw   --draw: the face box is drawn in the overlay's box colour; on Grace Hopper's portrait
         with the shipped model (MODEL, SHARED_DIR are then the shipped model and assets/demo),
         needing nothing from ../shared
Exit 0 pass, 1 fail, 77 skip (no model, no shared folder, no ffmpeg for `draw`).

The reference boxes are 1-based (the original MATLAB convention); mtcam-detect prints 0-based
coordinates, so a reference box corresponds to printed + 1. The reference landmarks are
already 0-based.
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
BOX_COLOR = (0, 230, 0)  # render_overlay_style_default: style->box

detect, model, shared, case = sys.argv[1:5]
peer = os.path.join(shared, "data", "peer-tests")
ref_path = os.path.join(peer, "mtcnn_reference_vectors.json")


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(77)


def fail(why):
    print(f"FAIL: {why}", file=sys.stderr)
    sys.exit(1)


if case != "draw" and not os.path.isfile(ref_path):
    skip(f"{ref_path} not found: the peer photos live in ../shared")
if not os.path.isfile(model):
    skip(f"no model at {model} (made from ../shared/models/reference by original_model.convert)")


def run(*args):
    p = subprocess.run([detect, "--model", model, *args], capture_output=True, text=True)
    if p.returncode != 0:
        fail(f"mtcam-detect {' '.join(args)}: exit {p.returncode}: {p.stderr.strip()}")
    return [json.loads(line) for line in p.stdout.splitlines()]


def compare(order):
    """Every photo fed as `order` (RGB or BGR) against the reference."""
    refs = [r for r in json.load(open(ref_path))["pipeline"] if r["channel_order_fed"] == order]
    if not refs:
        fail(f"no {order} entries in {ref_path}")
    images = [os.path.join(peer, r["image"]) for r in refs]
    results = run(*(["--bgr"] if order == "BGR" else []), *images)
    if len(results) != len(refs):
        fail(f"{len(results)} JSON lines for {len(refs)} images")
    problems = []
    for ref, res in zip(refs, results):
        name = f"{ref['image']} ({order})"
        if (res["width"], res["height"]) != (ref["width"], ref["height"]):
            problems.append(f"{name}: size {res['width']}x{res['height']}")
        want = ref["boxes_x1_y1_x2_y2_score_1based"]
        marks = ref["landmarks_x1..x5_y1..y5_0based"]
        got = res["faces"]
        if len(got) != len(want):
            problems.append(f"{name}: {len(got)} faces, reference {len(want)}: {got}")
            continue
        unused = list(got)
        for box, lm in zip(want, marks):
            ref_box = [v - 1 for v in box[:4]]  # 1-based -> 0-based
            # The printed face closest to this reference face (order may differ on ties).
            face = min(unused, key=lambda f: max(abs(a - b) for a, b in zip(f["box"], ref_box)))
            unused.remove(face)
            d_box = max(abs(a - b) for a, b in zip(face["box"], ref_box))
            d_score = abs(face["score"] - box[4])
            if "landmarks" not in face:
                problems.append(f"{name}: face {face['box']} has no landmarks")
                continue
            ref_lm = [(lm[k], lm[5 + k]) for k in range(5)]
            d_lm = max(abs(a - b) for p, q in zip(face["landmarks"], ref_lm) for a, b in zip(p, q))
            line = (f"{name}: box {['%.2f' % v for v in face['box']]} vs "
                    f"{['%.2f' % v for v in ref_box]} (max diff {d_box:.3f}), score "
                    f"{face['score']:.6f} vs {box[4]:.6f}, landmarks max diff {d_lm:.3f}")
            print(line)
            if d_box > BOX_TOL or d_score > SCORE_TOL or d_lm > LANDMARK_TOL:
                problems.append(line)
    if problems:
        fail("\n  ".join(["results differ from the reference:"] + problems))


def ipazc():
    """ipazc/mtcnn's README, image read with cv2.imread (BGR): box [277, 90, 48, 63] as
    int(x1), int(y1), int(x2 - x1), int(y2 - y1) in 1-based terms, keypoints as ints,
    confidence 0.99851983785629272."""
    (res,) = run("--bgr", os.path.join(peer, "ipazc_ivan.jpg"))
    if len(res["faces"]) != 1:
        fail(f"ivan.jpg as BGR: {len(res['faces'])} faces, ipazc's tests expect exactly 1")
    f = res["faces"][0]
    x1, y1, x2, y2 = f["box"]
    box = [int(x1 + 1), int(y1 + 1), int(x2 - x1), int(y2 - y1)]
    if box != [277, 90, 48, 63]:
        fail(f"ipazc box {box}, published [277, 90, 48, 63] (from 0-based {f['box']})")
    names = ["left_eye", "right_eye", "nose", "mouth_left", "mouth_right"]
    published = {"left_eye": (291, 117), "right_eye": (314, 114), "nose": (303, 131),
                 "mouth_left": (296, 143), "mouth_right": (313, 141)}
    for name, (x, y) in zip(names, f["landmarks"]):
        if (int(x), int(y)) != published[name]:
            fail(f"{name} ({x:.3f}, {y:.3f}) -> {(int(x), int(y))}, published {published[name]}")
    if abs(f["score"] - 0.99851983785629272) > SCORE_TOL:
        fail(f"confidence {f['score']}, published 0.998520")
    print(f"ivan.jpg (BGR): box {box}, keypoints and confidence {f['score']:.6f} as published")


def draw():
    if not shutil.which("ffmpeg"):
        skip("ffmpeg is needed to read the drawn PNG back")
    with tempfile.TemporaryDirectory() as tmp:
        (res,) = run("--draw", tmp, os.path.join(shared, "grace-hopper.jpg"))
        png = os.path.join(tmp, "grace-hopper.png")
        if not os.path.isfile(png):
            fail(f"--draw wrote no {png}: {os.listdir(tmp)}")
        raw = subprocess.run(["ffmpeg", "-v", "error", "-i", png, "-f", "rawvideo", "-pix_fmt",
                              "rgb24", "-"], capture_output=True, check=True).stdout
        w, h = res["width"], res["height"]
        if len(raw) != w * h * 3:
            fail(f"the drawn PNG holds {len(raw)} bytes, expected {w}x{h}x3")

        def pixel(x, y):
            i = (y * w + x) * 3
            return tuple(raw[i:i + 3])

        face = res["faces"][0]
        x1, y1, x2, y2 = (int(round(v)) for v in face["box"])
        xm, ym = (x1 + x2) // 2, (y1 + y2) // 2
        edges = {"left": (x1, ym), "right": (x2, ym), "top": (xm, y1), "bottom": (xm, y2)}
        for edge, (x, y) in edges.items():
            if pixel(x, y) != BOX_COLOR:
                fail(f"{edge} edge of box {face['box']} at ({x}, {y}) is {pixel(x, y)}, "
                     f"expected the box colour {BOX_COLOR}")
        if pixel(xm, ym) == BOX_COLOR:
            fail(f"the middle of the face ({xm}, {ym}) has the box colour: not an outline")
        print(f"box edges drawn at x {x1}, {x2} and y {y1}, {y2}")


if case == "rgb":
    compare("RGB")
elif case == "bgr":
    compare("BGR")
elif case == "ipazc":
    ipazc()
elif case == "draw":
    draw()
else:
    fail(f"unknown case {case}")
