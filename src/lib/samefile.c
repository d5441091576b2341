/* samefile.c - whether writing one path would write over another (see
 * samefile.h). */
#include "lib/samefile.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The directory part of path ("." when none); returns the name part. */
static const char *split(const char *path, char dir[static PATH_MAX])
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, PATH_MAX, ".");
	else if (slash == path)
		snprintf(dir, PATH_MAX, "/");
	else
		snprintf(dir, PATH_MAX, "%.*s", (int)(slash - path), path);
	return slash ? slash + 1 : path;
}

/* path with its directory made absolute; -1 when that directory is not
 * there either. */
static int canonical(const char *path, char out[static PATH_MAX + 2])
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *base = split(path, dir);
	if (!realpath(dir, real))
		return -1;
	int n = snprintf(out, PATH_MAX + 2, "%s/%s", strcmp(real, "/") ? real : "", base);
	return n < 0 || n >= PATH_MAX + 2 ? -1 : 0;
}

int same_file(const char *out, const char *in)
{
	struct stat so, si;
	int is_stdin = !strcmp(in, "-");
	int in_ok = is_stdin ? fstat(0, &si) == 0 : stat(in, &si) == 0;
	if (stat(out, &so) == 0) {
		if (!S_ISREG(so.st_mode) && !S_ISFIFO(so.st_mode))
			return 0;
		return in_ok && so.st_dev == si.st_dev && so.st_ino == si.st_ino;
	}
	if (in_ok || is_stdin)
		return 0; /* in exists, out does not: not the same */
	char a[PATH_MAX + 2], b[PATH_MAX + 2];
	if (canonical(out, a) < 0 || canonical(in, b) < 0)
		return !strcmp(out, in);
	return !strcmp(a, b);
}

int in_directory(const char *path, const char *dir)
{
	char d[PATH_MAX];
	struct stat a, b;
	split(path, d);
	return stat(d, &a) == 0 && stat(dir, &b) == 0 && S_ISDIR(b.st_mode) && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}
