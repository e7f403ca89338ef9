#!/bin/sh
# abuse_flood.sh - connection floods against the daemon (pmload flood):
#
# 1. 5,000 TCP connections opened and held, plus 1,000 that send half a
#    record and stall (both opened again when the daemon closes them),
#    far more than the connection cap (900): meanwhile 300 UDP GETPORTs
#    are each answered within 1 s, and 20 TCP clients that send a whole
#    GETPORT are each answered (within 10 s: a SYN dropped from the full
#    accept queue is sent again after 1 s and 3 s).  The cap is reached
#    and the connections quiet the longest make room.  The p50/p99/max
#    latencies are printed (figures, not checks).
# 2. The same with the daemon's open files limited to 256 (EMFILE long
#    before the cap): the quiet connections make room all the same.
# 3. Open files limited, and 600 connections that each send a byte of
#    their record every 0.3 s (none idle, none stalled): the listener is
#    paused, not polled, so the daemon uses little CPU (it would spin on
#    EMFILE otherwise), UDP is answered throughout, and TCP is served
#    again once they are gone.
#
#	sh tests/integration/abuse_flood.sh

. "$(dirname "$0")/lib.sh"

PMLOAD=$BUILD/tests/progs/pmload
need_progs
[ -x "$PMLOAD" ] || { not_ok "pmload built ($PMLOAD)"; done_testing; }
command -v prlimit >/dev/null 2>&1 || { not_ok "prlimit (util-linux) installed"; done_testing; }

# streams_line: SIGUSR1, then the daemon's new "streams:" counters line.
streams_line()
{
	_c=$(grep -c 'streams:' "$T/daemon.err")
	kill -USR1 "$DAEMON_PID"
	wait_for 5 sh -c "[ \$(grep -c 'streams:' '$T/daemon.err') -gt $_c ]"
	grep 'streams:' "$T/daemon.err" | tail -n 1
}

# counter NAME LINE: the number after NAME (or before "open") in LINE.
counter()
{
	echo "$2" | sed -n "s/.*[ (]$1 \([0-9]*\).*/\1/p"
}

# flood_figures: the pmload diagnostics, as ours.
flood_figures()
{
	grep '^# ' "$T/out" | sed 's/^# /# figure: /'
}

still_serves()
{
	tc proc 127.0.0.1 udp 2 null
	expect "$1: UDP NULL answered" '^ok$'
	tc proc 127.0.0.1 tcp 2 null
	expect "$1: TCP NULL answered" '^ok$'
}

STEP_TIMEOUT=120

# ---- 1: the connection cap ----
start_daemon || done_testing
capture $TC_ENV "$PMLOAD" -m "$DAEMON_PID" flood -H 5000 -S 1000 -u 300 -w 1000 \
    -t 20 -W 10000 -d 90
expect "5000 held and 1000 stalled connections: every UDP GETPORT answered within 1 s, every TCP client answered" \
    '^flood ok'
flood_figures
L=$(streams_line)
diag "$L"
M=$(counter max "$L")
E=$(counter evicted "$L")
if [ "$M" = 900 ] && [ "${E:-0}" -gt 0 ]; then
	ok "the cap (900) was reached and $E quiet connections made room"
else
	not_ok "the cap (900) was reached and quiet connections made room (max '$M', evicted '$E')"
fi
still_serves "after the flood"
stop_daemon

# ---- 2: out of file descriptors ----
PMAP_WRAP="prlimit --nofile=256:256 --"
start_daemon || done_testing
PMAP_WRAP=""
capture $TC_ENV "$PMLOAD" -m "$DAEMON_PID" flood -H 3000 -S 500 -u 200 -w 1000 \
    -t 10 -W 10000 -d 90
expect "open files limited to 256: every UDP GETPORT and TCP client answered" \
    '^flood ok'
flood_figures
L=$(streams_line)
diag "$L"
M=$(counter max "$L")
E=$(counter evicted "$L")
if [ -n "$M" ] && [ "$M" -lt 256 ] && [ "${E:-0}" -gt 0 ]; then
	ok "out of fds at $M connections: $E quiet connections made room"
else
	not_ok "out of fds, quiet connections made room (max '$M', evicted '$E')"
fi

# ---- 3: none may be closed: paused, not spinning ----
capture $TC_ENV "$PMLOAD" -m "$DAEMON_PID" flood -H 0 -S 600 -R 1000 -k 300 \
    -u 300 -w 1000 -t 0 -C 50 -d 90
expect "600 connections trickling their records, out of fds: UDP answered, the daemon below 50% CPU (not spinning)" \
    '^flood ok'
flood_figures
L=$(streams_line)
diag "$L"
P=$(counter paused "$L")
if [ "${P:-0}" -gt 0 ]; then
	ok "the listener was paused $P times"
else
	not_ok "the listener was paused (paused '$P')"
fi
still_serves "once the trickling connections are gone"
stop_daemon
done_testing
