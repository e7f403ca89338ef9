#!/bin/sh
# boot_install.sh - what "make install" puts where (the tree README
# documents), the units as systemd-analyze verify sees them, rpcbind's
# portmap.service alias left alone, make uninstall, and the man page
# (mandoc -Tlint clean, SYNOPSIS = portmap --help, every option described).

. "$(dirname "$0")/lib.sh"

MAKE="make -s -C $TOP -o all BUILD=$BUILD"

# tree DIR: every file and link under DIR, relative, sorted.
tree()
{
	(cd "$1" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort)
}

# ---- the documented tree ----

D=$T/dest
mkdir -p "$D"
USER_BEFORE=$(getent passwd portmap >/dev/null 2>&1 && echo yes || echo no)
capture $MAKE install DESTDIR="$D"
expect_rc "make install DESTDIR=... succeeds" 0
{
	for b in pmap_dump pmap_set portmap rpcinfo; do
		[ -f "$TOP/src/$b.c" ] && echo "usr/local/sbin/$b"
	done
	for m in "$TOP"/man/*.8; do
		echo "usr/local/share/man/man8/$(basename "$m")"
	done
	echo etc/default/portmap
	echo etc/init.d/portmap
	echo lib/systemd/system/portmap.service
	echo lib/systemd/system/portmap.socket
	echo usr/lib/sysusers.d/portmap.conf
} | sort >"$T/want"
tree "$D" >"$T/got"
if cmp -s "$T/want" "$T/got"; then
	ok "the installed tree is the documented one ($(wc -l <"$T/got") files)"
else
	not_ok "the installed tree is the documented one"
	diff "$T/want" "$T/got" | sed 's/^/#   /'
fi
capture stat -c '%a %n' "$D/usr/local/sbin/portmap" "$D/etc/init.d/portmap" \
    "$D/lib/systemd/system/portmap.service" "$D/etc/default/portmap"
expect "the daemon is mode 755" "^755 .*/sbin/portmap\$"
expect "the init script is mode 755" "^755 .*/init.d/portmap\$"
expect "the unit is mode 644" "^644 .*/portmap.service\$"
capture grep '^ExecStart=' "$D/lib/systemd/system/portmap.service"
expect_eq "ExecStart= points at SBINDIR" 'ExecStart=/usr/local/sbin/portmap -f $OPTIONS'
capture grep -c '@SBINDIR@' "$D/etc/init.d/portmap"
expect_is "the init script has its path filled in" 0
capture grep '^PORTMAP_BIN=' "$D/etc/init.d/portmap"
expect_eq "... as SBINDIR/portmap" 'PORTMAP_BIN=${PORTMAP_BIN:-/usr/local/sbin/portmap}'
USER_AFTER=$(getent passwd portmap >/dev/null 2>&1 && echo yes || echo no)
if [ "$USER_BEFORE" = "$USER_AFTER" ]; then
	ok "no system user is created when DESTDIR is set"
else
	not_ok "no system user is created when DESTDIR is set"
fi

# Other directories.
D2=$T/dest2
capture $MAKE install DESTDIR="$D2" PREFIX=/usr SBINDIR=/usr/sbin \
    MANDIR=/usr/share/man SYSTEMDUNITDIR=/usr/lib/systemd/system
expect_rc "make install with PREFIX, SBINDIR, MANDIR, SYSTEMDUNITDIR" 0
for f in usr/sbin/portmap usr/share/man/man8/portmap.8 \
    usr/lib/systemd/system/portmap.service usr/lib/systemd/system/portmap.socket; do
	if [ -f "$D2/$f" ]; then ok "... $f"; else not_ok "... $f"; fi
done
capture grep '^ExecStart=' "$D2/usr/lib/systemd/system/portmap.service"
expect_eq "... ExecStart= follows SBINDIR" 'ExecStart=/usr/sbin/portmap -f $OPTIONS'

# ---- systemd-analyze verify ----

if command -v systemd-analyze >/dev/null 2>&1; then
	# verify needs ExecStart='s program: the installed one, by its
	# DESTDIR path; man:portmap(8) is found through MANPATH.
	V=$T/verify
	mkdir -p "$V"
	for u in portmap.service portmap.socket; do
		sed "s|^ExecStart=/usr/local/sbin/portmap|ExecStart=$D/usr/local/sbin/portmap|" \
		    "$D/lib/systemd/system/$u" >"$V/$u"
	done
	LAST_CMD="systemd-analyze verify portmap.socket portmap.service"
	(cd "$V" && MANPATH=$D/usr/local/share/man run_to 60 \
	    systemd-analyze verify ./portmap.socket ./portmap.service) \
	    >"$T/out" 2>&1
	RC=$?
	if [ "$RC" = 0 ] && [ ! -s "$T/out" ]; then
		ok "systemd-analyze verify: both units clean"
	else
		not_ok "systemd-analyze verify: both units clean"
		diag_last
	fi
	# And it would say so: a unit with a broken line is not clean.
	sed 's/^Type=notify/Type=notifyy/' "$V/portmap.service" >"$V/broken.service"
	(cd "$V" && MANPATH=$D/usr/local/share/man run_to 60 \
	    systemd-analyze verify ./broken.service) >"$T/out" 2>&1
	expect_any "... (a broken copy is reported)" 'notifyy'
else
	not_ok "systemd-analyze installed (Debian's systemd package)"
fi

# ---- rpcbind's portmap.service alias ----

D3=$T/dest3
mkdir -p "$D3/lib/systemd/system" "$D3/etc/default"
ln -s rpcbind.service "$D3/lib/systemd/system/portmap.service"
echo 'OPTIONS="-w -l"' >"$D3/etc/default/portmap"
LAST_CMD="make install (rpcbind alias present)"
$MAKE install DESTDIR="$D3" >"$T/out" 2>"$T/install.err"
RC=$?
expect_rc "make install with rpcbind's alias present succeeds" 0
capture readlink "$D3/lib/systemd/system/portmap.service"
expect_eq "the alias symlink is left alone" rpcbind.service
if [ -f "$D3/etc/systemd/system/portmap.service" ] &&
    [ -f "$D3/etc/systemd/system/portmap.socket" ]; then
	ok "our units go to /etc/systemd/system instead"
else
	not_ok "our units go to /etc/systemd/system instead"
	tree "$D3" | sed 's/^/#   /'
fi
if grep -q 'symbolic link to rpcbind.service.*left alone' "$T/install.err"; then
	ok "make install says so"
else
	not_ok "make install says so"
	diag_file "$T/install.err"
fi
capture cat "$D3/etc/default/portmap"
expect_eq "an existing /etc/default/portmap is kept" 'OPTIONS="-w -l"'
capture $MAKE install DESTDIR="$D3" FORCE=1
expect_rc "FORCE=1 install" 0
if [ -f "$D3/lib/systemd/system/portmap.service" ] &&
    [ ! -L "$D3/lib/systemd/system/portmap.service" ]; then
	ok "FORCE=1 replaces the alias with our unit"
else
	not_ok "FORCE=1 replaces the alias with our unit"
fi

# ---- uninstall ----

capture $MAKE uninstall DESTDIR="$D"
expect_rc "make uninstall" 0
tree "$D" >"$T/out"
RC=$?
expect_is "make uninstall removes every file it installed" ""
rm -f "$D3/lib/systemd/system/portmap.service"
ln -s rpcbind.service "$D3/lib/systemd/system/portmap.service"
capture $MAKE uninstall DESTDIR="$D3"
tree "$D3" >"$T/out"
RC=$?
expect_eq "uninstall keeps the alias, the edited defaults, removes ours" \
    "$(printf '%s\n' etc/default/portmap lib/systemd/system/portmap.service)"

# ---- the man page ----

if command -v mandoc >/dev/null 2>&1; then
	capture mandoc -Tlint -W warning "$TOP/man/portmap.8"
	if [ "$RC" = 0 ] && [ ! -s "$T/out" ] && [ ! -s "$T/err" ]; then
		ok "mandoc -Tlint: portmap.8 clean"
	else
		not_ok "mandoc -Tlint: portmap.8 clean"
		diag_last
	fi
	mandoc -Tascii "$TOP/man/portmap.8" | col -b |
	    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' |
	    tr -s ' \t\n' ' ' | sed 's/^ //; s/ $//' >"$T/syn"
	"$PORTMAP" --help | sed 's/^usage://' | tr -s ' \t\n' ' ' |
	    sed 's/^ //; s/ $//' >"$T/help"
	if cmp -s "$T/syn" "$T/help"; then
		ok "portmap --help matches the SYNOPSIS"
	else
		not_ok "portmap --help matches the SYNOPSIS"
		diag "synopsis: $(cat "$T/syn")"
		diag "--help:   $(cat "$T/help")"
	fi
	# Every option in --help has its entry in the option list.
	_miss=""
	for o in $(grep -o -- '-[A-Za-z]\+\|--[a-z-]\+' "$T/help" | sort -u); do
		case "$o" in
		--*) _pat="^\\.It Fl Fl ${o#--}( |\$)" ; _one="$o" ;;
		-??*)	# a group of flags: each letter
			for l in $(echo "${o#-}" | sed 's/./& /g'); do
				grep -Eq "^\\.It Fl $l( |\$)" "$TOP/man/portmap.8" ||
				    _miss="$_miss -$l"
			done
			continue ;;
		*) _pat="^\\.It Fl ${o#-}( |\$)" ; _one="$o" ;;
		esac
		grep -Eq "$_pat" "$TOP/man/portmap.8" || _miss="$_miss $_one"
	done
	if [ -z "$_miss" ]; then
		ok "every option of --help is described in portmap.8"
	else
		not_ok "every option of --help is described in portmap.8 (missing:$_miss)"
	fi
	for s in 'SIGNALS' 'FILES' 'EXIT STATUS' 'STANDARDS' 'TROUBLESHOOTING' \
	    'SECURITY CONSIDERATIONS' 'ENVIRONMENT'; do
		if grep -q "^\\.Sh $s\$" "$TOP/man/portmap.8"; then
			ok "portmap.8 has $s"
		else
			not_ok "portmap.8 has $s"
		fi
	done
	for r in 1833 5531 4506; do
		grep -q "^\\.%R RFC $r\$" "$TOP/man/portmap.8" &&
		    ok "STANDARDS cites RFC $r" || not_ok "STANDARDS cites RFC $r"
	done
else
	not_ok "mandoc installed"
fi

done_testing
