#!/bin/sh
# test-eval-wider-cli.sh EVAL FIXTURE MODEL SHARED CASE - mtcam-eval --wider-subset end to end
# on a tiny WIDER-like tree built here from dlib's testing photos: WIDER_val/images/0--Dlib/,
# wider_face_split/ with the text ground truth and the .mat files (written by FIXTURE, the
# tests' own MAT writer: wider_face_val.mat compressed, wider_<subset>_val.mat plain).
#   errors: bad flags exit 2; missing or damaged .mat files exit 1 with one line naming the
#           file (on a tree of the demo portraits when SHARED is absent).
#   official: (needs MODEL and SHARED) "hard" = every face, "easy" = the first face of each
#           image, "medium" = none: the official AP lines name the subset and its face count;
#           hard finds every face (the PR run finds all 25) so its AP is that of the project's
#           own PR curve (1); easy, whose other faces
#           are ignored, also 1 (ignored faces drop their detections); a subset without faces
#           scores 0; one face moved away in the .mat lowers the AP into known bounds.
# Exit 0 pass, 1 fail, 77 skip.
set -u
eval_bin=$1 fixture=$2 model=$3 shared=$4 case=$5
tmp=$(mktemp -d /tmp/mtcam-eval-wider-XXXXXX)
[ -n "${KEEP_TMP:-}" ] || trap 'rm -rf "$tmp"' EXIT
cli_bin=$eval_bin cli_name=mtcam-eval
. "$(dirname "$0")/../../cli-expect.sh" # fail, run_expect

dlib=$shared/data/dlib-faces
if [ ! -f "$dlib/testing.xml" ]; then
    [ "$case" = errors ] || { echo "SKIP: $dlib not found (../shared)"; exit 77; }
    # The error paths need a well-formed tree, not dlib's faces: the two demo portraits with
    # boxes drawn by hand around the faces (looked at, not detected).
    dlib=$tmp/own
    mkdir -p "$dlib"
    assets=$(cd "$(dirname "$0")/../../../assets/demo" && pwd)
    cp "$assets/grace-hopper.jpg" "$assets/eileen-collins.jpg" "$dlib/"
    printf "%s\n" "<dataset><images>" \
        "<image file='grace-hopper.jpg'><box top='95' left='165' width='200' height='205'/></image>" \
        "<image file='eileen-collins.jpg'><box top='60' left='178' width='100' height='105'/></image>" \
        "</images></dataset>" >"$dlib/testing.xml"
fi
root=$tmp/WIDER_val split=$tmp/wider_face_split
mkdir -p "$root/images/0--Dlib" "$split" || fail "mkdir"
python3 - "$dlib" "$tmp" <<'PY' || fail "writing the WIDER tree"
import os, re, sys
dlib, t = sys.argv[1], sys.argv[2]
xml = open(dlib + "/testing.xml").read()
gt = open(t + "/wider_face_split/wider_face_val_bbx_gt.txt", "w")
spec = {s: open(f"{t}/{s}.spec", "w") for s in ("easy", "medium", "hard", "shifted")}
first = True
for name, body in re.findall(r"<image file='([^']+)'[^>]*>(.*?)</image>", xml, re.S):
    os.symlink(os.path.abspath(os.path.join(dlib, name)), f"{t}/WIDER_val/images/0--Dlib/{name}")
    boxes = [tuple(map(int, b)) for b in
             re.findall(r"top='(\d+)' left='(\d+)' width='(\d+)' height='(\d+)'", body)]
    gt.write(f"0--Dlib/{name}\n{len(boxes)}\n")
    for s in spec.values():
        s.write(f"0--Dlib {name[:-4]} {len(boxes)}\n")
    for i, (top, left, w, h) in enumerate(boxes):
        gt.write(f"{left} {top} {w} {h} 0 0 0 0 0 0 \n")
        # The official boxes end at x + w (its overlap adds one pixel): w - 1 keeps them on
        # the pixels the text file's boxes cover.
        for s, keep in (("hard", 1), ("easy", int(i == 0)), ("medium", 0)):
            spec[s].write(f"{left} {top} {w - 1} {h - 1} {keep}\n")
        # "shifted": the hard subset with the very first face moved 3000 px away.
        spec["shifted"].write(f"{left + 3000 * first} {top} {w - 1} {h - 1} 1\n")
        first = False
PY
for s in easy medium hard; do
    "$fixture" "$tmp/$s.spec" "$split/wider_face_val.mat" "$split/wider_${s}_val.mat" ||
        fail "fixture $s"
done
mkdir "$tmp/shifted" && "$fixture" "$tmp/shifted.spec" "$tmp/shifted/wider_face_val.mat" \
    "$tmp/shifted/wider_hard_val.mat" || fail "fixture shifted"

