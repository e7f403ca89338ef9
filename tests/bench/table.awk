# table.awk - the benchmark table from pmbench's "result k=v ..." lines.
# Variables: hdr, dur, rep (runs per timed phase), s1 s2 s3 (table sizes),
# conns.  A phase run more than once is shown by its run with the median
# rate (all of that run's figures, not a mix of runs).

function num(x) { return x ~ /^[0-9]+(\.[0-9]*)?$/ }
function get(t, ph, n, k) { return V[t, ph, n, k] }
function ratio(a, b) {
	if (!num(a) || !num(b) || b + 0 == 0) return "-"
	return sprintf("%.2f", a / b)
}
function cell(t, ph, n, what,   v, p50, p99) {
	if (!((t, ph, n, "reqs") in V)) return "-"
	if (what == "rps") {
		v = sprintf("%.0f", get(t, ph, n, "rps"))
		if ((t, ph, n) in BAD) v = v "!"
		return v
	}
	if (what == "lat") {
		p50 = get(t, ph, n, "p50_us"); p99 = get(t, ph, n, "p99_us")
		if (!num(p50)) return "-"
		return sprintf(p50 < 100 ? "%.1f/%.0f" : "%.0f/%.0f", p50, p99)
	}
	if (what == "cpu") {
		v = get(t, ph, n, "cpu_us")
		return num(v) ? sprintf("%.2f", v) : "-"
	}
	if (what == "rss") {
		v = get(t, ph, n, "rss_kb")
		return num(v) ? v : "-"
	}
	return "-"
}
# The raw number behind a cell, for ratios.
function raw(t, ph, n, what) {
	if (!((t, ph, n, "reqs") in V)) return ""
	if (what == "rps") return get(t, ph, n, "rps")
	if (what == "cpu") return get(t, ph, n, "cpu_us")
	if (what == "rss") return get(t, ph, n, "rss_kb")
	return ""
}
function line(name, n, metric, a, b, c, r1, r2, d) {
	printf "%-26s %6s  %-11s %12s %12s %12s %10s %10s %12s\n", name, n, metric, a, b, c, r1, r2, d
}
# The median over the rounds of a's rate over b's in the same round (the
# targets of a round run one after the other, seconds apart): a machine
# whose speed drifts between rounds moves both sides of each ratio alike.
function pratio(a, b,   ka, kb, k, n, x, i, j, tmp) {
	ka = a; kb = b
	if (!(ka in nrun) || !(kb in nrun)) return "-"
	n = 0
	for (k = 1; k <= nrun[ka] && k <= nrun[kb]; k++)
		if (RPS[kb, k] > 0) x[++n] = RPS[ka, k] / RPS[kb, k]
	if (n == 0) return "-"
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && x[j - 1] > x[j]; j--) {
			tmp = x[j]; x[j] = x[j - 1]; x[j - 1] = tmp
		}
	return sprintf("%.2f", n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2)
}

function phase(name, ph, n, udp,   ln, w, m, i, r1, r2) {
	if (!(("ours", ph, n, "reqs") in V) && !(("rpcbind", ph, n, "reqs") in V)) return
	# The responder measured at this size, else at the smallest.
	ln = (("limit", ph, n, "reqs") in V) ? n : s1
	split("rps lat cpu rss", m, " ")
	split("req/s|p50/p99 us|cpu us/req|rss kB after", w, "|")
	for (i = 1; i <= 4; i++) {
		r1 = (m[i] == "lat") ? "" : ratio(raw("ours", ph, n, m[i]), raw("rpcbind", ph, n, m[i]))
		if (m[i] == "rps")
			r1 = pratio("ours" SUBSEP ph SUBSEP n, "rpcbind" SUBSEP ph SUBSEP n)
		r2 = (udp && m[i] == "rps") ? pratio("ours" SUBSEP ph SUBSEP n, "limit" SUBSEP ph SUBSEP ln) : ""
		if (m[i] == "lat") r1 = ""
		line(i == 1 ? name : "", i == 1 ? n : "", w[i], cell("ours", ph, n, m[i]),
		    cell("rpcbind", ph, n, m[i]), udp ? cell("limit", ph, ln, m[i]) : "", r1, r2,
		    ("musl" in seen) ? cell("musl", ph, n, m[i]) : "")
	}
}
function mem(name, a, b, c, d) {
	printf "%-45s %12s %12s %12s %10s %12s\n", name, a, b, c, ratio(a, b), d
}
function v0(t, ph, n, k,   v) { v = V[t, ph, n, k]; return num(v) ? v : "-" }
function perreg(t,   a, b, k) {
	a = V[t, "set", s3, "rss0_kb"]; b = V[t, "set", s3, "rss_kb"]
	k = V[t, "set", s3, "reqs"]
	if (!num(a) || !num(b) || k + 0 <= 0) return "-"
	return sprintf("%.0f", (b - a) * 1024 / k)
}

function parse(ln,   f, nf, i, eq) {
	delete kv
	nf = split(ln, f, " ")
	for (i = 2; i <= nf; i++) {
		eq = index(f[i], "=")
		if (eq > 0) kv[substr(f[i], 1, eq - 1)] = substr(f[i], eq + 1)
	}
}

