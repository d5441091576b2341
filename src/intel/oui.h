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

struct oui_db;

struct oui_info {
	const char *org;      /* organisation as registered */
	char country[3];      /* ISO 3166 alpha-2, "" when unknown */
	const char *registry; /* "MA-L", "MA-M" or "MA-S" */
	int bits;             /* prefix length: 24, 28 or 36 */
};

/* Load from dir (NULL: $ALFOIL_IEEE_DIR or OUI_DEFAULT_DIR). Files that are
 * missing are skipped; NULL with a message in err when none could be read. */
struct oui_db *oui_load(const char *dir, char *err, size_t errlen);
void oui_free(struct oui_db *db);
/* 0 and *out filled when a prefix matches, -1 otherwise. Group and locally
 * administered addresses never match (they are not IEEE assignments). */
int oui_lookup(const struct oui_db *db, const uint8_t mac[static 6], struct oui_info *out);
size_t oui_count(const struct oui_db *db);

#endif
