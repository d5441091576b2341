/* priv.c - giving up root once the capture is open (see priv.h).
 *
 * Capabilities are set with the raw capset(2)/capget(2) system calls
 * (version 3: two 32-bit words per set), so that nothing beyond the C
 * library is needed. The order matters: the bounding set needs
 * CAP_SETPCAP and the groups CAP_SETGID, so both go before the ids
 * change; the ids change group first (after setuid there is no right to
 * change the group any more); setresuid() to a non-zero uid clears the
 * permitted and effective sets by itself (PR_SET_KEEPCAPS is off), and
 * capset() then clears the inheritable set, which setuid keeps.
 */
#include "lib/priv.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef PR_CAP_AMBIENT /* Linux 4.3 */
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

#define CAP_MAX 64 /* capabilities are numbered below this (two words) */

int priv_lookup(const char *name, struct priv_user *u, char *err, size_t errlen)
{
	memset(u, 0, sizeof *u);
	if (!name || !*name || strlen(name) >= sizeof u->name) {
		snprintf(err, errlen, "--user: '%s' is not a user name", name ? name : "");
		return -1;
	}
	char buf[4096];
	struct passwd pw, *res = NULL;
	char *end;
	errno = 0;
	unsigned long id = strtoul(name, &end, 10);
	int numeric = *end == '\0' && name[0] >= '0' && name[0] <= '9';
	int r = numeric ? getpwuid_r((uid_t)id, &pw, buf, sizeof buf, &res)
			: getpwnam_r(name, &pw, buf, sizeof buf, &res);
	if (r != 0 || !res) {
		snprintf(err, errlen, "--user %s: %s", name,
			 r ? strerror(r) : numeric ? "no user has that uid (see /etc/passwd)" : "no such user");
		return -1;
	}
	if (numeric && id != (unsigned long)pw.pw_uid) {
		snprintf(err, errlen, "--user %s: not a uid", name);
		return -1;
	}
	if (strlen(pw.pw_name) >= sizeof u->name) {
		snprintf(err, errlen, "--user %s: the user name is too long", name);
		return -1;
	}
	snprintf(u->name, sizeof u->name, "%s", pw.pw_name);
	u->uid = pw.pw_uid;
	u->gid = pw.pw_gid;
	u->keep_root = pw.pw_uid == 0;
	return 0;
}

/* Threads of this process, from /proc/self/status; 0 when unknown. */
static int thread_count(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return 0;
	char line[256];
	int n = 0;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

static int caps_get(uint64_t *eff, uint64_t *prm, uint64_t *inh)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	*eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	*prm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	*inh = (uint64_t)d[1].inheritable << 32 | d[0].inheritable;
	return 0;
}

/* Effective and permitted sets of keep alone, inheritable empty: allowed
 * when keep is within the permitted set, since it only lowers them (keep
 * 0: none at all). */
static int caps_set(uint64_t keep)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	d[0].effective = d[0].permitted = (uint32_t)keep;
	d[1].effective = d[1].permitted = (uint32_t)(keep >> 32);
	return (int)syscall(SYS_capset, &h, d);
}

/* Every capability out of the bounding set. Without CAP_SETPCAP (a
 * container that withheld it, a process that was never root) the set
 * stays as it is: it only limits what an execve() could grant, and
 * no-new-privs forbids that anyway. */
