#!/bin/sh
# run.sh - the benchmark: our portmap, Debian's rpcbind and a trivial UDP
# responder (the loopback limit), the same workload in the same run, each
# daemon alone in its own network and mount namespace with the client.
#
#   sh tests/bench/run.sh               throughput, latency, CPU, memory
#   sh tests/bench/run.sh --callgrind   instructions and system calls per
#                                       GETPORT (valgrind, strace)
#   sh tests/bench/run.sh --quick       a few tenths of a second per phase
#
# Environment (defaults in brackets):
#   BUILD           where pmbench and portmap are [build]
#   BENCH_MODE      normal, callgrind or quick [normal]
#   BENCH_TARGETS   which of ours musl rpcbind limit [all four; callgrind
#                   mode: ours rpcbind limit]
#   BENCH_MUSL      where the static musl build of our daemon is
#                   (make LIBC=musl) [build-musl]
#   BENCH_DURATION  seconds per timed phase [1.5]
#   BENCH_REPEAT    runs of each timed phase per target; the table shows
#                   the run with the median rate [5; quick mode 1]
#   BENCH_SIZES     three table sizes [10 1000 10000]
#   BENCH_CONNS     idle TCP connections for memory per connection [500]
#   BENCH_CALLS     GETPORTs per callgrind/strace run [5000]
#   BENCH_OUT       keep the raw result lines in this file
#   PORTMAP_OPTS    options for our daemon besides -f [-w]
#   BENCH_HOLD      yes: registrations name live services: a process in
#                   the namespace holds a UDP socket on each registered
#                   port, as on a real host (our daemon reaps the others);
#                   no: nothing behind them (then PORTMAP_OPTS="-w
#                   --no-reap", or our daemon removes them) [yes]
#
# Runs as root (unshare).  Never touches the host's port 111: every daemon
# listens on 127.0.0.1:111 of a private namespace with /run on a tmpfs.
# Every step has a timeout; the whole run takes a few minutes at most.
set -u

BUILD=${BUILD:-build}
[ -d "$BUILD" ] && BUILD=$(cd "$BUILD" && pwd)
MODE=${BENCH_MODE:-normal}
TARGETS=${BENCH_TARGETS:-ours musl rpcbind limit}
MUSL=${BENCH_MUSL:-build-musl}
[ -d "$MUSL" ] && MUSL=$(cd "$MUSL" && pwd)
DUR=${BENCH_DURATION:-1.5}
REPEAT=${BENCH_REPEAT:-5}
SIZES=${BENCH_SIZES:-10 1000 10000}
CONNS=${BENCH_CONNS:-500}
CALLS=${BENCH_CALLS:-5000}
PORTMAP_OPTS=${PORTMAP_OPTS:--w}
HOLD_REGS=${BENCH_HOLD:-yes}
RPCBIND=${RPCBIND:-/sbin/rpcbind}
HERE=$(cd "$(dirname "$0")" && pwd)
SELF=$HERE/run.sh
PMB=$BUILD/pmbench

# Debian's rpcbind options: the unit's OPTIONS=-w, then /etc/rpcbind.conf
# and /etc/default/rpcbind (systemd EnvironmentFile, init.d sources it).
rpcbind_options() {
	(
		OPTIONS="-w"
		# shellcheck disable=SC1091
		[ -r /etc/rpcbind.conf ] && . /etc/rpcbind.conf
		# shellcheck disable=SC1091
		[ -r /etc/default/rpcbind ] && . /etc/default/rpcbind
		echo "$OPTIONS"
	)
}

# Expand a CPU list like "0-2,5" into "0 1 2 5".
cpu_list() {
	echo "$1" | tr ',' '\n' | awk -F- '{
		if (NF == 2) for (i = $1; i <= $2; i++) printf "%d ", i
		else if ($1 != "") printf "%d ", $1 }'
}

# ---------------------------------------------------------------- inner
# Inside the namespace: start one target, run the phases, print results.

