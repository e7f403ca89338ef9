#!/bin/sh
# boot_hardening.sh - does the daemon work inside portmap.service's
# sandbox?  No systemd runs here, so each line is checked the way it
# acts:
#
#   CapabilityBoundingSet=  the daemon runs under setpriv with exactly that
#                           bounding set (and no-new-privs): it still binds,
#                           hands /run/portmap over, drops and serves
#   NoNewPrivileges=        setpriv --no-new-privs
#   ProtectSystem=strict    / and /run read-only, /run/portmap (the
#   RuntimeDirectory=       RuntimeDirectory=) read-write, sockets passed
#   Requires=portmap.socket by systemd-socket-activate as portmap.socket has
#                           them: registration and persistence still work
#   SystemCallFilter=       every system call the daemon makes (strace,
#                           from its exec to its exit, through start-up,
#                           every transport, SET/UNSET, SIGHUP, SIGUSR1,
#                           SIGTERM) is in @system-service as this
#                           systemd-analyze expands it
#   RestrictAddressFamilies= every socket() is AF_UNIX, AF_INET, AF_INET6
#                           or AF_NETLINK
#   MemoryDenyWriteExecute=, LockPersonality=, RestrictRealtime=,
#   ProtectClock=, ProtectHostname=, RestrictNamespaces=,
#   ProtectKernelTunables=  the calls these forbid are never made
#
# The values are read from portmap.service itself, so the test follows the
# unit.

. "$(dirname "$0")/lib.sh"

UNIT=$TOP/portmap.service
SA=$(command -v systemd-socket-activate)
for p in systemd-socket-activate systemd-analyze setpriv strace; do
	command -v $p >/dev/null 2>&1 ||
	    { not_ok "$p installed"; done_testing; }
done
need_progs

# unit_value KEY: the unit's KEY= values, joined.
unit_value()
{
	sed -n "s/^$1=//p" "$UNIT" | tr '\n' ' ' | sed 's/ $//'
}

# ---- the sandbox, as far as ordinary tools build it ----

BOUND=$(unit_value CapabilityBoundingSet)
[ -n "$BOUND" ] || { not_ok "portmap.service has a CapabilityBoundingSet="; done_testing; }
# setpriv wants "-all,+net_bind_service,..."
SETPRIV_BOUND="-all$(for c in $BOUND; do
	printf ',+%s' "$(echo "$c" | sed 's/^CAP_//' | tr 'A-Z' 'a-z')"; done)"
diag "bounding set: $SETPRIV_BOUND"
case "$(unit_value NoNewPrivileges)" in
yes|true|1) NNP=--no-new-privs ;;
*) NNP="" ;;
esac
[ -n "$NNP" ] && ok "portmap.service sets NoNewPrivileges=" ||
    not_ok "portmap.service sets NoNewPrivileges="
[ "$(unit_value ProtectSystem)" = strict ] &&
    [ "$(unit_value RuntimeDirectory)" = portmap ] &&
    ok "ProtectSystem=strict with RuntimeDirectory=portmap" ||
    not_ok "ProtectSystem=strict with RuntimeDirectory=portmap"

# The runtime directory as systemd makes it: root's, 0700.
rm -rf /run/portmap
mkdir -m 0700 /run/portmap

# Inside: / and /run read-only but /run/portmap; capabilities bounded.
cat >"$T/sandbox.sh" <<EOF
set -e
mount -o remount,bind,ro /
mount --bind /run /run
mount --bind /run/portmap /run/portmap
mount -o remount,bind,ro /run
exec setpriv $NNP --bounding-set=$SETPRIV_BOUND "\$@"
EOF

# portmap.socket's sockets (IPv6-only, as BindIPv6Only=ipv6-only).
# LeakSanitizer cannot run under ptrace: leaks are other tests' business.
sysctl -qw net.ipv6.bindv6only=1
ASAN_OPTIONS=detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}
export ASAN_OPTIONS
spawn daemon strace -f -q -o "$T/strace" \
    "$SA" -E ASAN_OPTIONS --datagram -l 0.0.0.0:111 -l [::]:111 -- \
    "$SA" -E ASAN_OPTIONS -l 0.0.0.0:111 -l [::]:111 -l /run/rpcbind.sock \
    -l @/run/rpcbind.sock -- \
    unshare -m --propagation private sh "$T/sandbox.sh" "$PORTMAP" -f -d