static int bounding_drop(uint64_t keep, char *err, size_t errlen)
{
	for (int c = 0; c < CAP_MAX; c++) {
		int r = prctl(PR_CAPBSET_READ, c, 0, 0, 0);
		if (r < 0)
			break; /* EINVAL: past the last capability this kernel knows */
		if (keep >> c & 1)
			continue;
		if (r == 1 && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0) {
			if (errno == EPERM)
				return 0;
			snprintf(err, errlen, "dropping capability %d from the bounding set: %s", c, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int ambient_clear(char *err, size_t errlen)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
		snprintf(err, errlen, "clearing the ambient capabilities: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int no_new_privs(char *err, size_t errlen)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int is_root(void)
{
	uid_t r, e, s;
	if (getresuid(&r, &e, &s) < 0)
		return 1; /* cannot tell: take the safe side */
	return r == 0 || e == 0 || s == 0;
}

/* Groups, then the group ids, then the user ids. */
static int change_ids(const struct priv_user *u, char *err, size_t errlen)
{
	if (initgroups(u->name, u->gid) < 0) {
		snprintf(err, errlen, "initgroups(%s, %u): %s", u->name, (unsigned)u->gid, strerror(errno));
		return -1;
	}
	if (setresgid(u->gid, u->gid, u->gid) < 0) {
		snprintf(err, errlen, "setresgid(%u): %s", (unsigned)u->gid, strerror(errno));
		return -1;
	}
	if (setresuid(u->uid, u->uid, u->uid) < 0) {
		snprintf(err, errlen, "setresuid(%u): %s", (unsigned)u->uid, strerror(errno));
		return -1;
	}
	return 0;
}

int priv_drop(const struct priv_user *u, char *err, size_t errlen)
{
	return priv_drop_keep(u, 0, err, errlen);
}

int priv_drop_keep(const struct priv_user *u, uint64_t keep, char *err, size_t errlen)
{
	int root = is_root();
	if (root && u->keep_root)
		return PRIV_KEPT;
	/* a thread just joined may be counted for a moment more (the kernel
	 * wakes the joiner before the thread has left its group) */
	int threads = thread_count();
	for (int i = 0; threads > 1 && i < 1000; i++) {
		usleep(1000);
		threads = thread_count();
	}
	if (threads > 1) {
		snprintf(err, errlen, "cannot drop privileges with %d threads running (credentials are per "
			 "thread): an internal error", threads);
		return -1;
	}
	/* capabilities to keep survive the change of uid in the permitted
	 * set only with PR_SET_KEEPCAPS (cleared again by the kernel's exec,
	 * and by us below) */
	if (prctl(PR_SET_KEEPCAPS, keep ? 1 : 0, 0, 0, 0) < 0) {
		snprintf(err, errlen, "PR_SET_KEEPCAPS: %s", strerror(errno));
		return -1;
	}
	if (bounding_drop(keep, err, errlen) < 0 || ambient_clear(err, errlen) < 0)
		return -1;
	if (root && change_ids(u, err, errlen) < 0)
		return -1;
	if (caps_set(keep) < 0) {
		snprintf(err, errlen, "%s the capabilities (capset): %s", keep ? "lowering" : "clearing",
			 strerror(errno));
		return -1;
	}
	if (keep && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) {
		snprintf(err, errlen, "PR_SET_KEEPCAPS: %s", strerror(errno));
		return -1;
	}
	if (no_new_privs(err, errlen) < 0)
		return -1;
	if (priv_verify_keep(root ? u->uid : (uid_t)-1, root ? u->gid : (gid_t)-1, keep, err, errlen) < 0)
		return -1;
	return root ? PRIV_DROPPED : PRIV_CAPS_ONLY;
}

static int check_ids(uid_t uid, gid_t gid, char *err, size_t errlen)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;
	if (getresuid(&r, &e, &s) < 0 || getresgid(&rg, &eg, &sg) < 0) {
		snprintf(err, errlen, "reading the ids: %s", strerror(errno));
		return -1;
	}
	if ((uid != (uid_t)-1 && (r != uid || e != uid || s != uid)) || r == 0 || e == 0 || s == 0) {
		char want[32] = "not root";
		if (uid != (uid_t)-1)
			snprintf(want, sizeof want, "%u", (unsigned)uid);
		snprintf(err, errlen, "user ids are %u/%u/%u (real/effective/saved), not %s", (unsigned)r,
			 (unsigned)e, (unsigned)s, want);
		return -1;
	}
	if (gid != (gid_t)-1 && (rg != gid || eg != gid || sg != gid)) {
		snprintf(err, errlen, "group ids are %u/%u/%u (real/effective/saved), not %u", (unsigned)rg,
			 (unsigned)eg, (unsigned)sg, (unsigned)gid);
		return -1;
	}
	/* the way back must be shut: setuid(0) (and setgid(0), unless group 0
	 * is already this process's own) must fail */
	if (setuid(0) == 0) {
		snprintf(err, errlen, "setuid(0) succeeded after the drop");
		return -1;
	}
	if (rg != 0 && eg != 0 && sg != 0 && setgid(0) == 0) {
		snprintf(err, errlen, "setgid(0) succeeded after the drop");
		return -1;
	}
	return 0;
}

int priv_verify(uid_t uid, gid_t gid, char *err, size_t errlen)
{
	return priv_verify_keep(uid, gid, 0, err, errlen);
}

int priv_verify_keep(uid_t uid, gid_t gid, uint64_t keep, char *err, size_t errlen)
{
	if (check_ids(uid, gid, err, errlen) < 0)
		return -1;
	uint64_t eff, prm, inh;
	if (caps_get(&eff, &prm, &inh) < 0) {
		snprintf(err, errlen, "capget: %s", strerror(errno));
		return -1;
	}
	if (eff != keep || prm != keep || inh) {
		snprintf(err, errlen, "capabilities: effective %016llx, permitted %016llx, inheritable %016llx, "
			 "not %016llx, %016llx and none", (unsigned long long)eff, (unsigned long long)prm,
			 (unsigned long long)inh, (unsigned long long)keep, (unsigned long long)keep);
		return -1;
	}
	for (int c = 0; c < CAP_MAX; c++) {
		int r = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0);
		if (r < 0)
			break;
		if (r == 1) {
			snprintf(err, errlen, "ambient capability %d left", c);
			return -1;
		}
	}
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
		snprintf(err, errlen, "no-new-privs is not set");
		return -1;
	}
	return 0;
}
