#!/bin/sh
# run.sh - run the fuzz targets (built by `make fuzz-build`) for a time.
#
#	sh tests/fuzz/run.sh [TARGET...]	(default: every target)
#
# FUZZ_SECONDS (60) is split evenly across the targets.  Each runs on its
# working corpus build-fuzz/corpus/TARGET/, topped up from the seeds in
# tests/fuzz/corpus/ (so a longer run continues where the last one ended),
# with requests up to 9000 bytes, as the daemon takes them.  Prints one
# "ok - ..." or "not ok - ..." line per target; exit status 1 when a
# target found a crash, a leak, a timeout or a broken invariant (the input
# is kept in build-fuzz/artifacts/, the log in build-fuzz/logs/).
# FUZZ_JOBS>1 runs that many workers per target (libFuzzer -fork);
# FUZZ_ARGS adds libFuzzer options (e.g. -use_value_profile=1).
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
FB=${FUZZ_BUILD:-build-fuzz}
case "$FB" in /*) ;; *) FB=$TOP/$FB ;; esac
SECONDS_TOTAL=${FUZZ_SECONDS:-60}
JOBS=${FUZZ_JOBS:-1}
SEEDS=$TOP/tests/fuzz/corpus

[ $# -gt 0 ] || set -- fuzz_dispatch fuzz_record fuzz_xdr
n=$#
per=$((SECONDS_TOTAL / n))
[ "$per" -ge 1 ] || per=1

mkdir -p "$FB/artifacts" "$FB/logs"
fail=0
for t in "$@"; do
	bin=$FB/$t
	case "$t" in
	fuzz_dispatch) seeds=$SEEDS/dispatch ;;
	fuzz_record) seeds=$SEEDS/record ;;
	fuzz_xdr) seeds=$SEEDS/xdr ;;
	*) seeds=$SEEDS/${t#fuzz_} ;;
	esac
	if [ ! -x "$bin" ]; then
		echo "not ok - $t: $bin not built (make fuzz-build)"
		fail=1
		continue
	fi
	corpus=$FB/corpus/$t
	mkdir -p "$corpus"
	[ -d "$seeds" ] && cp -n "$seeds"/* "$corpus"/ 2>/dev/null
	log=$FB/logs/$t.log
	before=$(ls "$FB/artifacts" | grep -c "^$t-")
	extra=${FUZZ_ARGS:-}
	[ "$JOBS" -gt 1 ] && extra="$extra -fork=$JOBS -ignore_crashes=0"
	# The run is bounded twice: by libFuzzer and, should it hang, by timeout.
	# shellcheck disable=SC2086
	timeout -k 10 $((per + 120)) "$bin" -max_total_time="$per" \
	    -max_len=9000 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$FB/artifacts/$t-" $extra "$corpus" >"$log" 2>&1
	rc=$?
	after=$(ls "$FB/artifacts" | grep -c "^$t-")
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	[ -n "$runs" ] || runs=$(sed -n 's/^#\([0-9]*\).*DONE.*/\1/p' "$log" | tail -n 1)
	cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.*\(cov: [0-9]*\).*\(ft: [0-9]*\).*\(corp: [0-9]*\).*/\1 \2 \3/p')
	if [ "$rc" = 0 ] && [ "$after" = "$before" ]; then
		echo "ok - $t: ${runs:-?} runs in ${per}s, ${cov:-no stats}, no crash"
	else
		echo "not ok - $t: exit $rc, $((after - before)) new artifact(s) in $FB/artifacts (log $log)"
		grep -E 'ERROR: |SUMMARY: |fuzz invariant violated|Test unit written' "$log" |
		    head -n 8 | sed 's/^/# /'
		fail=1
	fi
done
exit $fail
