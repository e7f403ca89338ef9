#!/bin/sh
# policy_ratelimit.sh - per-source rate limits for calls from other hosts
# (a veth peer in its own namespace): a burst from one address is cut to
# its bucket, another address of the same host and local clients are
# served meanwhile, the drops are counted (SIGUSR1) and logged once per
# episode; the default (100/s, burst 200) applies without options, and
# --rate 0 turns the limit off.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_remote.sh"

remote_setup

# answered: the "answered N" of the last burst.
answered()
{
	sed -n 's/^answered //p' "$T/out" | head -n 1
}

start_daemon --rate 10 --burst 20 || done_testing
remote_reaches || not_ok "remote host reaches the daemon"
sleep 2		# the reachability probes refill the bucket
capture env RMTCALL_SRC=$CLI4 $IN_REMOTE "$RMT" burst $SRV4 400
a=$(answered)
if [ -n "$a" ] && [ "$a" -ge 20 ] && [ "$a" -le 40 ]; then
	ok "--rate 10 --burst 20: 400 calls from $CLI4, $a answered"
else
	not_ok "--rate 10 --burst 20: 400 calls from $CLI4, 20 to 40 answered (got ${a:-none})"
	diag_last
fi

# One address floods; the other address and local clients are served.
spawn flood env RMTCALL_SRC=$CLI4 $IN_REMOTE "$RMT" burst $SRV4 3000
FLOOD=$SPAWNED
sleep 0.2
capture env RMTCALL_SRC=$CLI4B $IN_REMOTE "$RMT" burst $SRV4 15
expect "during a flood from $CLI4, $CLI4B gets all of its 15 calls answered" \
    '^answered 15$'
capture "$RMT" burst 127.0.0.1 1000
expect "during a flood from $CLI4, a local client gets all of 1000 answered" \
    '^answered 1000$'
wait_for 30 sh -c "! kill -0 $FLOOD 2>/dev/null"
stop_pid "$FLOOD"
diag "flood: $(tr '\n' ' ' <"$T/flood.out")"

daemon_report
n=$(sed -n 's/.*rate-limited \([0-9]*\).*/\1/p' "$T/report" | head -n 1)
if [ -n "$n" ] && [ "$n" -ge 3000 ]; then
	ok "SIGUSR1: $n calls counted as rate-limited"
else
	not_ok "SIGUSR1: rate-limited calls counted (${n:-none})"
	diag_file "$T/report"
fi
d=$(sed -n 's/.*rate limit: passed [0-9]*, dropped \([0-9]*\).*/\1/p' "$T/report")
[ "$d" = "$n" ] && ok "SIGUSR1: the limiter's own count agrees ($d)" ||
    not_ok "SIGUSR1: the limiter's count ($d) agrees with $n"
l=$(grep -c "rate limit: $CLI4:[0-9]* is over\|rate limit: $CLI4 is over" "$T/daemon.err")
if [ "$l" -ge 1 ] && [ "$l" -le 5 ]; then
	ok "the drops are logged, at a bounded rate ($l lines for $n drops)"
else
	not_ok "the drops are logged at a bounded rate ($l lines)"
	diag_file "$T/daemon.err"
fi
stop_daemon

# The default for calls from other hosts: 100/s, burst 200.
start_daemon || done_testing
remote_reaches || not_ok "remote host reaches the daemon"
capture env RMTCALL_SRC=$CLI4 $IN_REMOTE "$RMT" burst $SRV4 1000
a=$(answered)
if [ -n "$a" ] && [ "$a" -ge 190 ] && [ "$a" -le 400 ]; then
	ok "default limit: 1000 quick calls from $CLI4, $a answered"
else
	not_ok "default limit: 1000 quick calls from $CLI4, about 200 answered (got ${a:-none})"
	diag_last
fi
stop_daemon

# --rate 0: no limit; the same burst is answered whole.
start_daemon --rate 0 || done_testing
capture env RMTCALL_SRC=$CLI4 $IN_REMOTE "$RMT" burst $SRV4 1000
expect "--rate 0: all of 1000 quick calls from $CLI4 answered" '^answered 1000$'
stop_daemon
done_testing
