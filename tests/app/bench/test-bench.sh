#!/bin/sh
# mtcam-bench on a real photo: exit codes, one-line errors, and the JSON it prints.
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

if [ ! -f "$photo" ] || [ ! -f "$model" ]; then
    echo "SKIP: $photo or the converted model $model missing"; exit 77
fi
# A missing image: exit 1, message names the file.
"$bench" --model "$model" --iters 1 /nonexistent.jpg 2>err.txt; [ $? -eq 1 ] || fail "missing image should exit 1"
grep -q 'nonexistent.jpg' err.txt || fail "message does not name the file: $(cat err.txt)"

# A real run on the reference path and the best kernels: the same faces (the ivan photo
# stretched to 640x480 gives 2 at min face 40), every stage reported.
# (The measured peak is only checked to be positive: in a sanitizer build it is tiny.)
for k in scalar auto; do
    "$bench" --model "$model" --iters 2 --threads 2 --kernels $k --json "$photo" >out.json 2>err.txt ||
        fail "--kernels $k: $(cat err.txt)"
    for key in '"pyramid"' '"pnet"' '"rnet"' '"onet"' '"nms_glue"' '"total"' '"faces": 2,' \
               '"width": 640' '"height": 480' '"threads": 2'; do
        grep -q "$key" out.json || fail "--kernels $k: $key missing from $(cat out.json)"
    done
    grep -Eq '"peak_gflops_core": ([1-9]|0\.[0-9]*[1-9])' out.json || fail "no measured peak: $(cat out.json)"
done
"$bench" --model "$model" --iters 2 "$photo" >out.txt 2>&1 || fail "table output: $(cat out.txt)"
grep -q '^pnet ' out.txt || fail "no P-Net row in $(cat out.txt)"
echo "ok"
