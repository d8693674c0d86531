#!/bin/sh
# Installs the build into a temporary prefix, pip-installs ./python against it (offline, with
# Debian's python3 and its setuptools, numpy and pytest) and runs the package's pytest tests.
# usage: run-pytest.sh BUILD_DIR SOURCE_DIR SHARED_DIR SANITIZE TEST_MODEL
set -eu
build=$1 src=$2 shared=$3 sanitize=$4 test_model=$5
py=/usr/bin/python3
if [ -n "$sanitize" ]; then
    echo "SKIP: sanitizer build ($sanitize): Python cannot load an extension linked with the" \
         "sanitizer runtime; the release build runs these tests"
    exit 77
fi
for mod in numpy pytest setuptools pip; do
    $py -c "import $mod" 2>/dev/null ||
        { echo "FAIL: $py has no $mod (Debian: python3-$mod; see .ci/packages)"; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/mtcam-python.XXXXXX")
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
pc=$(dirname "$(find "$work/prefix" -name mtcnn.pc | head -1)")
# A copy of python/, so the build leaves nothing in the source tree.
cp -r "$src/python" "$work/src"
rm -rf "$work/src/build" "$work/src"/*.egg-info
PKG_CONFIG_PATH=$pc $py -m pip install --no-index --no-build-isolation --no-deps --quiet \
    --disable-pip-version-check --root-user-action=ignore --target "$work/site" "$work/src" \
    >"$work/pip.log" 2>&1 || { cat "$work/pip.log"; echo "FAIL: pip install ./python"; exit 1; }
cd "$work"
rc=0
PYTHONPATH="$work/site" PYTHONDONTWRITEBYTECODE=1 MTCAM_DETECT="$work/prefix/bin/mtcam-detect" \
    MTCAM_ASSETS="$src/assets" MTCAM_SHARED_DIR="$shared" MTCAM_TEST_MODEL="$test_model" \
    MTCAM_SOURCE_DIR="$src" \
    $py -m pytest -p no:cacheprovider -rs -q "$work/src/tests" || rc=$?
# pytest: 5 = no tests were collected.
[ $rc -eq 5 ] && { echo "SKIP: pytest collected no tests"; exit 77; }
exit $rc
