#!/bin/sh
# reap_netns.sh - registrations through the shared AF_LOCAL socket from
# another network namespace (a container sharing /run/rpcbind.sock) are
# never reaped by looking at our own socket tables.
#
# A nested network namespace (unshare -n) shares our mount namespace, so
# its processes reach the daemon through /run/rpcbind.sock, while their
# ports are invisible in our /proc/net.  There:
#   - a libtirpc server registers itself: it stays while it lives;
#   - a service is registered by a short-lived helper (tirpc_client set,
#     as pmap_set or a start script would): its registrant is gone and
#     its port cannot be seen from here, so it must stay;
# and, as the control in our own namespace, a helper-registered service
# stays while it holds its port and is reaped once it is gone.

. "$(dirname "$0")/lib.sh"

if [ "$PMAP_DAEMON" != ours ]; then
	ok "reap_netns: skipped for $PMAP_DAEMON (rpcbind never reaps)"
	done_testing
fi
need_progs
REG=$BUILD/tests/progs/pm_reg
[ -x "$REG" ] || { not_ok "pm_reg built: run make tests"; done_testing; }
if ! unshare -n true 2>/dev/null; then
	not_ok "nested network namespaces (unshare -n)"
	done_testing
fi

GRACE=3
IVL=1
INNER_TS=536871172	# 0x20000104, libtirpc server inside
INNER_HELPED=536871173	# registered for a listener inside by a helper
OUTER_HELPED=536871174	# the same in our namespace
PORT_IN=23456		# 0x5ba0
PORT_OUT=23457		# 0x5ba1

# listener NAME PORT [unshare -n]: a UDP and TCP listener on PORT.
LISTENER='import socket, sys, time
p = int(sys.argv[1])
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", p))
t = socket.socket(); t.bind(("0.0.0.0", p)); t.listen(4)
print("ready", flush=True)
time.sleep(600)'

# answered PROG PORT: GETPORT v1 udp of PROG answers PORT.
answered()
{
	"$REG" -r 2 -w 200 -m 1 getport "$1" 1 "$2" >/dev/null 2>&1
}

# report: SIGUSR1, then the daemon's table dump in $T/report.
report()
{
	_l=$(wc -l <"$T/daemon.err")
	kill -USR1 "$DAEMON_PID"
	wait_line 5 "$T/daemon.err" '^portmap: reaper: ' || true
	tail -n +$((_l + 1)) "$T/daemon.err" >"$T/report"
}

start_daemon --grace $GRACE --reap-interval $IVL || done_testing

# ---- inside another network namespace ----

spawn inner_ts unshare -n sh -c \
    "ip link set lo up && exec $TC_ENV $TS -P $INNER_TS -n udp,tcp"
INNER_TS_PID=$SPAWNED
if wait_line 10 "$T/inner_ts.out" '^ready$'; then
	ok "a libtirpc server in a nested network namespace registers through the shared socket"
else
	not_ok "a libtirpc server in a nested network namespace registers through the shared socket"
	diag_file "$T/inner_ts.err"
fi
spawn inner_l unshare -n sh -c \
    "ip link set lo up && exec python3 -c '$LISTENER' $PORT_IN"
INNER_L_PID=$SPAWNED
wait_line 10 "$T/inner_l.out" '^ready$' ||
    not_ok "listener in the nested namespace"
capture nsenter -t "$INNER_L_PID" -n $TC_ENV "$TC" set $INNER_HELPED 1 udp \
    0.0.0.0.91.160
expect_rc "a helper in that namespace registers its listener, then exits" 0
if answered $INNER_HELPED $PORT_IN; then
	ok "the helper's registration is there"
else
	not_ok "the helper's registration is there"
fi

# ---- the control, in our namespace ----

spawn outer_l python3 -c "$LISTENER" $PORT_OUT
OUTER_L_PID=$SPAWNED
wait_line 10 "$T/outer_l.out" '^ready$' || not_ok "listener here"
capture $TC_ENV "$TC" set $OUTER_HELPED 1 udp 0.0.0.0.91.161
expect_rc "a helper here registers a listener here, then exits" 0

report
if grep -Eq "^portmap: +$INNER_TS 1 udp .*\\(local, other netns\\)$" "$T/report" &&
    grep -Eq "^portmap: +$INNER_HELPED 1 udp .*\\(local, other netns\\)$" "$T/report"; then
	ok "both registrations from the nested namespace are marked as from another netns"
else
	not_ok "both registrations from the nested namespace are marked as from another netns"
	diag_file "$T/report" 40
fi
if grep -Eq "^portmap: +$OUTER_HELPED 1 udp .*\\(local\\)$" "$T/report"; then
	ok "the registration from here is marked local, our netns"
else
	not_ok "the registration from here is marked local, our netns"
	diag_file "$T/report" 40
fi

# three grace periods and more, with lookups (each may check)
n=0
while [ $n -lt $((3 * GRACE + 2 * IVL)) ]; do
	answered $INNER_HELPED $PORT_IN >/dev/null
	answered $OUTER_HELPED $PORT_OUT >/dev/null
	sleep 1
	n=$((n + 1))
done
INNER_TS_UDP=$(uaddr_port "$(bound inner_ts udp)")
if answered $INNER_TS "$INNER_TS_UDP"; then
	ok "the live server in the nested namespace stays registered"
else
	not_ok "the live server in the nested namespace stays registered"
fi
if answered $INNER_HELPED $PORT_IN; then
	ok "the helper-made registration from the nested namespace stays (cannot be checked from here)"
else
	not_ok "the helper-made registration from the nested namespace stays"
	grep "removed stale" "$T/daemon.err" | sed 's/^/# /'
fi
if answered $OUTER_HELPED $PORT_OUT; then
	ok "the helper-made registration here stays while its port is held"
else
	not_ok "the helper-made registration here stays while its port is held"
fi

# the control: its listener goes, and so does the registration
stop_pid "$OUTER_L_PID" KILL 2
if wait_for $((GRACE + 2 * IVL + 2)) sh -c "! '$REG' -r 1 -w 200 -m 1 getport $OUTER_HELPED 1 $PORT_OUT"; then
	ok "once its listener is gone, the registration here is reaped"
else
	not_ok "once its listener is gone, the registration here is reaped"
fi
if grep -q "removed stale registration $OUTER_HELPED 1 udp .*nothing holds udp port $PORT_OUT" "$T/daemon.err"; then
	ok "... and the log says why"
else
	not_ok "... and the log says why"
	diag_file "$T/daemon.err"
fi
if ! grep -Eq "removed stale registration ($INNER_TS|$INNER_HELPED) " "$T/daemon.err"; then
	ok "nothing of the nested namespace was ever reaped"
else
	not_ok "nothing of the nested namespace was ever reaped"
fi

# the nested server ends: its registrant is gone too, still not reaped
stop_pid "$INNER_L_PID" TERM 2
stop_pid "$INNER_TS_PID" KILL 2
sleep $((GRACE + 2 * IVL + 1))
if answered $INNER_HELPED $PORT_IN && answered $INNER_TS "$INNER_TS_UDP"; then
	ok "gone from another namespace: kept (no false removal)"
else
	not_ok "gone from another namespace: kept (no false removal)"
fi
stop_daemon

done_testing