inner_setup() {
	mount -t tmpfs -o mode=0755 tmpfs /run || exit 1
	ip link set lo up || exit 1
	# Connect-query-close leaves TIME_WAIT behind; more ports, reuse on lo.
	echo "1024 65000" >/proc/sys/net/ipv4/ip_local_port_range 2>/dev/null
	echo 2 >/proc/sys/net/ipv4/tcp_tw_reuse 2>/dev/null
	mkdir -p /run/rpcbind /run/bench
	chown _rpc:root /run/rpcbind 2>/dev/null
	chmod 1777 /run/bench
	cpus=$(cpu_list "$(taskset -pc $$ 2>/dev/null | sed 's/.*: *//')")
	set -- $cpus
	if [ $# -ge 2 ]; then
		SRV="taskset -c $1"
		CLI="taskset -c $2"
	else
		SRV=""
		CLI=""
	fi
}

# start_daemon TARGET [WRAPPER...]: sets PID (of the daemon itself, or of
# the wrapper).  Its messages go to /run/bench/daemon.log.
start_daemon() {
	t=$1
	shift
	case $t in
	ours|musl)
		d=$BUILD/portmap
		[ "$t" = musl ] && d=$MUSL/portmap
		# shellcheck disable=SC2086
		$SRV "$@" "$d" -f $PORTMAP_OPTS 2>>/run/bench/daemon.log &
		;;
	rpcbind)
		# shellcheck disable=SC2086
		$SRV "$@" "$RPCBIND" -f $(rpcbind_options) \
		    2>>/run/bench/daemon.log &
		;;
	limit)
		$SRV "$@" "$PMB" responder 2>>/run/bench/daemon.log &
		;;
	esac
	PID=$!
}

# wait_daemon SECS: until it answers; if it does not, say why and stop.
wait_daemon() {
	"$PMB" wait -t "$1" -P "$PID" && return 0
	echo "run.sh: $T did not answer within $1 s" >&2
	tail -n 20 /run/bench/daemon.log >&2
	stop_daemon "$PID"
	exit 1
}

