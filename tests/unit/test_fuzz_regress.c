/*
 * test_fuzz_regress - replay what the fuzzers know through the same
 * harness code (tests/fuzz/fuzz_common.c), under this build's compiler and
 * sanitizers: the inputs that once broke something, and the whole seed
 * corpus.  Each input runs dispatch() (or the record reader, or the
 * codecs) and then the fuzzers' invariants: the builtin entries are still
 * there, every reply decodes with our codec and carries the request's xid,
 * UDP replies fit 8800 bytes, a remote caller never changes the table,
 * records match a reference reassembly.  A violation aborts the test.
 *
 * The files are read from tests/fuzz/corpus/ and tests/fuzz/regress/
 * (relative to the top of the tree, where the test runner starts us, or
 * to $FUZZ_DIR).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* The harness itself: one translation unit, no Makefile rule needed. */
#include "../fuzz/fuzz_common.c"
#include "../fuzz/fuzz_codec.c"

#define FR_MAX_INPUT	(64 * 1024)

typedef void (*fr_runner)(const uint8_t *, size_t);

static const char *
fr_top(void)
{
	const char *d = getenv("FUZZ_DIR");

	return d != NULL && *d != '\0' ? d : "tests/fuzz";
}

/* Run every file of dir (whose name starts with prefix) through run. */
static size_t
fr_replay_dir(const char *dir, const char *prefix, fr_runner run)
{
	static uint8_t	 buf[FR_MAX_INPUT];
	char		 path[1024];
	struct dirent	*de;
	DIR		*dp;
	FILE		*f;
	size_t		 n, count = 0;

	if ((dp = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (prefix != NULL &&
		    strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((f = fopen(path, "rb")) == NULL)
			continue;
		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		/* libFuzzer ran them with -max_len=9000 */
		if (n > 9000)
			n = 9000;
		run(buf, n);
		count++;
	}
	closedir(dp);
	return count;
}

static void
test_corpus_dispatch(void **state)
{
	char	dir[512];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/corpus/dispatch", fr_top());
	/* every procedure of every version, and then some */
	assert_true(fr_replay_dir(dir, NULL, fz_run_dispatch) >= 100);
}

static void
test_corpus_record(void **state)
{
	char	dir[512];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/corpus/record", fr_top());
	assert_true(fr_replay_dir(dir, NULL, fz_run_record) >= 50);
}

static void
test_corpus_xdr(void **state)
{
	char	dir[512];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/corpus/xdr", fr_top());
	assert_true(fr_replay_dir(dir, NULL, fz_run_codec) >= 10);
}

/* The inputs that once broke something: tests/fuzz/regress/TARGET-*. */
static void
test_regress_files(void **state)
{
	char	dir[512];
	size_t	n;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/regress", fr_top());
	n = fr_replay_dir(dir, "fuzz_dispatch-", fz_run_dispatch);
	n += fr_replay_dir(dir, "fuzz_record-", fz_run_record);
	n += fr_replay_dir(dir, "fuzz_xdr-", fz_run_codec);
	assert_true(n >= 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_dispatch),
		cmocka_unit_test(test_corpus_record),
		cmocka_unit_test(test_corpus_xdr),
		cmocka_unit_test(test_regress_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
