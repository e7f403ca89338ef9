#!/bin/sh
# boot_init.sh - scripts/portmap.init, the SysV init script, in a private
# namespace: LSB headers, start/status/stop/restart/force-reload with the
# LSB exit codes, the pid file, OPTIONS from the defaults file, and a
# status that names the program holding port 111 (Debian's rpcbind here)
# instead of calling the daemon "dead".

. "$(dirname "$0")/lib.sh"

INIT=$TOP/scripts/portmap.init
PORTMAP_BIN=$PORTMAP
PIDFILE=$T/portmap.pid
PORTMAP_DEFAULTS=$T/default
export PORTMAP_BIN PIDFILE PORTMAP_DEFAULTS
echo 'OPTIONS="-w"' >"$PORTMAP_DEFAULTS"

# init ACTION: run the script, output in $T/out (stdout and stderr).
init()
{
	LAST_CMD="portmap.init $*"
	run_to "$STEP_TIMEOUT" sh "$INIT" "$@" >"$T/out" 2>&1
	RC=$?
	: >"$T/err"
}

# pid_of_file: the pid in the pid file.
pid_of_file()
{
	cat "$PIDFILE" 2>/dev/null
}

# ---- the headers ----

for h in 'Provides: *portmap rpcbind' 'Required-Start: *\$network( .*)?' \
    'Should-Start: *\$syslog' 'Default-Start: *2 3 4 5' \
    'Default-Stop: *0 1 6'; do
	if sed -n '/^### BEGIN INIT INFO/,/^### END INIT INFO/p' "$INIT" |
	    grep -Eq "^# $h\$"; then
		ok "LSB header: $h"
	else
		not_ok "LSB header: $h"
	fi
done

# ---- stopped ----

init status
expect_rc "status when stopped: 3" 3
expect_any "... says not running" '^portmap is not running\.$'
init stop
expect_rc "stop when stopped: 0" 0
init force-reload
expect_rc "force-reload when stopped: 7" 7
init bogus
expect_rc "an unknown action: 3" 3

# ---- start, status, reload, stop ----

init start
expect_rc "start: 0" 0
PID=$(pid_of_file)
PIDS="$PID $PIDS"
if [ -n "$PID" ] && [ "$(cat "/proc/$PID/comm" 2>/dev/null)" = portmap ]; then
	ok "the pid file names the daemon ($PID)"
else
	not_ok "the pid file names the daemon (got '$PID')"
fi
DAEMON_PORT=111
if daemon_answers; then
	ok "it answers as soon as start returned"
else
	not_ok "it answers as soon as start returned"
fi
init status
expect_rc "status when running: 0" 0
expect_any "... with the pid" "^portmap is running \\(pid $PID\\)\\.\$"
init start
expect_rc "start when running: 0" 0
expect_any "... says so" 'already running'
init force-reload
expect_rc "force-reload: 0" 0
sleep 0.3
if pid_alive "$PID" && daemon_answers; then
	ok "after SIGHUP it still runs and answers"
else
	not_ok "after SIGHUP it still runs and answers"
fi
init stop
expect_rc "stop: 0" 0
if ! pid_alive "$PID"; then ok "the daemon is gone"; else not_ok "the daemon is gone"; fi
if [ ! -e "$PIDFILE" ]; then ok "the pid file is removed"; else not_ok "the pid file is removed"; fi
if [ ! -e /run/rpcbind.sock ]; then
	ok "the socket file the unprivileged daemon could not remove is removed"
else
	not_ok "the socket file the unprivileged daemon could not remove is removed"
fi
init status
expect_rc "status after stop: 3" 3

# ---- restart; a crash leaves the pid file ----

init restart
expect_rc "restart (from stopped): 0" 0
PID=$(pid_of_file)
PIDS="$PID $PIDS"
init restart
expect_rc "restart (from running): 0" 0
PID2=$(pid_of_file)
PIDS="$PID2 $PIDS"
if [ -n "$PID2" ] && [ "$PID2" != "$PID" ] && pid_alive "$PID2"; then
	ok "restart runs a new daemon ($PID -> $PID2)"
else
	not_ok "restart runs a new daemon ($PID -> $PID2)"
fi
kill -KILL "$PID2"
sleep 0.3
init status
expect_rc "status after a crash (pid file left): 1" 1
expect_any "... says the pid file is left" 'not running, but its pid file .* is left\.$'
expect_not "... and blames nobody else" 'another program'

# ---- port 111 held by rpcbind ----

rm -f /run/rpcbind.sock
spawn rpcbind "$RPCBIND" -f -w
RPID=$SPAWNED
if wait_for 10 daemon_answers; then
	ok "Debian's rpcbind runs (pid $RPID)"
else
	not_ok "Debian's rpcbind runs"
	diag_file "$T/rpcbind.err"
fi
init status
expect_rc "status with rpcbind on port 111 (pid file left): 1" 1
expect_any "status names rpcbind and its pid on udp 111" \
    "udp port 111: held by rpcbind \\(pid $RPID\\)"
expect_any "... on tcp 111" "tcp port 111: held by rpcbind \\(pid $RPID\\)"
expect_any "... on /run/rpcbind.sock" "local /run/rpcbind.sock: held by rpcbind \\(pid $RPID\\)"
expect_not "... and never says 'dead but subsys locked'" 'subsys|dead'
rm -f "$PIDFILE"
init status
expect_rc "status with rpcbind and no pid file: 3" 3
expect_any "... still names rpcbind" "held by rpcbind \\(pid $RPID\\)"
init start
expect_rc "start with rpcbind on port 111: 1" 1
expect_any "start says rpcbind holds it" "held by rpcbind \\(pid $RPID\\)"
if pid_alive "$RPID" && daemon_answers; then
	ok "rpcbind is untouched"
else
	not_ok "rpcbind is untouched"
fi
init stop
expect_rc "stop (ours not running): 0" 0
if pid_alive "$RPID" && [ -S /run/rpcbind.sock ]; then
	ok "stop leaves rpcbind and its socket file alone"
else
	not_ok "stop leaves rpcbind and its socket file alone"
fi
stop_pid "$RPID" TERM 5
rm -f /run/rpcbind.sock

# ---- OPTIONS from the defaults file ----

echo 'OPTIONS="-w -p 5111 -S /run/alt.sock"' >"$PORTMAP_DEFAULTS"
init start
expect_rc "start with OPTIONS=-p 5111 -S /run/alt.sock: 0" 0
PID=$(pid_of_file)
PIDS="$PID $PIDS"
capture "$RPCINFO" -a 127.0.0.1.19.247 -T udp 100000 2
expect "it serves port 5111" 'ready and waiting'
if [ -S /run/alt.sock ] && [ ! -e /run/rpcbind.sock ]; then
	ok "... and /run/alt.sock, not /run/rpcbind.sock"
else
	not_ok "... and /run/alt.sock, not /run/rpcbind.sock"
fi
kill -KILL "$PID"
sleep 0.3
spawn holder python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 5111))
print("bound", flush=True)
time.sleep(60)'
HPID=$SPAWNED
wait_line 5 "$T/holder.out" bound || true
init status
expect_any "status looks at port 5111 (from OPTIONS) and names the holder" \
    "udp port 5111: held by python3 \\(pid $HPID\\)"
stop_pid "$HPID" TERM 2
init stop
expect_rc "stop after the crash: 0" 0
if [ ! -e /run/alt.sock ] && [ ! -e "$PIDFILE" ]; then
	ok "stop cleans up the stale socket file and pid file"
else
	not_ok "stop cleans up the stale socket file and pid file"
fi

done_testing
