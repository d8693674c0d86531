#!/bin/sh
# mtcam-train end to end on a few images: every command runs, the model file is written and
# the detector loads it; bad flags exit 2 with a message. Skips (77) without ../shared data.
set -u
train="$1" data="$2" eval="${3:-}"
[ -f "$data/caltech-webfaces/ground_truth.txt" ] || { echo "SKIP: $data not found"; exit 77; }
work=$(mktemp -d /tmp/mtcam-train-pipeline.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# --calib-images 0: a net trained this little passes no crop to O-Net, so there is nothing to
# calibrate it on (the calibration is tested on real weights in tests/app/convert).
"$train" all --data "$data" --work "$work" --images 40 --mtfl 60 --epochs 1 \
    --samples-per-epoch 512 --batch 64 --calib-images 0 -o "$work/m.mtcnn" > "$work/log" 2>&1 ||
    { cat "$work/log"; fail "all failed"; }
for f in pnet.samples rnet.samples onet.samples pnet.val.samples rnet.val.samples \
         onet.val.samples pnet.ckpt rnet.ckpt onet.ckpt m.mtcnn; do
    [ -s "$work/$f" ] || fail "$f missing"
done
grep -q "prepare pnet: .* samples" "$work/log" || fail "no sample count in the log"
grep -q "samples/s" "$work/log" || fail "no progress line"
grep -q "mine onet:" "$work/log" || fail "no O-Net mining"
# The held-out part (Caltech's validation images) is cut too and measured after each epoch.
grep -q "held-out onet: [1-9][0-9]* samples" "$work/log" || fail "no held-out O-Net samples"
grep -q "onet epoch 1/1 held-out: loss [0-9.]* .* acc [0-9.]* on [1-9]" "$work/log" ||
    fail "no held-out figures after the epoch"
# The program's own parts: resume a finished fit (nothing left to do), export again.
"$train" fit --stage pnet --data "$data" --work "$work" --epochs 1 --resume > /dev/null 2>&1 ||
    fail "resume of a finished fit failed"
"$train" export --work "$work" --calib-images 0 -o "$work/again.mtcnn" > /dev/null 2>&1 ||
    fail "export failed"
cmp -s "$work/m.mtcnn" "$work/again.mtcnn" || fail "export is not reproducible"
# Export calibrates by default, and says so when the nets are too weak to calibrate.
"$train" export --data "$data" --work "$work" --calib-images 3 -o "$work/c.mtcnn" \
    > "$work/log3" 2>&1; [ $? -eq 1 ] || fail "export of an uncalibratable model did not fail"
grep -q "calibration: no value reached" "$work/log3" || { cat "$work/log3"; fail "no reason given"; }
# The model loads in the engine (mtcam-eval runs the detector on a few images).
if [ -n "$eval" ] && [ -x "$eval" ]; then
    "$eval" --dataset caltech --root "$data/caltech-webfaces" --limit 3 --model "$work/m.mtcnn" \
        --quiet > "$work/eval" 2>&1 || { cat "$work/eval"; fail "the model does not load"; }
fi
# O-Net's eyes from Caltech only: the mining runs and keeps the landmark faces (MTFL's nose
# and mouth remain targets).
"$train" mine --stage onet --data "$data" --work "$work" --images 40 --mtfl 60 \
    --onet-eyes caltech > "$work/log2" 2>&1 || { cat "$work/log2"; fail "mine --onet-eyes failed"; }
grep -q "mine onet: .* [1-9][0-9]* landmark faces" "$work/log2" || fail "no landmark faces left"
"$train" mine --stage onet --onet-eyes left > /dev/null 2> "$work/err"; [ $? -eq 2 ] ||
    fail "bad --onet-eyes not exit 2"
grep -q "left" "$work/err" || fail "bad --onet-eyes message"
# Usage errors: exit 2 and a one-line message naming the problem.
"$train" fit --stage xnet > /dev/null 2> "$work/err"; [ $? -eq 2 ] || fail "bad stage not exit 2"
grep -q "xnet" "$work/err" || fail "bad stage message"
"$train" frobnicate > /dev/null 2>&1; [ $? -eq 2 ] || fail "unknown command not exit 2"
"$train" fit --stage pnet --epochs 0 > /dev/null 2>&1; [ $? -eq 2 ] || fail "epochs 0 not exit 2"
# A missing sample file is an error (exit 1), not a crash.
"$train" fit --stage onet --work "$work/none" > /dev/null 2> "$work/err"; [ $? -eq 1 ] ||
    fail "missing samples not exit 1"
grep -q "onet.samples" "$work/err" || fail "missing samples message does not name the file"
echo "pipeline ok"
