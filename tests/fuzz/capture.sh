#!/bin/sh
# capture.sh - rebuild the fuzzers' seed corpus from real clients.
#
#	sh tests/fuzz/capture.sh [OUTDIR]	(default tests/fuzz/corpus)
#
# Runs Debian's rpcbind in private network, mount and PID namespaces (never
# the host's port 111 or /run/rpcbind.sock), records with tshark what real
# clients send it over UDP and TCP on IPv4 and IPv6, and through a small
# proxy what they send over the AF_LOCAL socket, then hands the captures to
# mkcorpus.py, which writes one file per distinct request named after its
# procedure, plus the hand-built requests no client sends.
#
# Clients: Debian's rpcinfo with every option, libtirpc servers
# registering (tests/progs/tirpc_server) and libtirpc calls of every
# procedure of PMAP v2 and RPCBIND v3/v4 (tests/progs/tirpc_client).
# Needs root, unshare, tshark, python3, rpcbind, rpcinfo; TC and TS name
# the two test programs (default build/tests/progs/...).
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$TOP/tests/fuzz/corpus}
case "$OUT" in /*) ;; *) OUT=$(pwd)/$OUT ;; esac
TC=${TC:-$TOP/build/tests/progs/tirpc_client}
TS=${TS:-$TOP/build/tests/progs/tirpc_server}
export TOP OUT TC TS

if [ -z "${CAPTURE_INNS:-}" ]; then
	for x in "$TC" "$TS"; do
		[ -x "$x" ] || { echo "capture: $x: not built" >&2; exit 1; }
	done
	CAPTURE_INNS=1 exec unshare --net --mount --pid --fork \
	    --kill-child --mount-proc --propagation private sh "$0" "$@"
fi

W=$(mktemp -d /tmp/pmcap.XXXXXX)
mount -t tmpfs tmpfs /run
ip link set lo up
# a broadcast-capable interface, for rpcinfo -b
ip link add pm0 type veth peer name pm1 && ip addr add 10.9.9.1/24 brd + dev pm0 &&
    ip link set pm1 up && ip link set pm0 up
sleep 1				# let ::1 leave the tentative state

/sbin/rpcbind -f &
RPCBIND_PID=$!
i=0
while [ ! -S /run/rpcbind.sock ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -S /run/rpcbind.sock ] || { echo "capture: rpcbind did not start" >&2; exit 1; }

# The listening socket stays bound to its inode: move it aside and put a
# proxy that logs what clients send on the well-known path.
mv /run/rpcbind.sock /run/rpcbind.real.sock
mkdir -p "$W/local"
python3 "$TOP/tests/fuzz/mkcorpus.py" proxy /run/rpcbind.real.sock \
    /run/rpcbind.sock "$W/local" &
PROXY_PID=$!

tshark -q -i lo -i pm0 -w "$W/lo.pcapng" -f 'port 111' 2>"$W/tshark.err" &
TSHARK_PID=$!
i=0
while ! grep -q Capturing "$W/tshark.err" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
while [ ! -S /run/rpcbind.sock ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done

TC_TIMEOUT=2
export TC_TIMEOUT
runt() {
	t=$1
	shift
	timeout $t "$@" >>"$W/clients.log" 2>&1
	echo "# rc=$? $*" >>"$W/clients.log"
}
run() {
	runt 8 "$@"
}

# libtirpc servers registering, three ways (SET/UNSET over AF_LOCAL)
timeout 20 "$TS" -m create -P 0x20000099 -V 1,2 >"$W/ts1.out" 2>&1 &
TS1=$!
timeout 20 "$TS" -m tli -P 0x2000009a -V 3 >"$W/ts2.out" 2>&1 &
TS2=$!
timeout 20 "$TS" -m pmap -P 0x2000009b -V 1 >"$W/ts3.out" 2>&1 &
TS3=$!
i=0
while [ $i -lt 50 ]; do
	n=$(cat "$W"/ts?.out 2>/dev/null | grep -c '^ready')
	[ "$n" -ge 3 ] && break
	sleep 0.1; i=$((i + 1))
done

# Debian's rpcinfo, every option
R=/usr/sbin/rpcinfo
run $R
run $R 127.0.0.1
run $R -p
run $R -p 127.0.0.1
run $R -s
run $R -s 127.0.0.1
run $R -m
run $R -m 127.0.0.1
run $R -l 127.0.0.1 100000 4
run $R -l -T udp 127.0.0.1 536871065 1
run $R -T udp 127.0.0.1 100000
run $R -T tcp 127.0.0.1 100000
run $R -T udp6 ::1 100000
run $R -T tcp6 ::1 100000
run $R -T local /run/rpcbind.sock 100000 4
run $R -T udp 127.0.0.1 536871065 1
run $R -T tcp6 ::1 536871065 2
run $R -u 127.0.0.1 100000
run $R -u 127.0.0.1 100000 2
run $R -t 127.0.0.1 100000
run $R -t 127.0.0.1 100000 4
run $R -u 127.0.0.1 536871065
run $R -t 127.0.0.1 536871065 2
run $R -u 127.0.0.1 805306368 1
run $R -n 111 -u 127.0.0.1 100000 2
run $R -n 111 -t 127.0.0.1 100000 3
run $R -a 127.0.0.1.0.111 -T udp 100000 2
run $R -a 127.0.0.1.0.111 -T tcp 100000 4
run $R -a ::1.0.111 -T udp6 100000 3
runt 3 $R -b 100000 2
runt 3 $R -b -T udp 536871065 1
runt 3 $R -b -T udp6 100000 4
run $R -d 536871067 1
run $R -d -T udp 536871066 3

# libtirpc calls: the client library's own lookups and registrations
run "$TC" null 127.0.0.1 udp 100000 2
run "$TC" getaddr 127.0.0.1 udp 0x20000099 1
run "$TC" getaddr 127.0.0.1 tcp 0x20000099 2
run "$TC" getaddr ::1 udp6 0x20000099 1
run "$TC" getaddr ::1 tcp6 0x20000099 9
run "$TC" getport 127.0.0.1 0x20000099 1 udp
run "$TC" getport 127.0.0.1 0x20000099 2 tcp
run "$TC" getmaps 127.0.0.1 tcp
run "$TC" getmaps ::1 udp6
run "$TC" pmapdump 127.0.0.1
run "$TC" gettime 127.0.0.1
run "$TC" set 0x20000100 1 tcp 127.0.0.1.15.160
run "$TC" set 0x20000100 1 udp6 ::1.15.161
run "$TC" unset 0x20000100 1 tcp
run "$TC" unset 0x20000100 1
run "$TC" pmapset 0x20000101 1 udp 4001
run "$TC" pmapset 0x20000101 1 tcp 4002
run "$TC" pmapunset 0x20000101 1
run "$TC" vers 127.0.0.1 udp 0x20000099 1
run "$TC" echo 127.0.0.1 udp 0x20000099 1 hello

# every procedure of every version, on every transport
for t in "udp 127.0.0.1" "tcp 127.0.0.1" "udp6 ::1" "tcp6 ::1" \
    "local /run/rpcbind.sock"; do
	set -- $t
	n=$1 h=$2
	run "$TC" proc $h $n 2 null
	run "$TC" proc $h $n 2 set 0x20000200 1 udp 5001
	run "$TC" proc $h $n 2 set 0x20000200 1 tcp 5002
	run "$TC" proc $h $n 2 getport 0x20000200 1 udp
	run "$TC" proc $h $n 2 getport 100000 2 tcp
	run "$TC" proc $h $n 2 dump
	run "$TC" proc $h $n 2 callit 0x20000099 1 0
	run "$TC" proc $h $n 2 unset 0x20000200 1
	for v in 3 4; do
		run "$TC" proc $h $n $v null
		run "$TC" proc $h $n $v set 0x20000201 $v $n 127.0.0.1.19.137 tirpc
		run "$TC" proc $h $n $v set 0x20000202 1 tcp6 ::1.19.138
		run "$TC" proc $h $n $v set 0x20000203 1 local /run/x.sock
		run "$TC" proc $h $n $v getaddr 0x20000201 $v $n
		run "$TC" proc $h $n $v getaddr 100000 $v udp 127.0.0.1.0.111
		run "$TC" proc $h $n $v getaddr 0x20000099 7 tcp
		run "$TC" proc $h $n $v dump
		run "$TC" proc $h $n $v callit 0x20000099 1 0
		run "$TC" proc $h $n $v gettime
		run "$TC" proc $h $n $v uaddr2taddr udp 127.0.0.1.0.111
		run "$TC" proc $h $n $v uaddr2taddr tcp6 ::1.8.1
		run "$TC" proc $h $n $v taddr2uaddr udp 127.0.0.1.0.111
		run "$TC" proc $h $n $v taddr2uaddr udp6 ::1.3.255
		run "$TC" proc $h $n $v unset 0x20000201 $v $n
		run "$TC" proc $h $n $v unset 0x20000202 1 ""
	done
	run "$TC" proc $h $n 4 bcast 0x20000099 1 0
	run "$TC" proc $h $n 4 getversaddr 0x20000099 2 $n
	run "$TC" proc $h $n 4 getversaddr 100000 4 udp ::1.0.111
	run "$TC" proc $h $n 4 indirect 0x20000099 1 0
	run "$TC" proc $h $n 4 indirect 100000 2 3
	run "$TC" proc $h $n 4 getaddrlist 0x20000099 1 $n
	run "$TC" proc $h $n 4 getaddrlist 100000 4 udp 127.0.0.1.0.111
	run "$TC" proc $h $n 4 getstat
done

kill -TERM $TS1 $TS2 $TS3 2>/dev/null
wait $TS1 $TS2 $TS3 2>/dev/null
sleep 1
kill -INT $TSHARK_PID 2>/dev/null
wait $TSHARK_PID 2>/dev/null
kill $PROXY_PID $RPCBIND_PID 2>/dev/null
wait $PROXY_PID $RPCBIND_PID 2>/dev/null

tshark -r "$W/lo.pcapng" -Y 'udp.dstport == 111' -T fields -E separator=/t \
    -e udp.srcport -e ip.src -e ipv6.src -e udp.payload >"$W/udp.tsv" 2>/dev/null
tshark -r "$W/lo.pcapng" -Y 'tcp.dstport == 111 && tcp.len > 0' -T fields \
    -E separator=/t -e tcp.stream -e tcp.srcport -e ip.src -e ipv6.src \
    -e tcp.payload >"$W/tcp.tsv" 2>/dev/null
python3 "$TOP/tests/fuzz/mkcorpus.py" extract "$W" "$OUT"
rc=$?
grep -c '^# rc=' "$W/clients.log" | sed 's/^/capture: client runs: /'
[ -n "${CAPTURE_KEEP:-}" ] && echo "capture: kept $W" || rm -rf "$W"
exit $rc
