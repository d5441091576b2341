/* cmd_history.h - what the commands of the history share (cmd_history.c:
 * report; cmd_devices.c: devices, device). */
#ifndef ALFOIL_CMD_HISTORY_H
#define ALFOIL_CMD_HISTORY_H

#include "lib/addr.h"
#include "store/store.h"
#include "watch.h"

#define DEFAULT_DB WATCH_DEFAULT_DB /* where watch writes */

/* A device id as the store keeps it (rep_device.id) from what a person
 * typed: a MAC in its one form, or an address. 0, or -1 after a message
 * (opt: its start, "--device: "). */
int history_device_id(const char *opt, const char *s, char out[static ADDR_STRLEN]);
/* The database at path, which must exist; NULL after a message. */
struct store *history_open_db(const char *path, int flags);

/* --since/--until TIME (lib/when.h, against the clock now) into *us; -1
 * after an error naming opt. */
int history_parse_time(const char *opt, const char *s, uint64_t *us);

#endif
