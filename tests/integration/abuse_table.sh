#!/bin/sh
# abuse_table.sh - the table caps (--max-entries, --max-per-owner): one
# owner cannot fill the table.  With a cap of 5 per owner and 40 in all
# (15 of them our own entries): unprivileged callers over IP (owner
# "unknown", from a port above 1023) get five registrations, then FALSE; each local user over
# /run/rpcbind.sock gets its own five; the superuser is not capped per
# owner but stops at the overall cap; an UNSET makes room again; and the
# daemon's SIGUSR1 table line agrees.
#
#	sh tests/integration/abuse_table.sh

. "$(dirname "$0")/lib.sh"

need_progs
PROG=536883200		# 0x20003000
SOCK=/run/rpcbind.sock

# set_many DESC N_TRUE N_TRY FIRST UID: v4 SETs of programs FIRST ..
# FIRST+N_TRY-1 version 1, over IP from an unprivileged port (UID "ip")
# or as local user UID over the AF_LOCAL socket; the first N_TRUE must
# answer true, the rest false.
set_many()
{
	_d=$1 _want=$2 _try=$3 _p=$4 _u=$5
	_got=""
	_i=0
	while [ "$_i" -lt "$_try" ]; do
		_q=$((_p + _i))
		if [ "$_u" = ip ]; then
			# not root: libtirpc binds no reserved port then
			# shellcheck disable=SC2086
			capture setpriv --reuid 65532 --regid 65532 \
			    --clear-groups -- $TC_ENV "$TC" proc 127.0.0.1 udp \
			    4 set $_q 1 udp 0.0.0.0.40.1
		else
			# shellcheck disable=SC2086
			capture setpriv --reuid "$_u" --regid "$_u" \
			    --clear-groups -- $TC_ENV "$TC" proc "$SOCK" local 4 \
			    set $_q 1 local "/run/svc.$_q"
		fi
		_got="$_got$(head -n 1 "$T/out" | cut -c1)"
		_i=$((_i + 1))
	done
	_exp=$(printf '%*s' "$_want" '' | tr ' ' t)$(printf '%*s' \
	    $((_try - _want)) '' | tr ' ' f)
	if [ "$_got" = "$_exp" ]; then
		ok "$_d"
	else
		not_ok "$_d (answers '$_got', wanted '$_exp')"
		diag_last
	fi
}

start_daemon --max-entries 40 --max-per-owner 5 || done_testing

set_many "over IP, unprivileged (owner unknown): 5 SETs true, then false" \
    5 7 $PROG ip
set_many "local uid 65534: its own 5, then false" 5 6 $((PROG + 100)) \
    65534
set_many "local uid 65533: its own 5 as well" 5 6 $((PROG + 200)) \
    65533
# 15 own + 15 so far: the superuser (local uid 0) has 10 left in all
set_many "the superuser: not capped per owner, stops at --max-entries 40" \
    10 12 $((PROG + 300)) 0
tc proc "$SOCK" local 4 dump
n=$(grep -c . "$T/out")
if [ "$RC" = 0 ] && [ "$n" = 40 ]; then
	ok "DUMP lists 40 entries"
else
	not_ok "DUMP lists 40 entries (got $n)"
fi
# room again: the unknown owner removes one, then may register one
capture setpriv --reuid 65532 --regid 65532 --clear-groups -- $TC_ENV \
    "$TC" proc 127.0.0.1 udp 4 unset $PROG 1 udp
expect_eq "an UNSET by the owner (unknown, over IP)" true
set_many "then one more SET is true, the next false" 1 2 $((PROG + 400)) ip
kill -USR1 "$DAEMON_PID"
if wait_line 5 "$T/daemon.err" 'table: 40 entries'; then
	ok "SIGUSR1: table: 40 entries"
else
	not_ok "SIGUSR1: table: 40 entries"
	diag_file "$T/daemon.err"
fi
stop_daemon
done_testing
