#!/bin/sh
# debian_rpcinfo.sh - Debian's own rpcinfo (from the rpcbind package,
# /usr/sbin/rpcinfo, called by full path: ours may shadow it in $PATH)
# against the port mapper, with a libtirpc test server registered.  Every
# mode admins use must exit 0 and print the rows we expect, in the format
# scripts parse.
#
#	PMAP_DAEMON=rpcbind sh tests/integration/debian_rpcinfo.sh
#	sh tests/integration/debian_rpcinfo.sh

. "$(dirname "$0")/lib.sh"

need_progs
if [ ! -x "$RPCINFO" ]; then
	not_ok "Debian's rpcinfo at $RPCINFO (package rpcbind)"
	done_testing
fi
start_daemon || done_testing
start_server s1 -m create || done_testing

PROG=536871065		# tirpc_server, versions 1 and 2
PORT=$DAEMON_PORT
UP=$(uaddr_port "$(bound s1 udp)")
TP=$(uaddr_port "$(bound s1 tcp)")
U6=$(uaddr_port "$(bound s1 udp6)")
T6=$(uaddr_port "$(bound s1 tcp6)")
ua_port()
{
	echo "$(($1 / 256)).$(($1 % 256))"
}

# ---- rpcinfo -p: the PMAP v2 dump ----

pmap_rows()
{
	_what=$1
	expect_line "$_what: header" \
	    "   program vers proto   port  service"
	for v in 2 3 4; do
		for p in udp tcp; do
			expect_line "$_what: 100000 v$v $p row" \
			    "$(printf '%10u%5u%6s%7u  %s' 100000 $v $p "$PORT" portmapper)"
		done
	done
	for v in 1 2; do
		expect_line "$_what: $PROG v$v udp row" \
		    "$(printf '%10u%5u%6s%7u' $PROG $v udp "$UP")"
		expect_line "$_what: $PROG v$v tcp row" \
		    "$(printf '%10u%5u%6s%7u' $PROG $v tcp "$TP")"
	done
	expect_not "$_what: no IPv6 entries, no ports 0" \
	    '^ *[0-9]+ +[0-9]+ +(udp6|tcp6|local|[0-9]+) |^ *[0-9]+ +[0-9]+ +[a-z]+ +0( |$)'
}

capture "$RPCINFO" -p
pmap_rows "rpcinfo -p"
capture "$RPCINFO" -p 127.0.0.1
pmap_rows "rpcinfo -p 127.0.0.1"
capture "$RPCINFO" -p ::1
pmap_rows "rpcinfo -p ::1"

# ---- rpcinfo [host]: the RPCBIND dump ----

dump_row()
{
	printf '%10u%5u    %-9s %-22s %-10s %s' "$1" "$2" "$3" "$4" "$5" "$6"
}

dump_rows()
{
	_what=$1
	expect_line "$_what: header" \
	    "   program version netid     address                service    owner"
	for v in 3 4; do
		expect_line "$_what: 100000 v$v udp6 row" \
		    "$(dump_row 100000 $v udp6 "::.0.$PORT" portmapper superuser)"
		expect_line "$_what: 100000 v$v tcp6 row" \
		    "$(dump_row 100000 $v tcp6 "::.0.$PORT" portmapper superuser)"
		expect_line "$_what: 100000 v$v local row" \
		    "$(dump_row 100000 $v local "$DAEMON_SOCK" portmapper superuser)"
	done
	for v in 2 3 4; do
		for n in udp tcp; do
			expect_line "$_what: 100000 v$v $n row" \
			    "$(dump_row 100000 $v $n "0.0.0.0.0.$PORT" portmapper superuser)"
		done
	done
	for v in 1 2; do
		for n in udp tcp udp6 tcp6; do
			expect_line "$_what: $PROG v$v $n row" \
			    "$(dump_row $PROG $v $n "$(bound s1 $n)" - superuser)"
		done
	done
}

