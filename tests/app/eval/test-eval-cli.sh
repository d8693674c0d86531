#!/bin/sh
# test-eval-cli.sh EVAL MODEL SHARED CASE - mtcam-eval run as a user would.
#   usage: bad flags exit 2 with one line on stderr; --help exits 0; a data set whose files are
#          missing exits 1 with one line naming the file. Needs nothing else.
#   dlib:  (needs MODEL and SHARED) the original weights on dlib's testing set, twice side by
#          side (1 and 2 threads): the JSON parses, both columns agree, and the figures are the
#          ones measured when this test was written (every face found, no false positive,
#          landmark NME ~0.057); the HTML holds the charts (rendered by rsvg-convert when
#          installed). An image missing from the set exits 1 naming it.
#   formats: (needs MODEL and SHARED) dlib's testing boxes rewritten as a WIDER ground-truth
#          file and as FDDB ellipses (upright, forehead to chin) over the same photos: the
#          WIDER run gives the dlib run's hits and AP (same boxes, same IoU rule; one extra
#          image without faces); the FDDB run finds every face with a continuous score
#          between 0.6 and 0.9.
# Exit 0 pass, 1 fail, 77 skip.
set -u
eval_bin=$1 model=$2 shared=$3 case=$4
tmp=$(mktemp -d /tmp/mtcam-eval-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cli_bin=$eval_bin cli_name=mtcam-eval
. "$(dirname "$0")/../../cli-expect.sh" # fail, run_expect

case $case in
usage)
    r=$tmp
    run_expect 2
    run_expect 2 --root "$r"
    grep -q -- "--dataset" "$tmp/err" || fail "no word about the missing --dataset"
    run_expect 2 --dataset voc --root "$r"
    grep -q "'voc'" "$tmp/err" || fail "the error does not name the value"
    run_expect 2 --dataset dlib
    run_expect 2 --dataset dlib --root "$r" --limit 0
    run_expect 2 --dataset dlib --root "$r" --limit 5x
    run_expect 2 --dataset dlib --root "$r" --subset -3
    run_expect 2 --dataset dlib --root "$r" --seed abc
    run_expect 2 --dataset dlib --root "$r" --thresholds 0.6,0.7
    run_expect 2 --dataset dlib --root "$r" --thresholds 0.6,0.7,1.5
    run_expect 2 --dataset dlib --root "$r" --sweep-threshold 0.9
    run_expect 2 --dataset dlib --root "$r" --min-face 5
    run_expect 2 --dataset dlib --root "$r" --factor nan
    run_expect 2 --dataset dlib --root "$r" --iou 0
    run_expect 2 --dataset dlib --root "$r" --width-range 4,1.2
    run_expect 2 --dataset dlib --root "$r" --threads 0
    run_expect 2 --dataset dlib --root "$r" --label a --label b --model m
    run_expect 2 --dataset dlib --root "$r" --no-such-flag 1
    run_expect 2 --dataset dlib --root "$r" stray
    run_expect 2 --dataset dlib --root
    run_expect 0 --help
    grep -q -- "--sweep-threshold" "$tmp/out" || fail "--help does not describe --sweep-threshold"
    # Missing data set files: one line naming the file, exit 1 (before any model is needed).
    for d in caltech mtfl dlib wider fddb; do
        run_expect 1 --dataset $d --root "$tmp/absent"
        grep -q "$tmp/absent" "$tmp/err" || fail "$d: the error does not name the file: $(cat "$tmp/err")"
    done
    run_expect 1 --dataset dlib --root "$r" --list "$tmp/none.xml"
    grep -q "none.xml" "$tmp/err" || fail "the error does not name the list"
    printf '<dataset><images><image file="a.jpg"><box top="1"/></image></images></dataset>\n' >"$tmp/bad.xml"
    run_expect 1 --dataset dlib --root "$r" --list "$tmp/bad.xml"
    grep -q "bad.xml:1: <box> without the 'left' attribute" "$tmp/err" || fail "bad XML: $(cat "$tmp/err")"
    # A good list but a missing or broken model: one line naming the model.
    printf '<dataset><images><image file="a.jpg"/></images></dataset>\n' >"$tmp/good.xml"
    run_expect 1 --dataset dlib --root "$r" --list "$tmp/good.xml" --model "$tmp/absent.mtcnn"
    grep -q "absent.mtcnn" "$tmp/err" || fail "the model error does not name it: $(cat "$tmp/err")"
    printf 'not a model' >"$tmp/junk.mtcnn"
    run_expect 1 --dataset dlib --root "$r" --list "$tmp/good.xml" --model "$tmp/junk.mtcnn"
    grep -q "junk.mtcnn" "$tmp/err" || fail "the model error does not name it: $(cat "$tmp/err")"
    # An empty selection is an error, not a report of nothing.
    printf '<dataset><images></images></dataset>\n' >"$tmp/empty.xml"
    run_expect 1 --dataset dlib --root "$r" --list "$tmp/empty.xml" --model "$tmp/junk.mtcnn"
    grep -q "no images" "$tmp/err" || fail "empty set: $(cat "$tmp/err")"
    ;;
