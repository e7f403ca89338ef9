#!/bin/sh
# fuzz_smoke.sh - a short fuzz of every target, so that `make check` catches
# a change that makes the dispatcher, the record reader or the codecs
# crash, leak or break an invariant on hostile input.
#
# Builds the libFuzzer targets (clang, ASan+UBSan) in build-fuzz/ and runs
# them for FUZZ_SMOKE_SECONDS (60) in total, starting from the seed corpus
# in tests/fuzz/corpus/.  Long runs: make fuzz FUZZ_SECONDS=N.
#
# The fuzzers carry their own sanitizers, so the second pass of `make
# check` (BUILD=build-san) does not run them again.
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
BUILD=${BUILD:-build}
SECS=${FUZZ_SMOKE_SECONDS:-60}

case "$BUILD" in
*san*)
	echo "ok - fuzz smoke: already run in the plain pass # SKIP under $BUILD"
	exit 0
	;;
esac

if ! command -v clang >/dev/null 2>&1; then
	echo "not ok - fuzz smoke: clang not installed (sh scripts/deps.sh test)"
	exit 1
fi

mkdir -p build-fuzz/logs
if timeout 600 make -s fuzz-build >build-fuzz/logs/build.log 2>&1; then
	echo "ok - fuzz smoke: targets build with clang -fsanitize=fuzzer,address,undefined"
else
	echo "not ok - fuzz smoke: targets do not build (build-fuzz/logs/build.log)"
	tail -n 20 build-fuzz/logs/build.log | sed 's/^/# /'
	exit 1
fi

FUZZ_BUILD=build-fuzz FUZZ_SECONDS=$SECS sh tests/fuzz/run.sh
exit $?
