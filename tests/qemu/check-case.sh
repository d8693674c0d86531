#!/bin/sh
# check-case.sh WORKDIR CASE: the verdict of one guest case from WORKDIR/results/summary.txt
# (PASS -> 0, SKIP -> 77, FAIL or missing -> 1).
work=$1 case=$2
if [ -f "$work/skipped.txt" ]; then
    cat "$work/skipped.txt"
    exit 77
fi
line=$(grep -E "^(PASS|FAIL|SKIP) $case(:|$)" "$work/results/summary.txt" 2>/dev/null | head -n 1)
echo "${line:-no verdict for '$case' in $work/results/summary.txt}"
case $line in
PASS*) exit 0 ;;
SKIP*) exit 77 ;;
*) exit 1 ;;
esac
