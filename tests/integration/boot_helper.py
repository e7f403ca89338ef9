#!/usr/bin/env python3
"""boot_helper.py - small tools for the boot_*.sh integration tests.

  boot_helper.py ping SPEC...
      A NULL call (program 100000, version 2) to each SPEC, one line each:
      "SPEC ok" or "SPEC fail: why".  Exit 0 when every one answered.
      SPEC: udp:HOST:PORT, tcp:HOST:PORT (HOST may be [v6]), unix:PATH,
      unix:@NAME (abstract).

  boot_helper.py notify PATH OUT SECONDS [SPEC...]
      Be the service manager's notification socket: bind a datagram
      socket at PATH and append each message to OUT as one line
      "<ms since start> <fields separated by spaces>".  When a message
      carries READY=1, ping every SPEC at once and log a line
      "<ms> PROBE ok" or "<ms> PROBE fail: ...".  Ends after SECONDS.
"""
import os
import socket
import struct
import sys
import time

TIMEOUT = 2.0


def null_call(xid):
    # xid, CALL, rpcvers 2, prog 100000, vers 2, proc 0, AUTH_NONE x2
    return struct.pack(">IIIIIIIIII", xid, 0, 2, 100000, 2, 0, 0, 0, 0, 0)


def check_reply(data, xid):
    if len(data) < 24:
        return "short reply (%d bytes)" % len(data)
    rxid, mtype, stat = struct.unpack(">III", data[:12])
    if rxid != xid or mtype != 1:
        return "not our reply"
    if stat != 0:
        return "denied"
    (flavor, blen) = struct.unpack(">II", data[12:20])
    off = 20 + ((blen + 3) & ~3)
    if len(data) < off + 4:
        return "short reply"
    (accept,) = struct.unpack(">I", data[off:off + 4])
    return None if accept == 0 else "accept_stat %d" % accept


def parse_host(s):
    # "[::1]:111" or "127.0.0.1:111"
    if s.startswith("["):
        host, rest = s[1:].split("]", 1)
        return host, int(rest.lstrip(":"))
    host, port = s.rsplit(":", 1)
    return host, int(port)


def recv_record(sk):
    buf = b""
    data = b""
    while True:
        while len(buf) < 4:
            chunk = sk.recv(4 - len(buf))
            if not chunk:
                raise OSError("connection closed")
            buf += chunk
        (mark,) = struct.unpack(">I", buf)
        n = mark & 0x7FFFFFFF
        frag = b""
        while len(frag) < n:
            chunk = sk.recv(n - len(frag))
            if not chunk:
                raise OSError("connection closed")
            frag += chunk
        data += frag
        buf = b""
        if mark & 0x80000000:
            return data


def ping(spec):
    xid = int.from_bytes(os.urandom(4), "big")
    msg = null_call(xid)
    kind, _, rest = spec.partition(":")
    try:
        if kind == "udp":
            host, port = parse_host(rest)
            fam = socket.AF_INET6 if ":" in host else socket.AF_INET
            with socket.socket(fam, socket.SOCK_DGRAM) as sk:
                sk.settimeout(TIMEOUT)
                sk.sendto(msg, (host, port))
                data = sk.recv(65536)
        elif kind in ("tcp", "unix"):
            if kind == "tcp":
                host, port = parse_host(rest)
                fam = socket.AF_INET6 if ":" in host else socket.AF_INET
                addr = (host, port)
            else:
                fam = socket.AF_UNIX
                addr = "\0" + rest[1:] if rest.startswith("@") else rest
            with socket.socket(fam, socket.SOCK_STREAM) as sk:
                sk.settimeout(TIMEOUT)
                sk.connect(addr)
                sk.sendall(struct.pack(">I", 0x80000000 | len(msg)) + msg)
                data = recv_record(sk)
        else:
            return "unknown kind %s" % kind
    except OSError as e:
        return str(e) or e.__class__.__name__
    return check_reply(data, xid)


def cmd_ping(specs):
    bad = 0
    for s in specs:
        why = ping(s)
        if why is None:
            print("%s ok" % s)
        else:
            print("%s fail: %s" % (s, why))
            bad += 1
    return 1 if bad else 0


def cmd_notify(path, out, seconds, specs):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    sk = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sk.bind(path)
    os.chmod(path, 0o777)
    start = time.monotonic()
    end = start + seconds
    with open(out, "a", buffering=1) as f:
        f.write("0 LISTENING\n")
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            sk.settimeout(left)
            try:
                data = sk.recv(4096)
            except socket.timeout:
                break
            ms = int((time.monotonic() - start) * 1000)
            text = data.decode("utf-8", "replace").strip("\n")
            f.write("%d %s\n" % (ms, text.replace("\n", " ")))
            if "READY=1" in text.split("\n") and specs:
                fails = []
                for s in specs:
                    why = ping(s)
                    if why is not None:
                        fails.append("%s: %s" % (s, why))
                ms = int((time.monotonic() - start) * 1000)
                if fails:
                    f.write("%d PROBE fail: %s\n" % (ms, "; ".join(fails)))
                else:
                    f.write("%d PROBE ok\n" % ms)
    return 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "ping":
        return cmd_ping(argv[2:])
    if len(argv) >= 5 and argv[1] == "notify":
        return cmd_notify(argv[2], argv[3], float(argv[4]), argv[5:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