dlib)
    dlib=$shared/data/dlib-faces
    [ -f "$dlib/testing_with_face_landmarks.xml" ] || { echo "SKIP: $dlib not found (../shared)"; exit 77; }
    [ -f "$model" ] || { echo "SKIP: $model not found (made by the test original_model.convert from ../shared)"; exit 77; }
    run_expect 0 --dataset dlib --root "$dlib" --model "$model" --label one --threads 1 \
        --model "$model" --label two --json "$tmp/r.json" --html "$tmp/r.html" --quiet
    python3 - "$tmp/r.json" <<'EOF' || fail "JSON figures"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["dataset"]["images"] == 5 and r["dataset"]["faces"] == 25, r["dataset"]
a, b = r["models"]
assert a["label"] == "one" and b["label"] == "two"
for k in ("recall", "fp_per_image", "ap"):
    assert a["detection"][k] == b["detection"][k], (k, a["detection"][k], b["detection"][k])
d, l = a["detection"], a["landmarks"]
assert d["recall"] == 1.0 and d["fp_per_image"] == 0.0 and d["ap"] == 1.0, d
assert 0.6 < d["mean_overlap"] < 0.8, d["mean_overlap"]
assert l["faces"] == 25 and 0.04 < l["nme"] < 0.075, l
assert l["failure_rate_0.1"] <= 0.08, l
assert set(l["nme_per_point"]) == {"left_eye", "right_eye", "nose", "left_mouth", "right_mouth"}
assert a["speed"]["median_ms"] > 0
EOF
    # Two threads give the same figures as one.
    run_expect 0 --dataset dlib --root "$dlib" --model "$model" --threads 2 --json "$tmp/t2.json" --quiet
    python3 - "$tmp/r.json" "$tmp/t2.json" <<'EOF' || fail "threads change the figures"
import json, sys
a = json.load(open(sys.argv[1]))["models"][0]
b = json.load(open(sys.argv[2]))["models"][0]
for part in ("detection", "landmarks"):
    for k, v in a[part].items():
        assert v == b[part][k], (part, k, v, b[part][k])
EOF
    grep -q '^<!DOCTYPE html>' "$tmp/r.html" || fail "the HTML report lacks its doctype"
    [ "$(grep -c '<svg ' "$tmp/r.html")" -eq 8 ] || fail "the HTML report does not hold 8 charts (2 size ranges have faces)"
    ! grep -q '<script' "$tmp/r.html" || fail "the HTML report holds a script"
    grep -q 'recall' "$tmp/out" || fail "no summary on stdout"
    if command -v rsvg-convert >/dev/null 2>&1; then
        python3 - "$tmp/r.html" "$tmp" <<'EOF' || fail "SVG extraction"
import re, sys
s = open(sys.argv[1]).read()
for i, v in enumerate(re.findall(r'<svg .*?</svg>', s, re.S)):
    open(f"{sys.argv[2]}/c{i}.svg", "w").write(v)
EOF
        for f in "$tmp"/c*.svg; do
            rsvg-convert "$f" -o "$f.png" || fail "rsvg-convert rejects $f"
        done
    fi
    # An image listed but absent.
    sed 's/2008_002470.jpg/no-such-image.jpg/' "$dlib/testing_with_face_landmarks.xml" >"$tmp/missing.xml"
    run_expect 1 --dataset dlib --root "$dlib" --list "$tmp/missing.xml" --model "$model" --quiet
    grep -q "no-such-image.jpg" "$tmp/err" || fail "the error does not name the image: $(cat "$tmp/err")"
    ;;
formats)
    dlib=$shared/data/dlib-faces
    [ -f "$dlib/testing.xml" ] || { echo "SKIP: $dlib not found (../shared)"; exit 77; }
    [ -f "$model" ] || { echo "SKIP: $model not found (made by the test original_model.convert from ../shared)"; exit 77; }
    python3 - "$dlib/testing.xml" "$tmp" <<'EOF' || fail "writing the WIDER and FDDB files"
