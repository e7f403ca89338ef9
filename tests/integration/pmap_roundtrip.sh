#!/bin/sh
# pmap_roundtrip.sh - pmap_dump saves the PMAP v2 table, the port mapper
# restarts empty, pmap_set puts the table back: the same table, the same
# owners.  Plus pmap_set's reports of lines it cannot register.

if [ -z "${PMAP_DAEMON:-}" ] && [ ! -x "${BUILD:-build}/portmap" ]; then
	PMAP_DAEMON=rpcbind
	export PMAP_DAEMON
fi

. "$(dirname "$0")/lib.sh"

PMAP_DUMP=$CLIENTS/pmap_dump
PMAP_SET=$CLIENTS/pmap_set
if [ ! -x "$PMAP_DUMP" ] || [ ! -x "$PMAP_SET" ]; then
	not_ok "pmap_dump and pmap_set are built"
	done_testing
fi

start_daemon || done_testing

# a table: servers that registered themselves, and entries set by hand
if [ -x "$TS" ]; then
	start_server ts1 -m pmap -P 300000 -V 1,2
	stop_pid "$SERVER_PID" KILL	# gone, its registrations left behind
fi
printf '%s\n' '300100 1 udp 4444 extra words are ignored' \
    '300100 2 tcp 4445' '300101 1 17 4446' '100005 3 udp 20048' \
    '100005 3 tcp 20048' | {
	capture "$PMAP_SET"
	expect_rc "pmap_set registers five lines" 0
	[ "$RC" = 0 ] || diag_file "$T/err"
}
capture "$RPCINFO" -p
cp "$T/out" "$T/before.p"
expect "Debian's rpcinfo -p lists a pmap_set entry" \
    '^    300100    2   tcp   4445$'
expect "Debian's rpcinfo -p names mountd" '^    100005    3   udp  20048  mountd$'

capture "$PMAP_DUMP"
cp "$T/out" "$T/table"
expect "pmap_dump prints the classic format" \
    '^    100005    3   udp  20048  mountd$'
expect "pmap_dump prints an entry without a name" \
    '^    300100    1   udp   4444  $'
# every row of rpcinfo -p is in the dump, field for field
awk 'NR > 1 { print $1, $2, $3, $4 }' "$T/before.p" | sort >"$T/a"
awk '{ print $1, $2, $3, $4 }' "$T/table" | sort >"$T/b"
if [ -s "$T/a" ] && cmp -s "$T/a" "$T/b"; then
	ok "pmap_dump has the rows of rpcinfo -p"
else
	not_ok "pmap_dump has the rows of rpcinfo -p"
	diff "$T/a" "$T/b" | sed 's/^/#   /'
fi
capture "$RPCINFO"
grep -E '^ *30010[01] |^ *100005 ' "$T/out" | awk '{ print $1, $2, $3, $6 }' |
    sort >"$T/before.owners"

# restart: the table is empty again
stop_daemon
start_daemon || done_testing
capture "$RPCINFO" -p
expect_not "after a restart 300100 is gone" '^ *300100 '

# the daemon's own entries (100000) are back by themselves: set the rest
grep -v '^ *100000 ' "$T/table" >"$T/table.rest"
capture sh -c "$PMAP_SET < $T/table.rest"
expect_rc "pmap_set < table exits 0" 0
capture "$RPCINFO" -p
if cmp -s "$T/out" "$T/before.p"; then
	ok "rpcinfo -p after pmap_set is the table before the restart"
else
	not_ok "rpcinfo -p after pmap_set is the table before the restart"
	diff "$T/before.p" "$T/out" | sed 's/^/#   /'
fi
capture "$RPCINFO"
grep -E '^ *30010[01] |^ *100005 ' "$T/out" | awk '{ print $1, $2, $3, $6 }' |
    sort >"$T/after.owners"
if [ -s "$T/after.owners" ] && grep -q ' superuser$' "$T/after.owners" &&
    ! grep -vq ' superuser$' "$T/after.owners"; then
	ok "pmap_set from root registers as superuser (reserved port)"
else
	not_ok "pmap_set from root registers as superuser (reserved port)"
	diag_file "$T/after.owners"
	diag_file "$T/before.owners"
fi

# the same lines again: a SET of the same address is accepted again
capture sh -c "$PMAP_SET < $T/table.rest"
expect_rc "pmap_set of the same lines again exits 0 (same addresses)" 0

# bad lines are reported with their numbers, the good ones still set
printf '%s\n' '300200 1 udp 5000' 'garbage' '300201 1 udp 70000' \
    '' '# a comment' '300202 1 sctp 5001' '300100 1 udp 9999' \
    '300203 1 tcp 5002' >"$T/bad"
capture sh -c "$PMAP_SET < $T/bad"
if [ "$RC" = 1 ] &&
    grep -q '^pmap_set: line 2: malformed: garbage$' "$T/err" &&
    grep -q '^pmap_set: line 3: malformed: 300201 1 udp 70000$' "$T/err" &&
    grep -q '^pmap_set: line 6: malformed: 300202 1 sctp 5001$' "$T/err" &&
    grep -q '^pmap_set: line 7: not registered: 300100 1 17 9999' "$T/err" &&
    [ "$(wc -l <"$T/err")" = 4 ]; then
	ok "pmap_set reports each bad line by number and exits 1"
else
	not_ok "pmap_set reports each bad line by number and exits 1"
	diag_last
fi
capture "$RPCINFO" -p
expect "the good lines around them were set" '^    300203    1   tcp   5002$'
expect "... all of them" '^    300200    1   udp   5000$'

# a line longer than the buffer
awk 'BEGIN { printf "300300 1 udp 5003 "; for (i = 0; i < 3000; i++) printf "x"; print "" }' \
    >"$T/long"
capture sh -c "$PMAP_SET < $T/long"
if [ "$RC" = 1 ] && grep -q '^pmap_set: line 1: too long$' "$T/err"; then
	ok "pmap_set refuses a line over 1023 bytes"
else
	not_ok "pmap_set refuses a line over 1023 bytes"
	diag_last
fi

# no port mapper: both say so and fail
stop_daemon
capture "$PMAP_DUMP"
if [ "$RC" = 1 ] && grep -q '^pmap_dump: cannot contact portmapper: RPC: Remote system error - Connection refused$' "$T/err"; then
	ok "pmap_dump without a port mapper: error, exit 1"
else
	not_ok "pmap_dump without a port mapper: error, exit 1"
	diag_last
fi
capture sh -c "echo '300000 1 udp 4000' | $PMAP_SET"
if [ "$RC" = 1 ] && grep -q '^pmap_set: line 1: not registered: 300000 1 17 4000: RPC: Unable to receive' "$T/err"; then
	ok "pmap_set without a port mapper: the line is reported, exit 1"
else
	not_ok "pmap_set without a port mapper: the line is reported, exit 1"
	diag_last
fi

done_testing
