# portmap - an ONC RPC port mapper.  See README.
#
#   make            build the daemon and the clients into $(BUILD)/
#   make run        install build dependencies, build, run portmap -f on port 111
#   make check      install test dependencies, build, run every test
#   make check-valgrind  some integration scripts with the daemon under valgrind
#   make check-musl  some integration scripts against the static musl daemon
#   make install    PREFIX, DESTDIR, SBINDIR, MANDIR, SYSTEMDUNITDIR, SYSCONFDIR,
#                   INITDIR, SYSUSERSDIR, FORCE=1 (see scripts/install.sh)
#   SANITIZE=address,undefined   build (in its own directory) with sanitizers

PREFIX		?= /usr/local
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
SYSTEMDUNITDIR	?= /lib/systemd/system
SYSCONFDIR	?= /etc
INITDIR		?= $(SYSCONFDIR)/init.d
SYSUSERSDIR	?= /usr/lib/sysusers.d

CC		?= cc
WARNINGS	 = -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
		   -Wmissing-prototypes -Wformat=2 -Wno-unused-parameter
OPT		?= -O2 -g
SANITIZE	?=
# LIBC=musl: the programs linked statically with musl (Debian's
# musl-tools) in build-musl/: no shared library mapped at all, so the
# daemon's resident set is a quarter of the glibc build's; it talks to a
# service manager by itself (a static program cannot load libsystemd).
# The test programs need glibc (libtirpc, cmocka): build them with the
# default LIBC, then PMAP_PORTMAP=build-musl/portmap runs the integration
# tests against this daemon (make check does so).
LIBC		?= glibc
ifeq ($(LIBC),musl)
ifneq ($(SANITIZE),)
$(error SANITIZE and LIBC=musl do not go together)
endif
BUILD		?= build-musl
CC		 = musl-gcc
MULTIARCH	:= $(shell gcc -print-multiarch 2>/dev/null)
# musl-gcc leaves /usr/include out: the kernel's headers come in by name.
UAPI		 = $(BUILD)/include
LIBC_CFLAGS	 = -isystem $(UAPI) -DPM_NO_LIBSYSTEMD -ffunction-sections \
		   -fdata-sections
LIBC_LDFLAGS	 = -static -Wl,--gc-sections
else ifneq ($(LIBC),glibc)
$(error LIBC is glibc or musl)
endif
ifneq ($(SANITIZE),)
BUILD		?= build-san
SANFLAGS	 = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT		 = -O1 -g
else
BUILD		?= build
SANFLAGS	 =
endif

TIRPC_CFLAGS	:= $(shell pkg-config --cflags libtirpc 2>/dev/null || echo -I/usr/include/tirpc)
TIRPC_LIBS	:= $(shell pkg-config --libs libtirpc 2>/dev/null || echo -ltirpc)
# libsystemd: its header only (src/notify.c loads the library with dlopen
# under a service manager; never linked).  dlopen is in glibc's libc
# since 2.34: no -ldl.
SYSTEMD_CFLAGS	:= $(shell pkg-config --cflags libsystemd 2>/dev/null)

ALL_CFLAGS	 = -std=gnu11 -D_GNU_SOURCE -Iinclude $(SYSTEMD_CFLAGS) $(OPT) \
		   $(WARNINGS) $(SANFLAGS) $(LIBC_CFLAGS) $(CFLAGS)
ALL_LDFLAGS	 = $(SANFLAGS) $(LIBC_LDFLAGS) $(LDFLAGS)

