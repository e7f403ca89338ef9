#!/bin/sh
# rpcinfo_json.sh - rpcinfo --json: every listing (-p, the default dump,
# -s, -l, -m) is one valid JSON document whose rows are those of the
# table Debian's rpcinfo prints for the same port mapper.

if [ -z "${PMAP_DAEMON:-}" ] && [ ! -x "${BUILD:-build}/portmap" ]; then
	PMAP_DAEMON=rpcbind
	export PMAP_DAEMON
fi

. "$(dirname "$0")/lib.sh"

OURS=$CLIENTS/rpcinfo
PMAP_SET=$CLIENTS/pmap_set
if [ ! -x "$OURS" ] || ! command -v jq >/dev/null; then
	not_ok "our rpcinfo ($OURS) and jq are there"
	done_testing
fi

# json DESC ARGS...: ours with --json; exit 0, valid JSON, in $T/j.
json()
{
	_d=$1
	shift
	capture "$OURS" --json "$@"
	cp "$T/out" "$T/j"
	if [ "$RC" = 0 ] && python3 -m json.tool "$T/j" >/dev/null 2>&1 &&
	    [ "$(wc -l <"$T/j")" = 1 ]; then
		ok "$_d: one valid JSON document"
	else
		not_ok "$_d: one valid JSON document"
		diag_last
	fi
}

# same DESC FILE1 FILE2: the two row lists are equal (and not empty).
same()
{
	if [ -s "$2" ] && cmp -s "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1"
		diff "$2" "$3" | head -n 20 | sed 's/^/#   /'
	fi
}

start_daemon || done_testing
if [ -x "$TS" ]; then
	start_server ts1 -P 300000 -V 1,2,3
	start_server ts2 -m pmap -P 100005 -V 1,3
fi
[ -x "$PMAP_SET" ] &&
    printf '300100 1 udp 4444\n300100 2 tcp 4445\n' | "$PMAP_SET"

# -p
json "--json -p" -p
jq -r '.entries[] | "\(.program) \(.version) \(.protocol) \(.port) \(.service // "")"' \
    "$T/j" >"$T/a"
"$RPCINFO" -p | awk 'NR > 1 { print $1, $2, $3, $4, $5 }' >"$T/b"
same "--json -p rows are rpcinfo -p's rows" "$T/a" "$T/b"
json "--json -p 127.0.0.1" -p 127.0.0.1
jq -r '.entries[] | "\(.program) \(.version) \(.protocol) \(.port) \(.service // "")"' \
    "$T/j" >"$T/a"
same "--json -p 127.0.0.1 rows are rpcinfo -p's rows" "$T/a" "$T/b"
if [ "$(jq -r '.source' "$T/j")" = pmap ] &&
    [ "$(jq -r '.entries[0].port | type' "$T/j")" = number ]; then
	ok "--json -p: source pmap, ports are numbers"
else
	not_ok "--json -p: source pmap, ports are numbers"
fi

# the default dump
json "--json"
jq -r '.entries[] | "\(.program) \(.version) \(.netid) \(.address) \(.service // "-") \(.owner)"' \
    "$T/j" >"$T/a"
"$RPCINFO" | awk 'NR > 1 { print $1, $2, $3, $4, $5, $6 }' >"$T/b"
same "--json rows are rpcinfo's rows" "$T/a" "$T/b"
json "--json ::1" ::1
jq -r '.entries[] | "\(.program) \(.version) \(.netid) \(.address) \(.service // "-") \(.owner)"' \
    "$T/j" >"$T/a"
same "--json ::1 rows are rpcinfo's rows" "$T/a" "$T/b"

# -s
json "--json -s" -s
jq -r '.programs[] | "\(.program) \(.versions | map(tostring) | join(",")) \(.netids | join(",")) \(.service // "-") \(.owner)"' \
    "$T/j" >"$T/a"