DAEMON_PID=$SPAWNED
wait_line 10 "$T/daemon.err" 'Listening on /run/rpcbind.sock' || true
DAEMON_PORT=111
run_to 5 python3 "$TOP/tests/integration/boot_helper.py" ping \
    udp:127.0.0.1:111 >/dev/null 2>&1
if wait_line 15 "$T/daemon.err" 'portmap: started' && daemon_answers; then
	ok "in the sandbox: started and answering"
else
	not_ok "in the sandbox: started and answering"
	diag_file "$T/daemon.err" 40
	done_testing
fi
DPID=$(pgrep -x portmap | head -n 1)
capture sh -c "grep -E '^(CapBnd|CapEff|Uid|NoNewPrivs)' /proc/$DPID/status"
diag "daemon: $(tr '\n' ' ' <"$T/out")"
expect "in the sandbox: no capabilities left after the drop" '^CapEff:[[:space:]]+0+$'
if grep -q 'chown\|cannot\|refused' "$T/daemon.err"; then
	not_ok "in the sandbox: no complaint about the state directory"
	diag_file "$T/daemon.err" 20
else
	ok "in the sandbox: no complaint about the state directory"
fi
capture stat -c '%U %a' /run/portmap
expect "in the sandbox: /run/portmap handed to the daemon's user (CAP_CHOWN suffices)" \
    '^(portmap|nobody) 700$'

# Exercise it: every transport, SET/UNSET, a libtirpc server, signals.
for t in udp tcp; do
	capture "$RPCINFO" -T $t 127.0.0.1 100000 4
	expect "in the sandbox: rpcinfo -T $t" 'ready and waiting'
done
for t in udp6 tcp6; do
	capture "$RPCINFO" -T $t ::1 100000 4
	expect "in the sandbox: rpcinfo -T $t" 'ready and waiting'
done
capture "$RPCINFO" -T local /run/rpcbind.sock 100000 4
expect "in the sandbox: rpcinfo -T local" 'ready and waiting'
tc proc 127.0.0.1 udp 2 set 536871001 1 17 4001
expect_eq "in the sandbox: PMAP SET" true
start_server srv -m tli -n udp,tcp || true
capture "$RPCINFO" -p 127.0.0.1
expect "in the sandbox: a libtirpc server registered" '536871065'
capture ls -n /run/portmap
expect "in the sandbox: the state file is written in the read-only /run" ' state$'
stop_pid "$SERVER_PID" TERM 5
tc proc 127.0.0.1 udp 2 unset 536871001 1
expect_eq "in the sandbox: PMAP UNSET" true
kill -HUP "$DPID"
kill -USR1 "$DPID"
sleep 0.5
# SIGTERM to the daemon itself (strace, its parent, then ends too).
kill -TERM "$DPID"
if wait_for 5 sh -c "! kill -0 $DPID 2>/dev/null"; then
	ok "in the sandbox: the daemon exits on SIGTERM"
else
	not_ok "in the sandbox: the daemon exits on SIGTERM"
fi
# strace ends with its tracee; give it the time to say how.
tracer_gone()
{
	! pid_alive "$DAEMON_PID"
}
wait_for 5 tracer_gone || true
stop_pid "$DAEMON_PID" TERM 5
DAEMON_PID=""
if grep -Eq "^$DPID +[+]{3} exited with 0 [+]{3}" "$T/strace"; then
	ok "in the sandbox: ... with status 0"
else
	not_ok "in the sandbox: ... with status 0"
	grep -E "^$DPID +([+]{3}|---)" "$T/strace" | tail -3 | sed 's/^/#   /'
fi
if grep -Eq 'Sanitizer|runtime error:' "$T/daemon.err"; then
	not_ok "in the sandbox: no sanitizer report"
	diag_file "$T/daemon.err" 60
fi

# ---- what it called ----