# Every file in src/ goes into one internal archive, except the mains.
MAINS		 = portmap rpcinfo pmap_dump pmap_set
LIB_SRCS	 = $(filter-out $(MAINS:%=src/%.c),$(wildcard src/*.c))
LIB_OBJS	 = $(LIB_SRCS:src/%.c=$(BUILD)/obj/%.o)
LIB		 = $(BUILD)/libportmap.a
BINS		 = $(patsubst src/%.c,$(BUILD)/%,$(wildcard $(MAINS:%=src/%.c)))

# Unit tests: tests/unit/test_*.c, each a cmocka program linked with the archive.
UNIT_SRCS	 = $(wildcard tests/unit/test_*.c)
UNIT_BINS	 = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
# Test programs: tests/progs/*.c, real libtirpc peers and our own load tools.
PROG_SRCS	 = $(wildcard tests/progs/*.c)
PROG_BINS	 = $(PROG_SRCS:tests/progs/%.c=$(BUILD)/tests/progs/%)

.PHONY: all run check check-unit check-integration check-valgrind check-musl deps test-deps install uninstall \
	clean bench fuzz fuzz-build tests

all: $(BINS)

ifeq ($(LIBC),musl)
$(BUILD)/obj/%.o: src/%.c $(UAPI)/.made
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(UAPI)/.made:
	@command -v musl-gcc >/dev/null || \
	    { echo "LIBC=musl needs musl-gcc (musl-tools): make deps LIBC=musl" >&2; exit 1; }
	@mkdir -p $(UAPI)
	ln -sfn /usr/include/linux $(UAPI)/linux
	ln -sfn /usr/include/asm-generic $(UAPI)/asm-generic
	ln -sfn /usr/include/$(MULTIARCH)/asm $(UAPI)/asm
	@touch $@

tests:
	@echo "the tests build with glibc: make tests, then" \
	    "PMAP_PORTMAP=$(BUILD)/portmap (see make check)" >&2; exit 1
else
$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<
endif

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# The daemon binds every symbol at start-up (-z now): nothing of the
# dynamic linker is needed, or resident, once it runs (and the GOT is
# read-only: full RELRO).
$(BUILD)/portmap: $(BUILD)/obj/portmap.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -Wl,-z,relro,-z,now -o $@ $^ $(LDLIBS)

$(BUILD)/%: $(BUILD)/obj/%.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Isrc -MMD -MP -c -o $@ $<

$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcmocka $(LDLIBS)

$(BUILD)/tests/progs/%: tests/progs/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(TIRPC_CFLAGS) -o $@ $< $(LIB) $(ALL_LDFLAGS) $(TIRPC_LIBS) $(LDLIBS)

ifneq ($(LIBC),musl)
tests: $(BINS) $(UNIT_BINS) $(PROG_BINS) $(BUILD)/pmbench
endif

# The benchmark (tests/bench/): our daemon, rpcbind and the loopback limit.
# BENCH_MODE=callgrind counts instructions and system calls per GETPORT.
$(BUILD)/pmbench: tests/bench/pmbench.c $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(ALL_LDFLAGS) -lm $(LDLIBS)

bench: all $(BUILD)/pmbench
	sh scripts/deps.sh bench
	$(MAKE) -j$$(nproc) all LIBC=musl BUILD=build-musl
	BUILD=$(BUILD) BENCH_MUSL=build-musl sh tests/bench/run.sh

deps:
	sh scripts/deps.sh $(if $(filter musl,$(LIBC)),musl,build)

test-deps:
	sh scripts/deps.sh test

# Run the daemon in the foreground on port 111 (as root).
run: deps
	$(MAKE) all
	./$(BUILD)/portmap -f

# Integration scripts run again against the static musl daemon and clients
# (the test programs stay glibc's): the protocol on every transport, rpcinfo
# against Debian's byte for byte, the state file, the service manager's
# protocol, privileges, policy, hostile input.
MUSL_SCRIPTS	 = tirpc tirpc_table tirpc_options debian_rpcinfo nfs_peers \
		   rpcinfo_golden rpcinfo_json rpcinfo_hostile pmap_roundtrip state_restore \
		   state_signals state_damaged boot_notify boot_activate \
		   boot_privs boot_hardening policy_access policy_amp \
		   conflict_bind reap_netns abuse_garbage abuse_bomb \
		   abuse_getaddr fwd_limits

check-musl: tests
	$(MAKE) -j$$(nproc) all LIBC=musl BUILD=build-musl
	BUILD=$(BUILD) ONLY=integration PMAP_PORTMAP=$(CURDIR)/build-musl/portmap \
	    PMAP_CLIENTS=$(CURDIR)/build-musl SCRIPTS="$(MUSL_SCRIPTS)" \
	    LOGDIR=$(BUILD)/test-logs-musl sh tests/run.sh

# Integration scripts run again with the daemon under valgrind (memcheck:
# no error, no definite leak; valgrind_daemon.sh does so in every run).
VALGRIND_SCRIPTS = tirpc tirpc_table tirpc_options debian_rpcinfo \
		   policy_access rpcinfo_hostile state_restore state_signals

# Every test: unit tests, integration tests against the real binary, some
# of them again against the static musl daemon and with the daemon under
# valgrind, then the whole suite again under ASan+UBSan in its own build
# directory.  CHECK_MUSL=no, CHECK_VALGRIND=no, CHECK_SANITIZE=no skip those.
check: test-deps
	$(MAKE) -j$$(nproc) tests
ifeq ($(SANITIZE),)
	$(MAKE) -j$$(nproc) all LIBC=musl BUILD=build-musl
endif
	BUILD=$(BUILD) sh tests/run.sh
ifeq ($(SANITIZE),)
ifneq ($(CHECK_MUSL),no)
	$(MAKE) check-musl
endif
ifneq ($(CHECK_VALGRIND),no)
	$(MAKE) check-valgrind
endif
ifneq ($(CHECK_SANITIZE),no)
	$(MAKE) -j$$(nproc) tests SANITIZE=address,undefined
	BUILD=build-san sh tests/run.sh
endif
endif

check-unit: tests
	BUILD=$(BUILD) ONLY=unit sh tests/run.sh

check-integration: tests
	BUILD=$(BUILD) ONLY=integration sh tests/run.sh

check-valgrind: tests
	BUILD=$(BUILD) ONLY=integration PMAP_VALGRIND=1 \
	    SCRIPTS="$(VALGRIND_SCRIPTS)" LOGDIR=$(BUILD)/test-logs-valgrind \
	    sh tests/run.sh

# install/uninstall: scripts/install.sh (it says what goes where, and how
# an existing rpcbind alias portmap.service is handled; FORCE=1 replaces it).
INSTALL_ENV	 = DESTDIR="$(DESTDIR)" BUILD="$(BUILD)" SBINDIR="$(SBINDIR)" \
		   MANDIR="$(MANDIR)" SYSTEMDUNITDIR="$(SYSTEMDUNITDIR)" \
		   SYSCONFDIR="$(SYSCONFDIR)" INITDIR="$(INITDIR)" \
		   SYSUSERSDIR="$(SYSUSERSDIR)" FORCE="$(FORCE)"

install: all
	$(INSTALL_ENV) sh scripts/install.sh install

uninstall:
	$(INSTALL_ENV) sh scripts/install.sh uninstall

# Fuzzing: libFuzzer targets (clang, ASan+UBSan) in build-fuzz/, each run on
# a copy of tests/fuzz/corpus for its share of FUZZ_SECONDS; fails on any
# crash, leak or broken invariant (the input is left in build-fuzz/artifacts).
FUZZ_BUILD	 = build-fuzz
FUZZ_CC		?= clang
FUZZ_SECONDS	?= 60
FUZZ_TARGETS	 = fuzz_dispatch fuzz_record fuzz_xdr
FUZZ_SAN	 = -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
FUZZ_CFLAGS	 = -std=gnu11 -D_GNU_SOURCE -Iinclude -Itests/fuzz -O1 -g \
		   $(WARNINGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_LIB_OBJS	 = $(LIB_SRCS:src/%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_COMMON	 = $(FUZZ_BUILD)/obj/fuzz_common.o $(FUZZ_BUILD)/obj/fuzz_codec.o
FUZZ_BINS	 = $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/%)

$(FUZZ_BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/obj/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/libportmap.a: $(FUZZ_LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/obj/fuzz_%.o $(FUZZ_COMMON) $(FUZZ_BUILD)/libportmap.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZ_TARGETS)

clean:
	rm -rf build build-san build-fuzz build-musl

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/tests/*.d $(FUZZ_BUILD)/obj/*.d)
