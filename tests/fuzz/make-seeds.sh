#!/bin/sh
# Lays out the seed corpora of the fuzz targets in OUT/<target>/ at test time:
# the committed seeds (tests/fuzz/seeds/), the project's own test files (images, model and
# Caffe files written by fuzz-seeds) and, when ../shared is there, a few of its real files
# (read at run time, never committed; absent, the committed seeds still cover every target).
# usage: make-seeds.sh OUT SOURCE_DIR SHARED_DIR FUZZ_SEEDS_PROGRAM
set -eu
out=$1 src=$2 shared=$3 gen=$4
rm -rf "$out"
for t in model caffe pnm image y4m avi track mat dlib-xml datasets pyarray; do
    mkdir -p "$out/$t"
    for f in "$src/tests/fuzz/seeds/$t"/*; do
        if [ -f "$f" ]; then cp "$f" "$out/$t/"; fi
    done
done
"$gen" "$out/model" "$out/caffe"
cp "$src"/tests/files/data/*.p?m "$out/pnm/"
cp "$src"/tests/files/data/*.p?m "$src"/tests/files/data/*.png "$src"/tests/files/data/*.jpg \
   "$src"/tests/capture/data/*.jpg "$out/image/"
# The MAT files SciPy wrote for the reader's tests (WIDER's layout, every numeric class).
cp "$src"/tests/app/datasets/data/*.mat "$out/mat/"
# The video readers' seeds serve the tracker too, and the tracker's the readers.
cp "$src"/tests/fuzz/seeds/y4m/* "$src"/tests/fuzz/seeds/avi/* "$out/track/"
for f in "$src"/tests/fuzz/seeds/track/*; do
    case $f in *.y4m) cp "$f" "$out/y4m/" ;; *.avi) cp "$f" "$out/avi/" ;; esac
done
n=0
if [ -d "$shared/data/dlib-faces" ]; then
    cp "$shared"/data/dlib-faces/*.xml "$out/dlib-xml/"
    n=$((n + 1))
fi
# The text readers' seeds: the format byte (0 Caltech, 1 MTFL, 2 WIDER, 3 FDDB), then the file.
caltech=$shared/data/caltech-webfaces
if [ -f "$caltech/ground_truth.txt" ] && [ -f "$caltech/images.txt" ]; then
    { printf '\000'; head -n 40 "$caltech/ground_truth.txt"; printf '\000';
      head -n 30 "$caltech/images.txt"; } > "$out/datasets/shared-caltech"
    n=$((n + 1))
fi
mtfl=$shared/data/mtfl-landmarks/train_80x80_box_lm.txt
if [ -f "$mtfl" ]; then
    { printf '\001'; head -n 40 "$mtfl"; } > "$out/datasets/shared-mtfl"
    n=$((n + 1))
fi
echo "fuzz seeds in $out: $(find "$out" -type f | wc -l) files ($n groups from $shared)"
