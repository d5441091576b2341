/* test_cli.c - lib/cli: the distance, suggestions, the GNU-style parser
 * over one option table, and the capture directory listing. */
#include "testutil.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/capture.h"
#include "lib/cli.h"

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(cli_distance("inspect", "inspect"), 0);
	assert_int_equal(cli_distance("inspcet", "inspect"), 1); /* a transposition is one slip */
	assert_int_equal(cli_distance("singatures", "signatures"), 1);
	assert_int_equal(cli_distance("", "abc"), 3);
	assert_int_equal(cli_distance("kitten", "sitting"), 3);
	static const char *const names[] = { "inspect", "enforce", "profile", "help" };
	assert_string_equal(cli_suggest("inspekt", names, 4), "inspect");
	assert_string_equal(cli_suggest("profil", names, 4), "profile");
	assert_null(cli_suggest("zzzzzzzz", names, 4));
	assert_null(cli_suggest("x", names, 4)); /* a word as far as it is long is no slip */
}

enum { A = 'a', C = 'c', O = 'o', L = 256, LV };
static const struct cli_opt opts[] = {
	{ NULL, 0, NULL, 0, "options" },
	{ "all", 'a', NULL, A, "all" },
	{ "count", 'c', "N", C, "count" },
	{ "output", 'o', "FILE", O, "output" },
	{ "long", 0, NULL, L, "long" },
	{ "long-value", 0, "V", LV, "long value" },
};
static const struct cli_cmd cmd = { "t", "t [options] X", NULL, opts, sizeof opts / sizeof opts[0], NULL, NULL, NULL };

static void test_parse(void **state)
{
	(void)state;
	char *argv[] = { "t", "x1", "-ac5", "--output=o.json", "--long", "--long-val", "v", "-", "-c", "7", "--",
			 "-o", NULL };
	int argc = 12, c;
	struct cli_parser p;
	cli_init(&p, &cmd, argc, argv, 1);
	int want[] = { A, C, O, L, LV, C };
	const char *vals[] = { NULL, "5", "o.json", NULL, "v", "7" };
	for (int i = 0; i < 6; i++) {
		c = cli_next(&p);
		assert_int_equal(c, want[i]);
		if (vals[i])
			assert_string_equal(p.arg, vals[i]);
	}
	assert_int_equal(cli_next(&p), CLI_DONE);
	int n;
	char **ops = cli_operands(&p, &n);
	assert_int_equal(n, 3);
	assert_string_equal(ops[0], "x1");
	assert_string_equal(ops[1], "-");
	assert_string_equal(ops[2], "-o"); /* after "--" */

	char *bad1[] = { "t", "--coutn", NULL };
	cli_init(&p, &cmd, 2, bad1, 1);
	assert_int_equal(cli_next(&p), CLI_BAD);
	char *bad2[] = { "t", "--output", NULL };
	cli_init(&p, &cmd, 2, bad2, 1);
	assert_int_equal(cli_next(&p), CLI_BAD); /* needs a value */
	char *bad3[] = { "t", "--all=1", NULL };
	cli_init(&p, &cmd, 2, bad3, 1);
	assert_int_equal(cli_next(&p), CLI_BAD); /* takes none */
	char *bad4[] = { "t", "--lo", NULL };
	cli_init(&p, &cmd, 2, bad4, 1);
	assert_int_equal(cli_next(&p), CLI_BAD); /* ambiguous */
	char *bad5[] = { "t", "-z", NULL };
	cli_init(&p, &cmd, 2, bad5, 1);
	assert_int_equal(cli_next(&p), CLI_BAD);
}

static void test_capture_names(void **state)
{
	(void)state;
	assert_true(cap_is_capture_name("a.pcap"));
	assert_true(cap_is_capture_name("a.PCAPNG"));
	assert_true(cap_is_capture_name("a.cap"));
	assert_true(cap_is_capture_name("dump.pcap12"));
	assert_true(cap_is_capture_name("dump.pcap3.gz"));
	assert_true(cap_is_capture_name("dump.pcapng.gz"));
	assert_false(cap_is_capture_name("notes.txt"));
	assert_false(cap_is_capture_name("pcap"));
	assert_false(cap_is_capture_name("x.gz"));
	assert_false(cap_is_capture_name("x.capture"));
}

static void touch(const char *path)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
}

static void test_list_dir(void **state)
{
	(void)state;
	char dir[] = "/tmp/alfoil-cli-XXXXXX", p[256];
	assert_non_null(mkdtemp(dir));
	const char *files[] = { "x.pcap10", "x.pcap", "x.pcap2", "sub/a.cap.gz", "skip.txt", ".h.pcap" };
	snprintf(p, sizeof p, "%s/sub", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	for (size_t i = 0; i < 6; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, files[i]);
		touch(p);
	}
	char **v, err[256];
	size_t n;
	assert_int_equal(cap_list_dir(dir, &v, &n, err, sizeof err), 0);
	assert_int_equal(n, 4);
	const char *want[] = { "sub/a.cap.gz", "x.pcap", "x.pcap2", "x.pcap10" };
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, want[i]);
		assert_string_equal(v[i], p);
		unlink(p);
	}
	cap_list_free(v, n);
	snprintf(p, sizeof p, "%s/skip.txt", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/.h.pcap", dir);
	unlink(p);
	snprintf(p, sizeof p, "%s/sub", dir);
	rmdir(p);
	rmdir(dir);
	assert_int_equal(cap_list_dir("/nonexistent-alfoil", &v, &n, err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent-alfoil"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_capture_names),
		cmocka_unit_test(test_list_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