import re, sys
xml = open(sys.argv[1]).read()
wider = open(sys.argv[2] + "/wider_gt.txt", "w")
fddb = open(sys.argv[2] + "/fold.txt", "w")
for name, body in re.findall(r"<image file='([^']+)'[^>]*>(.*?)</image>", xml, re.S):
    boxes = [tuple(map(int, b)) for b in
             re.findall(r"top='(\d+)' left='(\d+)' width='(\d+)' height='(\d+)'", body)]
    wider.write(f"{name}\n{len(boxes)}\n")
    fddb.write(f"{name[:-4]}\n{len(boxes)}\n")
    for t, l, w, h in boxes:
        wider.write(f"{l} {t} {w} {h} 0 0 0 0 0 0 \n")
        fddb.write(f"{0.65 * h:.3f} {0.5 * w:.3f} 1.570796 {l + w / 2:.3f} {t + 0.4 * h:.3f}  1\n")
# An image without faces, written the official way, must be read (and counts as an image).
wider.write("dogs.jpg\n0\n0 0 0 0 0 0 0 0 0 0 \n")
EOF
    run_expect 0 --dataset dlib --root "$dlib" --list "$dlib/testing.xml" --model "$model" --json "$tmp/dlib.json" --quiet
    run_expect 0 --dataset wider --root "$dlib" --list "$tmp/wider_gt.txt" --model "$model" --json "$tmp/wider.json" --quiet
    run_expect 0 --dataset fddb --root "$dlib" --list "$tmp/fold.txt" --model "$model" --json "$tmp/fddb.json" --html "$tmp/fddb.html" --quiet
    grep -q "FDDB continuous score" "$tmp/out" || fail "no FDDB continuous score in the summary"
    grep -q "FDDB official ROC" "$tmp/out" || fail "no FDDB official ROC in the summary"
    python3 - "$tmp/fddb.html" "$tmp/roc.svg" <<'EOF' || fail "no FDDB ROC chart in the HTML report"
import re, sys
charts = [c for c in re.findall(r'<svg .*?</svg>', open(sys.argv[1]).read(), re.S)
          if 'FDDB official ROC' in c]
assert len(charts) == 1 and 'false positives' in charts[0]
open(sys.argv[2], "w").write(charts[0])
EOF
    if command -v rsvg-convert >/dev/null 2>&1; then
        rsvg-convert "$tmp/roc.svg" -o "$tmp/roc.png" || fail "rsvg-convert rejects the FDDB ROC chart"
    fi
    python3 - "$tmp" <<'EOF' || fail "WIDER/FDDB figures"
import json, sys
t = sys.argv[1]
d = json.load(open(t + "/dlib.json"))["models"][0]["detection"]
w = json.load(open(t + "/wider.json"))
f = json.load(open(t + "/fddb.json"))["models"][0]["detection"]
assert w["dataset"]["images"] == 6 and w["dataset"]["faces"] == 25, w["dataset"]
w = w["models"][0]["detection"]
for k in ("recall", "ap", "tp", "mean_overlap"):
    assert w[k] == d[k], (k, w[k], d[k])
assert d["recall"] == 1.0
assert f["recall"] == 1.0 and 0.6 < f["continuous_score"] < 0.9, f
# FDDB's official ROC: all 25 faces found (the PR figures above find them all), the points
# ordered (false positives grow as the threshold falls), and the TPR at 1000 false positives
# the best TPR of the curve (this run has far fewer).
o = json.load(open(t + "/fddb.json"))["models"][0]["fddb_official"]
assert o["faces"] == 25, o["faces"]
roc = o["roc"]
n = len(roc["fp"])
assert n > 0 and n == len(roc["score"]) == len(roc["tpr_discrete"]) == len(roc["tpr_continuous"])
assert all(roc["score"][k] > roc["score"][k + 1] for k in range(n - 1))
assert all(roc["fp"][k] <= roc["fp"][k + 1] for k in range(n - 1)) and roc["fp"][-1] < 500
assert all(0 <= v <= 1 for v in roc["tpr_discrete"] + roc["tpr_continuous"])
assert o["tpr_discrete_at_fp"]["1000"] == 1.0, o["tpr_discrete_at_fp"]
assert abs(o["tpr_continuous_at_fp"]["1000"] - max(roc["tpr_continuous"])) < 1e-6
assert 0.6 < o["tpr_continuous_at_fp"]["1000"] < 0.95, o["tpr_continuous_at_fp"]
EOF
    ;;
*)
    fail "unknown case $case"
    ;;
esac
exit 0
