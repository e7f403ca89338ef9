# lib.sh - shared by the integration tests (POSIX sh).  Source it first:
#
#	. "$(dirname "$0")/lib.sh"
#
# It re-runs the calling script inside fresh network, mount and PID
# namespaces (unshare), so nothing touches the host's port 111 or
# /run/rpcbind.sock, and nothing the script starts can outlive it: the
# script is PID 1 of its namespace, and when it ends the kernel kills
# whatever is left.  Inside: a private tmpfs on /run (and on /var/run if
# that is not a link to /run), lo up, a work directory $T.
#
# Environment:
#	BUILD		build directory of our binaries (default build)
#	PMAP_DAEMON	which port mapper to test: "ours" (default,
#			$BUILD/portmap) or "rpcbind" (Debian's /sbin/rpcbind),
#			to show that a test passes against both
#	PMAP_DEBUG	non-empty: pass -d to the daemon
#	PMAP_KEEP	non-empty: keep the work directory $T
#	PMAP_TEST_TIMEOUT  seconds before the watchdog ends the script (300)
#	PMAP_VALGRIND	non-empty: run our daemon under valgrind (memcheck,
#			log in $T/valgrind.log); stop_daemon then also checks
#			that valgrind saw no error and no definite leak
#	PMAP_WRAP	a command our daemon is run through, such as
#			"prlimit --nofile=300:300 --" (it must exec the daemon)
#
# TAP helpers print "ok - what" / "not ok - what"; diagnostics start
# with "# ".  End every script with done_testing.

set -u

# ---- namespaces ----

if [ -z "${PMAP_TEST_INNS:-}" ]; then
	if [ "$(id -u)" != 0 ] || ! unshare -n -m true 2>/dev/null; then
		echo "not ok - $(basename "$0"): cannot create namespaces" \
		    "(needs root and unshare)"
		exit 1
	fi
	PMAP_TEST_INNS=1
	export PMAP_TEST_INNS
	exec unshare --net --mount --pid --fork --kill-child --mount-proc \
	    --propagation private sh "$0" "$@"
	echo "not ok - $(basename "$0"): exec unshare failed"
	exit 1
fi