$1 == "result" {
	parse($0)
	key = kv["label"] SUBSEP kv["phase"] SUBSEP (("nreg" in kv) ? kv["nreg"] : "")
	if (!(key in nrun)) keys[++nkeys] = key
	R[key, ++nrun[key]] = $0
	RPS[key, nrun[key]] = ("rps" in kv) ? kv["rps"] + 0 : 0
	# Any run that went wrong marks the phase, median or not.
	if (("reqs" in kv) && kv["reqs"] + 0 == 0) {
		BAD[key] = 1
		notes = notes sprintf("  %s %s (%s regs), run %d: no call answered within the phase\n",
		    kv["label"], kv["phase"], kv["nreg"], nrun[key])
	} else if (kv["errs"] + 0 > 0 || kv["lost"] + 0 > 0) {
		BAD[key] = 1
		notes = notes sprintf("  %s %s (%s regs), run %d: %d wrong answers, %d lost of %d\n",
		    kv["label"], kv["phase"], kv["nreg"], nrun[key], kv["errs"], kv["lost"], kv["reqs"])
	}
}

# The run of key with the median rate (the lower middle of an even count).
function median(key,   n, i, j, idx, tmp) {
	n = nrun[key]
	for (i = 1; i <= n; i++) idx[i] = i
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && RPS[key, idx[j - 1]] > RPS[key, idx[j]]; j--) {
			tmp = idx[j]; idx[j] = idx[j - 1]; idx[j - 1] = tmp
		}
	return R[key, idx[int((n + 1) / 2)]]
}

END {
	for (i = 1; i <= nkeys; i++) {
		parse(median(keys[i]))
		t = kv["label"]; ph = kv["phase"]; n = ("nreg" in kv) ? kv["nreg"] : ""
		for (k in kv) V[t, ph, n, k] = kv[k]
		seen[t] = 1
	}
	print hdr
	printf "%s s per timed phase after a short warm-up, targets interleaved phase by phase,\n", dur
	printf "each timed phase run %d times per target (shown: the run with the median rate;\n", rep
	printf "req/s ratios: the median of the ratios within each round);\n"
	printf "UDP: 4 sockets x 16 calls in flight; TCP: 4 connections x 1 call; connect-query-close:\n"
	printf "4 at a time; churn: 8 in flight; DUMP: 2 connections.  limit: a trivial UDP responder\n"
	printf "(recvmmsg/sendmmsg, fixed reply).  cpu us/req: daemon utime+stime per call.\n\n"
	line("phase", "regs", "metric", "ours", "rpcbind", "limit", "ours/rpcb", "ours/limit",
	    ("musl" in seen) ? "musl" : "")
	phase("UDP GETPORT v2", "udp-getport", s1, 1)
	phase("UDP GETADDR v4", "udp-getaddr", s1, 1)
	phase("TCP GETPORT persistent", "tcp-getport", s1, 0)
	phase("TCP connect-GETPORT-close", "tcp-cqc", s1, 0)
	phase("SET+UNSET churn (v2 UDP)", "churn", s1, 0)
	phase("TCP DUMP v2", "dump", s1, 0)
	phase("SET v2 UDP (filling)", "set", s2, 0)
	phase("TCP DUMP v2", "dump", s2, 0)
	phase("SET v2 UDP (filling)", "set", s3, 0)
	phase("UDP GETPORT v2", "udp-getport", s3, 1)
	phase("UDP GETADDR v4", "udp-getaddr", s3, 1)
	phase("TCP GETPORT persistent", "tcp-getport", s3, 0)
	phase("SET+UNSET churn (v2 UDP)", "churn", s3, 0)
	phase("TCP DUMP v2", "dump", s3, 0)
	print ""
	mu = ("musl" in seen)
	printf "%-45s %12s %12s %12s %10s %12s\n", "memory", "ours", "rpcbind", "limit", "ours/rpcb",
	    mu ? "musl" : ""
	mem("RSS idle, kB", v0("ours", "idle", "", "rss_kb"), v0("rpcbind", "idle", "", "rss_kb"),
	    v0("limit", "idle", "", "rss_kb"), mu ? v0("musl", "idle", "", "rss_kb") : "")
	mem("  of it private (RssAnon), kB", v0("ours", "idle", "", "anon_kb"),
	    v0("rpcbind", "idle", "", "anon_kb"), v0("limit", "idle", "", "anon_kb"),
	    mu ? v0("musl", "idle", "", "anon_kb") : "")
	mem(sprintf("RSS with %d registrations, kB", s3), v0("ours", "set", s3, "rss_kb"),
	    v0("rpcbind", "set", s3, "rss_kb"), "", mu ? v0("musl", "set", s3, "rss_kb") : "")
	mem(sprintf("bytes per registration (%d to %d)", s2, s3), perreg("ours"), perreg("rpcbind"), "",
	    mu ? perreg("musl") : "")
	mem(sprintf("bytes per idle TCP connection (%d)", conns),
	    v0("ours", "conns", "", "bytes_per_conn"), v0("rpcbind", "conns", "", "bytes_per_conn"), "",
	    mu ? v0("musl", "conns", "", "bytes_per_conn") : "")
	mem("RSS at the end, kB", v0("ours", "final", "", "rss_kb"), v0("rpcbind", "final", "", "rss_kb"),
	    v0("limit", "final", "", "rss_kb"), mu ? v0("musl", "final", "", "rss_kb") : "")
	for (t in seen) if (V[t, "conns", "", "ok"] != V[t, "conns", "", "conns"])
		notes = notes sprintf("  %s: %s of %s idle connections answered\n", t,
		    V[t, "conns", "", "ok"], V[t, "conns", "", "conns"])
	if (notes != "") printf "\n! not every call got the right answer in time:\n%s", notes
}
