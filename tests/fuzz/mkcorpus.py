#!/usr/bin/env python3
"""mkcorpus.py - the fuzzers' seed corpus (driven by capture.sh).

  mkcorpus.py proxy REAL LISTEN LOGDIR   AF_LOCAL proxy logging what clients send
  mkcorpus.py extract WORKDIR OUTDIR     captures -> OUTDIR/{dispatch,record}/
  mkcorpus.py handmade OUTDIR            only the hand-built requests

Input formats (see tests/fuzz/fuzz_common.h):
  dispatch/  one RPC call message as it came off the wire.  Its first byte
             (the top byte of the xid) selects the caller and the settings:
             bits 0-3 caller (table in fuzz_common.h), bit 4 -i (insecure),
             bit 5 -r (forwarding), bit 6 the forwarding hook fails, bit 7
             every statistics list full.  Its second byte: bit 0 a lookup
             hook that removes services registered with a pid (the
             reaper), bit 1 a remote caller restricted by the access lists.  The
             captured xid's top byte is rewritten to the caller the request
             really came from.
  record/    two selector bytes as above, a byte n, n chunk sizes, then the
             byte stream a client sent on one TCP or AF_LOCAL connection
             (record marking included).
  xdr/       a mode byte (0 getters, 1 puts, 2 headers, 3 universal
             addresses), then the mode's bytes (tests/fuzz/fuzz_codec.c).
"""
import os
import socket
import struct
import sys
import threading

# caller selectors (fuzz_common.h)
C_UDP_PRIV, C_UDP_UNPRIV, C_UDP_REMOTE = 0, 1, 2
C_TCP_PRIV, C_TCP_UNPRIV, C_TCP_REMOTE = 3, 4, 5
C_UDP6_PRIV, C_UDP6_UNPRIV, C_UDP6_REMOTE = 6, 7, 8
C_TCP6_PRIV, C_TCP6_UNPRIV, C_TCP6_REMOTE = 9, 10, 11
C_LOCAL_ROOT, C_LOCAL_USER, C_LOCAL_NOCRED, C_LOCAL_BIGUID = 12, 13, 14, 15
F_INSECURE, F_FORWARD, F_FWDFAIL, F_FULLSTATS = 0x10, 0x20, 0x40, 0x80
F2_REAP, F2_RESTRICT, F2_FULL, F2_AMP = 0x01, 0x02, 0x04, 0x08

PROCS = {
    2: ["null", "set", "unset", "getport", "dump", "callit"],
    3: ["null", "set", "unset", "getaddr", "dump", "callit", "gettime",
        "uaddr2taddr", "taddr2uaddr"],
    4: ["null", "set", "unset", "getaddr", "dump", "bcast", "gettime",
        "uaddr2taddr", "taddr2uaddr", "getversaddr", "indirect",
        "getaddrlist", "getstat"],
}
FORWARDING = {(2, 5), (3, 5), (4, 5), (4, 10)}


# ---- the AF_LOCAL proxy ----

def proxy(real, listen, logdir):
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(listen)
    os.chmod(listen, 0o666)
    srv.listen(64)
    n = 0

    def pump(a, b, log):
        try:
            while True:
                d = a.recv(65536)
                if not d:
                    break
                if log is not None:
                    log.write(d)
                    log.flush()
                b.sendall(d)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            if log is not None:
                log.close()

    while True:
        c, _ = srv.accept()
        u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            u.connect(real)
        except OSError:
            c.close()
            continue
        log = open(os.path.join(logdir, "conn-%04d.bin" % n), "wb")
        n += 1
        threading.Thread(target=pump, args=(c, u, log), daemon=True).start()
        threading.Thread(target=pump, args=(u, c, None), daemon=True).start()


# ---- building requests ----

def u32(v):
    return struct.pack(">I", v & 0xffffffff)


def opaque(b, declared=None):
    n = len(b) if declared is None else declared
    return u32(n) + b + b"\0" * ((4 - len(b) % 4) % 4)


def string(s):
    return opaque(s.encode() if isinstance(s, str) else s)


def auth_none():
    return u32(0) + u32(0)