capture "$RPCINFO"
dump_rows "rpcinfo"
capture "$RPCINFO" 127.0.0.1
dump_rows "rpcinfo 127.0.0.1"
capture "$RPCINFO" ::1
dump_rows "rpcinfo ::1"

# ---- rpcinfo -s: the summary ----

# set_eq A B: comma lists A and B hold the same items.
set_eq()
{
	[ "$(echo "$1" | tr , '\n' | sort | tr '\n' ,)" = \
	    "$(echo "$2" | tr , '\n' | sort | tr '\n' ,)" ]
}

# summary_row DESC PROG VERSIONS NETIDS SERVICE OWNER: the -s row of PROG
# lists exactly VERSIONS, at least NETIDS (sets, any order).
summary_row()
{
	_row=$(awk -v p="$2" '$1 == p' "$T/out")
	# shellcheck disable=SC2086
	set -- "$1" "$2" "$3" "$4" "$5" "$6" $_row
	_ok=1
	[ "$RC" = 0 ] && [ $# = 11 ] || _ok=""
	[ -n "$_ok" ] && set_eq "$3" "$8" || _ok=""
	if [ -n "$_ok" ]; then
		for _n in $(echo "$4" | tr , ' '); do
			case ",$9," in
			*",$_n,"*) ;;
			*) _ok="" ;;
			esac
		done
	fi
	[ -n "$_ok" ] && [ "${10}" = "$5" ] && [ "${11}" = "$6" ] || _ok=""
	if [ -n "$_ok" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "wanted versions {$3}, netids >= {$4}, $5, $6"
		diag_last
	fi
}

for h in "" 127.0.0.1 ::1; do
	# shellcheck disable=SC2086
	capture "$RPCINFO" -s $h
	expect_line "rpcinfo -s${h:+ $h}: header" \
	    "   program version(s) netid(s)                         service     owner"
	summary_row "rpcinfo -s${h:+ $h}: portmapper row" 100000 2,3,4 \
	    local,udp,tcp,udp6,tcp6 portmapper superuser
	summary_row "rpcinfo -s${h:+ $h}: $PROG row" $PROG 1,2 udp,tcp,udp6,tcp6 \
	    - superuser
	expect "rpcinfo -s${h:+ $h}: row format" \
	    "^    100000  [0-9,]+ +[a-z0-9,]+ +portmapper  superuser\$"
done

# ---- rpcinfo -l: GETADDRLIST ----

capture "$RPCINFO" -l 127.0.0.1 100000 4
expect "rpcinfo -l 127.0.0.1 100000 4: inet tcp at 127.0.0.1 port $PORT" \
    "^    100000  4    inet/tcp/cots_ord +127\.0\.0\.1\.0\.$PORT +portmapper"
expect "rpcinfo -l 127.0.0.1 100000 4: inet udp at 127.0.0.1 port $PORT" \
    "^    100000  4    inet/udp/clts +127\.0\.0\.1\.0\.$PORT +portmapper"
expect_not "rpcinfo -l 127.0.0.1: no inet6 or local entries" 'inet6/|loopback/'
capture "$RPCINFO" -l ::1 100000 4
expect "rpcinfo -l ::1 100000 4: inet6 tcp at ::1" \
    "^    100000  4    inet6/tcp/cots_ord +::1\.0\.$PORT +portmapper"
expect "rpcinfo -l ::1 100000 4: inet6 udp at ::1" \
    "^    100000  4    inet6/udp/clts +::1\.0\.$PORT +portmapper"
capture "$RPCINFO" -l 127.0.0.1 $PROG 2
expect "rpcinfo -l 127.0.0.1 $PROG 2: udp at its port" \
    "^ $PROG  2    inet/udp/clts +127\.0\.0\.1\.$(ua_port "$UP") +- *\$"
expect "rpcinfo -l 127.0.0.1 $PROG 2: tcp at its port" \
    "^ $PROG  2    inet/tcp/cots_ord +127\.0\.0\.1\.$(ua_port "$TP") +- *\$"
