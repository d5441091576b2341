/* test_samefile.c - lib/samefile: an output that would write over an
 * input, through every spelling of it. */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/samefile.h"

static char dir[64];

static void path(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static void touch(const char *name)
{
	char p[128];
	path(p, sizeof p, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs("x", f);
	fclose(f);
}

static void test_same_file(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/alfoil-samefile-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char a[128], b[128], l[128], h[128], dot[160], gone[128], gone2[160], sub[128];
	path(a, sizeof a, "a.pcap");
	path(b, sizeof b, "b.pcap");
	path(l, sizeof l, "link.pcap");
	path(h, sizeof h, "hard.pcap");
	path(gone, sizeof gone, "gone.pcap");
	path(sub, sizeof sub, "sub");
	snprintf(dot, sizeof dot, "%s/./a.pcap", dir);
	snprintf(gone2, sizeof gone2, "%s/sub/../gone.pcap", dir);
	touch("a.pcap");
	touch("b.pcap");
	assert_int_equal(symlink("a.pcap", l), 0);
	assert_int_equal(link(a, h), 0);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_true(same_file(a, a));
	assert_true(same_file(dot, a));
	assert_true(same_file(l, a));  /* a symbolic link to it */
	assert_true(same_file(a, l));
	assert_true(same_file(h, a));  /* a hard link */
	assert_false(same_file(b, a));
	assert_false(same_file(gone, a));      /* out not there, in there: not the same */
	assert_true(same_file(gone2, gone));   /* neither there: the same path */
	assert_false(same_file("/dev/null", "/dev/null")); /* not a regular file */
	/* standard input */
	int fd = open(a, O_RDONLY), saved = dup(0);
	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, 0);
	assert_true(same_file(a, "-"));
	assert_false(same_file(b, "-"));
	dup2(saved, 0);
	close(saved);
	close(fd);
	assert_true(in_directory(gone2, dir));
	assert_true(in_directory(a, dir));
	assert_false(in_directory(a, sub));
	unlink(a), unlink(b), unlink(l), unlink(h), rmdir(sub), rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
