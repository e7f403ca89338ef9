#!/bin/sh
# conflict_bind.sh - a port conflict explains itself.
#
# Debian's rpcbind holds port 111 (UDP and TCP) and /run/rpcbind.sock in
# this namespace: our daemon exits with status 3 (portmap(8), EXIT
# STATUS), and its message names the socket, rpcbind and its pid, and
# what to do; rpcbind is left serving, its socket file in place.  Then a
# process holding only TCP 111, only UDP 111, and only the AF_LOCAL path:
# each is named the same way.

. "$(dirname "$0")/lib.sh"

if [ "$PMAP_DAEMON" != ours ]; then
	ok "conflict_bind: skipped for $PMAP_DAEMON (our messages)"
	done_testing
fi
if [ ! -x "$PORTMAP" ]; then
	not_ok "portmap built ($PORTMAP)"
	done_testing
fi

# hold NAME PYTHON-SOCKET-CODE: a python3 process holding a socket.
hold()
{
	_n=$1
	shift
	spawn "$_n" python3 -c "import socket, time
$1
print('ready', flush=True)
time.sleep(600)"
	HOLDER=$SPAWNED
	if ! wait_line 10 "$T/$_n.out" '^ready$'; then
		not_ok "$_n: the holder is ready"
		diag_file "$T/$_n.err"
	fi
}

# ---- Debian's rpcbind ----

if [ ! -x "$RPCBIND" ]; then
	not_ok "Debian's rpcbind installed ($RPCBIND)"
	done_testing
fi
mkdir -p /run/rpcbind
DAEMON_PORT=111
spawn rpcbind "$RPCBIND" -f -w
RPCBIND_PID=$SPAWNED
if wait_for 10 daemon_answers && [ -S /run/rpcbind.sock ]; then
	ok "Debian's rpcbind (pid $RPCBIND_PID) serves port 111 and /run/rpcbind.sock"
else
	not_ok "Debian's rpcbind serves port 111"
	diag_file "$T/rpcbind.err"
	done_testing
fi
capture "$PORTMAP" -f
expect_rc "portmap exits with status 3 (a socket could not be bound)" 3
expect_err "the message names the socket, rpcbind and its pid, and what to do" \
    "^portmap: cannot bind (udp|tcp) 0\\.0\\.0\\.0:111: address in use by rpcbind \\(pid $RPCBIND_PID\\); stop it first: systemctl stop rpcbind\\.socket rpcbind\\.service$"
if [ "$(wc -l <"$T/err")" -le 3 ]; then
	ok "... in a few lines"
else
	not_ok "... in a few lines"
	diag_last
fi
if daemon_answers && [ -S /run/rpcbind.sock ] && pid_alive "$RPCBIND_PID"; then
	ok "rpcbind still serves, its socket file untouched"
else
	not_ok "rpcbind still serves, its socket file untouched"
fi
# detached (no -f): the same status, from the parent that waited
capture "$PORTMAP"
expect_rc "detached start: status 3 as well" 3
expect_err "detached start: the same message on stderr" \
    "cannot bind (udp|tcp) 0\\.0\\.0\\.0:111: address in use by rpcbind \\(pid $RPCBIND_PID\\)"
stop_pid "$RPCBIND_PID" TERM 5

# ---- one socket each ----

hold tcp_holder 's = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", 111)); s.listen(1)'
capture "$PORTMAP" -f --no-state
expect_rc "TCP 111 held: status 3" 3
expect_err "TCP 111 held: the holder is named" \
    "^portmap: cannot bind tcp 0\\.0\\.0\\.0:111: address in use by python3 \\(pid $HOLDER\\)"
stop_pid "$HOLDER" KILL 2

hold udp_holder 's = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::", 111))'
capture "$PORTMAP" -f --no-state
expect_rc "UDP 111 held (by a dual-stack IPv6 socket): status 3" 3
expect_err "UDP 111 held: the holder is named" \
    "^portmap: cannot bind udp 0\\.0\\.0\\.0:111: address in use by python3 \\(pid $HOLDER\\)"
stop_pid "$HOLDER" KILL 2

hold local_holder 's = socket.socket(socket.AF_UNIX); s.bind("/run/pm-test.sock"); s.listen(1)'
capture "$PORTMAP" -f --no-state -p 5111 -S /run/pm-test.sock
expect_rc "the AF_LOCAL path held: status 3" 3
expect_err "the AF_LOCAL path held: the holder is named" \
    "^portmap: cannot bind local /run/pm-test\\.sock: address in use by python3 \\(pid $HOLDER\\)"
if [ -S /run/pm-test.sock ]; then
	ok "a live socket file is not removed"
else
	not_ok "a live socket file is not removed"
fi
stop_pid "$HOLDER" KILL 2

# nothing holds anything now: a normal start
start_daemon || done_testing
stop_daemon

done_testing
