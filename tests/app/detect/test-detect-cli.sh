#!/bin/sh
# test-detect-cli.sh DETECT MODEL DATA_DIR CASE - mtcam-detect run as a user would.
#   usage:  bad flags and values exit 2 with one line on stderr; --help exits 0; a missing
#           model exits 1 naming it. Needs no model.
#   images: (needs MODEL) JSON lines parse and describe the right images in order, a missing
#           file gives an error naming it while the others are still printed (exit 1),
#           --threads gives the same results in the same order, --draw writes PNG files.
#   track:  (needs ffmpeg; uses the shipped model) a Y4M and an MJPEG AVI made from the demo
#           photo moved by 4 px right and 1 px down per frame: one JSON line per frame, a
#           scan then track frames, one face with id 1 throughout, its box following the
#           motion; an image or a missing file with --track exits 1 naming it.
#   bad_input: (uses the shipped model) issue 18: a FIFO with no writer is refused at once
#           (it hung), a JPEG missing only its end marker is decoded with one warning, and
#           results written to /dev/full fail the run (exit 1, one line).
# Exit 0 pass, 1 fail, 77 skip.
set -u
detect=$1 model=$2 data=$3 case=$4
tmp=$(mktemp -d /tmp/mtcam-detect-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cli_bin=$detect cli_name=mtcam-detect
. "$(dirname "$0")/../../cli-expect.sh" # fail, run_expect

case $case in
bad_input)
    root=$(dirname "$0")/../../..
    shipped=$root/models/mtcam.mtcnn photo=$root/assets/demo/grace-hopper.jpg
    mkfifo "$tmp/f.jpg" || fail "mkfifo"
    # timeout is only the guard against the old hang (124 would be its status).
    timeout 20 "$detect" --model "$shipped" "$photo" "$tmp/f.jpg" >"$tmp/out" 2>"$tmp/err"
    got=$?
    [ $got -eq 1 ] || fail "a FIFO: exit $got, expected 1; stderr: $(cat "$tmp/err")"
    grep -q "^mtcam-detect: $tmp/f.jpg: not a regular file (a FIFO)$" "$tmp/err" ||
        fail "the FIFO error: $(cat "$tmp/err")"
    [ "$(wc -l <"$tmp/out")" -eq 1 ] || fail "the good image was not reported: $(cat "$tmp/out")"
    # The photo without its last two bytes (the EOI marker): the same faces, one warning.
    size=$(wc -c <"$photo")
    head -c $((size - 2)) "$photo" >"$tmp/no-eoi.jpg"
    run_expect 0 --model "$shipped" "$photo"
    sed 's/"image": "[^"]*"//; s/"ms": [0-9.]*//' "$tmp/out" >"$tmp/whole.json"
    run_expect 0 --model "$shipped" "$tmp/no-eoi.jpg"
    sed 's/"image": "[^"]*"//; s/"ms": [0-9.]*//' "$tmp/out" >"$tmp/cut.json"
    cmp -s "$tmp/whole.json" "$tmp/cut.json" || fail "no-eoi.jpg: other results: $(cat "$tmp/out")"
    grep -q '"box"' "$tmp/cut.json" || fail "no face found in no-eoi.jpg"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
        grep -q "^mtcam-detect: warning: $tmp/no-eoi.jpg: the JPEG end marker is missing" "$tmp/err" ||
        fail "no-eoi.jpg: the warning: $(cat "$tmp/err")"
    # Cut inside its data it is still an error.
    head -c 2000 "$photo" >"$tmp/cut.jpg"
    run_expect 1 --model "$shipped" "$tmp/cut.jpg"
    grep -q "cut.jpg: truncated JPEG data" "$tmp/err" || fail "cut.jpg: $(cat "$tmp/err")"
    # Results that cannot be written fail the run.
    [ -w /dev/full ] || { echo "SKIP: no /dev/full"; exit 77; }
    "$detect" --model "$shipped" "$photo" >/dev/full 2>"$tmp/err"
    got=$?
    [ $got -eq 1 ] || fail "stdout /dev/full: exit $got"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
        grep -q "^mtcam-detect: cannot write the output: No space left on device$" "$tmp/err" ||
        fail "stdout /dev/full: $(cat "$tmp/err")"
    ;;
