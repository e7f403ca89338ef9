#!/bin/sh
# bench_smoke.sh - the benchmark (tests/bench/run.sh) works end to end: in
# its quick mode it prints a table with figures for our daemon, rpcbind
# and the trivial responder, and its callgrind mode counts instructions
# and system calls for both daemons.  Never asserts that anything is fast.

. "$(dirname "$0")/lib.sh"

PMB=$BUILD/pmbench
if [ ! -x "$PMB" ] || [ ! -x "$PORTMAP" ] || [ ! -x "$RPCBIND" ]; then
	not_ok "bench: needs $PMB, $PORTMAP and $RPCBIND (make tests)"
	done_testing
fi

# row FILE TITLE REGS: the req/s line of one phase of the table.
row()
{
	awk -v t="$2" -v n="$3" '
		index($0, t) == 1 { hit = 1 }
		hit && $0 ~ /req\/s/ && substr($0, 28, 6) + 0 == n { print; exit }
		$0 ~ /req\/s/ { hit = 0 }' "$1"
}

# cells LINE: the ours, rpcbind and limit columns of a req/s line.
cells()
{
	printf '%s\n' "$1" | awk '{ print substr($0, 48, 12) " " \
	    substr($0, 61, 12) " " substr($0, 74, 12) }'
}

isnum()
{
	case $1 in
	''|*[!0-9.]*) return 1 ;;
	esac
	return 0
}

# ---- quick mode: the table ----
run_to 300 env BENCH_MODE=quick BENCH_DURATION=0.3 BENCH_SIZES="5 20 60" \
    BENCH_CONNS=20 BENCH_OUT="$T/raw" BUILD="$BUILD" \
    sh tests/bench/run.sh >"$T/table" 2>"$T/err"
rc=$?
if [ $rc = 0 ] && [ -s "$T/table" ]; then
	ok "bench quick mode runs and prints a table"
else
	not_ok "bench quick mode exited $rc"
	diag_file "$T/err" 20
fi
diag_file "$T/table" 80

missing=""
bad=""
for spec in "UDP GETPORT v2:5:limit" "UDP GETADDR v4:5:limit" \
    "TCP GETPORT persistent:5" "TCP connect-GETPORT-close:5" \
    "SET+UNSET churn (v2 UDP):5" "TCP DUMP v2:5" "TCP DUMP v2:20" \
    "SET v2 UDP (filling):60" "UDP GETPORT v2:60" "UDP GETADDR v4:60" \
    "TCP GETPORT persistent:60" "SET+UNSET churn (v2 UDP):60" \
    "TCP DUMP v2:60"; do
	title=${spec%%:*}
	rest=${spec#*:}
	regs=${rest%%:*}
	line=$(row "$T/table" "$title" "$regs")
	if [ -z "$line" ]; then
		missing="$missing [$title $regs]"
		continue
	fi
	set -- $(cells "$line")
	o=${1:-} r=${2:-} l=${3:-}
	isnum "${o%!}" && isnum "${r%!}" || missing="$missing [$title $regs]"
	case "$rest" in
	*:limit) isnum "${l%!}" || missing="$missing [$title $regs limit]" ;;
	esac
	case "$o$r$l" in
	*!*) bad="$bad [$title $regs]" ;;
	esac
done
if [ -z "$missing" ]; then
	ok "table has req/s for ours, rpcbind (and limit for UDP) in each phase"
else
	not_ok "table lacks figures for:$missing"
fi
if [ -z "$bad" ]; then
	ok "every call in the benchmark got the right answer"
else
	not_ok "wrong answers or lost calls in:$bad"
	sed -n '/^! not every/,$p' "$T/table" | sed 's/^/# /'
fi

m=$(grep '^bytes per idle TCP connection' "$T/table")
set -- $(printf '%s\n' "$m" | awk '{ print substr($0, 47, 12), substr($0, 60, 12) }')
if isnum "${1:-}" && isnum "${2:-}"; then
	ok "memory per idle connection measured for both daemons ($1, $2)"
else
	not_ok "memory per idle connection: '$m'"
fi
for t in ours rpcbind limit; do
	if grep -q "^result label=$t phase=idle rss_kb=[0-9]" "$T/raw" 2>/dev/null
	then
		ok "$t: idle RSS read from /proc"
	else
		not_ok "$t: no idle RSS"
	fi
done

# ---- callgrind mode: instructions and system calls per GETPORT ----
# valgrind cannot run a sanitizer build (make check's second pass).
if grep -q __asan_init "$PORTMAP" 2>/dev/null ||
    grep -q __ubsan_handle "$PORTMAP" 2>/dev/null; then
	diag "callgrind mode not tried: $PORTMAP is a sanitizer build"
	done_testing
fi
if ! command -v valgrind >/dev/null || ! command -v strace >/dev/null; then
	not_ok "callgrind mode needs valgrind and strace (scripts/deps.sh bench)"
	done_testing
fi
run_to 300 env BENCH_CALLS=100 BENCH_TARGETS="ours rpcbind" BUILD="$BUILD" \
    sh tests/bench/run.sh --callgrind >"$T/cg" 2>"$T/err"
rc=$?
diag_file "$T/cg" 20
[ $rc = 0 ] && ok "bench callgrind mode runs" ||
    not_ok "bench callgrind mode exited $rc"
for what in "instructions (callgrind Ir)" "system calls (strace -f), 1 in"; do
	line=$(grep "^$what" "$T/cg")
	set -- $(printf '%s\n' "$line" |
	    awk '{ print substr($0, 44, 12), substr($0, 57, 12) }')
	if isnum "${1:-}" && isnum "${2:-}"; then
		ok "$what per GETPORT for ours and rpcbind ($1, $2)"
	else
		not_ok "$what: '$line'"
		diag_file "$T/err" 10
	fi
done

done_testing