def auth_sys(uid=0, gid=0, machine="localhost", gids=(), stamp=0x5eed):
    body = u32(stamp) + string(machine) + u32(uid) + u32(gid) + u32(len(gids))
    for g in gids:
        body += u32(g)
    return u32(1) + opaque(body)


def call(sel, prog, vers, proc, args=b"", cred=None, verf=None, rpcvers=2,
         xid=0x1234, sel2=0):
    xid = (sel << 24) | (sel2 << 16) | (xid & 0xffff)
    return (u32(xid) + u32(0) + u32(rpcvers) + u32(prog) + u32(vers) +
            u32(proc) + (cred if cred is not None else auth_none()) +
            (verf if verf is not None else auth_none()) + args)


def rpcb(prog, vers, netid, addr, owner="fuzz"):
    return u32(prog) + u32(vers) + string(netid) + string(addr) + string(owner)


def pmap(prog, vers, prot, port):
    return u32(prog) + u32(vers) + u32(prot) + u32(port)


def rmtargs(prog, vers, proc, args=b""):
    return u32(prog) + u32(vers) + u32(proc) + opaque(args)


def sockaddr_in(port, a=(127, 0, 0, 1)):
    return struct.pack("<H", socket.AF_INET) + struct.pack(">H", port) + \
        bytes(a) + b"\0" * 8


def sockaddr_in6(port, a=b"\0" * 15 + b"\1"):
    return struct.pack("<H", socket.AF_INET6) + struct.pack(">H", port) + \
        u32(0) + a + u32(0)


def sockaddr_un(path):
    return struct.pack("<H", socket.AF_UNIX) + path.encode() + b"\0"


def record(msg, fragsizes=None):
    """msg as one record, in fragments of the given sizes (rest last)."""
    out = b""
    sizes = list(fragsizes or [])
    pos = 0
    while True:
        n = sizes.pop(0) if sizes else len(msg) - pos
        n = min(n, len(msg) - pos)
        last = pos + n >= len(msg)
        out += u32((0x80000000 if last else 0) | n) + msg[pos:pos + n]
        pos += n
        if last:
            return out


