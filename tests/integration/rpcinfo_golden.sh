#!/bin/sh
# rpcinfo_golden.sh - our rpcinfo against Debian's (rpcbind 1.2.6), run
# with the same arguments against the same port mapper: stdout, stderr
# (program name normalised) and exit status must be identical, byte for
# byte.  Where we differ on purpose (-n works, --json, IPv6 UDP errors
# come back at once), the test says so and checks our behaviour.
#
#	sh tests/integration/rpcinfo_golden.sh			# our portmap
#	PMAP_DAEMON=rpcbind sh tests/integration/rpcinfo_golden.sh	# Debian's

# Prefer our daemon; without a build of it, Debian's rpcbind.
if [ -z "${PMAP_DAEMON:-}" ] && [ ! -x "${BUILD:-build}/portmap" ]; then
	PMAP_DAEMON=rpcbind
	export PMAP_DAEMON
fi

. "$(dirname "$0")/lib.sh"

OURS=$CLIENTS/rpcinfo
PMAP_SET=$CLIENTS/pmap_set
FAKE=$BUILD/tests/progs/fake_server
# Our rpcinfo under ASan: no leak report for memory still held at exit().
ASAN_OPTIONS=${ASAN_OPTIONS:-}
export ASAN_OPTIONS

if [ ! -x "$OURS" ]; then
	not_ok "our rpcinfo is built ($OURS)"
	done_testing
fi
if [ ! -x "$RPCINFO" ]; then
	not_ok "Debian's rpcinfo is installed ($RPCINFO)"
	done_testing
fi

# golden ARGS...: both clients, same arguments; identical output.
golden()
{
	run_to "$STEP_TIMEOUT" "$RPCINFO" "$@" >"$T/d.out" 2>"$T/d.err"
	_drc=$?
	run_to "$STEP_TIMEOUT" "$OURS" "$@" >"$T/o.out" 2>"$T/o.err"
	_orc=$?
	sed -i "s#^$RPCINFO:#rpcinfo:#" "$T/d.err"
	sed -i "s#^$OURS:#rpcinfo:#" "$T/o.err"
	if cmp -s "$T/d.out" "$T/o.out" && cmp -s "$T/d.err" "$T/o.err" &&
	    [ "$_drc" = "$_orc" ]; then
		ok "same as Debian: rpcinfo $*"
	else
		not_ok "same as Debian: rpcinfo $* (exit $_drc, ours $_orc)"
		diff "$T/d.out" "$T/o.out" | head -n 20 | sed 's/^/#   out /'
		diff "$T/d.err" "$T/o.err" | head -n 10 | sed 's/^/#   err /'
	fi
	if grep -Eq 'Sanitizer|runtime error:' "$T/o.err"; then
		not_ok "no sanitizer report: rpcinfo $*"
		diag_file "$T/o.err" 30
	fi
}

# ---- the same errors before any port mapper runs ----

for args in "" "-p" "-s" "-m" "-p 127.0.0.1" "127.0.0.1" "-s 127.0.0.1" \
    "-m 127.0.0.1" "-l 127.0.0.1 100000 2" "-u 127.0.0.1 100000" \
    "-t 127.0.0.1 100000 2" "-T udp 127.0.0.1 100000" \
    "-T tcp 127.0.0.1 100000 2" "-T local 127.0.0.1 100000 2" \
    "-a 127.0.0.1.0.111 -T tcp 100000 2" "-a 127.0.0.1.0.111 -T udp 100000" \
    "-d 100000 2" "-d -T udp 100000 2" "-T udp 127.0.0.1" \
    "-l -T udp 127.0.0.1 100000 2"; do
	# shellcheck disable=SC2086
	golden $args
done

# ---- a port mapper with a few programs ----

start_daemon || done_testing
if [ -x "$TS" ]; then
	start_server ts1 -P 300000 -V 1,2,3,4,5,6,7,8
	start_server ts2 -m pmap -P 100005 -V 1,3
	start_server ts3 -m tli -P 536871065 -V 2 -n udp,tcp6
