#!/bin/sh
# mtcam-convert --calibrate end to end. Always: the shipped model calibrated again on a
# Caltech-like tree made here from the demo portraits (images.txt, ground_truth.txt with points
# placed by hand, images/): deterministic, the weights untouched (only the calibration entry
# differs), the result detects with INT8 (mtcam-detect --precision int8), bad inputs exit with
# one clear line. With ../shared also the real original weights and Caltech's training images:
# the Caffe conversion and the calibration of an existing file give the same bytes, twice;
# version 1 -> 2; INT8 on an uncalibrated model refused.
set -u
convert="$1" detect="$2" shared="$3"
ref="$shared/models/reference" data="$shared/data"
root=$(cd "$(dirname "$0")/../../.." && pwd)
shipped=$root/models/mtcam.mtcnn
work=$(mktemp -d /tmp/mtcam-calibrate.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# ---- the shipped model on the project's own pictures ----
own=$work/own
mkdir -p "$own/caltech-webfaces/images"
for i in 1 2 3 4 5 6 7 8; do
    if [ $((i % 2)) = 1 ]; then
        cp "$root/assets/demo/grace-hopper.jpg" "$own/caltech-webfaces/images/demo$i.jpg"
        pts="223 173 312 170 270 222 266 253" # eyes, nose base, mouth centre (1-based)
    else
        cp "$root/assets/demo/eileen-collins.jpg" "$own/caltech-webfaces/images/demo$i.jpg"
        pts="205 100 247 104 225 127 223 139"
    fi
    echo "demo$i.jpg" >> "$own/caltech-webfaces/images.txt"
    echo "demo$i.jpg $pts" >> "$own/caltech-webfaces/ground_truth.txt"
done
"$convert" --calibrate "$own" --calib-images 4 "$shipped" "$work/s1.mtcnn" > "$work/log" ||
    fail "calibration of the shipped model"
grep -q "calibration: [1-4] training images, activation scales: pnet.conv1 " "$work/log" ||
    { cat "$work/log"; fail "no calibration summary"; }
"$convert" --calibrate "$own" --calib-images 4 "$shipped" "$work/s2.mtcnn" > /dev/null ||
    fail "second calibration"
cmp -s "$work/s1.mtcnn" "$work/s2.mtcnn" || fail "calibration is not deterministic"
# Same version and entries, the weights' bytes unchanged, new scales in range.
python3 - "$shipped" "$work/s1.mtcnn" <<'PY' || fail "file layout"
import struct, sys
p, a = (open(f, "rb").read() for f in sys.argv[1:3])
vp, va = struct.unpack_from("<I", p, 8)[0], struct.unpack_from("<I", a, 8)[0]
np_, na = struct.unpack_from("<I", p, 24)[0], struct.unpack_from("<I", a, 24)[0]
assert (vp, va, na) == (2, 2, np_), (vp, va, np_, na)
def tensors(d, n):
    out = {}
    for e in range(n):
        en = d[64 + 96 * e: 64 + 96 * (e + 1)]
        name = en[:48].rstrip(b"\0").decode()
        off, cnt = struct.unpack_from("<QQ", en, 72)
        out[name] = d[off: off + 4 * cnt]
    return out
tp, ta = tensors(p, np_), tensors(a, na)
tp.pop("calib.act_scale")
scales = struct.unpack("<15f", ta.pop("calib.act_scale"))
assert tp == ta, "weights changed"
assert all(0 < s < 1 for s in scales), scales
assert abs(scales[0] * 127 - 1) < 0.01, scales[0]   # conv1 sees the image in [-1, 1]
PY
img=$root/assets/demo/grace-hopper.jpg
"$detect" --model "$work/s1.mtcnn" --precision fp32 "$img" > "$work/fp32.json" || fail "fp32 run"
grep -q '"faces": \[{' "$work/fp32.json" || fail "fp32 found no face"
if "$detect" --model "$work/s1.mtcnn" --precision int8 "$img" > "$work/int8.json" 2> "$work/err"; then
    grep -q '"faces": \[{' "$work/int8.json" || fail "int8 found no face"
else
    grep -q "no INT8 kernel" "$work/err" || { cat "$work/err"; fail "int8 refused without reason"; }
fi
# Bad inputs: one line naming the thing, non-zero exit.
"$convert" --calibrate "$work/nowhere" "$shipped" "$work/x.mtcnn" > /dev/null 2> "$work/err"
[ $? -eq 1 ] && grep -q "nowhere/caltech-webfaces/images.txt: cannot open" "$work/err" ||
    { cat "$work/err"; fail "missing data folder"; }
"$convert" --calibrate "$own" --calib-images 0 "$shipped" "$work/x.mtcnn" 2> "$work/err"
[ $? -eq 2 ] || fail "--calib-images 0 accepted"
"$convert" --calibrate "$own" --calib-images 12x "$shipped" "$work/x.mtcnn" 2> "$work/err"
[ $? -eq 2 ] && grep -q "'12x' is not an integer" "$work/err" || fail "bad --calib-images"
"$convert" "$shipped" "$work/x.mtcnn" 2> "$work/err"
[ $? -eq 2 ] && grep -q "nothing to do without --calibrate" "$work/err" || fail "file without --calibrate"
head -c 1000 "$shipped" > "$work/cut.mtcnn"
"$convert" --calibrate "$own" "$work/cut.mtcnn" "$work/x.mtcnn" 2> "$work/err"
[ $? -eq 1 ] && grep -q "cut.mtcnn: truncated" "$work/err" || { cat "$work/err"; fail "truncated input"; }
[ ! -e "$work/x.mtcnn" ] || fail "an output was written for a bad input"

# ---- the original weights and Caltech, when ../shared is there ----
if [ ! -f "$ref/det1.caffemodel" ] || [ ! -f "$data/caltech-webfaces/images.txt" ]; then
    echo "note: $shared (original weights, Caltech) not found: the shipped model only"
    echo "ok"
    exit 0
fi
"$convert" --no-lnet "$ref" "$work/plain.mtcnn" > /dev/null || fail "plain conversion"
"$convert" --no-lnet --calibrate "$data" --calib-images 12 "$ref" "$work/a.mtcnn" \
    > "$work/log" || fail "calibrated conversion"
grep -q "calibration: 12 training images, activation scales: pnet.conv1 " "$work/log" ||
    { cat "$work/log"; fail "no calibration summary"; }
"$convert" --calibrate "$data" --calib-images 12 "$work/plain.mtcnn" "$work/b.mtcnn" \
    > /dev/null || fail "calibration of a model file"
cmp -s "$work/a.mtcnn" "$work/b.mtcnn" || fail "the two ways differ"
"$convert" --calibrate "$data" --calib-images 12 "$work/plain.mtcnn" "$work/c.mtcnn" \
    > /dev/null || fail "second calibration"
cmp -s "$work/b.mtcnn" "$work/c.mtcnn" || fail "calibration is not deterministic"
# Version 1 -> 2, one more entry (and its 64 data bytes), the weights' bytes unchanged.
python3 - "$work/plain.mtcnn" "$work/a.mtcnn" <<'PY' || fail "file layout"
import struct, sys
p, a = (open(f, "rb").read() for f in sys.argv[1:3])
vp, va = struct.unpack_from("<I", p, 8)[0], struct.unpack_from("<I", a, 8)[0]
np_, na = struct.unpack_from("<I", p, 24)[0], struct.unpack_from("<I", a, 24)[0]
assert (vp, va, na) == (1, 2, np_ + 1), (vp, va, np_, na)
def tensors(d, n):
    out = {}
    for e in range(n):
        en = d[64 + 96 * e: 64 + 96 * (e + 1)]
        name = en[:48].rstrip(b"\0").decode()
        off, cnt = struct.unpack_from("<QQ", en, 72)
        out[name] = d[off: off + 4 * cnt]
    return out
tp, ta = tensors(p, np_), tensors(a, na)
scales = struct.unpack("<15f", ta.pop("calib.act_scale"))
assert tp == ta, "weights changed"
assert all(0 < s < 1 for s in scales), scales
assert abs(scales[0] * 127 - 1) < 0.01, scales[0]   # conv1 sees the image in [-1, 1]
PY
# INT8 runs on it where the CPU can; FP32 is asked for explicitly on any CPU.
img="$shared/data/peer-tests/kpzhang93_test1.jpg"
"$detect" --model "$work/a.mtcnn" --precision fp32 "$img" > "$work/fp32.json" || fail "fp32 run"
if "$detect" --model "$work/a.mtcnn" --precision int8 "$img" > "$work/int8.json" 2> "$work/err"; then
    grep -q '"faces": \[{' "$work/int8.json" || fail "int8 found no face"
else
    grep -q "no INT8 kernel" "$work/err" || { cat "$work/err"; fail "int8 refused without reason"; }
fi
"$detect" --model "$work/plain.mtcnn" --precision int8 "$img" > /dev/null 2> "$work/err"
[ $? -ne 0 ] && grep -q "no INT8 calibration" "$work/err" ||
    { cat "$work/err"; fail "int8 on an uncalibrated model"; }
echo "ok"
