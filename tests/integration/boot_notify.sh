#!/bin/sh
# boot_notify.sh - what the daemon tells the service manager, heard on a
# NOTIFY_SOCKET of our own (boot_helper.py notify): READY=1 only when
# every socket answers, STATUS= following the registrations at most once a
# second, WATCHDOG=1 at half of WATCHDOG_USEC (and not at all when
# WATCHDOG_PID is another process), STOPPING=1 on SIGTERM.  Then the
# detached start an init script uses: it returns only once the daemon
# serves, writes the pid file, and passes a start-up failure's exit status
# on.

. "$(dirname "$0")/lib.sh"

HELPER="python3 $TOP/tests/integration/boot_helper.py"
PROBES="udp:127.0.0.1:111 tcp:127.0.0.1:111 udp:[::1]:111 tcp:[::1]:111 unix:/run/rpcbind.sock unix:@/run/rpcbind.sock"
need_progs

# listen NAME: a notification socket $T/NAME.sock logging to $T/NAME.log.
listen()
{
	# shellcheck disable=SC2086
	spawn "$1-listener" $HELPER notify "$T/$1.sock" "$T/$1.log" 120 $PROBES
	LISTENER_PID=$SPAWNED
	wait_line 10 "$T/$1.log" 'LISTENING' ||
	    { not_ok "notification listener $1 started"; done_testing; }
}

# msgs NAME FIELD: the log lines of NAME holding FIELD (e.g. WATCHDOG=1).
msgs()
{
	grep -E "(^| )$2( |\$)" "$T/$1.log"
}

# ---- readiness, status, watchdog, stopping ----

listen n1
# WATCHDOG_PID must be the daemon: the shell's pid, kept by exec.
spawn daemon env NOTIFY_SOCKET="$T/n1.sock" WATCHDOG_USEC=400000 \
    sh -c 'WATCHDOG_PID=$$ exec "$0" -f -d' "$PORTMAP"
DAEMON_PID=$SPAWNED

if wait_line 10 "$T/n1.log" 'READY=1'; then
	ok "READY=1 received"
else
	not_ok "READY=1 received"
	diag_file "$T/daemon.err"
	done_testing
fi
wait_line 5 "$T/n1.log" 'PROBE' || true
# Who did the talking: libsystemd (loaded now that NOTIFY_SOCKET is set)
# in the glibc build; in the static musl build, no shared object at all.
# Both ways -V says which.  (Under valgrind the maps are valgrind's.)
if [ -z "${PMAP_VALGRIND:-}" ]; then
	_maps=$(cat "/proc/$DAEMON_PID/maps" 2>/dev/null)
	case $("$PORTMAP" -V) in
	*"no libsystemd"*)
		case $_maps in
		*.so*) not_ok "static build: no shared object mapped" ;;
		"") not_ok "static build: read the daemon's maps" ;;
		*) ok "static build: READY=1 sent with no shared object mapped" ;;
		esac ;;
	*"libsystemd loaded"*)
		case $_maps in
		*libsystemd.so*) ok "READY=1 sent with libsystemd loaded" ;;
		*) not_ok "libsystemd loaded under NOTIFY_SOCKET" ;;
		esac ;;
	*) not_ok "portmap -V names how it talks to a service manager" ;;
	esac
fi
capture cat "$T/n1.log"
expect "every socket answered the moment READY=1 arrived (udp, tcp, udp6, tcp6, local, abstract)" \
    '^[0-9]+ PROBE ok$'
expect "READY=1 carries MAINPID=$DAEMON_PID" "READY=1 .*MAINPID=$DAEMON_PID( |\$)"
expect "READY=1 carries the first STATUS=" \
    'READY=1 STATUS=0 registrations on 6 sockets'
capture sh -c "grep -c 'READY=1' '$T/n1.log'"
expect_eq "READY=1 sent once" 1
# Nothing before READY=1 but the listener's own line.
capture sh -c "sed -n '2p' '$T/n1.log'"
expect "the first message is READY=1" 'READY=1'

# STATUS= follows the registrations.
start_server srv1 -m tli -n udp,tcp,udp6,tcp6 || done_testing
if wait_line 5 "$T/n1.log" 'STATUS=8 registrations on 6 sockets$'; then
	ok "STATUS= counts the 8 new registrations within 5 s"
else
	not_ok "STATUS= counts the 8 new registrations within 5 s"
	diag_file "$T/n1.log" 40
fi
stop_pid "$SERVER_PID" TERM 5
if wait_line 5 "$T/n1.log" '[0-9]+ STATUS=0 registrations on 6 sockets$'; then
	ok "STATUS= back to 0 after the server unregistered"
else
	not_ok "STATUS= back to 0 after the server unregistered"
	diag_file "$T/n1.log" 40
fi

# A burst of changes: STATUS= at most once a second.
_before=$(msgs n1 'STATUS=[0-9]+' | grep -vc READY)
_i=0
while [ "$_i" -lt 30 ]; do
	run_to 5 $TC_ENV "$TC" proc 127.0.0.1 udp 2 set $((536871100 + _i)) 1 17 $((4000 + _i)) >/dev/null 2>&1
	run_to 5 $TC_ENV "$TC" proc 127.0.0.1 udp 2 unset $((536871100 + _i)) 1 >/dev/null 2>&1
	_i=$((_i + 1))