def handmade():
    """Requests no client sends, and the bad ones an attacker does."""
    v = {}
    L, U, T = C_LOCAL_ROOT, C_UDP_UNPRIV, C_TCP_PRIV
    P = 100000

    # the kernel: PMAP v2 over TCP from a reserved port, AUTH_UNIX
    ks = auth_sys(0, 0, "kernel")
    v["v2_01_set_authsys_kernel"] = call(T, P, 2, 1, pmap(100003, 3, 6, 2049), ks)
    v["v2_02_unset_authsys_kernel"] = call(T, P, 2, 2, pmap(100003, 3, 6, 2049), ks)
    v["v2_03_getport_authsys_kernel"] = call(T, P, 2, 3, pmap(100021, 4, 17, 0), ks)
    v["v4_01_set_authsys_local"] = call(L, P, 4, 1,
                                        rpcb(100005, 3, "tcp", "0.0.0.0.78.80", "0"),
                                        auth_sys(0, 0, "h", (0, 1, 2, 3)))
    v["v2_01_set_badprot"] = call(T, P, 2, 1, pmap(0x20000300, 1, 99, 700))
    v["v2_01_set_bigport"] = call(T, P, 2, 1, pmap(0x20000300, 1, 6, 70000))
    v["v2_01_set_own_prog"] = call(T, P, 2, 1, pmap(P, 2, 17, 112))
    v["v2_02_unset_own_prog"] = call(T, P, 2, 2, pmap(P, 2, 17, 111))
    v["v2_01_set_remote"] = call(C_UDP_REMOTE, P, 2, 1, pmap(0x20000300, 1, 17, 700))
    v["v2_01_set_remote_insecure"] = call(C_UDP_REMOTE | F_INSECURE, P, 2, 1,
                                          pmap(0x20000300, 1, 17, 700))
    v["v2_01_set_unpriv_port"] = call(C_TCP_UNPRIV, P, 2, 1, pmap(0x20000300, 1, 6, 700))
    v["v4_01_set_user_local"] = call(C_LOCAL_USER, P, 4, 1,
                                     rpcb(0x20000301, 1, "local", "/run/u.sock"))
    v["v4_01_set_user_privport"] = call(C_LOCAL_USER, P, 4, 1,
                                        rpcb(0x20000301, 1, "tcp", "0.0.0.0.2.1"))
    v["v4_02_unset_user_nfs"] = call(C_LOCAL_USER, P, 4, 2,
                                     rpcb(100003, 3, "", ""))
    v["v3_02_unset_all_netids"] = call(L, P, 3, 2, rpcb(100003, 4, "", ""))
    v["v4_02_unset_nocred"] = call(C_LOCAL_NOCRED, P, 4, 2, rpcb(100005, 3, "", ""))
    v["v4_01_set_biguid"] = call(C_LOCAL_BIGUID, P, 4, 1,
                                 rpcb(0x20000302, 1, "udp", "0.0.0.0.39.16"))
    v["v4_01_set_odd_netid"] = call(L, P, 4, 1, rpcb(0x20000303, 1, "TCP", "1.2.3.4.5.6"))
    v["v4_01_set_rdma"] = call(L, P, 4, 1, rpcb(0x20000303, 1, "rdma", "1.2.3.4.78.80"))
    v["v4_01_set_bad_uaddr"] = call(L, P, 4, 1, rpcb(0x20000303, 1, "udp", "1.2.3.4.256.1"))
    v["v4_01_set_v6_mapped"] = call(L, P, 4, 1, rpcb(0x20000303, 1, "udp6",
                                                      "::ffff:127.0.0.1.3.4"))
    v["v4_01_set_netid_max"] = call(L, P, 4, 1, rpcb(0x20000304, 1, "n" * 32, "x"))
    v["v4_01_set_netid_toolong"] = call(L, P, 4, 1, rpcb(0x20000304, 1, "n" * 33, "x"))
    v["v4_01_set_uaddr_max"] = call(L, P, 4, 1, rpcb(0x20000304, 1, "local", "/" * 128))
    v["v4_01_set_uaddr_toolong"] = call(L, P, 4, 1, rpcb(0x20000304, 1, "local", "/" * 129))
    v["v4_01_set_owner_toolong"] = call(L, P, 4, 1, rpcb(0x20000304, 1, "tcp",
                                                          "0.0.0.0.3.3", "o" * 65))
    v["v4_01_set_nul_in_netid"] = call(L, P, 4, 1, rpcb(0x20000304, 1, "tc\0p", "x"))
    # rpcbomb: declared lengths the body does not have
    for name, n in (("ffffffff", 0xffffffff), ("80000000", 0x80000000),
                    ("9001", 9001)):
        v["v4_01_set_rpcbomb_" + name] = call(U, P, 4, 1, u32(7) + u32(1) +
                                               u32(n) + b"udp\0")
        v["v3_03_getaddr_rpcbomb_" + name] = call(U, P, 3, 3, u32(7) + u32(1) +
                                                  string("udp") + u32(n))
        v["v2_05_callit_rpcbomb_" + name] = call(U | F_FORWARD, P, 2, 5,
                                                 u32(0x20000099) + u32(1) + u32(0) +
                                                 u32(n))
        v["v4_07_uaddr2taddr_rpcbomb_" + name] = call(U, P, 4, 7, u32(n) + b"1.2.")
        v["v4_08_taddr2uaddr_rpcbomb_" + name] = call(U, P, 4, 8, u32(n) + b"\0\2\0o")
        v["hdr_cred_rpcbomb_" + name] = call(U, P, 4, 0, cred=u32(1) + u32(n))
    # lookups
    v["v4_03_getaddr_hint_v6_over_udp"] = call(U, P, 4, 3, rpcb(100003, 3, "udp", "::1.0.111"))
    v["v4_03_getaddr_remote"] = call(C_UDP_REMOTE, P, 4, 3, rpcb(100003, 3, "udp", ""))
    v["v4_03_getaddr_remote6"] = call(C_UDP6_REMOTE, P, 4, 3, rpcb(100003, 3, "udp6", ""))
    v["v4_03_getaddr_fallback"] = call(C_TCP6_REMOTE, P, 4, 3, rpcb(100003, 9, "tcp6", ""))
    v["v4_03_getaddr_local_path"] = call(C_LOCAL_USER, P, 4, 3, rpcb(100005, 3, "local", ""))
    v["v4_09_getversaddr_remote"] = call(C_TCP_REMOTE, P, 4, 9, rpcb(100003, 4, "tcp",
                                                                      "10.9.9.1.0.111"))
    v["v4_11_getaddrlist_remote6"] = call(C_UDP6_REMOTE, P, 4, 11,
                                          rpcb(100003, 3, "udp6", "2001:db8::1.0.111"))
    v["v4_11_getaddrlist_local"] = call(L, P, 4, 11, rpcb(100000, 4, "local", ""))
    v["v2_03_getport_prot_other"] = call(U, P, 2, 3, pmap(100003, 3, 132, 0))
    v["v2_03_getport_remote"] = call(C_UDP_REMOTE, P, 2, 3, pmap(100003, 3, 17, 0))
    # UADDR2TADDR / TADDR2UADDR, every family and some that are not
    for name, ua in (("v4", "127.0.0.1.0.111"), ("v6", "fe80::1.8.1"),
                     ("path", "/run/rpcbind.sock"), ("empty", ""),
                     ("junk", "1.2.3"), ("v4_port_overflow", "1.2.3.4.999.1")):
        v["v4_07_uaddr2taddr_" + name] = call(U, P, 4, 7, string(ua))
    for name, sa in (("v4", sockaddr_in(111)), ("v6", sockaddr_in6(2049)),
                     ("unix", sockaddr_un("/run/rpcbind.sock")),
                     ("short", sockaddr_in(111)[:6]), ("family99", b"\x63\0" + b"\0" * 14),
                     ("empty", b"")):
        v["v3_08_taddr2uaddr_" + name] = call(U, P, 3, 8, u32(len(sa)) + opaque(sa))
    # forwarding (on, off, hook failing, denied targets)
    v["v2_05_callit_forward"] = call(U | F_FORWARD, P, 2, 5, rmtargs(0x20000099, 1, 0))
    v["v3_05_callit_off"] = call(U, P, 3, 5, rmtargs(0x20000099, 1, 0))
    v["v4_05_bcast_fwdfail"] = call(U | F_FORWARD | F_FWDFAIL, P, 4, 5,
                                    rmtargs(0x20000099, 1, 1, b"abcd"))
    v["v4_10_indirect_unreg"] = call(U | F_FORWARD, P, 4, 10, rmtargs(0x3ffffff0, 1, 0))
    v["v4_10_indirect_badvers"] = call(U | F_FORWARD, P, 4, 10, rmtargs(0x20000099, 9, 0))
    v["v4_10_indirect_nfs"] = call(U | F_FORWARD, P, 4, 10, rmtargs(100003, 3, 1))
    v["v4_10_indirect_tcp"] = call(T | F_FORWARD, P, 4, 10, rmtargs(0x20000099, 1, 0))
    v["v2_05_callit_self"] = call(U | F_FORWARD, P, 2, 5, rmtargs(P, 2, 3, pmap(1, 1, 17, 0)))
    v["v2_05_callit_ypset"] = call(U | F_FORWARD, P, 2, 5, rmtargs(100007, 2, 2))
    v["v2_05_callit_bigargs"] = call(U | F_FORWARD, P, 2, 5,
                                     rmtargs(0x20000099, 1, 1, b"A" * 8700))
    # restricted remote callers (access lists), and the reaper's lookup hook
    for name, (ver, proc, args) in {
            "v2_03_getport": (2, 3, pmap(100003, 3, 17, 0)),
            "v2_04_dump": (2, 4, b""),
            "v2_01_set": (2, 1, pmap(0x20000300, 1, 17, 3000)),
            "v2_05_callit": (2, 5, rmtargs(0x20000099, 1, 0)),
            "v3_03_getaddr": (3, 3, rpcb(100003, 3, "udp", "")),
            "v4_04_dump": (4, 4, b""),
            "v4_09_getversaddr": (4, 9, rpcb(100003, 3, "udp", "")),
            "v4_11_getaddrlist": (4, 11, rpcb(100003, 3, "udp", "")),
            "v4_12_getstat": (4, 12, b""),
            "v4_06_gettime": (4, 6, b"")}.items():
        v[name + "_restricted"] = call(C_UDP_REMOTE | F_INSECURE | F_FORWARD, P, ver,
                                       proc, args, sel2=F2_RESTRICT)
    v["v4_03_getaddr_reaped"] = call(U, P, 4, 3, rpcb(100024, 1, "udp", ""), sel2=F2_REAP)
    v["v2_03_getport_reaped_fallback"] = call(U, P, 2, 3, pmap(0x20000099, 2, 17, 0),
                                              sel2=F2_REAP)
    v["v4_09_getversaddr_reaped"] = call(C_UDP6_UNPRIV, P, 4, 9,
                                         rpcb(0x20000099, 1, "udp6", ""), sel2=F2_REAP)
    v["v4_01_set_then_reaped"] = call(C_LOCAL_USER, P, 4, 1,
                                      rpcb(0x20000600, 1, "udp", "0.0.0.0.40.1"), sel2=F2_REAP)
    # a full table: datagram DUMPs that do not fit, caps, lookups reaping on
    v["v4_04_dump_full_udp"] = call(U, P, 4, 4, sel2=F2_FULL)
    v["v3_04_dump_full_udp6"] = call(C_UDP6_UNPRIV, P, 3, 4, sel2=F2_FULL)
    v["v2_04_dump_full_udp"] = call(U, P, 2, 4, sel2=F2_FULL)
    v["v4_04_dump_full_tcp"] = call(T, P, 4, 4, sel2=F2_FULL)
    v["v4_01_set_full_user"] = call(C_LOCAL_USER, P, 4, 1,
                                    rpcb(0x20000700, 1, "local", "/run/u.sock"), sel2=F2_FULL)
    v["v4_01_set_full_root"] = call(L, P, 4, 1,
                                    rpcb(0x20000701, 1, "local", "/run/r.sock"), sel2=F2_FULL)
    v["v2_03_getport_full_reap"] = call(U, P, 2, 3, pmap(0x20001000, 999, 17, 0),
                                        sel2=F2_FULL | F2_REAP)
    v["v4_03_getaddr_full_reap"] = call(L, P, 4, 3, rpcb(0x20001000, 999, "local", ""),
                                        sel2=F2_FULL | F2_REAP)
    v["v4_11_getaddrlist_full"] = call(C_UDP6_REMOTE, P, 4, 11,
                                       rpcb(0x20001000, 4, "udp", ""), sel2=F2_FULL)
    # replies to other hosts over UDP no longer than their requests, unless allowed
    v["v4_04_dump_remote_capped"] = call(C_UDP_REMOTE, P, 4, 4)
    v["v2_04_dump_remote6_capped"] = call(C_UDP6_REMOTE, P, 2, 4)
    v["v4_04_dump_remote_amp"] = call(C_UDP_REMOTE, P, 4, 4, sel2=F2_AMP)
    v["v4_12_getstat_remote_capped"] = call(C_UDP_REMOTE | F_FULLSTATS, P, 4, 12)
    v["v4_11_getaddrlist_remote_capped"] = call(C_UDP6_REMOTE, P, 4, 11,
                                                rpcb(100003, 3, "udp6", ""))
    # statistics with every list at its bound
    v["v4_12_getstat_fullstats_udp"] = call(U | F_FULLSTATS, P, 4, 12)
    v["v4_12_getstat_fullstats_tcp"] = call(T | F_FULLSTATS, P, 4, 12)
    # headers
    v["hdr_rpcvers_3"] = call(U, P, 2, 0, rpcvers=3)
    v["hdr_reply"] = u32(0x01000001) + u32(1) + u32(0) + auth_none() + u32(0)
    v["hdr_msgtype_7"] = u32(0x01000002) + u32(7) + b"\0" * 32
    v["hdr_short_xid"] = b"\x01\x02\x03"
    v["hdr_short_call"] = call(U, P, 2, 0)[:20]
    v["hdr_prog_unavail"] = call(U, 100003, 3, 0)
    v["hdr_vers_1"] = call(U, P, 1, 0)
    v["hdr_vers_5"] = call(T, P, 5, 3, pmap(1, 1, 6, 0))
    v["hdr_vers_ffffffff"] = call(L, P, 0xffffffff, 0)
    for ver, n in ((2, 6), (3, 9), (4, 13), (4, 0xffffffff)):
        v["v%d_%02d_noproc" % (ver, n % 100)] = call(U, P, ver, n)
    v["hdr_auth_short"] = call(U, P, 3, 0, cred=u32(2) + opaque(b"\1\2\3\4\5\6\7\x08"))
    v["hdr_auth_dh"] = call(U, P, 4, 3, rpcb(1, 1, "udp", ""), cred=u32(3) + opaque(b"x" * 20))
    v["hdr_auth_gss"] = call(U, P, 4, 0, cred=u32(6) + opaque(b"\0\0\0\1" * 6))
    v["hdr_auth_unknown"] = call(U, P, 4, 0, cred=u32(12345) + opaque(b""))
    v["hdr_cred_400"] = call(U, P, 4, 0, cred=u32(0) + opaque(b"c" * 400))
    v["hdr_cred_401"] = call(U, P, 4, 0, cred=u32(0) + opaque(b"c" * 401))
    v["hdr_verf_401"] = call(U, P, 4, 0, verf=u32(0) + opaque(b"v" * 401))
    v["hdr_verf_sys"] = call(U, P, 4, 0, verf=auth_sys())
    v["hdr_cred_badpad"] = call(U, P, 4, 0, cred=u32(0) + u32(1) + b"a\1\1\1")
    v["hdr_authsys_gids_17"] = call(L, P, 4, 1, rpcb(0x20000305, 1, "udp", "0.0.0.0.3.4"),
                                    cred=auth_sys(0, 0, "h", range(17)))
    v["hdr_authsys_name_256"] = call(L, P, 4, 1, rpcb(0x20000305, 1, "udp", "0.0.0.0.3.4"),
                                     cred=auth_sys(0, 0, "m" * 256))
    v["hdr_authsys_truncated"] = call(L, P, 4, 1, rpcb(0x20000305, 1, "udp", "0.0.0.0.3.4"),
                                      cred=u32(1) + opaque(u32(1) + u32(200)))
    # arguments short by a few bytes, and followed by garbage
    full = call(U, P, 4, 3, rpcb(100003, 3, "udp", "127.0.0.1.0.111"))
    for cut in (1, 2, 3, 4):
        v["v4_03_getaddr_short_%d" % cut] = full[:-cut]
    v["v4_03_getaddr_trailing"] = full + b"\0\0\0\0"
    v["v4_00_null_trailing"] = call(U, P, 4, 0, b"\0\0\0\1")
    v["v2_03_getport_short"] = call(U, P, 2, 3, pmap(100003, 3, 17, 0)[:14])
    v["v4_09_getversaddr_badpad"] = call(U, P, 4, 9, u32(1) + u32(1) + u32(1) + b"u\1\0\0" +
                                         string("") + string(""))
    return v


