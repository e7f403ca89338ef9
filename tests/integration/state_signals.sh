#!/bin/sh
# state_signals.sh - the daemon's signals: handlers only set flags, the
# loop does the work.
#
# SIGHUP reloads (the log reopened, interfaces and access configuration
# re-read) and keeps every registration; SIGUSR1 writes the table, the
# counters, the state file's and the reaper's figures to the log; SIGINT
# (like SIGTERM) exits 0 with the state flushed as a snapshot, and the
# registrations come back at the next start.  A burst of signals while
# calls are served costs no call and no registration.

. "$(dirname "$0")/lib.sh"

if [ "$PMAP_DAEMON" != ours ]; then
	ok "state_signals: skipped for $PMAP_DAEMON"
	done_testing
fi
REG=$BUILD/tests/progs/pm_reg
[ -x "$REG" ] || { not_ok "pm_reg built: run make tests"; done_testing; }
STATE=/run/portmap/state

# logged DESC ERE: the daemon's log has a line matching ERE.
logged()
{
	if wait_line 5 "$T/daemon.err" "$2"; then
		ok "$1"
	else
		not_ok "$1"
		diag "wanted in the log: $2"
		diag_file "$T/daemon.err"
	fi
}

start_daemon --no-reap || done_testing
capture "$REG" set 800000 10 24000
expect_rc "10 registrations" 0

kill -HUP "$DAEMON_PID"
logged "SIGHUP: reloaded, log reopened" \
    '^portmap: reloaded \(SIGHUP\): log reopened, [0-9]+ interface addresses'
capture "$REG" getport 800000 10 24000
expect_line "SIGHUP: the daemon answers, registrations kept" "found 10 missing 0"

kill -USR1 "$DAEMON_PID"
logged "SIGUSR1: the table" '^portmap: table: 25 entries'
logged "SIGUSR1: each entry" '^portmap: +800009 1 udp +0\.0\.0\.0\.93\.201 +superuser$'
logged "SIGUSR1: the state file" \
    "^portmap: state: $STATE, 11 records, [0-9]+ compactions, 0 write errors$"
logged "SIGUSR1: the reaper" '^portmap: reaper: off$'

# a burst of signals during a lookup load
spawn load "$REG" -w 200 -r 5 -m 3 -n 300 getport 800000 10 24000
LOAD=$SPAWNED
i=0
while [ $i -lt 20 ]; do
	kill -USR1 "$DAEMON_PID"
	kill -HUP "$DAEMON_PID"
	i=$((i + 1))
done
n=0
while pid_alive "$LOAD" && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
stop_pid "$LOAD" TERM 2
if [ "$STOPPED_STATUS" = 0 ] && grep -q "^found 3000 missing 0$" "$T/load.out"; then
	ok "40 signals during 3000 lookups: every lookup answered"
else
	not_ok "40 signals during 3000 lookups: every lookup answered"
	diag_file "$T/load.out"
	diag_file "$T/load.err"
fi

# SIGINT: clean exit, state flushed
capture "$REG" set 800010 5 24010
stop_pid "$DAEMON_PID" INT 5
if [ "$STOPPED_STATUS" = 0 ]; then
	ok "SIGINT: exit status 0"
else
	not_ok "SIGINT: exit status 0 (got $STOPPED_STATUS)"
fi
DAEMON_PID=""
logged "SIGINT: logged" '^portmap: exiting on signal Interrupt'
if [ "$(stat -c %s "$STATE")" = $((16 * 256)) ]; then
	ok "SIGINT: the state file is a snapshot of the 15 registrations"
else
	not_ok "SIGINT: the state file is a snapshot ($(stat -c %s "$STATE") bytes)"
fi
DAEMON_WARM=1 start_daemon --no-reap || done_testing
capture "$REG" getport 800000 15 24000
expect_line "after SIGINT and a restart: all 15 back" "found 15 missing 0"
stop_daemon

done_testing