done
sleep 1.2
capture awk '$2 ~ /^STATUS=/ { if (p != "" && $1 - p < 900) bad++; p = $1;
    n++ } END { printf "%d updates, %d closer than 0.9 s\n", n, bad + 0 }' \
    "$T/n1.log"
expect "STATUS= updates are at least 0.9 s apart" ' 0 closer than 0.9 s$'
diag "status updates: $(out) ($_before before the burst)"

# WATCHDOG=1 every 200 ms (half of 400 ms).
sleep 1
capture awk '$2 == "WATCHDOG=1" { if (p != "") { d = $1 - p;
    if (lo == "" || d < lo) lo = d; if (d > hi) hi = d; s += d; k++ }
    p = $1; n++ } END { printf "%d %d %d %d\n", n, lo, hi, k ? s / k : 0 }' \
    "$T/n1.log"
set -- $(out)
diag "watchdog: $1 messages, intervals min $2 ms, max $3 ms, mean $4 ms"
if [ "${1:-0}" -ge 10 ] && [ "${4:-0}" -ge 150 ] && [ "${4:-0}" -le 260 ]; then
	ok "WATCHDOG=1 about every 200 ms for WATCHDOG_USEC=400000 (mean ${4} ms over ${1})"
else
	not_ok "WATCHDOG=1 about every 200 ms for WATCHDOG_USEC=400000"
fi
if [ "${3:-9999}" -lt 400 ]; then
	ok "no gap reaches the watchdog period (max ${3} ms)"
else
	not_ok "no gap reaches the watchdog period (max ${3:-?} ms)"
fi

# A stopped loop sends nothing: the manager would notice.
_n1=$(msgs n1 WATCHDOG=1 | wc -l)
kill -STOP "$DAEMON_PID"
sleep 1
_n2=$(msgs n1 WATCHDOG=1 | wc -l)
kill -CONT "$DAEMON_PID"
if [ "$_n1" = "$_n2" ]; then
	ok "no WATCHDOG=1 while the daemon is stopped"
else
	not_ok "no WATCHDOG=1 while the daemon is stopped ($_n1 -> $_n2)"
fi

stop_daemon
sleep 0.3
capture sh -c "tail -n 1 '$T/n1.log'"
expect "STOPPING=1 is the last message, after SIGTERM" 'STOPPING=1'
stop_pid "$LISTENER_PID" TERM 2

# ---- the watchdog belongs to WATCHDOG_PID only ----

listen n2
spawn daemon env NOTIFY_SOCKET="$T/n2.sock" WATCHDOG_USEC=200000 \
    WATCHDOG_PID=1 "$PORTMAP" -f
DAEMON_PID=$SPAWNED
if wait_line 10 "$T/n2.log" 'READY=1'; then
	sleep 0.6
	capture sh -c "grep -c 'WATCHDOG=1' '$T/n2.log'"
	expect_is "no WATCHDOG=1 when WATCHDOG_PID is another process" 0
else
	not_ok "READY=1 with WATCHDOG_PID=1"
fi
stop_daemon
stop_pid "$LISTENER_PID" TERM 2

# ---- without NOTIFY_SOCKET, and detached ----

PIDF=$T/portmap.pid
capture "$PORTMAP" -P "$PIDF"
expect_rc "a detached start returns 0" 0
# It returned: it must answer now, without waiting.
# shellcheck disable=SC2086
capture $HELPER ping $PROBES
expect_rc "... and every socket answers as soon as it has returned" 0
DPID=$(cat "$PIDF" 2>/dev/null)
if [ -n "$DPID" ] && [ "$(cat "/proc/$DPID/comm" 2>/dev/null)" = portmap ]; then
	ok "the pid file holds the daemon's pid ($DPID)"
else
	not_ok "the pid file holds the daemon's pid (got '$DPID')"
fi
capture "$PORTMAP" -P "$T/second.pid"
expect_rc "a second detached start exits 4 (another portmap runs)" 4
expect_err "... naming it" "another portmap is running \\(pid $DPID"
capture "$PORTMAP" -P "$T/second.pid" --state-dir "$T/other"
expect_rc "a second one with its own state directory exits 3 (address in use)" 3
expect_err "... naming the holder" "cannot bind .*111.*in use by portmap \\(pid $DPID\\)"
if [ ! -s "$T/second.pid" ]; then
	ok "... and writes no pid file"
else
	not_ok "... and writes no pid file"
fi
capture "$PORTMAP" -P "$T/bad.pid" -u no-such-user-here
expect_rc "a detached start with an unknown user exits 2" 2
expect_err "... saying so" 'user no-such-user-here'
if [ -n "$DPID" ]; then
	PIDS="$DPID $PIDS"
	stop_pid "$DPID" TERM 5
	if [ ! -s "$PIDF" ]; then
		ok "the pid file is removed or emptied at exit"
	else
		not_ok "the pid file is removed or emptied at exit"
	fi
fi

done_testing
