#!/bin/sh
# abuse_garbage.sh - a garbage corpus against a daemon holding a few
# registrations (pmload garbage, 20,000 datagrams, a fixed seed):
# random bytes, calls cut short in the header, the credential or the
# arguments, bytes after the arguments, wrong rpcvers, program, version
# and procedure, huge credential and verifier bodies, unknown flavors,
# replies and other message types, datagrams over 9000 bytes.  Each
# class gets its right answer (RPC_MISMATCH, PROG_UNAVAIL, PROG_MISMATCH,
# PROC_UNAVAIL, GARBAGE_ARGS, AUTH_BADCRED, AUTH_REJECTEDCRED) or
# silence; TCP fragments never marked last are closed at the fragment or
# record cap, half-sent records at the record deadline.  Afterwards the
# daemon answers, its registrations are all still there, and its RssAnon
# grew by less than 100 KiB.
#
#	PMAP_SEED=N sh tests/integration/abuse_garbage.sh	# another corpus

. "$(dirname "$0")/lib.sh"

PMLOAD=$BUILD/tests/progs/pmload
need_progs
[ -x "$PMLOAD" ] || { not_ok "pmload built ($PMLOAD)"; done_testing; }
# The daemon's RSS growth is checked unless it is a sanitizer build (its
# allocator keeps freed memory): then it is a figure only.
MAXKIB="-M 100"
if sanitized_build; then
	MAXKIB=""
	diag "sanitizer build: RssAnon growth shown, not checked"
fi
SEED=${PMAP_SEED:-8779}
PROG2=536871064

start_daemon --record-timeout 2 || done_testing
start_server s1 -m create || done_testing
tc proc 127.0.0.1 udp 2 set $PROG2 1 17 4001
expect_eq "v2 SET $PROG2 1 udp" true
tc proc 127.0.0.1 tcp 4 set $PROG2 2 tcp 0.0.0.0.15.162
expect_eq "v4 SET $PROG2 2 tcp" true
tc proc 127.0.0.1 tcp 3 set $PROG2 3 udp6 ::.15.163
expect_eq "v3 SET $PROG2 3 udp6" true
tc proc 127.0.0.1 tcp 4 dump
RC_DUMP=$RC
sort "$T/out" >"$T/dump.before"
capture "$RPCINFO" -p 127.0.0.1
sort "$T/out" >"$T/pmap.before"
if [ "$RC_DUMP" = 0 ] && grep -q "^$PROG2 3 udp6 " "$T/dump.before" &&
    grep -q "^536871065 " "$T/dump.before"; then
	ok "the registrations are there before ($(wc -l <"$T/dump.before") entries)"
else
	not_ok "the registrations are there before"
	diag_file "$T/dump.before"
fi

diag "seed $SEED"
STEP_TIMEOUT=120
capture $TC_ENV "$PMLOAD" -m "$DAEMON_PID" $MAXKIB garbage -n 20000 -s "$SEED" -T 10
expect "20000 garbage datagrams in 11 classes: each class its right answer or silence; unfinished TCP records closed" \
    '^garbage ok'
grep '^# ' "$T/out" | sed 's/^# /# figure: /'
sed -n 's/^garbage ok: /# figure: /p' "$T/out"
STEP_TIMEOUT=20

if pid_alive "$DAEMON_PID"; then
	ok "the daemon is still running"
else
	not_ok "the daemon is still running"
fi
tc proc 127.0.0.1 udp 2 null
expect "afterwards: UDP NULL answered" '^ok$'
tc proc 127.0.0.1 tcp 4 dump
sort "$T/out" >"$T/dump.after"
if [ "$RC" = 0 ] && cmp -s "$T/dump.before" "$T/dump.after"; then
	ok "afterwards: the v4 DUMP is what it was"
else
	not_ok "afterwards: the v4 DUMP is what it was"
	diff "$T/dump.before" "$T/dump.after" | head -20 | sed 's/^/# /'
fi
capture "$RPCINFO" -p 127.0.0.1
sort "$T/out" >"$T/pmap.after"
if [ "$RC" = 0 ] && cmp -s "$T/pmap.before" "$T/pmap.after"; then
	ok "afterwards: rpcinfo -p shows what it did"
else
	not_ok "afterwards: rpcinfo -p shows what it did"
	diff "$T/pmap.before" "$T/pmap.after" | head -20 | sed 's/^/# /'
fi
tc echo 127.0.0.1 udp 536871065 1 still
expect_eq "afterwards: the libtirpc server is reached through its registration" still
stop_daemon
done_testing