def fragments_of(stream):
    """The records of a record-marked byte stream (complete ones only)."""
    recs, cur, pos = [], b"", 0
    while pos + 4 <= len(stream):
        h = struct.unpack(">I", stream[pos:pos + 4])[0]
        n = h & 0x7fffffff
        if pos + 4 + n > len(stream):
            break
        cur += stream[pos + 4:pos + 4 + n]
        pos += 4 + n
        if h & 0x80000000:
            recs.append(cur)
            cur = b""
    return recs


def selector(transport, srcport):
    priv = srcport is not None and 0 < srcport < 1024
    return {
        "udp": C_UDP_PRIV if priv else C_UDP_UNPRIV,
        "tcp": C_TCP_PRIV if priv else C_TCP_UNPRIV,
        "udp6": C_UDP6_PRIV if priv else C_UDP6_UNPRIV,
        "tcp6": C_TCP6_PRIV if priv else C_TCP6_UNPRIV,
        "local": C_LOCAL_ROOT,
    }[transport]


def describe(msg):
    if len(msg) < 24:
        return None
    _, mtype, rv, prog, vers, proc = struct.unpack(">6I", msg[:24])
    if mtype != 0 or rv != 2 or prog != 100000:
        return None
    if vers not in PROCS:
        return vers, proc, "badvers"

    names = PROCS[vers]
    return vers, proc, names[proc] if proc < len(names) else "proc%u" % proc


