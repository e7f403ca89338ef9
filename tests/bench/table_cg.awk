# table_cg.awk - instructions (callgrind) and system calls (strace -c -f)
# per UDP GETPORT, from pmbench/run.sh "result k=v ..." lines.
# Variables: hdr, calls.

function num(x) { return x ~ /^[0-9]+(\.[0-9]*)?$/ }
function ratio(a, b) {
	if (!num(a) || !num(b) || b + 0 == 0) return "-"
	return sprintf("%.3f", a / b)
}
function per(a, b, n) {
	if (!num(a) || !num(b) || n + 0 <= 0) return "-"
	return sprintf("%.2f", (a - b) / n)
}
function row(name, a, b, c) {
	printf "%-42s %12s %12s %12s %10s\n", name, a, b, c, ratio(a, b)
}

$1 == "result" {
	delete kv
	for (i = 2; i <= NF; i++) {
		eq = index($i, "=")
		if (eq > 0) kv[substr($i, 1, eq - 1)] = substr($i, eq + 1)
	}
	t = kv["label"]
	if (kv["phase"] == "callgrind")
		IR[t, kv["calls"]] = kv["ir"]
	if (kv["phase"] == "strace") {
		key = kv["calls"] SUBSEP kv["window"]
		SC[t, key] = kv["syscalls"]
		for (k in kv) if (k ~ /^sc_/) {
			S[t, key, substr(k, 4)] = kv[k]
			names[substr(k, 4)] = 1
		}
	}
	seen[t] = 1
}

END {
	print hdr
	printf "%d UDP GETPORTs over one socket against 10 registrations, minus a run of 0\n\n", calls
	printf "%-42s %12s %12s %12s %10s\n", "per GETPORT", "ours", "rpcbind", "limit", "ours/rpcb"
	for (i = 1; i <= 3; i++) {
		split("ours rpcbind limit", T, " ")
		ir[i] = per(IR[T[i], calls], IR[T[i], 0], calls)
		s1[i] = per(SC[T[i], calls SUBSEP 1], SC[T[i], 0 SUBSEP 1], calls)
		s64[i] = per(SC[T[i], calls SUBSEP 64], SC[T[i], 0 SUBSEP 1], calls)
	}
	row("instructions (callgrind Ir), 1 in flight", ir[1], ir[2], ir[3])
	row("system calls (strace -f), 1 in flight", s1[1], s1[2], s1[3])
	row("system calls (strace -f), 64 in flight", s64[1], s64[2], s64[3])
	printf "\nsystem calls per GETPORT by name, 1 in flight:\n"
	for (i = 1; i <= 3; i++) {
		t = T[i]
		if (!(t in seen)) continue
		out = ""
		for (nm in names) {
			d = S[t, calls SUBSEP 1, nm] - S[t, 0 SUBSEP 1, nm]
			if (d / calls >= 0.01) out = out sprintf(" %s %.2f", nm, d / calls)
		}
		printf "  %-8s%s\n", t, out
	}
}
