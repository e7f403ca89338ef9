#!/bin/sh
# deps.sh - install what portmap needs from Debian's packages, once.
#
#   sh scripts/deps.sh build    compiler, libtirpc-dev, libsystemd-dev
#   sh scripts/deps.sh musl     build + musl-tools (make LIBC=musl)
#   sh scripts/deps.sh test     build + musl + cmocka and the real peers the
#                               tests use
#   sh scripts/deps.sh bench    test + what the benchmark compares against
#
# A no-op when everything is present.  Installing rpcbind, nfs-common or
# nfs-kernel-server could start their daemons on this host: a policy-rc.d
# keeps them from starting while we install, and any that started anyway
# are stopped by PID, so the host's port 111 is left as it was.
set -eu

what=${1:-build}
build_pkgs="gcc make pkg-config libtirpc-dev libsystemd-dev"
musl_pkgs="$build_pkgs musl-tools"
test_pkgs="$musl_pkgs libcmocka-dev rpcbind nfs-common nfs-kernel-server tshark \
iproute2 util-linux procps mandoc python3 jq systemd valgrind clang libclang-rt-14-dev \
psmisc nis strace"
bench_pkgs="$test_pkgs strace"

case "$what" in
build) pkgs=$build_pkgs ;;
musl) pkgs=$musl_pkgs ;;
test) pkgs=$test_pkgs ;;
bench) pkgs=$bench_pkgs ;;
*) echo "usage: deps.sh build|musl|test|bench" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages:$missing; run as root to install them" >&2
	exit 1
fi

echo "deps.sh: installing$missing"
daemons="rpcbind rpc.statd rpc.mountd rpc.idmapd rpc.gssd nfsdcld blkmapd \
ypbind ypserv rpc.yppasswdd rpc.ypxfrd"
before=$(pidof $daemons 2>/dev/null || true)

policy=/usr/sbin/policy-rc.d
made_policy=no
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	made_policy=yes
fi
cleanup() {
	[ "$made_policy" = yes ] && rm -f "$policy"
	return 0
}
trap cleanup EXIT INT TERM

export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null

# Stop, by PID, any daemon the install started despite the policy.
after=$(pidof $daemons 2>/dev/null || true)
for pid in $after; do
	case " $before " in *" $pid "*) continue ;; esac
	echo "deps.sh: stopping $(cat /proc/$pid/comm 2>/dev/null) (pid $pid) started by the install"
	kill "$pid" 2>/dev/null || true
done
exit 0