capture "$RPCINFO" -l -T udp6 ::1 $PROG 1
expect "rpcinfo -l -T udp6 ::1 $PROG 1: udp6 at its port" \
    "^ $PROG  1    inet6/udp/clts +::1\.$(ua_port "$U6") +- *\$"
expect "rpcinfo -l -T udp6 ::1 $PROG 1: tcp6 at its port" \
    "^ $PROG  1    inet6/tcp/cots_ord +::1\.$(ua_port "$T6") +- *\$"

# ---- NULL calls: -T, -u, -t, -a, -n ----

ready()
{
	printf 'program %s version %s ready and waiting' "$1" "$2"
}

capture "$RPCINFO" -T udp6 ::1 100000 4
expect_eq "rpcinfo -T udp6 ::1 100000 4" "$(ready 100000 4)"
capture "$RPCINFO" -T tcp 127.0.0.1 100000
expect_eq "rpcinfo -T tcp 127.0.0.1 100000: versions 2, 3, 4" \
    "$(ready 100000 2; echo; ready 100000 3; echo; ready 100000 4)"
capture "$RPCINFO" -T tcp6 ::1 100000
expect_eq "rpcinfo -T tcp6 ::1 100000: versions 2, 3, 4" \
    "$(ready 100000 2; echo; ready 100000 3; echo; ready 100000 4)"
capture "$RPCINFO" -T local "$DAEMON_SOCK" 100000 4
expect_eq "rpcinfo -T local $DAEMON_SOCK 100000 4" "$(ready 100000 4)"
capture "$RPCINFO" -u 127.0.0.1 100000 2
expect_eq "rpcinfo -u 127.0.0.1 100000 2" "$(ready 100000 2)"
capture "$RPCINFO" -t 127.0.0.1 portmapper
expect_eq "rpcinfo -t 127.0.0.1 portmapper: versions 2, 3, 4" \
    "$(ready 100000 2; echo; ready 100000 3; echo; ready 100000 4)"
capture "$RPCINFO" -n "$PORT" -t 127.0.0.1 100000 2
expect_eq "rpcinfo -n $PORT -t 127.0.0.1 100000 2" "$(ready 100000 2)"
capture "$RPCINFO" -a "127.0.0.1.0.$PORT" -T udp 100000 2
expect_eq "rpcinfo -a 127.0.0.1.0.$PORT -T udp 100000 2" "$(ready 100000 2)"
capture "$RPCINFO" -a "::1.0.$PORT" -T tcp6 100000 4
expect_eq "rpcinfo -a ::1.0.$PORT -T tcp6 100000 4" "$(ready 100000 4)"

capture "$RPCINFO" -u 127.0.0.1 $PROG
expect_eq "rpcinfo -u 127.0.0.1 $PROG: versions 1, 2" \
    "$(ready $PROG 1; echo; ready $PROG 2)"
capture "$RPCINFO" -T tcp6 ::1 $PROG
expect_eq "rpcinfo -T tcp6 ::1 $PROG: versions 1, 2" \
    "$(ready $PROG 1; echo; ready $PROG 2)"
capture "$RPCINFO" -a "127.0.0.1.$(ua_port "$UP")" -T udp $PROG 1
expect_eq "rpcinfo -a at $PROG's udp address" "$(ready $PROG 1)"

# Errors: the exit status and the message admins know.
capture "$RPCINFO" -T udp 127.0.0.1 100000 5
expect_rc "rpcinfo -T udp 127.0.0.1 100000 5: exit 1" 1
expect_err "rpcinfo 100000 5: version mismatch, low 2 high 4" \
    '^rpcinfo: RPC: Program/version mismatch; low version = 2, high version = 4$'
capture "$RPCINFO" -u 127.0.0.1 $PROG 3
expect_rc "rpcinfo -u 127.0.0.1 $PROG 3: exit 1" 1
expect_err "rpcinfo $PROG 3: found by version fallback, server says 1..2" \
    '^rpcinfo: RPC: Program/version mismatch; low version = 1, high version = 2$'
