/* polfile.h - the policy file of alfoil enforce: one line each of
 *
 *   MAC = POLICY          aa:bb:cc:dd:ee:ff or aa-bb-cc-dd-ee-ff, any case
 *   kind:KIND = POLICY    a device kind of the report, or kind:unknown
 *   default = POLICY
 *   controller = MAC      a device that runs the others' apps (a phone): the
 *                         MUD rules of controller and my-controller (the
 *                         bridge table, --bridge); repeatable
 *   new = POLICY          devices never seen before (watch --enforce): held
 *                         by the ruleset from their first packet; local-only
 *                         or quarantine, allow (the default) is off
 *
 * POLICY one of allow, profile, local-only, quarantine; '#' starts a
 * comment; blank lines are skipped. The file is the user's, so a line that
 * is not one of these is an error naming file:line (every such line is
 * named, and nothing of the file is used then).
 */
#ifndef ALFOIL_ENFORCE_POLFILE_H
#define ALFOIL_ENFORCE_POLFILE_H

#include <stddef.h>

#include "enforce/nft.h"

#define POLFILE_MAX_KINDS 32
#define POLFILE_MAX_MACS 4096
#define POLFILE_MAX_LINE 512

struct polfile_mac {
	char mac[18]; /* lower case, colons, one unicast station */
	enum policy pol;
};

struct polfile {
	enum policy def;
	int def_set;
	enum policy newp; /* POL_ALLOW: no guard */
	char (*controllers)[18]; /* controller = MAC lines, each once */
	size_t n_controllers;
	struct {
		char kind[32];
		enum policy pol;
	} kinds[POLFILE_MAX_KINDS];
	size_t n_kinds;
	struct polfile_mac *macs; /* a later line for the same MAC wins */
	size_t n_macs;
};

/* Reads len bytes of text (name is for messages). Each bad line is told to
 * err ("NAME:LINE: why"). Returns the number of bad lines (0: all good), or
 * -1 when out of memory. out is to be freed with polfile_free either way. */
int polfile_parse(const char *name, const char *text, size_t len, struct polfile *out,
		  void (*err)(const char *fmt, ...));
void polfile_free(struct polfile *p);
/* Reads the file at path (at most 16 MiB) and parses it: 0, or -1 after
 * err named the problem or each bad line (out is to be freed either way). */
int polfile_read(const char *path, struct polfile *out, void (*err)(const char *fmt, ...));

#endif
