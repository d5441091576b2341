/* test_conf.c - lib/conf: key = value files against an option table
 * (comments, quotes, repeated keys, yes/no, errors naming FILE:LINE and
 * the key with a suggestion), and lib/log: levels and escaping. */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "lib/cli.h"
#include "lib/conf.h"
#include "lib/log.h"

enum { I = 'i', DB = 256, CI, EN, CONFIG, FILTER };
static const struct cli_opt opts[] = {
	{ NULL, 0, NULL, 0, "options" },
	{ "interface", 'i', "IFACE", I, "iface" },
	{ "db", 0, "PATH", DB, "db" },
	{ "commit-interval", 0, "SEC", CI, "interval" },
	{ "enforce", 0, NULL, EN, "enforce" },
	{ "filter", 0, "BPF", FILTER, "filter" },
	{ "config", 0, "FILE", CONFIG, "config" },
	{ "help", 'h', NULL, 'h', "help" },
};
static const struct cli_cmd cmd = { "t", "t", NULL, opts, sizeof opts / sizeof opts[0], NULL, NULL, NULL };
static const char *const refuse[] = { "help", "config", NULL };

static char path[64];

static int load(const char *text, struct conf *c, char *err, size_t len)
{
	snprintf(path, sizeof path, "/tmp/test_conf.%d", (int)getpid());
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	int r = conf_load(path, &cmd, refuse, 1, c, err, len);
	unlink(path);
	return r;
}

static void test_good(void **state)
{
	(void)state;
	struct conf c;
	char err[512];
	int r = load("# alfoil\n\n  interface = eth0\ninterface=eth1   # the second\r\n"
		     "db = /var/lib/alfoil/a b.db\nfilter = \"not port 22 # kept\"  # gone\n"
		     "enforce = no\ncommit-interval =\t30\n",
		     &c, err, sizeof err);
	assert_int_equal(r, 0);
	assert_int_equal(c.n, 6);
	assert_int_equal(c.v[0].opt->id, I);
	assert_string_equal(c.v[0].value, "eth0");
	assert_int_equal(c.v[0].line, 3);
	assert_string_equal(c.v[1].value, "eth1");
	assert_string_equal(c.v[2].value, "/var/lib/alfoil/a b.db");
	assert_string_equal(c.v[3].value, "not port 22 # kept");
	assert_int_equal(c.v[4].opt->id, EN);
	assert_int_equal(c.v[4].on, 0);
	assert_string_equal(c.v[5].value, "30");
	char where[600];
	assert_string_equal(conf_where(&c, &c.v[5], where, sizeof where) + strlen(path), ":8: commit-interval");
	conf_free(&c);
}

static void expect_error(const char *text, const char *want)
{
	struct conf c;
	char err[512] = "";
	assert_int_equal(load(text, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, path));
	if (!strstr(err, want))
		fail_msg("'%s' does not say '%s'", err, want);
	assert_null(c.v);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("db = x\ncommit-intervall = 5\n", ":2: unknown key 'commit-intervall'; did you mean 'commit-interval'?");
	expect_error("zzzzzz = 1\n", ":1: unknown key 'zzzzzz' (the keys are");
	expect_error("\n\ninterface eth0\n", ":3: not 'key = value'");
	expect_error("config = /etc/x\n", ":1: 'config' cannot be set in a config file");
	expect_error("help = yes\n", "'help' cannot be set");
	expect_error("enforce = maybe\n", ":1: enforce: 'maybe' is not yes or no");
	expect_error("db =   # nothing\n", ":1: db: no value (PATH)");
	expect_error("filter = \"open\n", ":1: filter: a quote that does not end");
	expect_error("filter = \"a\" b\n", "something after the closing quote");
	expect_error("= 5\n", "not 'key = value'");
}

static void test_absent(void **state)
{
	(void)state;
	struct conf c;
	char err[512] = "";
	assert_int_equal(conf_load("/nonexistent/alfoil.conf", &cmd, refuse, 0, &c, err, sizeof err), CONF_ABSENT);
	assert_int_equal(c.n, 0);
	conf_free(&c);
	assert_int_equal(conf_load("/nonexistent/alfoil.conf", &cmd, refuse, 1, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/alfoil.conf: No such file"));
	assert_int_equal(conf_load("/tmp", &cmd, refuse, 0, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "Is a directory"));
	FILE *f = fopen("/tmp/test_conf_nul", "w");
	assert_non_null(f);
	fwrite("db = a\0b\n", 1, 9, f);
	fclose(f);
	assert_int_equal(conf_load("/tmp/test_conf_nul", &cmd, refuse, 1, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "NUL byte"));
	unlink("/tmp/test_conf_nul");
}

static void test_log(void **state)
{
	(void)state;
	enum log_level l;
	assert_int_equal(log_level_parse("debug", &l), 0);
	assert_int_equal(l, LOGL_DEBUG);
	assert_int_equal(log_level_parse("warning", &l), 0);
	assert_int_equal(l, LOGL_WARN);
	assert_int_equal(log_level_parse("loud", &l), -1);
	char tmp[] = "/tmp/test_log.XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	cli_set_prog("alfoil watch");
	log_set_fd(fd);
	log_set_level(LOGL_WARN);
	log_info("not shown");
	log_warn("commit failed: %s", "locked");
	log_error("name %s", "evil\n\x1b[31mforged: error: x");
	char q[64];
	log_set_level(LOGL_DEBUG);
	log_debug("new device %s", log_quote("a\"b\x01", q, sizeof q));
	log_set_fd(2);
	char buf[512] = "";
	assert_true(pread(fd, buf, sizeof buf - 1, 0) > 0);
	close(fd);
	unlink(tmp);
	assert_string_equal(buf, "alfoil watch: warn: commit failed: locked\n"
				 "alfoil watch: error: name evil??[31mforged: error: x\n"
				 "alfoil watch: debug: new device a\\\"b\\x01\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_log),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