capture "$RPCINFO" -u 127.0.0.1 99999
expect_rc "rpcinfo -u 127.0.0.1 99999: exit 1" 1
expect_err "rpcinfo -u 127.0.0.1 99999: Program not registered" \
    '^127\.0\.0\.1: RPC: Program not registered$'
capture "$RPCINFO" -T tcp6 ::1 nfs
expect_rc "rpcinfo -T tcp6 ::1 nfs: exit 1" 1
expect_err "rpcinfo -T tcp6 ::1 nfs: Program not registered" \
    'RPC: Program not registered$'

# ---- rpcinfo -m: GETSTAT ----

# A known lookup first, to find in the statistics.
tc getaddr 127.0.0.1 tcp $PROG 2
expect_eq "rpcb_getaddr $PROG 2 tcp (for -m)" \
    "127.0.0.1.$(ua_port "$TP")"
for h in "" 127.0.0.1; do
	# shellcheck disable=SC2086
	capture "$RPCINFO" -m $h
	expect_rc "rpcinfo -m${h:+ $h}: exit 0" 0
	for s in "PORTMAP (version 2) statistics" \
	    "RPCBIND (version 3) statistics" \
	    "RPCBIND (version 4) statistics" \
	    "RPCB_GETADDR (version 4) call statistics"; do
		expect_line "rpcinfo -m${h:+ $h}: section $s" "$s"
	done
	# v3 SETs: svc_create registered 2 versions x 4 netids over AF_LOCAL.
	sets=$(awk '/^RPCBIND \(version 3\)/ { getline; getline; print $2; exit }' "$T/out")
	if [ -n "$sets" ] && [ "${sets%/*}" -ge 8 ] 2>/dev/null &&
	    [ "${sets%/*}" = "${sets#*/}" ]; then
		ok "rpcinfo -m${h:+ $h}: v3 SET succeeded/total >= 8 and equal ($sets)"
	else
		not_ok "rpcinfo -m${h:+ $h}: v3 SET succeeded/total >= 8 and equal ($sets)"
		diag_last
	fi
	expect "rpcinfo -m${h:+ $h}: GETADDR of $PROG v2 tcp counted as a success" \
	    "^${PROG}[[:space:]]+2[[:space:]]+tcp[[:space:]]+[1-9][0-9]*[[:space:]]+0\$"
done

# ---- rpcinfo -d: unregister ----

capture "$RPCINFO" -d -T udp $PROG 1
expect_rc "rpcinfo -d -T udp $PROG 1: exit 0" 0
capture "$RPCINFO" -p 127.0.0.1
expect_not "rpcinfo -d -T udp: $PROG v1 udp gone" \
    "^ *$PROG +1 +udp "
expect_line "rpcinfo -d -T udp: $PROG v1 tcp stays" \
    "$(printf '%10u%5u%6s%7u' $PROG 1 tcp "$TP")"
capture "$RPCINFO" -d $PROG 1
expect_rc "rpcinfo -d $PROG 1: exit 0" 0
capture "$RPCINFO"
expect_not "rpcinfo -d $PROG 1: no v1 on any netid" "^ *$PROG +1 "
for n in udp tcp udp6 tcp6; do
	expect_line "rpcinfo -d $PROG 1: v2 $n stays" \
	    "$(dump_row $PROG 2 $n "$(bound s1 $n)" - superuser)"
done
capture "$RPCINFO" -d $PROG 2
expect_rc "rpcinfo -d $PROG 2: exit 0" 0
capture "$RPCINFO" -s
expect_not "rpcinfo -d $PROG 2: $PROG gone from -s" "^ *$PROG "
expect "rpcinfo -d: the port mapper's own entries stay" "^    100000  "

stop_pid "$SERVER_PID" TERM 5
stop_daemon
done_testing
