#!/bin/sh
# nis_broadcast.sh - NIS broadcast binding through our port mapper, with
# Debian's nis package (ypserv, ypbind-mt, yp-tools):
#   server host (this test's namespace, 10.99.0.1): portmap -r, ypserv
#     for domain "pmtest" with one map;
#   client host (a veth peer in its own network, mount and UTS
#     namespaces, 10.99.0.2): its own portmap, ypbind -broadcast.
# ypbind's broadcast is a CALLIT of YPPROC_DOMAIN_NONACK to every port
# mapper on the link; ours forwards it to ypserv, whose answer binds the
# client: ypwhich names 10.99.0.1 and ypmatch reads the map.  Without -r
# the client stays unbound.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_remote.sh"

YPSERV=/usr/sbin/ypserv
YPBIND=/usr/sbin/ypbind
MAKEDBM=/usr/lib/yp/makedbm
for b in $YPSERV $YPBIND $MAKEDBM /usr/bin/ypwhich /usr/bin/ypmatch; do
	if [ ! -x "$b" ]; then
		not_ok "$b missing: Debian's nis package (sh scripts/deps.sh test)"
		done_testing
	fi
done
need_progs
remote_setup

# The server's NIS directory: a private copy of /var/yp with the domain
# and one map ("pmkey" -> "it works").
mkdir -p "$T/yp" && cp -a /var/yp/. "$T/yp/" &&
    mount --bind "$T/yp" /var/yp && mkdir -p /var/yp/pmtest &&
    printf 'pmkey it works\n' | "$MAKEDBM" - /var/yp/pmtest/pmtest.byname
if [ $? = 0 ] && [ -s /var/yp/pmtest/pmtest.byname ]; then
	ok "domain pmtest with map pmtest.byname in a private /var/yp"
else
	not_ok "domain pmtest with map pmtest.byname in a private /var/yp"
	done_testing
fi

# The client host's script: its own /run, /var/yp and domain name, our
# port mapper, ypbind in broadcast mode; then ypwhich and ypmatch.
cat >"$T/client.sh" <<EOF
mount -t tmpfs tmpfs /run || exit 1
mount -t tmpfs tmpfs /var/yp && mkdir -p /var/yp/binding || exit 1
domainname pmtest || exit 1
"$PORTMAP" -f 2>"$T/client-portmap.err" &
pm=\$!
n=0
while [ ! -S /run/rpcbind.sock ] && [ \$n -lt 50 ]; do sleep 0.1; n=\$((n + 1)); done
"$YPBIND" -broadcast -foreground -debug >"$T/ypbind.log" 2>&1 &
yb=\$!
end=\$((\$(date +%s) + \$1))
while [ \$(date +%s) -lt \$end ]; do
	timeout -k 1 3 ypwhich >"$T/ypwhich.out" 2>&1 && break
	sleep 0.2
done
echo "ypwhich: \$(cat "$T/ypwhich.out")"
echo "waited \$((\$(date +%s) - end + \$1)) s"
timeout -k 1 5 ypmatch pmkey pmtest.byname 2>&1 | sed 's/^/ypmatch: /'
# ypbind busy broadcasting may not heed SIGTERM for a while
kill \$yb \$pm
sleep 0.5
kill -9 \$yb 2>/dev/null
wait
EOF

# nis_round FLAGS WHAT SECONDS: our port mapper with FLAGS, ypserv, then the
# client (SECONDS to bind).
nis_round()
{
	start_daemon $1 || done_testing
	spawn ypserv unshare -u sh -c "domainname pmtest && exec $YPSERV -d"
	YP=$SPAWNED
	if wait_for 10 sh -c "$TC_ENV '$TC' getport 127.0.0.1 100004 2 udp"; then
		ok "$2: ypserv registered with our port mapper"
	else
		not_ok "$2: ypserv registered with our port mapper"
		diag_file "$T/ypserv.err"
	fi
	STEP_TIMEOUT=40
	_t0=$(date +%s)
	capture $IN_REMOTE unshare -m -u sh "$T/client.sh" "$3"
	STEP_TIMEOUT=20
	diag "$2: the client host took $(($(date +%s) - _t0)) s (exit $RC)"
	_t0=$(date +%s)
	stop_pid "$YP"
	diag "$2: ypserv stopped in $(($(date +%s) - _t0)) s"
}

nis_round -r "with -r" 20
expect_line "with -r: ypbind -broadcast bound the client; ypwhich names the server" \
    "ypwhich: $SRV4"
expect_line "with -r: ypmatch through the binding reads the map" \
    "ypmatch: it works"
if grep -q 'ypproc_domain_nonack_2(pmtest) from 127\.0\.0\.1' "$T/ypserv.out" \
    "$T/ypserv.err"; then
	ok "with -r: ypserv saw the broadcast as a call forwarded from 127.0.0.1"
else
	not_ok "with -r: ypserv saw a forwarded DOMAIN_NONACK call"
	diag_file "$T/ypserv.err"
fi
grep -q "Answer for domain 'pmtest' from server '$SRV4'" "$T/ypbind.log" &&
    ok "with -r: ypbind's log: answer from $SRV4" ||
    { not_ok "with -r: ypbind's log: answer from $SRV4"; diag_file "$T/ypbind.log"; }
stop_daemon

nis_round "" "without -r" 8
expect_any "without -r: the client host ran ypbind and ypwhich" '^ypwhich: '
expect_not "without -r: the client stays unbound" "ypwhich: $SRV4"
expect_not "without -r: ypmatch reads nothing" "ypmatch: it works"
stop_daemon
done_testing
