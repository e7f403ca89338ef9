#!/bin/sh
# run.sh - run every test and print one summary line "N passed, N failed".
#
# Unit tests are the cmocka programs in $BUILD/tests/; each cmocka test
# counts once.  Integration tests are tests/integration/*.sh; each prints
# "ok - what" or "not ok - what" lines (TAP style), each line counts once,
# and a script that exits non-zero without saying "not ok" counts as one
# failure.  ONLY=unit or ONLY=integration runs one half; JOBS=N runs N
# integration scripts at a time (default 3; timing-sensitive ones run alone).
# SCRIPTS="tirpc state_restore" runs only those integration scripts, and
# LOGDIR puts the logs elsewhere than $BUILD/test-logs.
set -u
BUILD=${BUILD:-build}
ONLY=${ONLY:-}
export BUILD
pass=0
fail=0
failed=""
logdir=${LOGDIR:-$BUILD/test-logs}
mkdir -p "$logdir"

# One integration script, its log and "exit-status seconds" in $logdir.
if [ "${1:-}" = --one ]; then
	name=$(basename "$2" .sh)
	start=$(date +%s)
	timeout 600 sh "$2" >"$logdir/$name.log" 2>&1
	echo "$? $(( $(date +%s) - start ))" >"$logdir/$name.rc"
	exit 0
fi

if [ "$ONLY" != integration ]; then
	for t in "$BUILD"/tests/test_*; do
		case "$t" in *.o|*.d) continue ;; esac
		[ -x "$t" ] || continue
		name=$(basename "$t")
		log=$logdir/$name.log
		timeout 300 "$t" >"$log" 2>&1
		rc=$?
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
		if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
		pass=$((pass + p))
		fail=$((fail + f))
		if [ "$f" != 0 ]; then
			failed="$failed $name"
			echo "FAIL $name (log: $log)"
			tail -n 30 "$log" | sed 's/^/    /'
		else
			echo "pass $name ($p)"
		fi
	done
fi

if [ "$ONLY" != unit ]; then
	# Each script runs in namespaces of its own, so most can run side by
	# side: they mostly wait on daemons and timeouts, not on the CPU.
	# The ones that measure latency, rates or CPU share, or load the
	# machine themselves, run alone afterwards.  JOBS=1 runs all in turn.
	serial=" abuse_flood bench_smoke boot_notify policy_ratelimit valgrind_daemon "
	# the long ones first, so that the pool ends together
	slow=" fuzz_smoke fwd_callit rpcinfo_golden tshark tirpc_forward reap_tirpc reap_netns nis_broadcast "
	first=""
	par=""
	ser=""
	list=""
	for n in ${SCRIPTS:-}; do
		list="$list tests/integration/$n.sh"
	done
	[ -n "$list" ] || list=$(echo tests/integration/*.sh)
	for t in $list; do
		if [ ! -f "$t" ]; then
			if [ -n "${SCRIPTS:-}" ]; then
				echo "FAIL no $t"
				fail=$((fail + 1))
				failed="$failed $t"
			fi
			continue
		fi
		name=$(basename "$t" .sh)
		case "$name" in lib*) continue ;; esac
		case "$serial" in *" $name "*) ser="$ser $t"; continue ;; esac
		case "$slow" in
		*" $name "*) first="$first $t" ;;
		*) par="$par $t" ;;
		esac
	done
	par="$first $par"
	# shellcheck disable=SC2086
	printf '%s\n' $par | xargs -P "${JOBS:-3}" -n 1 sh "$0" --one
	for t in $ser; do
		sh "$0" --one "$t"
	done
	for t in $par $ser; do
		name=$(basename "$t" .sh)
		log=$logdir/$name.log
		read -r rc secs <"$logdir/$name.rc"
		p=$(grep -c '^ok - ' "$log")
		f=$(grep -c '^not ok - ' "$log")
		if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; echo "not ok - $name exited $rc" >>"$log"; fi
		pass=$((pass + p))
		fail=$((fail + f))
		if [ "$f" != 0 ]; then
			failed="$failed $name"
			echo "FAIL $name (${secs}s, log: $log)"
			grep -n '^not ok' "$log" | head -20 | sed 's/^/    /'
			tail -n 20 "$log" | sed 's/^/    /'
		else
			echo "pass $name ($p, ${secs}s)"
		fi
	done
fi

[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