usage)
    img=$data/rgb.ppm
    run_expect 2 --stages 4 "$img"
    grep -q -- "--stages '4'" "$tmp/err" || fail "the error does not name the value: $(cat "$tmp/err")"
    run_expect 2 --stages 0 "$img"
    run_expect 2 --thresholds 0.5,abc,0.7 "$img"
    run_expect 2 --thresholds 0.5,abc "$img"
    run_expect 2 --thresholds 0.6,0.7 "$img"
    run_expect 2 --thresholds 0.6,0.7,0.7,0.7 "$img"
    run_expect 2 --thresholds 0.6,0.7,1.5 "$img"
    run_expect 2 --min-face 5 "$img"
    grep -q "12" "$tmp/err" || fail "the --min-face error does not give the limit"
    run_expect 2 --landmarks eyes "$img"
    grep -q "onet, mirror or lnet" "$tmp/err" || fail "the --landmarks error does not list the choices"
    run_expect 2 --min-face abc "$img"
    run_expect 2 --factor 1.5 "$img"
    run_expect 2 --factor 0 "$img"
    run_expect 2 --factor nan "$img"
    run_expect 2 --threads 0 "$img"
    run_expect 2 --threads 2x "$img"
    run_expect 2 --no-such-flag "$img"
    run_expect 2 "$img" --model
    run_expect 2 --bgr
    grep -q "no image" "$tmp/err" || fail "no image: $(cat "$tmp/err")"
    run_expect 0 --help
    grep -q -- "--bgr" "$tmp/out" || fail "--help does not describe --bgr"
    grep -q -- "--draw DIR" "$tmp/out" || fail "--help does not describe --draw"
    run_expect 1 --model "$tmp/no-such-model.mtcnn" "$img"
    grep -q "no-such-model.mtcnn" "$tmp/err" || fail "the model error does not name the file"
    # Without --model or $MTCAM_MODEL, a missing default says how to get one.
    MTCAM_MODEL="$tmp/absent.mtcnn" "$detect" "$img" >/dev/null 2>"$tmp/err"
    [ $? -eq 1 ] && grep -q "absent.mtcnn" "$tmp/err" || fail "\$MTCAM_MODEL not used: $(cat "$tmp/err")"
    ;;
images)
    # Any model serves: the shipped one; the original weights (L-Net) also for --landmarks lnet
    # when ../shared is there.
    original=$model
    model=$(dirname "$0")/../../../models/mtcam.mtcnn
    command -v python3 >/dev/null || { echo "SKIP: python3 is needed to parse the JSON"; exit 77; }
    # Odd names must come out as valid JSON strings.
    odd="$tmp/we\"ird \\ name.ppm"
    cp "$data/rgb.ppm" "$odd"
    "$detect" --model "$model" "$data/baseline.jpg" "$tmp/missing.jpg" "$odd" "$data/rgba.png" \
        >"$tmp/one" 2>"$tmp/err"
    [ $? -eq 1 ] || fail "a missing image must give exit 1"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^mtcam-detect: $tmp/missing.jpg: No such file" "$tmp/err" \
        || fail "the error does not name the missing file: $(cat "$tmp/err")"
    python3 - "$tmp/one" "$data/baseline.jpg" "$odd" "$data/rgba.png" <<'EOF' || fail "JSON output"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
want = sys.argv[2:]
assert len(lines) == len(want), f"{len(lines)} lines for {len(want)} readable images"
for line, path in zip(lines, want):
    d = json.loads(line)
    assert d["image"] == path, (d["image"], path)
    assert (d["width"], d["height"]) == (48, 32), d
    assert isinstance(d["ms"], float) and d["ms"] >= 0, d
    assert d["faces"] == [], d  # gradients hold no faces
EOF
    # More threads than images and fewer: the same lines (but for "ms") in the same order.
    set -- "$data/baseline.jpg" "$data/gray.png" "$data/rgb16.ppm" "$data/progressive.jpg" "$data/palette.png"
    "$detect" --model "$model" "$@" >"$tmp/t1" || fail "--threads 1"
    "$detect" --model "$model" --threads 3 "$@" >"$tmp/t3" || fail "--threads 3"
    "$detect" --model "$model" --threads 8 "$@" >"$tmp/t8" || fail "--threads 8"
    for f in t1 t3 t8; do sed 's/"ms": [0-9.]*/"ms": _/' "$tmp/$f" >"$tmp/$f.cmp"; done
    cmp -s "$tmp/t1.cmp" "$tmp/t3.cmp" && cmp -s "$tmp/t1.cmp" "$tmp/t8.cmp" \
        || fail "--threads changes the output: $(diff "$tmp/t1.cmp" "$tmp/t3.cmp")"
    # --draw: creates the folder (and parents), writes <name>.png per image, "-2" on a clash.
    "$detect" --model "$model" --draw "$tmp/drawn/deep" "$data/baseline.jpg" "$data/gray.jpg" \
        "$data/rgb.png" "$data/rgb.ppm" >/dev/null || fail "--draw"
    for f in baseline gray rgb rgb-2; do
        [ -s "$tmp/drawn/deep/$f.png" ] || fail "--draw did not write $f.png: $(ls "$tmp/drawn/deep")"
        head -c 8 "$tmp/drawn/deep/$f.png" | od -An -c | grep -q 'P   N   G' || fail "$f.png is not a PNG"
        if command -v pngcheck >/dev/null; then
            pngcheck -q "$tmp/drawn/deep/$f.png" >/dev/null || fail "pngcheck rejects $f.png"
        fi
    done
    # --landmarks: the mirrored O-Net pass and L-Net move the points a little, never the boxes;
    # L-Net asked of a model without it is an error, not O-Net's points passed off as L-Net's.
    face=$(dirname "$0")/../../../assets/demo/grace-hopper.jpg
    lm_model=$model hows="onet mirror"
    if [ -f "$original" ]; then
        lm_model=$original hows="onet mirror lnet"
    else
        echo "note: no original weights at $original: --landmarks lnet is checked as an error only"
    fi
    for how in $hows; do
        "$detect" --model "$lm_model" --landmarks $how "$face" >"$tmp/lm-$how" || fail "--landmarks $how"
    done
    python3 - $(for how in $hows; do echo "$tmp/lm-$how"; done) <<'EOF' || fail "--landmarks output"
