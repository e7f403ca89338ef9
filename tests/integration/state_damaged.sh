#!/bin/sh
# state_damaged.sh - a bad state file never keeps the daemon from
# starting, is reported clearly, is moved aside, and nothing dangerous is
# followed.
#
# A good file of 20 registrations is made, then replaced in turn by a
# corrupt, a truncated, an empty, a garbage, a symlinked, a FIFO and a
# wrong-owner file; and the state directory by a symbolic link.  Each
# time: the daemon starts and answers, the log says what was wrong, the
# bad file is in state.corrupt-*, what could be read is restored, and a
# symbolic link's target is left exactly as it was.

. "$(dirname "$0")/lib.sh"

if [ "$PMAP_DAEMON" != ours ]; then
	ok "state_damaged: skipped for $PMAP_DAEMON (our state file only)"
	done_testing
fi
# every start here is a warm one (lib.sh's start_daemon would clear the
# state directory otherwise): the tests manage the state themselves
DAEMON_WARM=1
REG=$BUILD/tests/progs/pm_reg
if [ ! -x "$REG" ]; then
	not_ok "pm_reg built ($REG): run make tests"
	done_testing
fi
STEP_TIMEOUT=30
DIR=/run/portmap
STATE=$DIR/state

# found N: GETPORT finds exactly N of the 20 registrations.
found()
{
	capture "$REG" -r 1 -m 1000 getport 700000 20 23000
	expect_any "$1" "^found $2 missing $((20 - $2))$"
}

# logged DESC ERE: the daemon's log has a line matching ERE.
logged()
{
	if grep -Eq -- "$2" "$T/daemon.err"; then
		ok "$1"
	else
		not_ok "$1"
		diag "wanted in the log: $2"
		diag_file "$T/daemon.err"
	fi
}

# moved_aside DESC: exactly one state.corrupt-* file, then clear them.
moved_aside()
{
	_n=$(ls -d "$DIR"/state.corrupt-* 2>/dev/null | wc -l)
	if [ "$_n" = 1 ]; then
		ok "$1"
	else
		not_ok "$1 ($_n files)"
		ls -la "$DIR" | sed 's/^/# /'
	fi
	MOVED=$(ls -d "$DIR"/state.corrupt-* 2>/dev/null | head -n 1)
}

# fresh: after a start, the state file is a regular file again.
fresh()
{
	if [ -f "$STATE" ] && [ ! -L "$STATE" ]; then
		ok "$1: a fresh state file is written"
	else
		not_ok "$1: a fresh state file is written"
		ls -la "$DIR" | sed 's/^/# /'
	fi
}

# damaged NAME: stop the daemon; the caller then puts a bad file in place.
reset_dir()
{
	stop_daemon
	rm -f "$DIR"/state.corrupt-* "$STATE"
}

# ---- a good file ----

start_daemon --no-reap || done_testing
capture "$REG" set 700000 20 23000
expect_rc "20 registrations" 0
stop_daemon
cp "$STATE" "$T/good"
if [ "$(stat -c %s "$T/good")" = $((21 * 256)) ]; then
	ok "a good state file: 21 records"
else
	not_ok "a good state file: 21 records"
fi
start_daemon --no-reap || done_testing
found "the good file restores all 20" 20

# ---- corrupt: one record's bytes changed ----

reset_dir
cp "$T/good" "$STATE"
printf 'XXXX' | dd of="$STATE" bs=1 seek=$((5 * 256 + 40)) conv=notrunc \
    2>/dev/null
start_daemon --no-reap || done_testing
logged "corrupt: the record is named" \
    "state file $STATE: record 5 \\(offset 1280\\): .*skipped"
logged "corrupt: moved aside, with what was restored" \
    "state file $STATE was damaged: 19 entries restored from it; moved aside to $DIR/state.corrupt-"
moved_aside "corrupt: the bad file is kept aside"
if cmp -s "$MOVED" "$T/good"; then
	not_ok "corrupt: the file aside is the damaged one"