else
	diag "no tirpc_server: registering with pmap_set only"
fi
if [ -x "$PMAP_SET" ]; then
	capture sh -c "printf '300100 1 udp 4444 one\n300100 2 tcp 4445\n' |
	    $PMAP_SET"
	expect_rc "pmap_set registers two entries" 0
fi

golden
golden -p
golden -s
golden -p 127.0.0.1
golden -p ::1
golden 127.0.0.1
golden ::1
golden -s 127.0.0.1
golden -s localhost
golden -T udp 127.0.0.1
golden -T tcp6 ::1
golden -s -T tcp 127.0.0.1
golden -l 127.0.0.1 100000 2
golden -l 127.0.0.1 300000 3
golden -l ::1 300000 3
golden -l -T udp 127.0.0.1 100000 4
golden -l 127.0.0.1 100003 3
golden -l 127.0.0.1 portmapper 3
golden -u 127.0.0.1 100000
golden -u 127.0.0.1 100000 2
golden -t 127.0.0.1 portmapper 3
golden -u 127.0.0.1 300000
golden -t 127.0.0.1 300000 9
golden -u 127.0.0.1 mountd
golden -t 127.0.0.1 showmount 3
golden -u ::1 300000 4
golden -T udp 127.0.0.1 100000
golden -T tcp 127.0.0.1 300000 2
golden -T udp6 ::1 300000
golden -T tcp6 ::1 100000 4
golden -T local 127.0.0.1 100000
golden -T local 127.0.0.1 300000 2
golden -a 127.0.0.1.0.111 -T tcp 100000
golden -a 127.0.0.1.0.111 -T udp 100000 2
golden -a ::1.0.111 -T udp6 100000
golden -a /run/rpcbind.sock -T local 100000
golden -a 127.0.0.1.0.112 -T udp 100000 2
golden -a 127.0.0.1.0.112 -T tcp 100000
golden -u 127.0.0.1 100003 2
golden -t 127.0.0.1 100003
golden -T udp 127.0.0.1 nfs 3
golden -t 127.0.0.1 100000 1
golden -u 127.0.0.1 100000 5

# argument and usage errors
for args in "-x" "--foo" "-p -s" "-a" "-T" "-n" "-n abc -u 127.0.0.1 100000" \
    "-n 111 -p" "-u 127.0.0.1" "-u 127.0.0.1 100000 2 3" \
    "-u 127.0.0.1 foo 2" "-u 127.0.0.1 100000 x" "-u 127.0.0.1 1x 2" \
    "-u 127.0.0.1 +5 2" "-u 127.0.0.1 -5 2" "-u 127.0.0.1 99999999999 2" \
    "-u 127.0.0.1 100000 99999999999" "-u 127.0.0.1 100000 4294967295" \
    "-T udp 127.0.0.1 100000 4294967295" "-T bogus 127.0.0.1 100000" \
    "-T rawip 127.0.0.1 100000 2" "-a bad -T udp 100000 2" \
    "-a 127.0.0.1.0.111 100000 2" "-a 127.0.0.1.0.111 -T bogus 100000 2" \
    "-a 127.0.0.1.0.111 -T udp6 100000 2" \
    "-a 127.0.0.1.0.111 -T local 100000 2" "-l 127.0.0.1 100000" \
    "-l -T bogus 127.0.0.1 100000 3" "-l 127.0.0.1 foo 2" \
    "-s -T bogus 127.0.0.1" "-T udp6 127.0.0.1" "-T local 127.0.0.1" \
    "-l -T tcp6 127.0.0.1 100000 2" "-p 127.0.0.1 extra" "127.0.0.1 100000" \
    "-s a b" "-u" "-d" "-d 100000" "-d foo x" "-d foo 2" "-d 100000 x" \
    "-d -T bogus 100000 2" "-b" "-b 100000" "-b 100000 2" \
    "nosuchhost.invalid" "-p nosuchhost.invalid" "-s nosuchhost.invalid" \
    "-u nosuchhost.invalid 100000 2" "-t nosuchhost.invalid 100000" \
    "-T tcp nosuchhost.invalid 100000" "-l nosuchhost.invalid 100000 2" \
    "-u nosuchhost.invalid foo 2" \
    "127.0.0.1 -T udp 100000 2" "127.0.0.1 100000 -u" "127.0.0.1 -un 111 100000" \
    "-un111 127.0.0.1 100000" "127.0.0.1 100000 -x -T" "-p -- 127.0.0.1" \
    "127.0.0.1 -- -p" "-uT" "-T -p 127.0.0.1 100000" "-:" "-pq" "-n 111 -- -u 127.0.0.1 100000"; do
	# shellcheck disable=SC2086
	golden $args
