#!/bin/sh
# reap_tirpc.sh - a SIGKILL of a service costs no client a dead port for
# longer than the grace period, and a live service is never reaped.
#
# Two libtirpc servers register (over /run/rpcbind.sock, on udp, tcp,
# udp6 and tcp6); one is killed with SIGKILL, so it never unregisters.
# While a bounded GETPORT loop asks for the live one, the dead one's
# lookups are polled: they stop answering its port within --grace
# seconds of the kill (and not much sooner: the grace is respected); the
# listings are clean soon after; the log says each removal once; the live
# server is still registered and every lookup of it was answered.  Then
# entries restored from the state file whose service died while the
# daemon was down are dropped the same way, and with --no-reap nothing
# is dropped (the control).

. "$(dirname "$0")/lib.sh"

if [ "$PMAP_DAEMON" != ours ]; then
	ok "reap_tirpc: skipped for $PMAP_DAEMON (rpcbind never reaps)"
	done_testing
fi
need_progs
REG=$BUILD/tests/progs/pm_reg
[ -x "$REG" ] || { not_ok "pm_reg built: run make tests"; done_testing; }

GRACE=4
IVL=1
DEAD=536871169		# 0x20000101
LIVE=536871170		# 0x20000102
LATE=536871171		# 0x20000103

