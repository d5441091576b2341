/* apps.h - the applications of the registry (decode/apps.def) as values:
 * enum app_proto, one APP_<id> per line of the list, and their names.
 * Included by track/model.h: a new line needs no edit here or there. */
#ifndef ALFOIL_DECODE_APPS_H
#define ALFOIL_DECODE_APPS_H

/* What a destination carries. */
enum app_proto {
	APP_UNKNOWN = 0,
#define APP(id, ...) APP_##id,
#include "decode/apps.def"
	APP__COUNT
};

/* The name reports print ("dns", "cs2-pppp"); "" for APP_UNKNOWN and
 * values out of range. */
const char *app_proto_name(enum app_proto a);

#endif
