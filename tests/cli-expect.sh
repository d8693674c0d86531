# cli-expect.sh - sourced by the shell tests of the programs (mtcam-detect, mtcam-eval).
# The test sets cli_bin (the program), cli_name (its name, "mtcam-detect") and tmp (a scratch
# folder) first.
fail() { echo "FAIL: $*" >&2; exit 1; }

# run_expect STATUS ARGS...: runs the program with $tmp/out and $tmp/err as output, checks
# the exit status and, for failures, that stderr is exactly one line starting with
# "<cli_name>: ".
run_expect() {
    want=$1; shift
    "$cli_bin" "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    [ "$got" -eq "$want" ] || fail "$cli_name $*: exit $got, expected $want; stderr: $(cat "$tmp/err")"
    if [ "$want" -ne 0 ]; then
        [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$cli_name $*: stderr is not one line: $(cat "$tmp/err")"
        grep -q "^$cli_name: " "$tmp/err" || fail "$cli_name $*: stderr lacks the program name"
    fi
}
