# tests/bench/timing.sh, sourced by the bench scripts that time whole runs (inputs.sh,
# whatif.sh): best_rc, with RUNS and dir set by the script.
# best_rc OK CMD…: the best wall seconds of RUNS runs of CMD and that run's CPU seconds (user +
# system), for a command whose exit status OK is an answer too
best_rc() {
    ok=$1
    shift
    best="" cpu="" k=0
    while [ $k -lt "$RUNS" ]; do
        /usr/bin/time -f "%e %U %S" -o "$dir/best.time" "$@" > /dev/null 2>"$dir/best.err"
        rc=$?
        if [ $rc -ne 0 ] && [ $rc -ne "$ok" ]; then
            echo "bench: $* failed (exit $rc)" >&2
            cat "$dir/best.err" >&2
            exit 1
        fi
        read -r t u sy < "$dir/best.time"
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a + 0 < b + 0) }'; then
            best=$t
            cpu=$(awk -v u="$u" -v s="$sy" 'BEGIN { printf "%.2f", u + s }')
        fi
        k=$((k + 1))
    done
    echo "$best $cpu"
}
