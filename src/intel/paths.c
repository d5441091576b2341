/* paths.c - finding data files (see paths.h). */
#include "intel/paths.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int has(const char *dir, const char *file)
{
	char p[4096];
	struct stat sb;
	snprintf(p, sizeof p, "%s/%s", dir, file);
	return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* An installed tree: base/ for share/'s files, base/SUB for the others
 * (data/, data/ieee/: their VERSION and LICENSE files would collide), and
 * base/ itself as before. */
static int installed(const char *base, const char *sub, const char *file, char *out, size_t n)
{
	char cand[2300];
	if (strcmp(sub, "share") != 0) {
		snprintf(cand, sizeof cand, "%s/%s", base, sub);
		if (has(cand, file)) {
			snprintf(out, n, "%s", cand);
			return 0;
		}
	}
	if (has(base, file)) {
		snprintf(out, n, "%s", base);
		return 0;
	}
	return -1;
}

int intel_find_dir(const char *env, const char *sub, const char *file, char *out, size_t n)
{
	const char *e = env ? getenv(env) : NULL;
	char exe[1024], cand[2200];
	if (e && *e) {
		snprintf(out, n, "%s", e);
		return has(out, file) ? 0 : -1;
	}
	ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (l > 0) {
		exe[l] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			const char *up[] = { "", "/../.." };
			for (size_t i = 0; i < 2; i++) {
				snprintf(cand, sizeof cand, "%s%s/%s", exe, up[i], sub);
				if (has(cand, file)) {
					snprintf(out, n, "%s", cand);
					return 0;
				}
			}
			/* PREFIX/bin/alfoil: PREFIX/share/alfoil, whatever the
			 * PREFIX (and under a DESTDIR) of `make install`; the
			 * path without "bin/..", since --version shows it */
			char *bin = strrchr(exe, '/');
			if (bin) {
				*bin = '\0';
				snprintf(cand, sizeof cand, "%s/share/alfoil", exe);
				if (installed(cand, sub, file, out, n) == 0)
					return 0;
			}
		}
	}
	const char *sys[] = { "/usr/local/share/alfoil", "/usr/share/alfoil" };
	for (size_t i = 0; i < 2; i++)
		if (installed(sys[i], sub, file, out, n) == 0)
			return 0;
	snprintf(out, n, "%s", sys[1]);
	return -1;
}
