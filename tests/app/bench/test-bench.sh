#!/bin/sh
# mtcam-bench on real photos (the shipped model on a demo portrait; the original weights on a
# peer photo too when ../shared is there): exit codes, one-line errors, and the JSON it prints.
# usage: test-bench.sh BENCH MODEL SHARED_DIR
set -u
bench=$1 model=$2 shared=$3
photo="$shared/data/peer-tests/ipazc_ivan.jpg"
fail() { echo "FAIL: $*"; exit 1; }

# Bad usage: exit 2 with a one-line message naming the program.
"$bench" --threads 0 x.jpg 2>err.txt; [ $? -eq 2 ] || fail "--threads 0 should exit 2"
grep -q '^mtcam-bench: --threads' err.txt || fail "bad --threads message: $(cat err.txt)"
"$bench" --kernels sse9 x.jpg 2>err.txt; [ $? -eq 2 ] || fail "--kernels sse9 should exit 2"
"$bench" 2>err.txt; [ $? -eq 2 ] || fail "no IMAGE should exit 2"

"$bench" --track 2 2>err.txt; [ $? -eq 2 ] || fail "--track 2 should exit 2"
grep -q "^mtcam-bench: --track '2'" err.txt || fail "bad --track message: $(cat err.txt)"
"$bench" --track 5 --track-option speed=2 2>err.txt; [ $? -eq 2 ] || fail "--track-option speed=2 should exit 2"
grep -q "^mtcam-bench: --track-option 'speed=2'" err.txt || fail "bad --track-option message: $(cat err.txt)"

# --track on the demo with the shipped model: both runs on every frame, the figures there.
shipped=$(dirname "$0")/../../../models/mtcam.mtcnn
"$bench" --model "$shipped" --track 6 --size 320x240 --min-face 20 --json demo >track.json 2>err.txt ||
    fail "--track: $(cat err.txt)"
[ "$(wc -l <track.json)" -eq 1 ] || fail "--track --size: one line expected: $(cat track.json)"
for key in '"frames": 6,' '"width": 320' '"height": 240' '"scan_frames": 1,' '"detect_ms"' \
           '"track_ms"' '"mac_ratio"' '"count_agreement"' '"jitter_ratio"' '"lag_px"'; do
    grep -q "$key" track.json || fail "--track: $key missing from $(cat track.json)"
done
# Track frames do a fraction of the multiply-adds of a detection.
grep -Eq '"mac_ratio": 0\.[0-5]' track.json || fail "--track: multiply-add ratio: $(cat track.json)"
"$bench" --model "$shipped" --track 6 --size 320x240 --track-option scan_parts=4 --json demo >track4.json 2>err.txt ||
    fail "--track-option: $(cat err.txt)"
grep -q '"scan_parts": 4,' track4.json || fail "--track-option scan_parts=4 not used: $(cat track4.json)"
"$bench" --model "$shipped" --track 4 --track-option min_cutoff=0 demo 2>err.txt; [ $? -eq 1 ] ||
    fail "an invalid tracker option should exit 1"
grep -q 'min_cutoff 0' err.txt || fail "the message does not name the option: $(cat err.txt)"
"$bench" --model "$shipped" --track 4 /nonexistent.y4m 2>err.txt; [ $? -eq 1 ] || fail "--track on a missing video should exit 1"
grep -q 'nonexistent.y4m' err.txt || fail "message does not name the video: $(cat err.txt)"

# A missing image: exit 1, message names the file.
"$bench" --model "$shipped" --iters 1 /nonexistent.jpg 2>err.txt; [ $? -eq 1 ] || fail "missing image should exit 1"
grep -q 'nonexistent.jpg' err.txt || fail "message does not name the file: $(cat err.txt)"

# A real run on the reference path and the best kernels: the same faces, every stage reported.
# The shipped model on Eileen Collins' portrait stretched to 640x480 finds her face (1 at min
# face 40); the original weights, when ../shared is there, find 2 on the ivan photo.
# (The measured peak is only checked to be positive: in a sanitizer build it is tiny.)
real_run() { # MODEL PHOTO FACES
    for k in scalar auto; do
        "$bench" --model "$1" --iters 2 --threads 2 --kernels $k --json "$2" >out.json 2>err.txt ||
            fail "$1, --kernels $k: $(cat err.txt)"
        for key in '"pyramid"' '"pnet"' '"rnet"' '"onet"' '"nms_glue"' '"total"' "\"faces\": $3," \
                   '"width": 640' '"height": 480' '"threads": 2'; do
            grep -q "$key" out.json || fail "$1, --kernels $k: $key missing from $(cat out.json)"
        done
        grep -Eq '"peak_gflops_core": ([1-9]|0\.[0-9]*[1-9])' out.json || fail "no measured peak: $(cat out.json)"
    done
    "$bench" --model "$1" --iters 2 "$2" >out.txt 2>&1 || fail "table output: $(cat out.txt)"
    grep -q '^pnet ' out.txt || fail "no P-Net row in $(cat out.txt)"
}
real_run "$shipped" "$(dirname "$0")/../../../assets/demo/eileen-collins.jpg" 1
if [ -f "$photo" ] && [ -f "$model" ]; then
    real_run "$model" "$photo" 2
else
    echo "note: $photo or the converted original weights $model missing: the shipped model only"
fi
echo "ok"
