#!/bin/sh
# Installs the build into a temporary prefix, checks what libmtcnn.so exports, builds the
# README's C example against the installed library with pkg-config and with find_package
# (shared and static), runs each on a real photo and compares its faces with the installed
# mtcam-detect's on the same pixels.
# usage: test-install.sh BUILD_DIR SOURCE_DIR SHARED_DIR SANITIZE C_COMPILER
set -eu
build=$1 src=$2 shared=$3 sanitize=$4 cc=$5
if [ -n "$sanitize" ]; then
    echo "SKIP: sanitizer build ($sanitize): the installed library would need the sanitizer" \
         "runtime; the release build runs this test"
    exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/mtcam-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >"$work/install.log"

# The library: versioned SONAME, only the public API exported.
lib=$(ls "$prefix"/lib*/libmtcnn.so "$prefix"/lib/*/libmtcnn.so 2>/dev/null | head -1)
[ -n "$lib" ] || { echo "FAIL: no libmtcnn.so under $prefix"; exit 1; }
libdir=$(dirname "$lib")
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = libmtcnn.so.1 ] || { echo "FAIL: SONAME '$soname', want libmtcnn.so.1"; exit 1; }
[ -f "$libdir/libmtcnn.a" ] || { echo "FAIL: no libmtcnn.a in $libdir"; exit 1; }
nm -D --defined-only "$lib" | awk '{print $NF}' | sort >"$work/exports"
if grep -v '^mtcnn_' "$work/exports"; then
    echo "FAIL: $lib exports the symbols above, which are not the public API"; exit 1
fi
# Every function mtcnn.h declares, and nothing else.
sed -n 's/^MTCNN_API [^(]*[ *]\(mtcnn_[a-z_0-9]*\)(.*/\1/p' "$prefix/include/mtcnn.h" | sort >"$work/declared"
if ! diff "$work/declared" "$work/exports"; then
    echo "FAIL: the exports of $lib (>) differ from the MTCNN_API functions of mtcnn.h (<)"; exit 1
fi
echo "libmtcnn.so: SONAME $soname, exports the $(wc -l <"$work/exports") MTCNN_API functions only"

# The README's C example is docs/examples/quickstart.c, verbatim.
awk '/^<!-- begin docs\/examples\/quickstart.c -->/{on=1; next} /^<!-- end docs\/examples\/quickstart.c -->/{on=0} on' \
    "$src/README.md" | sed '1{/^```c$/d}; ${/^```$/d}' >"$work/quickstart.c"
if ! cmp -s "$work/quickstart.c" "$src/docs/examples/quickstart.c"; then
    diff "$src/docs/examples/quickstart.c" "$work/quickstart.c" || true
    echo "FAIL: README.md's C example differs from docs/examples/quickstart.c"; exit 1
fi

# pkg-config, as the README says.
export PKG_CONFIG_PATH="$libdir/pkgconfig"
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Wextra -Werror -o "$work/qs-pkgconfig" "$work/quickstart.c" \
    $(pkg-config --cflags --libs mtcnn)
model=$(pkg-config --variable=modeldir mtcnn)/mtcam.mtcnn
[ -f "$model" ] || { echo "FAIL: pkg-config's modeldir has no mtcam.mtcnn ($model)"; exit 1; }

# find_package(mtcnn): the shared and the static library.
mkdir -p "$work/cm"
cat >"$work/cm/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.16)
project(quickstart C)
find_package(mtcnn 0.1 REQUIRED)
add_executable(qs-shared "$work/quickstart.c")
target_link_libraries(qs-shared PRIVATE mtcnn::mtcnn)
add_executable(qs-static "$work/quickstart.c")
target_link_libraries(qs-static PRIVATE mtcnn::mtcnn_static)
file(WRITE "\${CMAKE_BINARY_DIR}/model-dir.txt" "\${MTCNN_MODEL_DIR}")
CM
cmake -S "$work/cm" -B "$work/cm/build" -DCMAKE_C_COMPILER="$cc" \
      -DCMAKE_PREFIX_PATH="$prefix" >"$work/cm.log" 2>&1 || { cat "$work/cm.log"; exit 1; }
cmake --build "$work/cm/build" >>"$work/cm.log" 2>&1 || { cat "$work/cm.log"; exit 1; }
[ "$(cat "$work/cm/build/model-dir.txt")/mtcam.mtcnn" -ef "$model" ] ||
    { echo "FAIL: MTCNN_MODEL_DIR $(cat "$work/cm/build/model-dir.txt") is not pkg-config's"; exit 1; }
if ldd "$work/cm/build/qs-static" | grep -q libmtcnn; then
    echo "FAIL: qs-static links libmtcnn.so"; exit 1
fi

# Real photos: a peer photo from ../shared (when present) and a demo portrait.
photos=$src/assets/demo/grace-hopper.jpg
peer=$shared/data/peer-tests/kpzhang93_test1.jpg
if [ -f "$peer" ]; then photos="$peer $photos"; else echo "note: $peer not found"; fi
for photo in $photos; do
    convert "$photo" -strip "$work/photo.ppm"  # as the README says
    "$prefix/bin/mtcam-detect" --model "$model" "$work/photo.ppm" >"$work/detect.json"
    for exe in "$work/qs-pkgconfig" "$work/cm/build/qs-shared" "$work/cm/build/qs-static"; do
        LD_LIBRARY_PATH="$libdir" "$exe" "$model" "$work/photo.ppm" "$work/crop.ppm" >"$work/out.txt"
        if [ "$exe" != "$work/cm/build/qs-static" ]; then
            LD_LIBRARY_PATH="$libdir" ldd "$exe" | grep -q "$libdir/libmtcnn.so.1" ||
                { echo "FAIL: $exe does not run on $libdir/libmtcnn.so.1"; exit 1; }
        fi
        /usr/bin/python3 - "$work/detect.json" "$work/out.txt" "$work/crop.ppm" "$exe" <<'PY'
import json, sys
ref = json.loads(open(sys.argv[1]).readline())["faces"]
got = [list(map(float, l.split())) for l in open(sys.argv[2]) if l.strip()]
name = sys.argv[4]
if not ref or len(got) != len(ref):
    sys.exit(f"FAIL: {name}: {len(got)} faces, mtcam-detect found {len(ref)}")
for r, g in zip(ref, got):
    want = r["box"] + [r["score"]] + [c for p in r["landmarks"] for c in p]
    bad = [(w, v) for w, v in zip(want, g) if abs(w - v) > 0.006]
    if len(g) != 15 or bad:
        sys.exit(f"FAIL: {name}: face {g} differs from mtcam-detect's {want}")
head = open(sys.argv[3], "rb").read(15)
if head != b"P6 112 112 255\n":
    sys.exit(f"FAIL: {name}: the crop starts {head!r}")
print(f"{name.split('/')[-1]}: the {len(got)} faces of mtcam-detect, and a 112x112 crop")
PY
    done
done

# The installed programs find their model in the prefix, also once the tree is moved: the
# same faces, and a damaged installed model is the one they complain about (so it is not the
# source tree's copy, the build's last fallback, that they read).
mv "$prefix" "$work/moved"
out=$(env -u MTCAM_MODEL "$work/moved/bin/mtcam-detect" "$work/photo.ppm") ||
    { echo "FAIL: the moved install's mtcam-detect without --model"; exit 1; }
[ "$(echo "$out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["faces"])')" = \
  "$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["faces"])' "$work/detect.json")" ] ||
    { echo "FAIL: the moved install's default model gives other faces"; exit 1; }
echo "damaged" >"$work/moved/share/mtcam/models/mtcam.mtcnn"
if env -u MTCAM_MODEL "$work/moved/bin/mtcam-detect" "$work/photo.ppm" >/dev/null 2>"$work/err" ||
    ! grep -q "moved/bin/../share/mtcam/models/mtcam.mtcnn" "$work/err"; then
    echo "FAIL: the moved install does not read its own model: $(cat "$work/err")"; exit 1
fi
echo "the moved install's mtcam-detect reads its share/mtcam/models/mtcam.mtcnn"