done
golden -u 127.0.0.1 "" 2
golden -u 127.0.0.1 100000 ""

# -d: each client removes an entry it registered; the tables stay equal
if [ -x "$PMAP_SET" ]; then
	capture sh -c "printf '300200 1 udp 4500\n300201 1 udp 4501\n' |
	    $PMAP_SET"
	golden -d 300200 1
	capture "$OURS" -d 300201 1
	expect_rc "our -d removes 300201" 0
	capture "$RPCINFO" -p
	expect_not "Debian's rpcinfo -p no longer lists 300200 or 300201" \
	    '^ *30020[01] '
	golden -d 300200 1
	golden -d 123456 1
fi
golden -p

# -m: the counters move by our own GETSTAT only, so mask that one field
capture "$RPCINFO" -m
cp "$T/out" "$T/m1"
capture "$OURS" -m
cp "$T/out" "$T/m2"
capture "$RPCINFO" -m
cp "$T/out" "$T/m3"
getstat() { awk 'g { print $4; exit } /GETSTAT/ { g = 1 }' "$1"; }
mask() { awk 'g { $4 = "x"; g = 0 } /GETSTAT/ { g = 1 } { print }' "$1"; }
if [ -s "$T/m2" ] && [ "$(mask "$T/m2")" = "$(mask "$T/m3")" ]; then
	ok "same as Debian: rpcinfo -m (GETSTAT count aside)"
else
	not_ok "same as Debian: rpcinfo -m (GETSTAT count aside)"
	diff "$T/m2" "$T/m3" | sed 's/^/#   /'
fi
g1=$(getstat "$T/m1")
g2=$(getstat "$T/m2")
g3=$(getstat "$T/m3")
if [ -n "$g1" ] && [ "$g2" = $((g1 + 1)) ] && [ "$g3" = $((g2 + 1)) ]; then
	ok "rpcinfo -m: each client made one GETSTAT call ($g1, $g2, $g3)"
else
	not_ok "rpcinfo -m: each client made one GETSTAT call ($g1, $g2, $g3)"
fi

# ---- where we differ on purpose ----

# -n: rpcbind 1.2.6 ignores it (asks the port mapper); ours calls that port.
if [ -x "$FAKE" ]; then
	spawn fake "$FAKE" -m ok -p 4567 -L 60
	FAKE_PID=$SPAWNED
	wait_for 5 "$OURS" -a 127.0.0.1.17.215 -T udp 400000 1
	capture "$RPCINFO" -n 4567 -u 127.0.0.1 400000 1
	if [ "$RC" = 1 ] && grep -q 'Program not registered' "$T/err"; then
		ok "differs on purpose: Debian's rpcinfo ignores -n 4567"
	else
		not_ok "Debian's rpcinfo ignores -n (asks the port mapper)"
		diag_last
	fi
	capture "$OURS" -n 4567 -u 127.0.0.1 400000 1
	expect_eq "differs on purpose: our -n 4567 -u calls port 4567" \
	    "program 400000 version 1 ready and waiting"
	capture "$OURS" -n 4567 -t 127.0.0.1 400000
	expect "our -n 4567 -t finds the versions at port 4567" \
	    "^program 400000 version 1 ready and waiting$"
	stop_pid "$FAKE_PID"
