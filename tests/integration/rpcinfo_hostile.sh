#!/bin/sh
# rpcinfo_hostile.sh - rpcinfo, pmap_dump and pmap_set against a port
# mapper that lies (tests/progs/fake_server): huge string lengths, bad
# list flags, endless lists, one 2 GiB fragment, control characters,
# truncated and garbage replies, stray replies, silence, absurd version
# ranges.  Every client must end in time with an error (or, where the
# reply is legal, with bounded and escaped output), never crash, and
# (under BUILD=build-san) never draw a sanitizer report.

. "$(dirname "$0")/lib.sh"

OURS=$CLIENTS/rpcinfo
FAKE=$BUILD/tests/progs/fake_server
PMAP_DUMP=$CLIENTS/pmap_dump
PMAP_SET=$CLIENTS/pmap_set
ESC=$(printf '\033')

if [ ! -x "$OURS" ] || [ ! -x "$FAKE" ]; then
	not_ok "built: $OURS and $FAKE"
	done_testing
fi

FAKE_PID=""
# fake MODE: (re)start the fake port mapper on 111 and /run/rpcbind.sock.
fake()
{
	[ -n "$FAKE_PID" ] && stop_pid "$FAKE_PID" TERM 2
	rm -f "$T/fake.out"
	spawn fake "$FAKE" -m "$1" -S /run/rpcbind.sock -L 200
	FAKE_PID=$SPAWNED
	if ! wait_line 5 "$T/fake.out" '^ready$'; then
		not_ok "fake_server -m $1 starts"
		diag_file "$T/fake.err"
		done_testing
	fi
}

# sane DESC: the last capture ended before its timeout, drew no
# sanitizer report, printed at most 2 MB and no raw escape character.
sane()
{
	_bad=""
	[ "$RC" = 124 ] || [ "$RC" = 137 ] && _bad="timed out"
	[ "$RC" -gt 128 ] && [ "$RC" != 124 ] && _bad="killed by a signal ($RC)"
	grep -Eq 'Sanitizer|runtime error:' "$T/err" && _bad="sanitizer report"
	[ "$(wc -c <"$T/out")" -gt 2000000 ] && _bad="too much output"
	grep -q "$ESC" "$T/out" "$T/err" && _bad="raw escape character"
	if [ -z "$_bad" ]; then
		ok "$1: ends cleanly (exit $RC)"
	else
		not_ok "$1: $_bad"
		diag_last
	fi
}

# fails DESC ERE: sane, exit 1, nothing on stdout, stderr matches ERE.
fails()
{
	sane "$1"
	if [ "$RC" = 1 ] && [ ! -s "$T/out" ] && grep -Eq -- "$2" "$T/err"; then
		ok "$1: error '$2'"
	else
		not_ok "$1: error '$2'"
		diag_last
	fi
}

LISTS="-s -m 127.0.0.1"
LISTS_LOCAL="-s -m"

# A list flag that is not a boolean, a reply cut inside an entry, bytes
# that are no RPC reply: every listing fails to decode.
for mode in bool trunc garbage; do
	fake "$mode"
	for args in "" "-p" "-s" "-m" "127.0.0.1" "-p 127.0.0.1" \
	    "-l 127.0.0.1 100000 2"; do
		# shellcheck disable=SC2086
		capture "$OURS" $args
		case "$mode:$args" in
		*"-p 127.0.0.1")
			fails "$mode: rpcinfo $args" "RPC: (Can't decode result|Port mapper failure)" ;;
		*)
			fails "$mode: rpcinfo $args" "RPC: Can't decode result" ;;
		esac
	done
done

# A string of 0xffffffff bytes, strings of 60,000 bytes: refused.
for mode in strlen long; do
	fake "$mode"
	for args in "" "-s" "-m" "127.0.0.1" "-l 127.0.0.1 100000 2"; do
		# shellcheck disable=SC2086
		capture "$OURS" $args
		fails "$mode: rpcinfo $args" "RPC: Can't decode result"
	done
	capture "$OURS" -T udp 127.0.0.1 300000 1
	fails "$mode: rpcinfo -T udp (GETADDR answer)" "RPC: Can't decode result"
done

# 200,000 entries: over the list cap, refused.
fake many
for args in "" "-p" "-s" "127.0.0.1"; do
	# shellcheck disable=SC2086
	capture "$OURS" $args
	fails "many: rpcinfo $args" "RPC: Can't decode result"
done

# Fragments that never end, and one fragment of 2 GiB: cut at the cap.
for mode in endless bigfrag; do
	fake "$mode"
	for args in "" "-p" "-m" "127.0.0.1"; do
		# shellcheck disable=SC2086
		capture "$OURS" $args
		fails "$mode: rpcinfo $args" "Unable to receive; errno = Message too long"
	done
done

