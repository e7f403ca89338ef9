/*
 * test_rpcnames.c - rpc(5) parsing (comments, aliases, bad lines, numbers
 * out of range, first match wins), the built-in table, and a file in
 * place of /etc/rpc.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "rpcnames.h"

static const char text[] =
	"# a comment line\n"
	"portmapper\t100000\tportmap sunrpc rpcbind\n"
	"   \n"
	"mountd 100005 mount showmount # trailing comment\n"
	"nonumber\n"
	"badnum 12x\n"
	"negative -5\n"
	"toobig 4294967296\n"
	"maxed 4294967295\n"
	"dup 100005 other\n"
	"#hidden 100099\n"
	"crlf 100111\r\n"
	"last 100222";		/* no final newline */

static void
test_parse(void **state)
{
	struct rpcname_db	db;
	uint32_t		n;

	(void)state;
	assert_int_equal(rpcname_parse(&db, text, sizeof(text) - 1), 0);
	assert_int_equal(db.n, 6);
	assert_string_equal(rpcname_db_name(&db, 100000), "portmapper");
	/* the first line with a number wins */
	assert_string_equal(rpcname_db_name(&db, 100005), "mountd");
	assert_string_equal(rpcname_db_name(&db, 4294967295u), "maxed");
	assert_string_equal(rpcname_db_name(&db, 100111), "crlf");
	assert_string_equal(rpcname_db_name(&db, 100222), "last");
	assert_null(rpcname_db_name(&db, 100099));
	assert_null(rpcname_db_name(&db, 12));
	/* names and aliases */
	assert_int_equal(rpcname_db_number(&db, "rpcbind", &n), 0);
	assert_int_equal(n, 100000);
	assert_int_equal(rpcname_db_number(&db, "showmount", &n), 0);
	assert_int_equal(n, 100005);
	assert_int_equal(rpcname_db_number(&db, "other", &n), 0);
	assert_int_equal(n, 100005);
	assert_int_equal(rpcname_db_number(&db, "#", &n), -1);
	assert_int_equal(rpcname_db_number(&db, "comment", &n), -1);
	assert_int_equal(rpcname_db_number(&db, "toobig", &n), -1);
	assert_int_equal(rpcname_db_number(&db, "", &n), -1);
	rpcname_free(&db);
	assert_int_equal(db.n, 0);
	/* nothing at all */
	assert_int_equal(rpcname_parse(&db, "", 0), 0);
	assert_int_equal(db.n, 0);
	rpcname_free(&db);
}

static void
test_alias_cap(void **state)
{
	struct rpcname_db	db;
	char			line[4096];
	uint32_t		n;
	int			i;

	(void)state;
	snprintf(line, sizeof(line), "many 7");
	for (i = 0; i < 100; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
		    " a%d", i);
	assert_int_equal(rpcname_parse(&db, line, strlen(line)), 0);
	assert_int_equal(db.n, 1);
	assert_int_equal(db.v[0].naliases, RPCNAME_ALIASES_MAX);
	assert_int_equal(rpcname_db_number(&db, "a0", &n), 0);
	assert_int_equal(rpcname_db_number(&db, "a99", &n), -1);
	rpcname_free(&db);
}

static void
test_builtin(void **state)
{
	uint32_t	n;

	(void)state;
	rpcname_use_file(NULL);
	assert_string_equal(rpcname_by_number(100000), "portmapper");
	assert_string_equal(rpcname_by_number(100003), "nfs");
	assert_string_equal(rpcname_by_number(100021), "nlockmgr");
	assert_string_equal(rpcname_by_number(100024), "status");
	assert_null(rpcname_by_number(300000));
	assert_int_equal(rpcname_by_name("mount", &n), 0);
	assert_int_equal(n, 100005);
	assert_int_equal(rpcname_by_name("keyserver", &n), 0);
	assert_int_equal(n, 100029);
	assert_int_equal(rpcname_by_name("nosuch", &n), -1);
	/* a missing file: the built-in table */
	rpcname_use_file("/nonexistent/rpc");
	assert_string_equal(rpcname_by_number(100007), "ypbind");
}

static void
test_file(void **state)
{
	char		path[] = "/tmp/test_rpcnames.XXXXXX";
	uint32_t	n;
	FILE		*f;
	int		fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fprintf(f, "mine 100000 me\nnfs 100003\n");
	fclose(f);
	rpcname_use_file(path);
	assert_string_equal(rpcname_by_number(100000), "mine");
	assert_null(rpcname_by_number(100005));	/* the file, not the table */
	assert_int_equal(rpcname_by_name("me", &n), 0);
	assert_int_equal(n, 100000);
	unlink(path);
	rpcname_use_file(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_alias_cap),
		cmocka_unit_test(test_builtin),
		cmocka_unit_test(test_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