class Writer:
    def __init__(self, out):
        self.out = out
        self.seen = set()
        self.names = {}
        self.count = {"dispatch": 0, "record": 0, "xdr": 0}
        for d in ("dispatch", "record", "xdr"):
            os.makedirs(os.path.join(out, d), exist_ok=True)

    def put(self, kind, name, data, key):
        if key in self.seen:
            return
        self.seen.add(key)
        n = self.names.get((kind, name), 0)
        self.names[(kind, name)] = n + 1
        fn = "%s_%d.bin" % (name, n) if n else name + ".bin"
        with open(os.path.join(self.out, kind, fn), "wb") as f:
            f.write(data)
        self.count[kind] += 1

    def request(self, msg, transport, srcport):
        d = describe(msg)
        sel = selector(transport, srcport)
        if d is not None and (d[0], d[1]) in FORWARDING:
            sel |= F_FORWARD
        msg = bytes([sel, 0]) + msg[2:]
        name = ("v%d_%02d_%s_%s" % (d[0], d[1], d[2], transport)) if d \
            else "other_" + transport
        self.put("dispatch", name, msg, ("d", sel, msg[4:]))

    def stream(self, data, transport, srcport, chunks=(0,)):
        recs = fragments_of(data)
        if not recs:
            return
        sel = selector(transport, srcport)
        procs = [describe(r) for r in recs]
        if any(p is not None and (p[0], p[1]) in FORWARDING for p in procs):
            sel |= F_FORWARD
        parts = ["v%d_%02d" % (p[0], p[1]) if p else "x" for p in procs[:3]]
        name = "%s_%s" % (transport, "+".join(parts))
        blob = bytes([sel, 0, len(chunks)]) + bytes(chunks) + data
        key = ("r", sel, tuple(r[4:] for r in recs), tuple(chunks))
        self.put("record", name, blob, key)