# The daemon's lines: its pid, from the exec of portmap on.
awk -v pid="$DPID" '$1 == pid' "$T/strace" |
    awk '/execve\("[^"]*\/portmap", / { on = 1 } on' >"$T/calls"
if [ -s "$T/calls" ]; then
	ok "strace saw the daemon ($(wc -l <"$T/calls") calls)"
else
	not_ok "strace saw the daemon"
	done_testing
fi
sed -n 's/^[0-9]* *\([a-z_0-9]*\)(.*/\1/p' "$T/calls" | sort -u >"$T/used"

# @system-service, expanded.
expand()
{
	systemd-analyze syscall-filter "$@" 2>/dev/null |
	    sed -n 's/^    \([@a-z_0-9-]*\).*/\1/p' | grep -v '^$'
}
expand @system-service >"$T/set1"
while grep -q '^@' "$T/set1"; do
	# shellcheck disable=SC2046
	{ grep -v '^@' "$T/set1"; expand $(grep '^@' "$T/set1"); } |
	    sort -u >"$T/set2"
	mv "$T/set2" "$T/set1"
done
FILTER=$(unit_value SystemCallFilter)
[ "$FILTER" = @system-service ] && ok "portmap.service: SystemCallFilter=@system-service" ||
    not_ok "portmap.service: SystemCallFilter=@system-service (got $FILTER)"
_out=$(comm -23 "$T/used" "$T/set1" | tr '\n' ' ')
if [ -z "$_out" ]; then
	ok "every system call is in @system-service ($(wc -l <"$T/used") distinct)"
else
	not_ok "every system call is in @system-service; outside: $_out"
fi

FAMS=$(unit_value RestrictAddressFamilies)
sed -n 's/^[0-9]* *socket(\(AF_[A-Z0-9]*\),.*/\1/p' "$T/calls" | sort -u >"$T/fams"
_bad=""
for f in $(cat "$T/fams"); do
	case " $FAMS " in
	*" $f "*) ;;
	*) [ "$f" = AF_LOCAL ] && case " $FAMS " in *" AF_UNIX "*) continue ;; esac
	   _bad="$_bad $f" ;;
	esac
done
if [ -z "$_bad" ]; then
	ok "every socket() family is allowed by RestrictAddressFamilies= ($(tr '\n' ' ' <"$T/fams"))"
else
	not_ok "socket() families outside RestrictAddressFamilies=:$_bad"
fi

# The calls the remaining lines forbid.
check_none()
{
	if grep -Eq "$2" "$T/calls"; then
		not_ok "$1"
		grep -E "$2" "$T/calls" | head -3 | sed 's/^/#   /'
	else
		ok "$1"
	fi
}
check_none "MemoryDenyWriteExecute=: no writable and executable mapping" \
    '^[0-9]+ +(mmap|mprotect|pkey_mprotect)\(.*PROT_WRITE\|PROT_EXEC|PROT_EXEC\|PROT_WRITE'
check_none "LockPersonality=: no personality()" '^[0-9]+ +personality\('
check_none "RestrictRealtime=: no real-time scheduling" \
    '^[0-9]+ +sched_set(scheduler|attr)\('
check_none "ProtectClock=: the clock is not set" \
    '^[0-9]+ +(clock_settime|settimeofday|adjtimex|clock_adjtime)\('
check_none "ProtectHostname=: no sethostname" '^[0-9]+ +(sethostname|setdomainname)\('
check_none "RestrictNamespaces=: no new namespaces" '^[0-9]+ +(unshare|setns|clone3?)\(.*CLONE_NEW'
check_none "ProtectKernelTunables=: nothing under /proc/sys written" \
    '^[0-9]+ +openat\(.*"/proc/sys/.*O_(WRONLY|RDWR)'
check_none "PrivateDevices=: no device but /dev/null opened" \
    '^[0-9]+ +openat\(.*"/dev/([^n]|n[^u])'
check_none "ProtectHome=, PrivateTmp=: nothing under /home, /root or /tmp" \
    '^[0-9]+ +(openat|stat|newfstatat|mkdir|unlink)[a-z]*\(.*"/(home|root|tmp)/'

done_testing