case $case in
errors)
    run_expect 2 --dataset dlib --root "$root" --wider-subset hard
    grep -q "needs --dataset wider" "$tmp/err" || fail "$(cat "$tmp/err")"
    run_expect 2 --dataset wider --root "$root" --wider-subset tough
    grep -q "'tough'" "$tmp/err" || fail "$(cat "$tmp/err")"
    run_expect 2 --dataset wider --root "$root" --wider-split "$split"
    # The split is read before any model is loaded: no model is needed to see these errors.
    mkdir "$tmp/nosplit"
    run_expect 1 --dataset wider --root "$root" --wider-subset hard --wider-split "$tmp/nosplit" \
        --model "$tmp/absent.mtcnn"
    grep -q "nosplit/wider_face_val.mat" "$tmp/err" || fail "$(cat "$tmp/err")"
    head -c 300 "$split/wider_hard_val.mat" >"$tmp/cut.mat" && mv "$tmp/cut.mat" "$split/wider_hard_val.mat"
    run_expect 1 --dataset wider --root "$root" --wider-subset hard --model "$tmp/absent.mtcnn"
    grep -q "wider_hard_val.mat: " "$tmp/err" || fail "$(cat "$tmp/err")"
    printf 'MATLAB 5.0 but not really' >"$split/wider_easy_val.mat"
    run_expect 1 --dataset wider --root "$root" --wider-subset easy --model "$tmp/absent.mtcnn"
    grep -q "wider_easy_val.mat: shorter than a MAT-file header" "$tmp/err" || fail "$(cat "$tmp/err")"
    ;;
official)
    [ -f "$model" ] || { echo "SKIP: $model not found (made by the test original_model.convert from ../shared)"; exit 77; }
    for s in hard easy medium; do
        run_expect 0 --dataset wider --root "$root" --wider-subset $s --model "$model" \
            --label orig --json "$tmp/$s.json" --html "$tmp/$s.html" --quiet
        grep "^WIDER official $s AP" "$tmp/out" >"$tmp/$s.line" || fail "no official $s AP line: $(cat "$tmp/out")"
    done
    run_expect 0 --dataset wider --root "$root" --wider-subset hard --wider-split "$tmp/shifted" \
        --model "$model" --label orig --quiet
    grep "^WIDER official hard AP" "$tmp/out" >"$tmp/shifted.line" || fail "no shifted AP line"
    python3 - "$tmp" <<'PY' || fail "official AP figures"
import json, re, sys
t = sys.argv[1]
def line(s, f=None):
    txt = open(f"{t}/{f or s}.line").read()
    m = re.match(rf"WIDER official {s} AP  orig  ([0-9.]+)  \((\d+) {s} faces; 5 of the split's 5 images\)", txt)
    assert m, txt
    return float(m.group(1)), int(m.group(2))
hard, n_hard = line("hard")
easy, n_easy = line("easy")
medium, n_medium = line("medium")
assert (n_hard, n_easy, n_medium) == (25, 5, 0), (n_hard, n_easy, n_medium)
d = json.load(open(t + "/hard.json"))["models"][0]["detection"]
assert d["recall"] == 1.0, d["recall"]
# Same detections, same faces, both VOC areas: they differ only by the protocol's 1000
# threshold steps (and its one-pixel-larger boxes).
assert abs(hard - d["ap"]) < 0.02 and 0.9 < hard <= 1.0, (hard, d["ap"])
assert easy >= hard - 1e-9 and easy <= 1.0, (easy, hard)
assert medium == 0.0, medium
# This run finds every face before its first false positive (the project's own AP is 1), and
# easy ignores all faces but 5: the detections of the 20 others, scored among the 5, must be
# dropped, not counted as false positives, for easy's AP to be exactly 1 too.
assert hard == 1.0 and easy == 1.0, (hard, easy)
# One annotated face moved away: its detection becomes a false positive and it is never found:
# recall tops at 24/25; whatever the false positive's rank, the k-th face found has precision
# at least k/(k+1), so AP lies in [sum_k k/(k+1) / 25, 24/25] = [0.847, 0.96].
shifted, n_shifted = line("hard", "shifted")
assert n_shifted == 25 and 0.847 <= shifted <= 0.96, (shifted, n_shifted)
# The JSON carries the same AP and the 1000-point curve; the HTML draws it.
for s, ap in (("hard", hard), ("easy", easy), ("medium", medium)):
    w = json.load(open(f"{t}/{s}.json"))["models"][0]["wider_official"]
    assert w["subset"] == s and abs(w["ap"] - ap) < 1e-4, (s, w["subset"], w["ap"], ap)
    pr = w["pr"]
    assert len(pr["threshold"]) == len(pr["recall"]) == len(pr["precision"]) == 1000
    assert all(pr["recall"][k] <= pr["recall"][k + 1] for k in range(999))
    assert f"WIDER official {s} PR curve" in open(f"{t}/{s}.html").read()
w = json.load(open(t + "/hard.json"))["models"][0]["wider_official"]["pr"]
# At threshold 0 every detection counts: all faces found, and the low-scored false
# positives (below every face, as AP 1 says) lower the precision.
assert w["recall"][-1] == 1.0 and w["precision"][-1] < 1.0, (w["recall"][-1], w["precision"][-1])
PY
    ;;
*)
    fail "unknown case $case"
    ;;
esac
exit 0
