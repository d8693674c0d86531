#!/bin/sh
# test-flags-cli.sh BENCH EVAL TRAIN - issue 18: a flag the program does not know, given last
# (so no value follows it), is reported as unknown, not as "needs a value"; a known flag given
# last still needs a value. Each: exit 2 and one line on stderr naming the program and flag.
set -u
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d /tmp/mtcam-flags-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
expect() { # expect PROGRAM-PATH NAME WANT ARGS...
    prog=$1 name=$2 want=$3; shift 3
    "$prog" "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    [ $got -eq 2 ] || fail "$name $*: exit $got, expected 2: $(cat "$tmp/err")"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$name $*: stderr not one line: $(cat "$tmp/err")"
    grep -q "^$name: " "$tmp/err" || fail "$name $*: stderr lacks the program name: $(cat "$tmp/err")"
    grep -q -- "$want" "$tmp/err" || fail "$name $*: '$want' not in: $(cat "$tmp/err")"
    case $want in *"needs a value"*) ;; *)
        ! grep -q "needs a value" "$tmp/err" ||
            fail "$name $*: an unknown flag reported as needing a value: $(cat "$tmp/err")" ;;
    esac
}
bench=$1 eval=$2 train=$3
expect "$bench" mtcam-bench "unknown option --bogus" x.jpg --bogus
expect "$bench" mtcam-bench "unknown option --bogus" --bogus 3 x.jpg
expect "$bench" mtcam-bench "--iters needs a value" x.jpg --iters
expect "$eval" mtcam-eval "--bogus: unknown flag" --dataset dlib --bogus
expect "$eval" mtcam-eval "--limit: needs a value" --dataset dlib --limit
expect "$train" mtcam-train "unknown option --bogus" fit --stage pnet --bogus
expect "$train" mtcam-train "--epochs needs a value" fit --stage pnet --epochs
echo "flags ok"
