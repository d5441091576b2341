/* oui.h - MAC address -> maker, from the IEEE registry.
 *
 * Reads the registry as Debian's ieee-data package ships it (oui.csv for
 * MA-L, mam.csv for MA-M, oui36.csv for MA-S; "Registry,Assignment,
 * Organization Name,Organization Address"). The longest matching prefix wins:
 * a 36-bit MA-S block inside a 24-bit MA-L block of the IEEE RA names the
 * real holder. The maker's country is the two-letter code the IEEE lists at
 * the end of the address.
 */
#ifndef ALFOIL_INTEL_OUI_H
#define ALFOIL_INTEL_OUI_H

#include <stddef.h>
#include <stdint.h>

#define OUI_DEFAULT_DIR "/usr/share/ieee-data"
/* The newer copy scripts/setup.sh compiles from the npm package oui-data,
 * in the same CSV format, looked for as data/ieee beside the binary (see
 * intel/paths.h). */
#define OUI_NPM_SUBDIR "data/ieee"

struct oui_db;

struct oui_info {
	const char *org;      /* organisation as registered */
	char country[3];      /* ISO 3166 alpha-2, "" when unknown */
	const char *registry; /* "MA-L", "MA-M" or "MA-S" */
	int bits;             /* prefix length: 24, 28 or 36 */
};

/* Load from dir, or $ALFOIL_IEEE_DIR: that directory alone. With neither,
 * OUI_NPM_SUBDIR when there is one, with OUI_DEFAULT_DIR as the fallback
 * for the prefixes (and the countries) it lacks; else OUI_DEFAULT_DIR.
 * Files that are missing are skipped; NULL with a message in err when none
 * could be read. */
struct oui_db *oui_load(const char *dir, char *err, size_t errlen);
/* What was read: "oui-data 2.1.9 2026-08-26 (DIR, N assignments; Debian
 * ieee-data 2022-08-27 (DIR) for what it lacks)". */
const char *oui_describe(const struct oui_db *db);
/* Directory i (0 the one read first, 1 the fallback) and its version line;
 * "" when there is none. */
const char *oui_dir(const struct oui_db *db, int i);
const char *oui_version(const struct oui_db *db, int i);
void oui_free(struct oui_db *db);
/* 0 and *out filled when a prefix matches, -1 otherwise. Group and locally
 * administered addresses never match (they are not IEEE assignments). */
int oui_lookup(const struct oui_db *db, const uint8_t mac[static 6], struct oui_info *out);
size_t oui_count(const struct oui_db *db);

#endif
