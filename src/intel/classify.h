/* classify.h - what kind of device this is and who really made it, from
 * the evidence, with the evidence.
 *
 * Rules live in share/signatures.tsv (one a line: source, glob pattern,
 * kind, what, brand, chip, weight). Each piece of evidence about a device
 * is a (source, value) pair: its maker from the IEEE registry, DHCP host
 * name and vendor class, mDNS services and names, SSDP server strings and
 * device types, HTTP User-Agent, the Xiaomi miIO model (from names like
 * "zhimi-airpurifier-m2_miio72610872"), Tuya discovery, the services it
 * answers on the LAN ("tcp/55443"), its clouds' companies and domains.
 * Every matching rule adds its weight to its kind, brand and chip; the
 * largest sums win. Confidence = (how strong the winner is, 1 at a weight
 * of 100) x (its share of all kind weight).
 */
#ifndef ALFOIL_INTEL_CLASSIFY_H
#define ALFOIL_INTEL_CLASSIFY_H

#include <stddef.h>

struct classifier;

#define CLASS_MAX_EVIDENCE 24

struct class_item {
	const char *source; /* "dhcp-hostname", "maker", ... */
	const char *value;
};

struct class_hit {
	const char *source, *value;   /* the evidence */
	const char *kind, *what, *brand, *chip; /* what the rule says (NULL: nothing) */
	int weight;
	int line;                     /* of the rule in the signatures file */
};

struct class_result {
	const char *kind;   /* "bulb", "camera", ... or "unknown" */
	const char *what;   /* a finer description ("air purifier"), or NULL */
	const char *brand;  /* or NULL */
	const char *chip;   /* the module/chip maker when it differs from the brand, or NULL */
	double confidence;  /* 0 .. 1 */
	struct class_hit hits[CLASS_MAX_EVIDENCE]; /* the evidence used, heaviest first */
	size_t n_hits;
};

/* path NULL: signatures.tsv from $ALFOIL_SHARE_DIR, share/ beside the binary
 * or the system directories. NULL with err naming file and line. */
struct classifier *classifier_load(const char *path, char *err, size_t errlen);
void classifier_free(struct classifier *c);
size_t classifier_rules(const struct classifier *c);
/* The file the rules came from. */
const char *classifier_path(const struct classifier *c);

/* Classify from n evidence items. Strings in the result point into the
 * items and the classifier. */
void classify(const struct classifier *c, const struct class_item *items, size_t n, struct class_result *out);

/* "zhimi-airpurifier-m2_miio72610872" -> "zhimi.airpurifier.m2"; 0 when the
 * name is not of that form. out holds at least 64 bytes. */
int miio_model_from_name(const char *name, char *out, size_t n);

#endif
