/*
 * state_bench.c - what persistence costs a SET and an UNSET: the same
 * table_set/table_unset loop on a table of N entries, without the state
 * journal and with it (every change appended to DIR/state, compactions
 * included), reported in microseconds per change.
 *
 *   state_bench [-n entries] [-c changes] DIR
 *
 * DIR should be on the same kind of file system as /run (a tmpfs, e.g.
 * /dev/shm/x); it is created if missing and left holding the state file.
 */
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "state.h"
#include "table.h"

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void
warn_cb(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "state_bench: %s\n", msg);
}

static void
fill(struct table *t, unsigned n)
{
	char ua[64];
	unsigned i;

	for (i = 0; i < n; i++) {
		snprintf(ua, sizeof(ua), "0.0.0.0.%u.%u", (1024 + i) >> 8,
		    (1024 + i) & 0xff);
		if (table_set(t, 200000 + i, 1, i % 2 ? "udp" : "tcp", ua, 0,
		    100 + (int32_t)i, TE_LOCAL) != TABLE_ADDED) {
			fprintf(stderr, "state_bench: fill failed\n");
			exit(1);
		}
	}
}

/* changes/2 SET + UNSET pairs; returns microseconds per change. */
static double
churn(struct table *t, unsigned changes)
{
	char ua[64];
	double t0;
	unsigned i;

	t0 = now_us();
	for (i = 0; i < changes / 2; i++) {
		snprintf(ua, sizeof(ua), "127.0.0.1.%u.%u", 4 + i % 200,
		    i % 256);
		if (table_set(t, 100 + i % 1000, 1, "tcp", ua, 0, 1, 0) !=
		    TABLE_ADDED ||
		    table_unset(t, 100 + i % 1000, 1, "tcp", 0) != 1) {
			fprintf(stderr, "state_bench: churn failed\n");
			exit(1);
		}
	}
	return (now_us() - t0) / (double)(changes / 2 * 2);
}

int
main(int argc, char **argv)
{
	struct state_info si;
	struct state *st;
	struct table *t;
	char err[256];
	unsigned n = 10000, changes = 100000;
	double off, on, t0, load_us, rewrite_us;
	int c, restored;

	while ((c = getopt(argc, argv, "n:c:")) != -1) {
		switch (c) {
		case 'n':
			n = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'c':
			changes = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1 || changes < 2)
		goto usage;

	t = table_new(0, 0);
	fill(t, n);
	off = churn(t, changes);
	table_free(t);

	if ((st = state_open(argv[optind], err, sizeof(err))) == NULL) {
		fprintf(stderr, "state_bench: %s\n", err);
		return 1;
	}
	t = table_new(0, 0);
	(void)state_load(st, t, warn_cb, NULL);
	fill(t, n);
	on = churn(t, changes);
	state_info(st, &si);
	/* what a rewrite-per-change design would pay for every SET */
	t0 = now_us();
	for (c = 0; c < 10; c++)
		(void)state_compact(st);
	rewrite_us = (now_us() - t0) / 10;
	state_close(st);
	table_free(t);

	/* and what a restart costs: load n entries back */
	if ((st = state_open(argv[optind], err, sizeof(err))) == NULL) {
		fprintf(stderr, "state_bench: %s\n", err);
		return 1;
	}
	t = table_new(0, 0);
	t0 = now_us();
	restored = state_load(st, t, warn_cb, NULL);
	load_us = now_us() - t0;
	state_close(st);
	table_free(t);

	printf("entries %u, changes %u (SET+UNSET pairs)\n", n, changes);
	printf("persistence off: %.3f us per change\n", off);
	printf("persistence on:  %.3f us per change (%llu compactions, "
	    "%llu write errors)\n", on, (unsigned long long)si.compactions,
	    (unsigned long long)si.write_errors);
	printf("one full rewrite (snapshot + rename): %.1f us\n", rewrite_us);
	printf("restore of %d entries: %.1f ms\n", restored, load_us / 1e3);
	return restored == (int)n && si.write_errors == 0 ? 0 : 1;
 usage:
	fprintf(stderr, "usage: state_bench [-n entries] [-c changes] DIR\n");
	return 2;
}
