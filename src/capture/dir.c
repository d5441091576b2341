/* dir.c - the captures in a directory (see capture.h).
 *
 * A directory given as input means every capture file under it: names
 * ending in .pcap, .pcapng or .cap, perhaps with the number tcpdump -C adds
 * (x.pcap1) and perhaps compressed (.gz). Subdirectories are followed
 * (depth CAP_DIR_DEPTH); names starting with '.' are skipped. The list is
 * sorted in version order (strverscmp: x.pcap, x.pcap2, x.pcap10), so
 * rotations come in the order they were written.
 */
#include "capture/capture.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define CAP_DIR_DEPTH 16

struct list {
	char **v;
	size_t n, cap;
};

int cap_is_capture_name(const char *name)
{
	size_t len = strlen(name);
	if (len > 3 && !strcasecmp(name + len - 3, ".gz"))
		len -= 3;
	while (len && name[len - 1] >= '0' && name[len - 1] <= '9')
		len--;
	static const char *const ext[] = { ".pcap", ".pcapng", ".cap" };
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		size_t e = strlen(ext[i]);
		if (len > e && !strncasecmp(name + len - e, ext[i], e))
			return 1;
	}
	return 0;
}

static int add(struct list *l, const char *path, char *err, size_t errlen)
{
	if (l->n == CAP_DIR_MAX) {
		snprintf(err, errlen, "more than %d capture files", CAP_DIR_MAX);
		return -1;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **v = realloc(l->v, cap * sizeof *v);
		if (!v) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		l->v = v;
		l->cap = cap;
	}
	if (!(l->v[l->n] = strdup(path))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	l->n++;
	return 0;
}

static int walk(struct list *l, const char *dir, int depth, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	struct dirent *e;
	int rc = 0;
	char path[4096];
	size_t dl = strlen(dir);
	while (rc == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		int w = snprintf(path, sizeof path, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", e->d_name);
		if (w < 0 || (size_t)w >= sizeof path)
			continue;
		struct stat sb;
		if (stat(path, &sb) < 0)
			continue; /* a dangling link */
		if (S_ISDIR(sb.st_mode)) {
			if (depth < CAP_DIR_DEPTH)
				rc = walk(l, path, depth + 1, err, errlen);
		} else if (S_ISREG(sb.st_mode) && cap_is_capture_name(e->d_name)) {
			rc = add(l, path, err, errlen);
		}
	}
	closedir(d);
	return rc;
}

static int vcmp(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

int cap_list_dir(const char *dir, char ***out, size_t *n, char *err, size_t errlen)
{
	struct list l = { 0 };
	char why[1200];
	if (walk(&l, dir, 0, why, sizeof why) < 0) {
		snprintf(err, errlen, "%s", why);
		if (strncmp(why, dir, strlen(dir)))
			snprintf(err, errlen, "%s: %s", dir, why);
		cap_list_free(l.v, l.n);
		return -1;
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof *l.v, vcmp);
	*out = l.v;
	*n = l.n;
	return 0;
}

void cap_list_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