else
	not_ok "fake_server built ($FAKE)"
fi
capture "$OURS" -n 70000 -u 127.0.0.1 100000 2
if [ "$RC" = 1 ] && grep -q '70000 is illegal port number' "$T/err"; then
	ok "differs on purpose: -n 70000 is refused (1.2.6 ignored -n)"
else
	not_ok "-n 70000 is refused"
	diag_last
fi

# --json and --help are ours alone
capture "$OURS" --json -p
expect "--json -p prints one JSON document" '^\{"source":"pmap","entries":\['
capture "$OURS" --help
expect "--help prints the synopsis on stdout" '^usage: rpcinfo '
capture "$OURS" --timeout 2 -u 127.0.0.1 100000 2
expect_eq "--timeout 2 -u works" "program 100000 version 2 ready and waiting"

# -b: with a broadcast interface, no reply from a port mapper that does
# not forward: both end quietly after 12 s.  (libtirpc also tries IPv6
# multicast and may warn on stderr that it could not send; we only
# broadcast over IPv4, so stderr is not compared.)
if add_veth_addresses 2>/dev/null; then
	run_to 30 "$RPCINFO" -b 100000 2 >"$T/d.out" 2>"$T/d.err"
	_drc=$?
	run_to 30 "$OURS" -b 100000 2 >"$T/o.out" 2>"$T/o.err"
	_orc=$?
	if cmp -s "$T/d.out" "$T/o.out" && [ "$_drc" = "$_orc" ] &&
	    [ ! -s "$T/o.err" ]; then
		ok "same as Debian: rpcinfo -b 100000 2 (stdout, exit $_orc)"
	else
		not_ok "same as Debian: rpcinfo -b 100000 2 (exit $_drc, ours $_orc)"
		diff "$T/d.out" "$T/o.out" | head -n 10 | sed 's/^/#   /'
		diag_file "$T/o.err"
	fi
fi

stop_daemon

# -b with a port mapper that answers CALLIT (the fake one): the same
# answers, one line each ("uaddr<TAB>host"); ours stops after 5 s here,
# Debian's after its fixed 12 s, so compare the distinct lines.
if [ -x "$FAKE" ] && ip link show v0 >/dev/null 2>&1; then
	spawn fakeb "$FAKE" -m ok -L 60
	FAKE_PID=$SPAWNED
	wait_line 5 "$T/fakeb.out" '^ready$'
	run_to 30 "$RPCINFO" -b 100000 2 2>/dev/null | sort -u >"$T/d.out"
	# The static musl build: musl's getnameinfo() gives the address, not
	# an error, when the name service cannot be reached (rpcinfo.8 CAVEATS)
	case $(LC_ALL=C ldd "$OURS" 2>&1) in
	*"not a dynamic executable"*)
		awk -F '\t' -v OFS='\t' '$2 == "unknown" {
			n = split($1, p, "."); $2 = p[1]
			for (i = 2; i <= n - 2; i++) $2 = $2 "." p[i] } 1' \
		    "$T/d.out" | sort -u >"$T/d.static"
		mv "$T/d.static" "$T/d.out" ;;
	esac
	run_to 30 "$OURS" --timeout 5 -b 100000 2 >"$T/o.raw" 2>"$T/o.err"
	_orc=$?
	sort -u "$T/o.raw" >"$T/o.out"
	if [ "$_orc" = 0 ] && [ -s "$T/d.out" ] &&
	    cmp -s "$T/d.out" "$T/o.out" && [ ! -s "$T/o.err" ]; then
		ok "same answers as Debian: rpcinfo -b 100000 2 ($(cat "$T/o.out" | tr '\t' ' '))"
	else
		not_ok "same answers as Debian: rpcinfo -b 100000 2 (exit $_orc)"
		diff "$T/d.out" "$T/o.out" | sed 's/^/#   /'
		diag_file "$T/o.err"
	fi
	stop_pid "$FAKE_PID"
fi
done_testing
