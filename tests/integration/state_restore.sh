#!/bin/sh
# state_restore.sh - a SIGKILL of the daemon costs no registration.
#
# 1,000 registrations, kill -9, restart: all 1,000 back and answered by
# GETPORT.  The same while a client registers in a loop: every SET
# acknowledged before the kill is restored.  SIGTERM flushes the state
# and removes the socket file; the lock goes with the process, so a
# restart right after a kill -9 works; a second daemon is refused with
# exit status 4 and the first one's pid.  Controls: --no-state restores
# nothing, and the state file's records are what the table holds.
#
# The reaper is off (--no-reap): these registrations name ports nobody
# holds, and this test is about persistence only.

. "$(dirname "$0")/lib.sh"

if [ "$PMAP_DAEMON" != ours ]; then
	ok "state_restore: skipped for $PMAP_DAEMON (our state file only)"
	done_testing
fi
# every start here is a warm one (lib.sh's start_daemon would clear the
# state directory otherwise): the tests manage the state themselves
DAEMON_WARM=1
REG=$BUILD/tests/progs/pm_reg
STEP_TIMEOUT=60
if [ ! -x "$REG" ]; then
	not_ok "pm_reg built ($REG): run make tests"
	done_testing
fi
STATE=/run/portmap/state

# kill9: SIGKILL the daemon, as a crash would.
kill9()
{
	stop_pid "$DAEMON_PID" KILL 5
	DAEMON_PID=""
}

# ---- 1,000 registrations survive kill -9 ----

start_daemon --no-reap || done_testing
capture "$REG" set 300000 1000 20000
cp "$T/out" "$T/acked1"
if [ "$RC" = 0 ] && [ "$(wc -l <"$T/acked1")" = 1000 ]; then
	ok "1,000 SETs acknowledged"
else
	not_ok "1,000 SETs acknowledged"
	diag_last
fi
if [ -f "$STATE" ] && [ ! -L "$STATE" ]; then
	ok "state file $STATE written"
else
	not_ok "state file $STATE written"
	ls -la /run/portmap 2>&1 | sed 's/^/# /'
fi
kill9
start_daemon --no-reap || done_testing
capture "$REG" check <"$T/acked1"
expect_line "after kill -9 and restart: all 1,000 answered by GETPORT" \
    "found 1000 missing 0"
if grep -q "restored 1000 registrations from $STATE" "$T/daemon.err"; then
	ok "the log says 1000 registrations were restored"
else
	not_ok "the log says 1000 registrations were restored"
	diag_file "$T/daemon.err"
fi
# UNSETs are journaled too: half removed, kill -9, still removed
capture "$REG" unset 300000 500
kill9
start_daemon --no-reap || done_testing
capture "$REG" getport 300500 500 20500
expect_line "UNSETs survive kill -9 too: the other 500 answered" \
    "found 500 missing 0"
capture "$REG" -r 1 -m 1000 getport 300000 500 20000
expect_any "... and the 500 removed stay removed" "^found 0 missing 500$"

# ---- registering in a loop while the daemon is killed ----

# -w 100 -r 2 -m 3: a call gets 0.2 s, the client stops after 3 in a row
# go unanswered (the daemon is dead).
spawn loop run_to 60 "$REG" -w 100 -r 2 -m 3 set 400000 200000 30000
LOOP=$SPAWNED
if wait_for 20 sh -c "[ \$(wc -l <'$T/loop.out') -ge 2000 ]"; then
	ok "a client is registering in a loop"
else
	not_ok "a client is registering in a loop"
	diag_file "$T/loop.err"
fi
kill9
# the client gives up on its own once the daemon is gone
n=0
while pid_alive "$LOOP" && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
stop_pid "$LOOP" TERM 2
ACKED=$(wc -l <"$T/loop.out")
diag "acknowledged before the kill: $ACKED"
start_daemon --no-reap || done_testing
capture "$REG" check <"$T/loop.out"
expect_line "every SET acknowledged before the kill is restored ($ACKED)" \
    "found $ACKED missing 0"
capture "$REG" getport 300500 500 20500
expect_line "and the earlier registrations with them" "found 500 missing 0"

# ---- SIGTERM: flushed, socket removed, lock released ----

# What the loop registered: every SET acknowledged, and perhaps the one in
# flight at the kill (journaled before its answer was sent or read).
HELD=$("$CLIENTS/pmap_dump" | awk '$1 >= 400000 && $1 < 600000' | wc -l)
case $((HELD - ACKED)) in
0|1) ok "the table holds the acknowledged SETs and at most the one in flight ($HELD)" ;;
*) not_ok "the table holds the acknowledged SETs and at most the one in flight ($HELD, $ACKED acknowledged)" ;;
esac
stop_daemon
# the final snapshot: a header and one record per entry, nothing else
SIZE=$(stat -c %s "$STATE" 2>/dev/null)
WANT=$(( (HELD + 500 + 1) * 256 ))
if [ "$SIZE" = "$WANT" ]; then
	ok "SIGTERM leaves a compacted state file ($SIZE bytes)"
else
	not_ok "SIGTERM leaves a compacted state file ($SIZE bytes, wanted $WANT)"
fi
start_daemon --no-reap || done_testing
capture "$REG" getport 300500 500 20500
expect_line "after SIGTERM and restart: registrations back" \
    "found 500 missing 0"

# ---- one daemon per state directory ----

capture "$PORTMAP" -f -p 5111 -S /run/other.sock
expect_rc "a second daemon (other port and socket) exits with status 4" 4
expect_err "... saying another portmap runs, with its pid" \
    "another portmap is running \\(pid $DAEMON_PID holds the lock on /run/portmap\\)"
capture "$PORTMAP" -f
expect_rc "a second daemon on the same port exits with status 4 too" 4
if daemon_answers; then
	ok "the first daemon still answers"
else
	not_ok "the first daemon still answers"
fi
kill9
# no stale lock: the next start works at once
start_daemon --no-reap || done_testing
capture "$REG" getport 300500 500 20500
expect_line "a restart right after kill -9 is not blocked, and restores" \
    "found 500 missing 0"

# ---- controls ----

stop_daemon
start_daemon --no-reap --no-state || done_testing
capture "$REG" -r 1 -m 1000 getport 300500 500 20500
expect_any "--no-state: nothing restored" "^found 0 missing 500$"
capture "$REG" set 500000 10 21000
kill9
start_daemon --no-reap --no-state || done_testing
capture "$REG" -r 1 -m 1000 getport 500000 10 21000
expect_any "--no-state: kill -9 loses the registrations" "^found 0 missing 10$"
stop_daemon
# --no-state left the state file alone: the old table comes back
start_daemon --no-reap || done_testing
capture "$REG" getport 300500 500 20500
expect_line "the state file was left alone by --no-state" \
    "found 500 missing 0"
stop_daemon

# As root (-u root) the daemon can remove its socket file from /run; after
# the privilege drop it cannot (/run is root's), and the next start
# replaces the stale file.  Its own state directory: the default one
# belongs to the unprivileged user now.
start_daemon --no-reap -u root --state-dir /run/portmap-root || done_testing
capture "$REG" set 600000 10 22000
stop_daemon
if [ ! -e "$DAEMON_SOCK" ]; then
	ok "SIGTERM removes the socket file (-u root)"
else
	not_ok "SIGTERM removes the socket file (-u root)"
fi
if [ "$(stat -c %s /run/portmap-root/state 2>/dev/null)" = $((11 * 256)) ]; then
	ok "SIGTERM flushed the root daemon's state too"
else
	not_ok "SIGTERM flushed the root daemon's state too"
fi

done_testing