import json, sys
base, *others = [json.loads(open(p).read()) for p in sys.argv[1:]]
assert len(base["faces"]) >= 1, base
for o in others:
    assert len(o["faces"]) == len(base["faces"])
    moved = 0
    for a, b in zip(base["faces"], o["faces"]):
        assert a["box"] == b["box"] and a["score"] == b["score"], (a, b)
        w = a["box"][2] - a["box"][0]
        for p, q in zip(a["landmarks"], b["landmarks"]):
            d = max(abs(p[0] - q[0]), abs(p[1] - q[1]))
            assert d <= 0.1 * w, (p, q, w)
            moved += d
    assert moved > 0.5, "the landmarks did not move"
EOF
    no_lnet=$(dirname "$0")/../../../models/mtcam.mtcnn
    if [ -f "$no_lnet" ]; then
        run_expect 1 --model "$no_lnet" --landmarks lnet "$face"
        grep -q "no L-Net" "$tmp/err" || fail "--landmarks lnet without L-Net: $(cat "$tmp/err")"
    fi
    # A --draw folder that cannot be made is an error before any work.
    touch "$tmp/file"
    run_expect 1 --model "$model" --draw "$tmp/file/sub" "$data/rgb.ppm"
    ;;
track)
    command -v ffmpeg >/dev/null || { echo "SKIP: ffmpeg not found (install ffmpeg)"; exit 77; }
    root=$(dirname "$0")/../../..
    shipped=$root/models/mtcam.mtcnn photo=$root/assets/demo/grace-hopper.jpg
    ffmpeg -v error -y -f lavfi -i "color=c=gray:s=400x300:r=25:d=0.64" -loop 1 -i "$photo" \
        -filter_complex "[1:v]scale=200:200[fg];[0:v][fg]overlay=x='20+4*n':y='50+n':eval=frame:shortest=1" \
        -frames:v 16 -pix_fmt yuv420p "$tmp/moving.y4m" || fail "ffmpeg could not make the video"
    ffmpeg -v error -y -i "$tmp/moving.y4m" -c:v mjpeg -q:v 3 "$tmp/moving.avi" ||
        fail "ffmpeg could not make the AVI"
    for v in moving.y4m moving.avi; do
        run_expect 0 --model "$shipped" --track "$tmp/$v"
        python3 - "$tmp/out" "$tmp/$v" <<'PY' || fail "$v: $(head -c 600 "$tmp/out")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 16, f"{len(lines)} lines for 16 frames"
for i, l in enumerate(lines):
    assert l["video"] == sys.argv[2] and l["frame"] == i, l
    assert (l["width"], l["height"]) == (400, 300), l
    assert l["mode"] == ("scan" if i == 0 else "track"), (i, l["mode"])
    assert abs(l["time"] - i * 0.04) < 1e-6, (i, l["time"])
    assert [f["id"] for f in l["faces"]] == [1], (i, l["faces"])
    assert len(l["faces"][0]["landmarks"]) == 5
# The photo moved 60 px right and 15 px down: the box follows within 3 px.
b0, b1 = lines[0]["faces"][0]["box"], lines[-1]["faces"][0]["box"]
dx, dy = (b1[0] + b1[2] - b0[0] - b0[2]) / 2, (b1[1] + b1[3] - b0[1] - b0[3]) / 2
assert abs(dx - 60) <= 3 and abs(dy - 15) <= 3, (dx, dy)
PY
    done
    run_expect 1 --model "$shipped" --track "$photo"
    grep -q "grace-hopper.jpg: not a Y4M or MJPEG AVI video" "$tmp/err" ||
        fail "--track on an image: $(cat "$tmp/err")"
    run_expect 1 --model "$shipped" --track "$tmp/none.y4m"
    grep -q "none.y4m" "$tmp/err" || fail "--track on a missing file: $(cat "$tmp/err")"
    run_expect 2 --track --draw "$tmp" "$tmp/moving.y4m"
    ;;
*)
    fail "unknown case $case"
    ;;
esac
exit 0
