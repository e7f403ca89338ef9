#!/bin/sh
# tirpc_table.sh - a table of a few hundred registrations: every listing
# (Debian's rpcinfo -p, rpcinfo, rpcinfo -s, v4 DUMP over TCP and
# AF_LOCAL, v2 DUMP over UDP while it fits a datagram) shows all of them,
# a v4 DUMP over UDP that cannot fit gets an error reply rather than
# silence, and removing them all leaves the port mapper's own entries.
#
#	PMAP_DAEMON=rpcbind sh tests/integration/tirpc_table.sh
#	sh tests/integration/tirpc_table.sh

. "$(dirname "$0")/lib.sh"

need_progs
start_daemon || done_testing
# The entries point at the test server's real ports: a port mapper may
# drop registrations of ports nobody listens on.
start_server s1 -m tli -n udp,tcp -V 1 || done_testing
UP=$(uaddr_port "$(bound s1 udp)")
TP=$(uaddr_port "$(bound s1 tcp)")
N=300
BASE=400000
export TC_TIMEOUT=5

# port_of I: the port of entry I (udp for even I, tcp for odd).
port_of()
{
	if [ $(($1 % 2)) = 0 ]; then echo "$UP"; else echo "$TP"; fi
}

# N registrations over AF_LOCAL (rpcb_set), udp and tcp alternating.
i=0
failed=0
while [ $i -lt $N ]; do
	n=udp
	[ $((i % 2)) = 1 ] && n=tcp
	p=$(port_of $i)
	# shellcheck disable=SC2086
	if ! run_to 10 $TC_ENV "$TC" set $((BASE + i)) 1 $n \
	    "0.0.0.0.$((p / 256)).$((p % 256))" >/dev/null 2>&1; then
		failed=$((failed + 1))
	fi
	i=$((i + 1))
done
if [ $failed = 0 ]; then
	ok "$N rpcb_set calls accepted"
else
	not_ok "$N rpcb_set calls accepted ($failed refused)"
fi

# rows ERE: how many lines of the last stdout match.
rows()
{
	grep -Ec -- "$1" "$T/out"
}

# same_count DESC GOT WANT
same_count()
{
	if [ "$RC" = 0 ] && [ "$2" = "$3" ]; then
		ok "$1 ($2)"
	else
		not_ok "$1 (got $2, want $3)"
		diag "cmd: $LAST_CMD (exit $RC)"
		diag_file "$T/err" 5
	fi
}

capture "$RPCINFO" -p 127.0.0.1
same_count "rpcinfo -p lists all $N" "$(rows '^ *4[0-9]{5} +1 +(udp|tcp) +[0-9]+ *$')" $N
expect_line "rpcinfo -p: the last one" \
    "$(printf '%10u%5u%6s%7u' $((BASE + N - 1)) 1 tcp "$(port_of $((N - 1)))")"
capture "$RPCINFO" 127.0.0.1
same_count "rpcinfo (v3/v4 DUMP over TCP) lists all $N" \
    "$(rows '^ *4[0-9]{5} +1 +(udp|tcp) +0\.0\.0\.0\.[0-9]+\.[0-9]+ +- +superuser$')" $N
capture "$RPCINFO" -s 127.0.0.1
same_count "rpcinfo -s lists all $N" "$(rows '^ *4[0-9]{5}  1 +(udp|tcp) +- +superuser$')" $N
tc proc 127.0.0.1 tcp 4 dump
same_count "v4 DUMP over tcp lists all $N" "$(rows '^4[0-9]{5} 1 ')" $N
tc proc "$DAEMON_SOCK" local 4 dump
same_count "v4 DUMP over local lists all $N" "$(rows '^4[0-9]{5} 1 ')" $N
tc proc ::1 tcp6 3 dump
same_count "v3 DUMP over tcp6 lists all $N" "$(rows '^4[0-9]{5} 1 ')" $N
tc proc 127.0.0.1 udp 2 dump
same_count "v2 DUMP over udp (fits a datagram) lists all $N" \
    "$(rows '^4[0-9]{5} 1 (6|17) [0-9]+$')" $N
tc pmapdump 127.0.0.1
same_count "pmap_getmaps lists all $N" "$(rows '^4[0-9]{5} 1 (6|17) [0-9]+$')" $N
tc proc 127.0.0.1 udp 4 dump
if [ "$RC" = 2 ] && ! grep -q 'Timed out' "$T/err"; then
	ok "v4 DUMP over udp too big for a datagram: an error reply, not silence"
else
	not_ok "v4 DUMP over udp too big for a datagram: an error reply, not silence"
	diag_last
fi
for k in 0 1 $((N / 2)) $((N - 1)); do
	n=udp
	[ $((k % 2)) = 1 ] && n=tcp
	tc getport 127.0.0.1 $((BASE + k)) 1 $n
	expect_eq "pmap_getport of entry $k among $N" "$(port_of $k)"
done

i=0
failed=0
while [ $i -lt $N ]; do
	# shellcheck disable=SC2086
	run_to 10 $TC_ENV "$TC" unset $((BASE + i)) 1 >/dev/null 2>&1 ||
	    failed=$((failed + 1))
	i=$((i + 1))
done
if [ $failed = 0 ]; then
	ok "$N rpcb_unset calls accepted"
else
	not_ok "$N rpcb_unset calls accepted ($failed refused)"
fi
capture "$RPCINFO" 127.0.0.1
same_count "all removed: rpcinfo lists none of them" "$(rows '^ *4[0-9]{5} ')" 0
for v in 3 4; do
	for n in udp tcp udp6 tcp6 local; do
		expect "all removed: 100000 v$v $n still there" \
		    "^ +100000 +$v +$n "
	done
done
tc proc 127.0.0.1 udp 4 dump
expect "all removed: v4 DUMP fits a datagram again" "^100000 4 udp "

stop_pid "$SERVER_PID" TERM 5
stop_daemon
done_testing
