/* names.c - device MACs for rules and file names (see names.h). */
#include "enforce/names.h"

#include <stdint.h>

#include "lib/addr.h"

int enforce_mac_norm(const char *s, char out[static 18])
{
	uint8_t m[6];
	out[0] = '\0';
	if (!s || mac_parse(m, s) < 0)
		return MAC_SYNTAX;
	if (mac_is_group(m))
		return MAC_GROUP;
	if (mac_is_zero(m))
		return MAC_ZERO;
	mac_fmt(m, out);
	return MAC_OK;
}

const char *enforce_mac_why(int rc)
{
	switch (rc) {
	case MAC_OK: return "ok";
	case MAC_GROUP: return "a group address (multicast or broadcast), not one device";
	case MAC_ZERO: return "all zero, not a device";
	default: return "not a MAC address like aa:bb:cc:dd:ee:ff";
	}
}