def extract(work, out):
    w = Writer(out)
    # UDP datagrams
    with open(os.path.join(work, "udp.tsv")) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 4 or not p[3]:
                continue
            transport = "udp6" if p[2] else "udp"
            w.request(bytes.fromhex(p[3].replace(":", "")), transport, int(p[0]))
    # TCP streams
    streams = {}
    with open(os.path.join(work, "tcp.tsv")) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 5 or not p[4]:
                continue
            s = streams.setdefault(p[0], ["tcp6" if p[3] else "tcp", int(p[1]), b""])
            s[2] += bytes.fromhex(p[4].replace(":", ""))
    conns = [tuple(s) for s in streams.values()]
    ldir = os.path.join(work, "local")
    for fn in sorted(os.listdir(ldir)):
        with open(os.path.join(ldir, fn), "rb") as f:
            conns.append(("local", None, f.read()))
    for transport, port, data in conns:
        for r in fragments_of(data):
            w.request(r, transport, port)
        w.stream(data, transport, port)
    captured = dict(w.count)
    add_handmade(w)
    print("mkcorpus: captured %d requests, %d streams; with hand-built: "
          "%d dispatch, %d record, %d xdr" % (
              captured["dispatch"], captured["record"], w.count["dispatch"],
              w.count["record"], w.count["xdr"]))
    return 0 if captured["dispatch"] > 0 else 1