stop_daemon() {
	kill -TERM "$1" 2>/dev/null
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# pmb PHASE ARGS...: one bounded pmbench run on the client core.
pmb() {
	# shellcheck disable=SC2086
	timeout 120 $CLI "$PMB" "$@" -l "$T" || echo "pmbench $* failed" >&2
}

# hold N: sockets on the ports of the N registrations the benchmark makes,
# so that they name live services (our daemon reaps those that do not).
HOLD=""
hold() {
	[ "$T" = limit ] || [ "$HOLD_REGS" != yes ] && return 0
	"$PMB" hold -n "$1" >/run/bench/hold.out &
	HOLD=$!
	trap 'kill $HOLD 2>/dev/null' EXIT
	i=0
	while [ ! -s /run/bench/hold.out ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# Host one target for the interleaved run: start it, publish its PID, and
# stay until it is stopped (the namespace goes with us).
inner_host() {
	T=$1
	start_daemon "$T"
	wait_daemon 10
	echo "$PID" >"$2.tmp" && mv "$2.tmp" "$2"
	wait "$PID"
	[ -n "$HOLD" ] && kill "$HOLD" 2>/dev/null
}

# Total instructions of a callgrind run with N sequential GETPORTs.
inner_callgrind() {
	T=$1 n=$2
	out=/run/bench/cg.out
	# rpcbind drops root before callgrind writes at exit: let it write.
	: >$out
	chmod 666 $out
	hold 10
	start_daemon "$T" valgrind -q --tool=callgrind --vgdb=no \
	    --callgrind-out-file=$out
	wait_daemon 60
	[ "$T" != limit ] && pmb set -n 10 -r 10 >/dev/null
	[ "$n" -gt 0 ] && pmb udp-getport -N -n "$n" -s 1 -w 1 -r 10 -t 10 \
	    >/dev/null
	stop_daemon "$PID"
	ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' $out 2>/dev/null | head -1)
	[ -z "$ir" ] && ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' $out | head -1)
	echo "result label=$T phase=callgrind calls=$n ir=${ir:--1}"
}

# System calls of a strace -c -f run with N GETPORTs, W in flight.
inner_strace() {
	T=$1 n=$2 w=$3
	out=/run/bench/strace.out
	hold 10
	start_daemon "$T" strace -f -c -o $out
	spid=$PID
	wait_daemon 30
	[ "$T" != limit ] && pmb set -n 10 -r 10 >/dev/null
	[ "$n" -gt 0 ] && pmb udp-getport -N -n "$n" -s 1 -w "$w" -r 10 -t 10 \
	    >/dev/null
	# The daemon is strace's child: stop it, strace then writes its table.
	kids=$(cat /proc/$spid/task/*/children 2>/dev/null)
	for k in $kids; do
		kill -TERM "$k" 2>/dev/null
	done
	stop_daemon "$spid"
	awk -v t="$T" -v n="$n" -v w="$w" '
		$NF == "total" || $1 ~ /^-/ || $1 == "%" || NF < 5 { next }
		{ calls[$NF] = $4; sum += $4 }
		END {
			printf "result label=%s phase=strace calls=%d window=%d syscalls=%d", t, n, w, sum
			for (c in calls) printf " sc_%s=%d", c, calls[c]
			printf "\n"
		}' $out
}

if [ "${1:-}" = --inner ]; then
	shift
	inner_setup
	case $2 in
	host) inner_host "$1" "$3" ;;
	callgrind) inner_callgrind "$1" "$3" ;;
	strace) inner_strace "$1" "$3" "$4" ;;
	esac
	exit 0
fi

# ---------------------------------------------------------------- outer

while [ $# -gt 0 ]; do
	case $1 in
	--callgrind) MODE=callgrind ;;
	--quick) MODE=quick ;;
	--normal) MODE=normal ;;
	*) echo "usage: run.sh [--callgrind | --quick]" >&2; exit 2 ;;
	esac
	shift
done
case $MODE in
normal|callgrind) ;;
quick)
	DUR=${BENCH_DURATION:-0.5}
	REPEAT=${BENCH_REPEAT:-1}
	SIZES=${BENCH_SIZES:-10 100 500}
	CONNS=${BENCH_CONNS:-50}
	CALLS=${BENCH_CALLS:-200}
	;;
*) echo "run.sh: BENCH_MODE is normal, callgrind or quick" >&2; exit 2 ;;
esac
set -- $SIZES
if [ $# -ne 3 ] || [ "$1" -ge "$2" ] || [ "$2" -ge "$3" ]; then
	echo "run.sh: BENCH_SIZES needs three growing sizes" >&2
	exit 2
fi

if [ "$(id -u)" != 0 ]; then
	echo "run.sh: needs root (unshare -n -m)" >&2
	exit 1
fi
if [ ! -x "$PMB" ]; then
	echo "run.sh: $PMB missing: make $PMB" >&2
	exit 1
fi
targets=""
for t in $TARGETS; do
	case $t in
	ours)
		if [ ! -x "$BUILD/portmap" ]; then
			echo "run.sh: $BUILD/portmap missing, skipping ours" >&2
			continue
		fi ;;
	musl)
		# Instructions and system calls: the same code, not compared.
		[ "$MODE" = callgrind ] && [ -z "${BENCH_TARGETS:-}" ] &&
		    continue
		if [ ! -x "$MUSL/portmap" ]; then
			echo "run.sh: $MUSL/portmap missing (make LIBC=musl)," \
			    "skipping musl" >&2
			continue
		fi ;;
	rpcbind)
		if [ ! -x "$RPCBIND" ]; then
			echo "run.sh: $RPCBIND missing, skipping rpcbind" >&2
			continue
		fi ;;
	limit) ;;
	*) echo "run.sh: unknown target $t" >&2; exit 2 ;;
	esac
	targets="$targets $t"
done
if [ "$MODE" = callgrind ]; then
	for tool in valgrind strace; do
		if ! command -v $tool >/dev/null; then
			echo "run.sh: $tool missing (sh scripts/deps.sh bench)" >&2
			exit 1
		fi
	done
fi

work=$(mktemp -d /tmp/pmbench.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT
res=$work/results
log=$work/log
: >"$res"
BENCH_DURATION=$DUR BENCH_SIZES=$SIZES BENCH_CONNS=$CONNS BENCH_CALLS=$CALLS
BENCH_HOLD=$HOLD_REGS
export BUILD BENCH_DURATION BENCH_SIZES BENCH_CONNS BENCH_CALLS PORTMAP_OPTS \
    RPCBIND BENCH_HOLD MUSL

# One target, one run, in its own namespaces.
run_inner() {
	timeout 900 unshare -n -m sh "$SELF" --inner "$@" >>"$res" 2>>"$log" ||
		echo "run.sh: $* failed (exit $?)" >>"$log"
}

cpus=$(cpu_list "$(taskset -pc $$ 2>/dev/null | sed 's/.*: *//')")
ncpu=$(echo $cpus | wc -w)
CLI=""
[ "$ncpu" -ge 2 ] && CLI="taskset -c $(echo $cpus | cut -d' ' -f2)"

# Interleaved run: every target in its namespace at once, each phase run
# against one target after the other, so that a machine whose load drifts
# treats them alike.  The client enters the target's namespaces.
stop_hosts() {
	for h in $holders; do
		kill "$h" 2>/dev/null
	done
	holders=""
	for t in $live; do
		p=$(cat "$work/$t.pid" 2>/dev/null) || continue
		kill -TERM "$p" 2>/dev/null
	done
	for t in $live; do
		p=$(cat "$work/$t.pid" 2>/dev/null) || continue
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -KILL "$p" 2>/dev/null
	done
	wait
	live=""
}

# hold_regs FIRST N: in each daemon's namespace, sockets on the ports of
# the registrations "set -f FIRST -n N" makes: they name live services
# (our daemon reaps registrations whose port nobody holds).
holders=""
hold_regs() {
	[ "$HOLD_REGS" = yes ] || return 0
	for t in $order; do
		[ "$t" = limit ] && continue
		p=$(cat "$work/$t.pid")
		f=$work/$t.hold.$1
		nsenter -t "$p" -n -m "$PMB" hold -f "$1" -n "$2" >"$f" \
		    2>>"$log" &
		holders="$holders $!"
		i=0
		while [ ! -s "$f" ] && [ $i -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	done
}

# step WHO PHASE ARGS...: WHO is all or daemons (not the responder).
order=""
step() {
	who=$1
	shift
	# Alternate the order from step to step.
	rev=""
	for t in $order; do rev="$t $rev"; done
	order=$rev
	for t in $order; do
		[ "$who" = daemons ] && [ "$t" = limit ] && continue
		p=$(cat "$work/$t.pid")
		nc=""
		[ "$t" = limit ] && nc=-N
		# shellcheck disable=SC2086
		timeout 120 nsenter -t "$p" -n -m $CLI "$PMB" "$@" $nc -l "$t" \
		    -P "$p" >>"$res" 2>>"$log" ||
		    echo "run.sh: $t: pmbench $* failed" >>"$log"
	done
}

# tstep WHO PHASE ARGS...: a timed phase, REPEAT times (the targets in
# turn each time, the order alternating).
tstep() {
	r=0
	while [ "$r" -lt "$REPEAT" ]; do
		step "$@"
		r=$((r + 1))
	done
}

live=""
start=$(date +%s)
if [ "$MODE" = callgrind ]; then
	for t in $targets; do
		echo "run.sh: $t ($MODE)" >&2
		run_inner "$t" callgrind 0
		run_inner "$t" callgrind "$CALLS"
		run_inner "$t" strace 0 1
		run_inner "$t" strace "$CALLS" 1
		run_inner "$t" strace "$CALLS" 64
	done
else
	trap 'stop_hosts; rm -rf "$work"' EXIT
	trap 'exit 1' INT TERM
	for t in $targets; do
		timeout 1800 unshare -n -m sh "$SELF" --inner "$t" host \
		    "$work/$t.pid" >>"$res" 2>>"$log" &
		live="$live $t"
	done
	for t in $targets; do
		i=0
		while [ ! -s "$work/$t.pid" ] && [ $i -lt 200 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		if [ -s "$work/$t.pid" ]; then
			order="$order $t"
		else
			echo "run.sh: $t did not start" >>"$log"
		fi
	done
	set -- $SIZES
	s1=$1 s2=$2 s3=$3
	echo "run.sh: $order ($MODE, $DUR s per phase)" >&2
	step all stat -x idle
	hold_regs 0 "$s1"
	step daemons set -n "$s1" -r "$s1"
	for ph in udp-getport udp-getaddr; do
		tstep all $ph -r "$s1" -d "$DUR"
	done
	for ph in tcp-getport tcp-cqc churn dump; do
		tstep daemons $ph -r "$s1" -d "$DUR"
	done
	hold_regs "$s1" $((s2 - s1))
	step daemons set -f "$s1" -n $((s2 - s1)) -r "$s2"
	tstep daemons dump -r "$s2" -d "$DUR"
	hold_regs "$s2" $((s3 - s2))
	step daemons set -f "$s2" -n $((s3 - s2)) -r "$s3"
	for ph in udp-getport udp-getaddr; do
		tstep all $ph -r "$s3" -d "$DUR"
	done
	for ph in tcp-getport churn dump; do
		tstep daemons $ph -r "$s3" -d "$DUR"
	done
	step daemons conns -c "$CONNS"
	step all stat -x final
	stop_hosts
fi
secs=$(($(date +%s) - start))

if [ -s "$log" ]; then
	echo "--- messages"
	sed 's/^/  /' "$log" | head -40
fi
[ -n "${BENCH_OUT:-}" ] && cp "$res" "$BENCH_OUT"

rpcbind_ver=$(dpkg-query -W -f='${Version}' rpcbind 2>/dev/null || echo "?")
hdr="portmap benchmark ($MODE): $ncpu cpus ($(uname -r)), $secs s;"
hdr="$hdr rpcbind $rpcbind_ver as '$RPCBIND -f $(rpcbind_options)';"
hdr="$hdr ours as '$BUILD/portmap -f $PORTMAP_OPTS';"
case " $targets " in
*" musl "*) hdr="$hdr musl: the same, built with LIBC=musl ($MUSL/portmap);" ;;
esac
[ "$HOLD_REGS" = yes ] &&
    hdr="$hdr a UDP socket held on each registered port" ||
    hdr="$hdr nothing listens on the registered ports"

if [ "$MODE" = callgrind ]; then
	awk -v hdr="$hdr" -v calls="$CALLS" -f "$HERE/table_cg.awk" "$res"
else
	set -- $SIZES
	awk -v hdr="$hdr" -v dur="$DUR" -v rep="$REPEAT" -v s1="$1" -v s2="$2" -v s3="$3" \
	    -v conns="$CONNS" -f "$HERE/table.awk" "$res"
fi