"$RPCINFO" -s | awk 'NR > 1 { print $1, $2, $3, $4, $5 }' >"$T/b"
same "--json -s rows are rpcinfo -s's rows" "$T/a" "$T/b"

# -l
json "--json -l 127.0.0.1 100000 2" -l 127.0.0.1 100000 2
jq -r '.entries[] | "\(.family)/\(.proto)/\(.semantics) \(.address)"' \
    "$T/j" >"$T/a"
"$RPCINFO" -l 127.0.0.1 100000 2 | awk 'NR > 1 { print $3, $4 }' >"$T/b"
same "--json -l rows are rpcinfo -l's rows" "$T/a" "$T/b"
if [ "$(jq -r '"\(.program) \(.version) \(.service)"' "$T/j")" = \
    "100000 2 portmapper" ]; then
	ok "--json -l names the program and version"
else
	not_ok "--json -l names the program and version"
fi
json "--json -l for a program nobody has" -l 127.0.0.1 100003 3
if [ "$(jq -c '.entries' "$T/j")" = "[]" ]; then
	ok "--json -l: nothing registered is an empty array"
else
	not_ok "--json -l: nothing registered is an empty array"
	diag_file "$T/j"
fi

# -m: three versions, their procedure counts as the table shows them
json "--json -m" -m
"$RPCINFO" -m >"$T/m"
if [ "$(jq -r '[.stats[].version] | map(tostring) | join(" ")' "$T/j")" = "2 3 4" ] &&
    [ "$(jq -r '.stats[0].procedures | keys | length' "$T/j")" = 6 ] &&
    [ "$(jq -r '.stats[1].procedures | keys | length' "$T/j")" = 9 ] &&
    [ "$(jq -r '.stats[2].procedures | keys | length' "$T/j")" = 13 ]; then
	ok "--json -m: versions 2, 3, 4 with 6, 9 and 13 procedures"
else
	not_ok "--json -m: versions 2, 3, 4 with 6, 9 and 13 procedures"
	diag_file "$T/j"
fi
# v2 and v3 DUMP counts do not move between the two runs (-m makes a v4
# GETSTAT call only): compare them with the table's.
jv2=$(jq -r '.stats[0].procedures.DUMP' "$T/j")
jv3=$(jq -r '.stats[1].procedures.DUMP' "$T/j")
tv2=$(awk '/^PORTMAP/ { getline; getline; print $5; exit }' "$T/m")
tv3=$(awk '/^RPCBIND \(version 3/ { getline; getline; print $5; exit }' "$T/m")
if [ -n "$tv2" ] && [ "$jv2" = "$tv2" ] && [ "$jv3" = "$tv3" ]; then
	ok "--json -m: DUMP counts equal the table's ($jv2, $jv3)"
else
	not_ok "--json -m: DUMP counts equal the table's ($jv2/$tv2, $jv3/$tv3)"
fi
jq -r '.stats[2].lookups[] | "\(.service // .program) \(.version) \(.netid) \(.success) \(.failure)"' \
    "$T/j" >"$T/a"
awk '/^RPCB_GETADDR \(version 4/ { on = 1; getline; next }
    on && NF { print $1, $2, $3, $4, $5 }' "$T/m" >"$T/b"
same "--json -m: v4 lookups are the table's" "$T/a" "$T/b"

# errors: nothing on stdout; --json is for listings only
capture env RPCINFO_SOCKET=/nonexistent "$OURS" --json -p
if [ "$RC" = 1 ] && [ ! -s "$T/out" ] && [ -s "$T/err" ]; then
	ok "--json: an error prints no JSON and exits 1"
else
	not_ok "--json: an error prints no JSON and exits 1"
	diag_last
fi
capture "$OURS" --json -u 127.0.0.1 100000 2
if [ "$RC" = 1 ] && [ ! -s "$T/out" ]; then
	ok "--json with a ping is refused"
else
	not_ok "--json with a ping is refused"
	diag_last
fi

stop_daemon
done_testing