def add_handmade(w):
    hm = handmade()
    for name, msg in sorted(hm.items()):
        w.put("dispatch", "hand_" + name, msg, ("d", msg))
    # record seeds: fragmented, several records, and the broken framings
    T = C_TCP_PRIV
    g = call(T, 100000, 4, 3, rpcb(100003, 3, "tcp", "127.0.0.1.0.111"))
    d = call(T, 100000, 2, 4)
    s = call(C_LOCAL_ROOT, 100000, 3, 1, rpcb(0x20000400, 1, "local", "/run/s.sock"))
    seeds = {
        "frag_1byte": (T, (1, 2, 3), record(g, [1] * len(g))),
        "frag_3": (T, (7,), record(g, [5, 11])),
        "two_records": (T, (16, 1), record(g) + record(d)),
        "set_then_dump": (C_LOCAL_ROOT, (0,), record(s) + record(call(C_LOCAL_ROOT, 100000, 4, 4))),
        "empty_frags": (T, (4,), u32(0) + u32(0) + record(d)),
        "empty_record": (T, (0,), u32(0x80000000) + record(d)),
        "never_last": (T, (255,), u32(len(d)) + d + u32(len(d)) + d),
        "huge_header": (T, (2,), u32(0xffffffff) + d),
        "len_9001": (T, (3,), u32(0x80000000 | 9001) + d),
        "partial_header": (T, (1,), record(d) + b"\x80\0"),
        "restricted_remote": ((C_TCP_REMOTE, F2_RESTRICT), (9,), record(
            call(0, 100000, 2, 4)) + record(call(0, 100000, 4, 12)) + record(
                call(0, 100000, 4, 11, rpcb(100003, 3, "tcp", "")))),
        "reap_then_dump": ((C_LOCAL_USER, F2_REAP), (0,), record(
            call(0, 100000, 4, 3, rpcb(100024, 1, "local", ""))) + record(
                call(0, 100000, 4, 3, rpcb(0x20000099, 1, "local", ""))) +
            record(call(0, 100000, 3, 4))),
        "bigcallit": (C_UDP_PRIV | F_FORWARD, (200,), record(
            call(T | F_FORWARD, 100000, 2, 5, rmtargs(0x20000099, 1, 1, b"A" * 8900)))),
    }
    for name, (sel, chunks, data) in seeds.items():
        sel2 = 0
        if isinstance(sel, tuple):
            sel, sel2 = sel
        blob = bytes([sel, sel2, len(chunks)]) + bytes(chunks) + data
        w.put("record", "hand_" + name, blob, ("r", blob))
    # fuzz_xdr: mode byte 0 getters, 1 puts, 2 headers, 3 universal addresses
    xdr = {
        "getters": b"\0" + bytes([0, 1, 2, 3 | 8, 4 | 80, 5 | 80, 6 | 16, 7 | 40]) +
        u32(7) + u32(1) + u32(2) + u32(1) + b"abcd" + opaque(b"xyz") +
        string("hello") + b"\0" * 8 + string("abc"),
        "puts": b"\1\1\x10" + bytes([4 * 5 + 1]) + b"abcde" + bytes([4 * 3 + 2]) + b"udp" +
        bytes([4 * 20 + 3, 0]),
        "header_call": b"\2" + call(0, 100000, 4, 3, rpcb(100003, 3, "udp", "")),
        "header_authsys": b"\2" + call(0, 100000, 2, 3, pmap(1, 1, 17, 0), auth_sys()),
        "header_reply": b"\2" + u32(1) + u32(1) + u32(0) + auth_none() + u32(0) + u32(111),
        "header_denied": b"\2" + u32(1) + u32(1) + u32(1) + u32(1) + u32(5),
        "header_mismatch": b"\2" + u32(1) + u32(1) + u32(1) + u32(0) + u32(2) + u32(2),
    }
    for i, (ua, hint) in enumerate((("127.0.0.1.0.111", ""),
                                   ("0.0.0.0.8.1", "10.9.9.7.0.0"),
                                   ("::.8.1", "2001:db8::5.0.0"),
                                   ("::ffff:127.0.0.1.3.4", ""),
                                   ("fe80::1.1.1", "::1.0.111"),
                                   ("/run/rpcbind.sock", ""),
                                   ("1.2.3.4.256.0", ""),
                                   ("", ""))):
        nid = 4 if ua.startswith("/") else 2 if ":" in ua else 0
        xdr["uaddr_%d" % i] = b"\3" + bytes([nid]) + ua.encode() + b"\0" + hint.encode()
    for name, blob in xdr.items():
        w.put("xdr", name, blob, ("x", blob))


def main(argv):
    if len(argv) == 5 and argv[1] == "proxy":
        proxy(argv[2], argv[3], argv[4])
        return 0
    if len(argv) == 4 and argv[1] == "extract":
        return extract(argv[2], argv[3])
    if len(argv) == 3 and argv[1] == "handmade":
        w = Writer(argv[2])
        add_handmade(w)
        print("mkcorpus: %d dispatch, %d record, %d xdr" % (
            w.count["dispatch"], w.count["record"], w.count["xdr"]))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