# now_ms: milliseconds on a clock that only goes forward (uptime).
now_ms()
{
	awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

# answered PROG PORT: GETPORT v1 udp of PROG answers PORT.
answered()
{
	"$REG" -r 2 -w 200 -m 1 getport "$1" 1 "$2" >/dev/null 2>&1
}

# listed PROG: how many entries of PROG the v3 DUMP shows ("error" if
# the DUMP failed).
listed()
{
	if run_to 5 $TC_ENV "$TC" getmaps 127.0.0.1 udp >"$T/maps" 2>&1; then
		grep -c "^$1 " "$T/maps"
	else
		echo error
	fi
}

# none_listed PROG: the DUMP worked and shows nothing of PROG.
none_listed()
{
	[ "$(listed "$1")" = 0 ]
}

# gone_within PROG PORT SECONDS: poll GETPORT every 0.1 s until PROG no
# longer answers PORT; the time it took (ms) in $TOOK, or fail.
gone_within()
{
	_t0=$KILLED_AT
	_end=$(( $(now_ms) + $3 * 1000 ))
	while [ "$(now_ms)" -lt "$_end" ]; do
		if ! answered "$1" "$2"; then
			TOOK=$(( $(now_ms) - _t0 ))
			return 0
		fi
		sleep 0.1
	done
	TOOK=""
	return 1
}

start_daemon --grace $GRACE --reap-interval $IVL || done_testing
start_server dead -P $DEAD || done_testing
DEAD_PID=$SERVER_PID
start_server live -P $LIVE || done_testing
LIVE_PID=$SERVER_PID
DEAD_UDP=$(uaddr_port "$(bound dead udp)")
LIVE_UDP=$(uaddr_port "$(bound live udp)")
diag "dead server: pid $DEAD_PID udp port $DEAD_UDP; live: pid $LIVE_PID udp port $LIVE_UDP"
if answered $DEAD "$DEAD_UDP" && answered $LIVE "$LIVE_UDP"; then
	ok "both servers are found by GETPORT"
else
	not_ok "both servers are found by GETPORT"
fi
N=$(listed $DEAD)
if [ "$N" = 8 ]; then
	ok "the server to kill has 8 entries (2 versions x 4 netids)"
else
	not_ok "the server to kill has 8 entries (got $N)"
fi

# a bounded lookup load on the live server, for the whole grace period
spawn load "$REG" -w 200 -r 5 -m 3 -n 4000 getport $LIVE 1 "$LIVE_UDP"
LOAD=$SPAWNED

sleep 1		# both checked alive at least once
kill -KILL "$DEAD_PID"
KILLED_AT=$(now_ms)
stop_pid "$DEAD_PID" KILL 2
if gone_within $DEAD "$DEAD_UDP" $((GRACE + 5)); then
	if [ "$TOOK" -le $((GRACE * 1000 + 500)) ]; then
		ok "the killed server's port is no longer handed out after $TOOK ms (grace ${GRACE} s)"
	else
		not_ok "the killed server's port is no longer handed out within the grace (took $TOOK ms, grace ${GRACE} s)"
	fi
	if [ "$TOOK" -ge $(( (GRACE - 2) * 1000 )) ]; then
		ok "... and not before the grace period allows ($TOOK ms)"
	else
		not_ok "... and not before the grace period allows ($TOOK ms)"
	fi
else
	not_ok "the killed server's entries disappear (still there after $((GRACE + 5)) s)"
fi
# every entry, including those only a scan sees (DUMP, udp6, tcp6)
if wait_for $((GRACE + 2 * IVL + 3)) none_listed $DEAD; then
	ok "all 8 entries of the killed server are gone from the listing"
else
	not_ok "all 8 entries of the killed server are gone from the listing ($(listed $DEAD) left)"
fi
N=$(grep -c "removed stale registration $DEAD " "$T/daemon.err")
U=$(grep "removed stale registration $DEAD " "$T/daemon.err" | sort -u | wc -l)
if [ "$N" = 8 ] && [ "$U" = 8 ]; then
	ok "each removal is logged once (8 lines)"
else
	not_ok "each removal is logged once ($N lines, $U different)"
	diag_file "$T/daemon.err"
fi
if grep -q "removed stale registration $DEAD 1 udp .*(owner superuser, pid $DEAD_PID): nothing holds udp port $DEAD_UDP and pid $DEAD_PID is gone" "$T/daemon.err"; then
	ok "the log names the entry, its owner and pid, and why"
else
	not_ok "the log names the entry, its owner and pid, and why"
	grep "removed stale" "$T/daemon.err" | head -3 | sed 's/^/# /'
fi

# the live server: untouched, under load
sleep $((GRACE + 2 * IVL))
n=0
while pid_alive "$LOAD" && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
stop_pid "$LOAD" TERM 2
if [ "$STOPPED_STATUS" = 0 ] && grep -q "^found 4000 missing 0$" "$T/load.out"; then
	ok "under load: all 4000 lookups of the live server answered its port"
else
	not_ok "under load: all 4000 lookups of the live server answered its port (status $STOPPED_STATUS)"
	diag_file "$T/load.out"
	diag_file "$T/load.err"
fi
N=$(listed $LIVE)
if [ "$N" = 8 ] && ! grep -q "removed stale registration $LIVE " "$T/daemon.err"; then
	ok "the live server keeps its 8 entries after $((2 * GRACE)) s"
else
	not_ok "the live server keeps its 8 entries ($N)"
fi
capture $TC_ENV "$TC" echo 127.0.0.1 udp $LIVE 1 still-here
expect_line "the live server is found and called through its registration" \
    "still-here"

# ---- restored entries whose service died while we were down ----

start_server late -P $LATE || done_testing
LATE_PID=$SERVER_PID
LATE_UDP=$(uaddr_port "$(bound late udp)")
stop_pid "$DAEMON_PID" KILL 2
DAEMON_PID=""
kill -KILL "$LATE_PID"
stop_pid "$LATE_PID" KILL 2
DAEMON_WARM=1 start_daemon --grace $GRACE --reap-interval $IVL ||
    done_testing
N=$(listed $LATE)
if [ "$N" = 8 ]; then
	ok "after a daemon kill -9: the dead server's 8 entries are restored"
else
	not_ok "after a daemon kill -9: the dead server's 8 entries are restored ($N)"
fi
KILLED_AT=$(now_ms)
if gone_within $LATE "$LATE_UDP" $((GRACE + 5)) &&
    [ "$TOOK" -le $((GRACE * 1000 + 500)) ]; then
	ok "restored entries of a dead service are dropped within the grace ($TOOK ms)"
else
	not_ok "restored entries of a dead service are dropped within the grace (${TOOK:-never})"
fi
if answered $LIVE "$LIVE_UDP" && [ "$(listed $LIVE)" = 8 ]; then
	ok "restored entries of the live server stay"
else
	not_ok "restored entries of the live server stay"
fi

# ---- control: --no-reap keeps a dead service's entries ----

start_server late2 -P $LATE || done_testing
LATE_PID=$SERVER_PID
LATE_UDP=$(uaddr_port "$(bound late2 udp)")
stop_daemon
DAEMON_WARM=1 start_daemon --grace $GRACE --reap-interval $IVL --no-reap ||
    done_testing
kill -KILL "$LATE_PID"
stop_pid "$LATE_PID" KILL 2
sleep $((GRACE + 2 * IVL + 1))
if answered $LATE "$LATE_UDP" && [ "$(listed $LATE)" = 8 ]; then
	ok "--no-reap: a killed server's entries stay"
else
	not_ok "--no-reap: a killed server's entries stay"
fi
stop_daemon
stop_pid "$LIVE_PID" TERM 5

done_testing