else
	ok "corrupt: the file aside is the damaged one"
fi
found "corrupt: the other 19 are restored" 19
fresh corrupt

# ---- truncated in the middle of the last record ----

reset_dir
head -c $((21 * 256 - 100)) "$T/good" >"$STATE"
start_daemon --no-reap || done_testing
logged "truncated: reported" \
    "state file $STATE: last record truncated \\(156 of 256 bytes at offset 5120\\), ignored"
moved_aside "truncated: moved aside"
found "truncated: the 19 whole records are restored" 19
fresh truncated

# ---- empty ----

reset_dir
: >"$STATE"
start_daemon --no-reap || done_testing
logged "empty: reported" "state file $STATE is empty: nothing restored"
moved_aside "empty: moved aside"
found "empty: nothing restored, daemon up" 0
fresh empty

# ---- garbage ----

reset_dir
head -c 100000 /dev/urandom >"$STATE"
start_daemon --no-reap || done_testing
logged "garbage: reported" \
    "state file $STATE: [0-9]+ corrupt records skipped"
moved_aside "garbage: moved aside"
found "garbage: nothing restored, daemon up" 0

# ---- a symbolic link: not followed, its target untouched ----

reset_dir
cp "$T/good" /run/victim
chmod 0666 /run/victim		# writable by the daemon's user, if it followed
touch -d '2001-01-01 00:00:00' /run/victim
ln -s /run/victim "$STATE"
VSUM=$(md5sum </run/victim)
VSTAT=$(stat -c '%s %u %g %a %Y' /run/victim)
start_daemon --no-reap || done_testing
logged "symlink: reported, not followed" \
    "state file $STATE is a symbolic link: not followed, nothing restored"
moved_aside "symlink: the link is moved aside"
if [ -L "$MOVED" ]; then
	ok "symlink: what was moved aside is the link itself"
else
	not_ok "symlink: what was moved aside is the link itself"
fi
found "symlink: nothing restored through it" 0
capture "$REG" set 700100 5 23500
stop_daemon
if [ "$(md5sum </run/victim)" = "$VSUM" ] &&
    [ "$(stat -c '%s %u %g %a %Y' /run/victim)" = "$VSTAT" ]; then
	ok "symlink: the target is untouched (content, owner, mode, time)"
else
	not_ok "symlink: the target is untouched"
	diag "before: $VSTAT, after: $(stat -c '%s %u %g %a %Y' /run/victim)"
fi
start_daemon --no-reap || done_testing
fresh symlink

# ---- a FIFO: not read (it would block) ----

reset_dir
mkfifo "$STATE"
start_daemon --no-reap || done_testing
logged "fifo: reported" "state file $STATE is not a regular file: nothing restored"
moved_aside "fifo: moved aside"

# ---- someone else's file ----

reset_dir
cp "$T/good" "$STATE"
chown 4242:4242 "$STATE"
chmod 0644 "$STATE"		# readable: the owner check is what refuses it
start_daemon --no-reap || done_testing
logged "wrong owner: reported, not trusted" \
    "state file $STATE is owned by uid 4242, not by us \\(uid [0-9]+\\): not trusted, nothing restored"
moved_aside "wrong owner: moved aside"
found "wrong owner: nothing restored" 0
fresh "wrong owner"

# ---- the state directory is a symbolic link ----

stop_daemon
mkdir -m 0777 /run/victimdir
ln -s /run/victimdir /run/pmlink
start_daemon --no-reap --state-dir /run/pmlink || done_testing
logged "directory symlink: refused, the daemon runs without persistence" \
    "state directory /run/pmlink is a symbolic link: refused .*; running without persistence"
capture "$REG" set 700200 5 23600
expect_rc "directory symlink: registrations still work" 0
stop_daemon
if [ -z "$(ls -A /run/victimdir)" ]; then
	ok "directory symlink: nothing written through it"
else
	not_ok "directory symlink: nothing written through it"
	ls -la /run/victimdir | sed 's/^/# /'
fi

done_testing
