/* priv.h - giving up root once the capture is open.
 *
 * A live capture needs root (or CAP_NET_RAW) to open the interface, and
 * nothing of it afterwards: every byte read from then on is the
 * attacker's. The caller opens the capture and every file it will write,
 * then calls priv_drop() before the first packet is parsed (tcpdump -Z
 * does the same). What is read after it (data sets, rule files loaded
 * late) must be readable by the user named.
 *
 * As root: the supplementary groups become the user's (initgroups), then
 * the group and the user ids (real, effective and saved) change, every
 * capability goes (effective, permitted, inheritable, ambient; the
 * bounding set too, where CAP_SETPCAP allows it), and PR_SET_NO_NEW_PRIVS
 * is set so that nothing executed later can gain any. Not as root: the
 * ids stay, but capabilities given to the file or the process (setcap
 * cap_net_raw+ep) go the same way. Either way the result is checked
 * (setuid(0) and setgid(0) must fail, no capability left, no-new-privs
 * on): a drop that did not hold is an error, never a warning.
 *
 * Credentials and no-new-privs are per thread in the kernel: call
 * priv_drop() while the process has one thread, and start the others
 * after it (they inherit). It refuses otherwise.
 *
 * Knows nothing of alfoil.
 */
#ifndef ALFOIL_LIB_PRIV_H
#define ALFOIL_LIB_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PRIV_DEFAULT_USER "nobody"

struct priv_user {
	char name[64];
	uid_t uid;
	gid_t gid;
	int keep_root; /* a user with uid 0 was named: nothing is dropped */
};

/* Look the user up by name (or a numeric uid), before anything is
 * opened, so that a slip fails at once. 0, or -1 with err set. */
int priv_lookup(const char *name, struct priv_user *u, char *err, size_t errlen);

enum priv_result {
	PRIV_DROPPED = 0,  /* was root: now u's ids, no capability */
	PRIV_CAPS_ONLY,    /* was not root: ids kept, capabilities gone */
	PRIV_KEPT,         /* root and u->keep_root: nothing changed */
};

/* Drop to u and check that it held. A priv_result, or -1 with err saying
 * what failed (the process may then be half way: do not go on). */
int priv_drop(const struct priv_user *u, char *err, size_t errlen);

/* The same, keeping the capabilities of the mask keep (bit n:
 * capability n, e.g. 1ull << CAP_NET_ADMIN for live nftables rules) in
 * the effective, permitted and bounding sets: everything else goes as
 * above, and the check asks for exactly keep. */
int priv_drop_keep(const struct priv_user *u, uint64_t keep, char *err, size_t errlen);

/* The check priv_drop() ends with, on its own: 0 when the process runs as
 * uid/gid (uid (uid_t)-1: any non-zero uid), holds no capability, cannot
 * setuid(0) or setgid(0) and has no-new-privs set; -1 with err naming
 * what is left. */
int priv_verify(uid_t uid, gid_t gid, char *err, size_t errlen);
/* The same with exactly the capabilities of keep left. */
int priv_verify_keep(uid_t uid, gid_t gid, uint64_t keep, char *err, size_t errlen);

#endif
