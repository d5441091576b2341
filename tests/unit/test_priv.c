/* test_priv.c - lib/priv: looking users up, and the drop itself in a
 * child process (as root: to nobody; not as root: the capabilities),
 * checked from inside the child and through /proc from the parent. */
#include "testutil.h"

#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/priv.h"

static void test_lookup(void **state)
{
	(void)state;
	struct priv_user u;
	char err[256];
	assert_int_equal(priv_lookup("root", &u, err, sizeof err), 0);
	assert_int_equal(u.uid, 0);
	assert_true(u.keep_root);
	assert_int_equal(priv_lookup("0", &u, err, sizeof err), 0); /* a uid */
	assert_string_equal(u.name, "root");
	assert_int_equal(priv_lookup("alfoil-no-such-user", &u, err, sizeof err), -1);
	assert_non_null(strstr(err, "alfoil-no-such-user"));
	assert_non_null(strstr(err, "no such user"));
	assert_int_equal(priv_lookup("", &u, err, sizeof err), -1);
	assert_int_equal(priv_lookup("12x", &u, err, sizeof err), -1); /* neither a name nor a uid */
	if (priv_lookup(PRIV_DEFAULT_USER, &u, err, sizeof err) == 0) {
		assert_int_not_equal(u.uid, 0);
		assert_false(u.keep_root);
	}
}

/* Root (or capabilities) still held: the check must say so. */
static void test_verify_sees_privilege(void **state)
{
	(void)state;
	char err[256];
	if (getuid() == 0) {
		assert_int_equal(priv_verify((uid_t)-1, (gid_t)-1, err, sizeof err), -1);
		assert_non_null(strstr(err, "user ids are 0/0/0"));
	} else if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
		assert_int_equal(priv_verify((uid_t)-1, (gid_t)-1, err, sizeof err), -1);
	}
}

static int field(pid_t pid, const char *name, char *out, size_t n)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	int found = -1;
	size_t len = strlen(name);
	while (found < 0 && fgets(line, sizeof line, f))
		if (!strncmp(line, name, len) && line[len] == ':') {
			char *v = line + len + 1;
			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			snprintf(out, n, "%s", v);
			found = 0;
		}
	fclose(f);
	return found;
}

/* The child drops (keeping the capabilities of keep), says how (one
 * byte), then waits to be read through /proc and killed. */
static void drop_in_child(uint64_t keep)
{
	struct priv_user u;
	char err[256];
	int root = getuid() == 0;
	if (priv_lookup(PRIV_DEFAULT_USER, &u, err, sizeof err) < 0) {
		if (!root)
			skip(); /* no user "nobody" here, and nothing to switch to anyway */
		fail_msg("%s", err);
	}
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		int r = priv_drop_keep(&u, keep, err, sizeof err);
		char c = r == PRIV_DROPPED ? 'd' : r == PRIV_CAPS_ONLY ? 'c' : 'x';
		if (r < 0)
			fprintf(stderr, "priv_drop: %s\n", err);
		if (write(fds[1], &c, 1) != 1)
			_exit(2);
		pause();
		_exit(0);
	}
	close(fds[1]);
	char c = 0;
	assert_int_equal(read(fds[0], &c, 1), 1);
	close(fds[0]);
	char uid[128], capeff[64], capprm[64], capinh[64], capamb[64], nnp[16], groups[256], capbnd[64];
	int got = field(pid, "Uid", uid, sizeof uid) | field(pid, "CapEff", capeff, sizeof capeff) |
		  field(pid, "CapBnd", capbnd, sizeof capbnd) |
		  field(pid, "CapPrm", capprm, sizeof capprm) | field(pid, "CapInh", capinh, sizeof capinh) |
		  field(pid, "CapAmb", capamb, sizeof capamb) | field(pid, "NoNewPrivs", nnp, sizeof nnp) |
		  field(pid, "Groups", groups, sizeof groups);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	assert_int_equal(got, 0);
	assert_int_equal(c, root ? 'd' : 'c');
	if (root) {
		char want[128];
		snprintf(want, sizeof want, "%u\t%u\t%u\t%u", (unsigned)u.uid, (unsigned)u.uid, (unsigned)u.uid,
			 (unsigned)u.uid);
		assert_string_equal(uid, want);
		for (char *t = strtok(groups, " \t"); t; t = strtok(NULL, " \t"))
			assert_string_not_equal(t, "0"); /* root's groups are gone */
	}
	char want[32];
	snprintf(want, sizeof want, "%016llx", (unsigned long long)keep);
	assert_string_equal(capeff, want);
	assert_string_equal(capprm, want);
	assert_string_equal(capinh, "0000000000000000");
	assert_string_equal(capamb, "0000000000000000");
	assert_string_equal(nnp, "1");
	/* the bounding set: only with CAP_SETPCAP (bit 8), which a container
	 * may withhold from root */
	char mine[64];
	if (root && keep && field(getpid(), "CapBnd", mine, sizeof mine) == 0 && (strtoull(mine, NULL, 16) >> 8 & 1))
		assert_string_equal(capbnd, want);
}

static void test_drop_in_child(void **state)
{
	(void)state;
	drop_in_child(0);
}

/* --enforce: CAP_NET_ADMIN (12) alone is kept, as root; not as root
 * there is none to keep. */
static void test_drop_keep_net_admin(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	drop_in_child(1ull << 12);
}

/* A uid-0 user named: nothing changes, and the caller is told. */
static void test_keep_root(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	struct priv_user u;
	char err[256];
	assert_int_equal(priv_lookup("root", &u, err, sizeof err), 0);
	assert_int_equal(priv_drop(&u, err, sizeof err), PRIV_KEPT);
	assert_int_equal(getuid(), 0);
	assert_int_not_equal(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_verify_sees_privilege),
		cmocka_unit_test(test_drop_in_child),
		cmocka_unit_test(test_drop_keep_net_admin),
		cmocka_unit_test(test_keep_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
