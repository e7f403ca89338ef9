#!/bin/sh
# install.sh - "make install" and "make uninstall" (the Makefile passes
# the directories in the environment).
#
#   $SBINDIR             portmap rpcinfo pmap_dump pmap_set
#   $MANDIR/man8         the man pages
#   $SYSTEMDUNITDIR      portmap.service portmap.socket (ExecStart= set to
#                        $SBINDIR/portmap) - or /etc/systemd/system, see below
#   $SYSUSERSDIR         portmap.conf (sysusers.d: the user "portmap")
#   $INITDIR             portmap (the SysV init script)
#   $SYSCONFDIR/default  portmap (the options; an existing one is kept)
#
# Everything under $DESTDIR.  Without DESTDIR (a real install), the system
# user "portmap" is created when missing.
#
# Debian's rpcbind package ships $SYSTEMDUNITDIR/portmap.service as a
# symbolic link to rpcbind.service (an alias).  We never overwrite it: the
# package manager owns it and would put it back.  Our units then go to
# $SYSCONFDIR/systemd/system, which systemd reads first, and a message says
# so.  FORCE=1 replaces the link instead.
set -eu

action=${1:-install}
: "${DESTDIR:=}" "${BUILD:=build}" "${FORCE:=}"
: "${SBINDIR:?}" "${MANDIR:?}" "${SYSTEMDUNITDIR:?}"
: "${SYSCONFDIR:=/etc}" "${INITDIR:=$SYSCONFDIR/init.d}"
: "${SYSUSERSDIR:=/usr/lib/sysusers.d}"
MAINS="portmap rpcinfo pmap_dump pmap_set"
ETCUNITDIR=$SYSCONFDIR/systemd/system
D=$DESTDIR

# The unit directory to use: SYSTEMDUNITDIR unless the package manager's
# alias is there.
unitdir()
{
	if [ -L "$D$SYSTEMDUNITDIR/portmap.service" ] && [ "$FORCE" != 1 ]; then
		echo "$ETCUNITDIR"
	else
		echo "$SYSTEMDUNITDIR"
	fi
}

do_install()
{
	install -d "$D$SBINDIR" "$D$MANDIR/man8" "$D$INITDIR" \
	    "$D$SYSCONFDIR/default" "$D$SYSUSERSDIR"
	for b in $MAINS; do
		if [ -f "$BUILD/$b" ]; then
			install -m 755 "$BUILD/$b" "$D$SBINDIR/"
		fi
	done
	for m in man/*.8; do
		if [ -f "$m" ]; then
			install -m 644 "$m" "$D$MANDIR/man8/"
		fi
	done

	ud=$(unitdir)
	if [ "$ud" != "$SYSTEMDUNITDIR" ]; then
		echo "install: $D$SYSTEMDUNITDIR/portmap.service is a symbolic" \
		    "link to $(readlink "$D$SYSTEMDUNITDIR/portmap.service")" \
		    "(rpcbind's alias): left alone; our units go to" \
		    "$D$ud, which systemd reads first (FORCE=1 replaces the" \
		    "link instead)" >&2
	elif [ -L "$D$SYSTEMDUNITDIR/portmap.service" ]; then
		echo "install: FORCE=1: replacing the link" \
		    "$D$SYSTEMDUNITDIR/portmap.service" >&2
		rm -f "$D$SYSTEMDUNITDIR/portmap.service"
	fi
	install -d "$D$ud"
	sed "s|/usr/local/sbin/portmap|$SBINDIR/portmap|g" portmap.service \
	    >"$D$ud/portmap.service.tmp"
	chmod 644 "$D$ud/portmap.service.tmp"
	mv -f "$D$ud/portmap.service.tmp" "$D$ud/portmap.service"
	install -m 644 portmap.socket "$D$ud/portmap.socket"

	install -m 644 scripts/portmap.sysusers "$D$SYSUSERSDIR/portmap.conf"
	sed "s|@SBINDIR@|$SBINDIR|g" scripts/portmap.init >"$D$INITDIR/portmap.tmp"
	chmod 755 "$D$INITDIR/portmap.tmp"
	mv -f "$D$INITDIR/portmap.tmp" "$D$INITDIR/portmap"
	if [ -e "$D$SYSCONFDIR/default/portmap" ]; then
		echo "install: $D$SYSCONFDIR/default/portmap exists: kept" >&2
	else
		install -m 644 scripts/portmap.default \
		    "$D$SYSCONFDIR/default/portmap"
	fi

	if [ -z "$D" ] && ! getent passwd portmap >/dev/null 2>&1; then
		if command -v useradd >/dev/null 2>&1; then
			useradd --system --no-create-home --home-dir /nonexistent \
			    --shell /usr/sbin/nologin --user-group portmap &&
			    echo "install: created the system user portmap" >&2
		else
			echo "install: no useradd: portmap will run as nobody" \
			    "(or create the user portmap)" >&2
		fi
	fi
}

do_uninstall()
{
	for b in $MAINS; do
		rm -f "$D$SBINDIR/$b"
	done
	for m in man/*.8; do
		rm -f "$D$MANDIR/man8/$(basename "$m")"
	done
	# Our units wherever they went; never the package manager's link.
	for dir in "$SYSTEMDUNITDIR" "$ETCUNITDIR"; do
		for u in portmap.service portmap.socket; do
			if [ -f "$D$dir/$u" ] && [ ! -L "$D$dir/$u" ]; then
				rm -f "$D$dir/$u"
			fi
		done
	done
	rm -f "$D$SYSUSERSDIR/portmap.conf" "$D$INITDIR/portmap"
	# The options file is configuration: kept unless never edited.
	if cmp -s scripts/portmap.default "$D$SYSCONFDIR/default/portmap"; then
		rm -f "$D$SYSCONFDIR/default/portmap"
	fi
}

case "$action" in
install) do_install ;;
uninstall) do_uninstall ;;
*) echo "usage: install.sh install|uninstall" >&2; exit 2 ;;
esac