# GETSTAT with lists of 200,000 entries and counters at their limits.
fake stats
capture "$OURS" -m
fails "stats: rpcinfo -m" "RPC: Unable to receive|Can't decode result"

# Control characters, escape sequences, bytes that are not UTF-8: shown
# escaped, in text and in JSON.
fake ctrl
for args in "" "-s" "-m" "127.0.0.1" "-l 127.0.0.1 100000 2"; do
	# shellcheck disable=SC2086
	capture "$OURS" $args
	sane "ctrl: rpcinfo $args"
	if [ "$RC" = 0 ] && grep -q '\\x1b\[2J' "$T/out"; then
		ok "ctrl: rpcinfo $args shows the escape sequence escaped"
	else
		not_ok "ctrl: rpcinfo $args shows the escape sequence escaped"
		diag_last
	fi
done
for args in "" "-s" "-m" "-l 127.0.0.1 100000 2"; do
	# shellcheck disable=SC2086
	capture "$OURS" --json $args
	sane "ctrl: rpcinfo --json $args"
	if [ "$RC" = 0 ] && python3 -m json.tool "$T/out" >/dev/null 2>&1; then
		ok "ctrl: rpcinfo --json $args is valid JSON"
	else
		not_ok "ctrl: rpcinfo --json $args is valid JSON"
		diag_last
	fi
done

# Stray replies first (another xid, a runt datagram): ignored.
fake ok
capture "$OURS"
cp "$T/out" "$T/ok.out"
capture "$OURS" -T udp 127.0.0.1 300000 1
cp "$T/out" "$T/ok.ping"
fake stray
capture "$OURS"
if [ "$RC" = 0 ] && cmp -s "$T/out" "$T/ok.out"; then
	ok "stray: a record with another xid is skipped (TCP/local)"
else
	not_ok "stray: a record with another xid is skipped (TCP/local)"
	diag_last
fi
capture "$OURS" -T udp 127.0.0.1 300000 1
if [ "$RC" = 0 ] && [ -s "$T/out" ] && cmp -s "$T/out" "$T/ok.ping"; then
	ok "stray: datagrams with another xid are ignored (UDP)"
else
	not_ok "stray: datagrams with another xid are ignored (UDP)"
	diag_last
fi

# 10,000 entries in 7-byte fragments: reassembled.
fake frags
capture "$OURS" -p
sane "frags: rpcinfo -p"
if [ "$RC" = 0 ] && [ "$(grep -c '^ *30[0-9]* ' "$T/out")" = 10000 ]; then
	ok "frags: 10,000 entries from 5,700 fragments"
else
	not_ok "frags: 10,000 entries from 5,700 fragments"
	diag_last
fi

# Every version from 0 to 2^32-1 "exists": probing stops at a bound.
fake wiseguy
capture "$OURS" -u 127.0.0.1 300000
sane "ok: rpcinfo -u without a version, every version answers"
if [ "$RC" = 1 ] && [ "$(wc -l <"$T/out")" -le 1024 ] &&
    grep -q 'stopped after 1024' "$T/err"; then
	ok "a version range of 2^32 is probed no further than 1024"
else
	not_ok "a version range of 2^32 is probed no further than 1024"
	diag_last
fi
fake mismatch
capture "$OURS" -a 127.0.0.1.0.111 -T tcp 300000
sane "mismatch: rpcinfo -a without a version"
if [ "$RC" = 1 ] && [ "$(wc -l <"$T/out")" -le 1024 ]; then
	ok "mismatch: at most 1024 versions probed"
else
	not_ok "mismatch: at most 1024 versions probed"
	diag_last
fi

# Silence: --timeout bounds every call.
fake silent
for args in "" "127.0.0.1" "-u 127.0.0.1 300000 1"; do
	# shellcheck disable=SC2086
	capture "$OURS" --timeout 1 $args
	fails "silent: rpcinfo --timeout 1 $args" "RPC: Timed out"
done

# pmap_dump and pmap_set meet the same liars.
if [ -x "$PMAP_DUMP" ] && [ -x "$PMAP_SET" ]; then
	for mode in bool trunc garbage endless bigfrag; do
		fake "$mode"
		capture "$PMAP_DUMP"
		sane "$mode: pmap_dump"
		if [ "$RC" = 1 ] && [ -s "$T/err" ]; then
			ok "$mode: pmap_dump reports an error"
		else
			not_ok "$mode: pmap_dump reports an error"
			diag_last
		fi
	done
	fake bool
	capture sh -c "echo '300000 1 udp 4000' | $PMAP_SET"
	sane "bool: pmap_set"
	if [ "$RC" = 1 ] && grep -q '^pmap_set: line 1: not registered' \
	    "$T/err"; then
		ok "bool: pmap_set reports the line it could not register"
	else
		not_ok "bool: pmap_set reports the line it could not register"
		diag_last
	fi
fi

stop_pid "$FAKE_PID"
done_testing