TOP=${PMAP_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$TOP" || exit 1
BUILD=${BUILD:-build}
case "$BUILD" in
/*) ;;
*) BUILD=$TOP/$BUILD ;;
esac
PMAP_DAEMON=${PMAP_DAEMON:-ours}
STEP_TIMEOUT=${STEP_TIMEOUT:-20}
RPCINFO=/usr/sbin/rpcinfo		# Debian's, never ours
RPCBIND=/sbin/rpcbind
TC=$BUILD/tests/progs/tirpc_client
TS=$BUILD/tests/progs/tirpc_server
# PMAP_PORTMAP: another build of the daemon, PMAP_CLIENTS: the directory of
# another build of rpcinfo, pmap_dump and pmap_set (make check runs the
# musl ones); the test programs are always $BUILD's.
PORTMAP=${PMAP_PORTMAP:-$BUILD/portmap}
CLIENTS=${PMAP_CLIENTS:-$BUILD}
export BUILD PMAP_DAEMON

TESTS_OK=0
TESTS_FAIL=0
PIDS=""
DAEMON_PID=""
DAEMON_SOCK=/run/rpcbind.sock
RC=0
LAST_CMD=""

mount -t tmpfs -o mode=0755 tmpfs /run || { echo "not ok - mount /run"; exit 1; }
# The work directory: a private tmpfs (its contents go with the namespace
# even if this script is killed), unless asked to keep it.
T=$(mktemp -d /tmp/pmaptest.XXXXXX) || exit 1
[ -n "${PMAP_KEEP:-}" ] || mount -t tmpfs -o mode=0700 tmpfs "$T" ||
    { echo "not ok - mount tmpfs on $T"; rmdir "$T"; exit 1; }
if [ -L /var/run ]; then
	[ "$(readlink -f /var/run)" = /run ] ||
	    mount -t tmpfs -o mode=0755 tmpfs /var/run
elif [ -d /var/run ]; then
	mount -t tmpfs -o mode=0755 tmpfs /var/run
fi
mkdir -p /run/lock
ip link set lo up || { echo "not ok - ip link set lo up"; exit 1; }

# ---- TAP ----

ok()
{
	TESTS_OK=$((TESTS_OK + 1))
	echo "ok - $*"
}

not_ok()
{
	TESTS_FAIL=$((TESTS_FAIL + 1))
	echo "not ok - $*"
}

diag()
{
	echo "# $*"
}

# diag_file FILE [MAXLINES]: show a file as diagnostics.
diag_file()
{
	[ -s "$1" ] || return 0
	head -n "${2:-30}" "$1" | sed 's/^/#   /'
}

# diag_last: what the last capture ran and what came back.
diag_last()
{
	diag "cmd: $LAST_CMD (exit $RC)"
	diag_file "$T/out" 40
	diag_file "$T/err" 10
}

# done_testing: summary; the script fails if any check failed.
done_testing()
{
	diag "$TESTS_OK ok, $TESTS_FAIL not ok (daemon: $PMAP_DAEMON)"
	if [ "$TESTS_FAIL" != 0 ] && [ -n "$DAEMON_PID" ] &&
	    [ -s "$T/daemon.err" ]; then
		diag "daemon log:"
		diag_file "$T/daemon.err" 40
	fi
	[ "$TESTS_FAIL" = 0 ] && [ "$TESTS_OK" != 0 ]
	exit $?
}

# ---- running things ----

# run_to SECONDS CMD...: run CMD, killed after SECONDS (exit 124).
run_to()
{
	_s=$1
	shift
	timeout -k 2 "$_s" "$@"
}

# capture CMD...: run CMD with the step timeout; stdout in $T/out,
# stderr in $T/err, exit status in $RC.  Never fails itself.
capture()
{
	LAST_CMD="$*"
	run_to "$STEP_TIMEOUT" "$@" >"$T/out" 2>"$T/err"
	RC=$?
	return 0
}

# out: the last captured stdout.
out()
{
	cat "$T/out"
}

# check DESC CMD...: ok if CMD exits 0.
check()
{
	_d=$1
	shift
	capture "$@"
	if [ "$RC" = 0 ]; then ok "$_d"; else not_ok "$_d"; diag_last; fi
}

# expect_rc DESC N: the last capture exited N.
expect_rc()
{
	if [ "$RC" = "$2" ]; then ok "$1"; else not_ok "$1"; diag_last; fi
}

# expect DESC ERE: a line of the last stdout matches ERE (and it exited 0).
expect()
{
	if [ "$RC" = 0 ] && grep -Eq -- "$2" "$T/out"; then
		ok "$1"
	else
		not_ok "$1"
		diag "wanted: $2"
		diag_last
	fi
}

# expect_any DESC ERE: like expect, whatever the exit status.
expect_any()
{
	if grep -Eq -- "$2" "$T/out"; then
		ok "$1"
	else
		not_ok "$1"
		diag "wanted: $2"
		diag_last
	fi
}

# expect_err DESC ERE: a line of the last stderr matches ERE.
expect_err()
{
	if grep -Eq -- "$2" "$T/err"; then
		ok "$1"
	else
		not_ok "$1"
		diag "wanted on stderr: $2"
		diag_last
	fi
}

# expect_line DESC LINE: a line of the last stdout is exactly LINE (and
# it exited 0).
expect_line()
{
	if [ "$RC" = 0 ] && grep -Fxq -- "$2" "$T/out"; then
		ok "$1"
	else
		not_ok "$1"
		diag "wanted line: '$2'"
		diag_last
	fi
}

# expect_not DESC ERE: no line of the last stdout matches ERE.
expect_not()
{
	if ! grep -Eq -- "$2" "$T/out"; then
		ok "$1"
	else
		not_ok "$1"
		diag "unwanted: $2"
		diag_last
	fi
}

# expect_eq DESC STRING: the last stdout is exactly STRING (one line).
expect_eq()
{
	if [ "$RC" = 0 ] && [ "$(cat "$T/out")" = "$2" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "wanted exactly: '$2'"
		diag_last
	fi
}

# expect_is DESC STRING: the last stdout is exactly STRING, whatever the
# exit status.
expect_is()
{
	if [ "$(cat "$T/out")" = "$2" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "wanted exactly: '$2'"
		diag_last
	fi
}

# pid_alive PID: the process exists and is not a zombie.
pid_alive()
{
	[ -r "/proc/$1/stat" ] || return 1
	_st=$(sed 's/^.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null)
	[ -n "$_st" ] && [ "$_st" != Z ] && [ "$_st" != X ]
}

# spawn NAME CMD...: start CMD in the background, stdout in $T/NAME.out,
# stderr in $T/NAME.err; its PID in $SPAWNED and in the kill list.
spawn()
{
	_n=$1
	shift
	"$@" >"$T/$_n.out" 2>"$T/$_n.err" &
	SPAWNED=$!
	PIDS="$SPAWNED $PIDS"
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for()
{
	_n=$(($1 * 10))
	shift
	while [ "$_n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# wait_line SECONDS FILE ERE: wait until a line of FILE matches ERE.
wait_line()
{
	wait_for "$1" grep -Eq -- "$3" "$2"
}

# stop_pid PID [SIGNAL] [SECONDS]: signal (TERM) and wait (5 s), then
# SIGKILL.  Reaps it; its exit status in $STOPPED_STATUS (KILLED if we
# had to use SIGKILL).
stop_pid()
{
	_p=$1
	_sig=${2:-TERM}
	_n=$((${3:-5} * 10))
	STOPPED_STATUS=GONE
	case " $PIDS " in
	*" $_p "*) ;;
	*) return 0 ;;
	esac
	kill "-$_sig" "$_p" 2>/dev/null
	while [ "$_n" -gt 0 ] && pid_alive "$_p"; do
		sleep 0.1
		_n=$((_n - 1))
	done
	if pid_alive "$_p"; then
		kill -KILL "$_p" 2>/dev/null
		wait "$_p" 2>/dev/null
		STOPPED_STATUS=KILLED
	else
		wait "$_p" 2>/dev/null
		STOPPED_STATUS=$?
	fi
	_np=""
	for _q in $PIDS; do
		[ "$_q" = "$_p" ] || _np="$_np $_q"
	done
	PIDS=$_np
}

# ---- the daemon under test ----

# daemon_cmd ARGS...: prints nothing, sets DAEMON_ARGV (a string) for the
# daemon selected by PMAP_DAEMON.  Our options: -f -d -p PORT -S PATH
# -h ADDR -i.  Debian's rpcbind has no -p and no -S: asking for them fails.
daemon_cmd()
{
	DAEMON_SOCK=/run/rpcbind.sock
	DAEMON_PORT=111
	_a=""
	while [ $# -gt 0 ]; do
		case "$1" in
		-p) DAEMON_PORT=$2; _a="$_a -p $2"; shift ;;
		-S) DAEMON_SOCK=$2; _a="$_a -S $2"; shift ;;
		-h) _a="$_a -h $2"; shift ;;
		-d|-i) _a="$_a $1" ;;
		*) _a="$_a $1" ;;
		esac
		shift
	done
	[ -n "${PMAP_DEBUG:-}" ] && _a="$_a -d"
	case "$PMAP_DAEMON" in
	rpcbind)
		case "$_a" in
		*" -p "*|*" -S "*)
			diag "rpcbind has no -p or -S"
			return 1 ;;
		esac
		DAEMON_ARGV="$RPCBIND -f -w$_a" ;;
	ours)
		DAEMON_ARGV="$PORTMAP -f$_a"
		[ -n "${PMAP_VALGRIND:-}" ] &&
		    DAEMON_ARGV="valgrind --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --error-exitcode=99 --log-file=$T/valgrind.log $DAEMON_ARGV"
		[ -n "${PMAP_WRAP:-}" ] && DAEMON_ARGV="$PMAP_WRAP $DAEMON_ARGV"
		;;
	*)
		diag "PMAP_DAEMON must be ours or rpcbind"
		return 1 ;;
	esac
	return 0
}

# daemon_answers: a NULL call over UDP and TCP to 127.0.0.1 gets a reply.
daemon_answers()
{
	_ua=127.0.0.1.$((DAEMON_PORT / 256)).$((DAEMON_PORT % 256))
	run_to 3 "$RPCINFO" -a "$_ua" -T udp 100000 2 >/dev/null 2>&1 &&
	    run_to 3 "$RPCINFO" -a "$_ua" -T tcp 100000 2 >/dev/null 2>&1
}

# start_daemon [ARGS...]: start the port mapper in the foreground, in the
# background of this script, and wait (10 s) until its socket exists and
# it answers.  Prints "ok"/"not ok" for that.  PID in $DAEMON_PID.
start_daemon()
{
	if ! daemon_cmd "$@"; then
		not_ok "start $PMAP_DAEMON $*: unsupported options"
		return 1
	fi
	if [ "$PMAP_DAEMON" = ours ] && [ ! -x "$PORTMAP" ]; then
		not_ok "start portmap: $PORTMAP not built"
		return 1
	fi
	# A cold start: the warm start files of an earlier daemon in this
	# namespace (rpcbind -w, our state journal) must not bring back old
	# registrations.  restart_daemon keeps them.
	if [ -z "${DAEMON_WARM:-}" ]; then
		rm -f /run/rpcbind/*.xdr
		rm -rf /run/portmap
	fi
	# shellcheck disable=SC2086
	spawn daemon $DAEMON_ARGV
	DAEMON_PID=$SPAWNED
	_wait=10
	[ -n "${PMAP_VALGRIND:-}" ] && _wait=60
	_n=$((_wait * 10))
	while [ "$_n" -gt 0 ]; do
		if ! pid_alive "$DAEMON_PID"; then
			wait "$DAEMON_PID"
			not_ok "start $DAEMON_ARGV: exited with status $?"
			diag_file "$T/daemon.err"
			DAEMON_PID=""
			return 1
		fi
		if [ -S "$DAEMON_SOCK" ] && daemon_answers; then
			ok "start $DAEMON_ARGV: answers on port $DAEMON_PORT and $DAEMON_SOCK exists"
			return 0
		fi
		sleep 0.1
		_n=$((_n - 1))
	done
	not_ok "start $DAEMON_ARGV: no answer within $_wait s"
	diag_file "$T/daemon.err"
	return 1
}

# restart_daemon [ARGS...]: stop_daemon, then start_daemon keeping the
# warm start state (rpcbind -w files, our state journal).
restart_daemon()
{
	stop_daemon
	DAEMON_WARM=1
	start_daemon "$@"
	_r=$?
	DAEMON_WARM=""
	return $_r
}

# stop_daemon: SIGTERM, expect a clean exit (status 0 within 5 s) and no
# sanitizer report in its log.
stop_daemon()
{
	[ -n "$DAEMON_PID" ] || return 0
	if [ -n "${PMAP_VALGRIND:-}" ] && [ "$PMAP_DAEMON" = ours ]; then
		stop_pid "$DAEMON_PID" TERM 60
	else
		stop_pid "$DAEMON_PID" TERM 5
	fi
	if [ "$STOPPED_STATUS" = 0 ]; then
		ok "$PMAP_DAEMON exits with status 0 on SIGTERM"
	else
		not_ok "$PMAP_DAEMON exits with status 0 on SIGTERM" \
		    "(got $STOPPED_STATUS)"
		diag_file "$T/daemon.err"
	fi
	if grep -Eq 'Sanitizer|runtime error:' "$T/daemon.err"; then
		not_ok "$PMAP_DAEMON: no sanitizer report"
		diag_file "$T/daemon.err" 60
	else
		ok "$PMAP_DAEMON: no sanitizer report"
	fi
	[ -n "${PMAP_VALGRIND:-}" ] && [ "$PMAP_DAEMON" = ours ] &&
	    valgrind_clean "$T/valgrind.log"
	DAEMON_PID=""
}

# valgrind_clean LOG: ok if memcheck's log says 0 errors and no definite
# leak (the log ends with the summaries once the process has exited).
valgrind_clean()
{
	_e=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$1" |
	    tail -n 1)
	_l=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$1" |
	    tail -n 1)
	if [ "$_e" = 0 ] && { [ -z "$_l" ] || [ "$_l" = 0 ]; } &&
	    grep -q 'All heap blocks were freed\|LEAK SUMMARY' "$1"; then
		ok "valgrind: 0 errors, no definite leak ($(grep -c . "$1") log lines)"
	else
		not_ok "valgrind: 0 errors, no definite leak" \
		    "(errors '${_e:-none}', definitely lost '${_l:-none}')"
		diag_file "$1" 80
	fi
}

# sanitized_build: our daemon was built with a sanitizer (SANITIZE=...):
# no valgrind, and its allocator keeps freed memory (RSS figures only).
sanitized_build()
{
	grep -Eqa '__asan_init|__ubsan_handle|__tsan_init' "$PORTMAP"
}

# ---- test programs ----

# need_progs: our libtirpc test programs must be built.
need_progs()
{
	if [ ! -x "$TC" ] || [ ! -x "$TS" ]; then
		not_ok "test programs built ($TC, $TS): run make tests"
		done_testing
	fi
}

# The test programs are libtirpc clients; under a sanitizer build the
# leaks inside libtirpc are not ours to report (the daemon keeps its
# leak checks).
ASAN_OPTIONS=${ASAN_OPTIONS:-}
TC_ENV="env ASAN_OPTIONS=detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

# tc ARGS...: the libtirpc client, through capture.
tc()
{
	# shellcheck disable=SC2086
	capture $TC_ENV "$TC" "$@"
}

# start_server NAME [tirpc_server ARGS...]: start a libtirpc test server,
# wait (10 s) for "ready".  PID in $SERVER_PID; its output in
# $T/NAME.out ("bound NETID UADDR" lines).
start_server()
{
	_sn=$1
	shift
	# shellcheck disable=SC2086
	spawn "$_sn" $TC_ENV "$TS" "$@"
	SERVER_PID=$SPAWNED
	if wait_line 10 "$T/$_sn.out" '^ready$'; then
		ok "tirpc_server $* registered and ready"
		return 0
	fi
	not_ok "tirpc_server $* registered and ready"
	diag_file "$T/$_sn.out"
	diag_file "$T/$_sn.err"
	return 1
}

# bound NAME NETID: the universal address server NAME listens on.
bound()
{
	sed -n "s/^bound $2 //p" "$T/$1.out" | head -n 1
}

# uaddr_port UADDR: the port of a universal address.
uaddr_port()
{
	echo "$1" | awk -F. '{ print $(NF - 1) * 256 + $NF }'
}

# add_veth_addresses: a veth pair; v0 gets 10.9.9.1/24 and fd00:9::1/64,
# a non-loopback interface for address-merging checks.
add_veth_addresses()
{
	ip link add v0 type veth peer name v1 &&
	    ip link set v0 up && ip link set v1 up &&
	    ip addr add 10.9.9.1/24 dev v0 &&
	    ip -6 addr add fd00:9::1/64 dev v0 nodad
}

# ---- clean-up ----

cleanup()
{
	trap - EXIT INT TERM HUP
	for _p in $PIDS; do
		stop_pid "$_p" TERM 2
	done
	if [ -n "${PMAP_KEEP:-}" ]; then
		echo "# work directory kept: $T"
	else
		umount "$T" 2>/dev/null || umount -l "$T" 2>/dev/null
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'not_ok "interrupted"; exit 143' INT TERM HUP

# The watchdog: a script that hangs is ended, and says so.  The script is
# PID 1 of its namespace: its TERM trap runs once the command it waits for
# is gone, so the rest of the namespace is ended too (kill -1 spares PID 1
# and the watchdog itself).
( sleep "${PMAP_TEST_TIMEOUT:-300}"
  echo "not ok - watchdog: $(basename "$0") took more than ${PMAP_TEST_TIMEOUT:-300} s"
  kill -TERM 1
  sleep 1
  kill -TERM -1
  sleep 2
  kill -KILL -1 ) &
WATCHDOG=$!
PIDS="$WATCHDOG"
