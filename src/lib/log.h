/* log.h - a daemon's log lines, with levels, on stderr (journald keeps
 * them): "alfoil watch: warn: commit failed: database is locked".
 *
 * The prefix is cli_prog()'s (lib/cli.h). Each line is made safe before
 * it is written: controls (newlines too: a name from a packet must not
 * forge a second log line), bidi overrides and invalid UTF-8 become '?'
 * (lib/utf8.h); a message may still quote a packet-derived string
 * through log_quote(), which escapes it visibly. One write(2) a line, so
 * that threads do not interleave within a line.
 */
#ifndef ALFOIL_LIB_LOG_H
#define ALFOIL_LIB_LOG_H

#include <stddef.h>

enum log_level { LOGL_ERROR = 0, LOGL_WARN, LOGL_INFO, LOGL_DEBUG };

/* "error", "warn", "info", "debug" (also "warning"); 0 or -1. */
int log_level_parse(const char *s, enum log_level *l);
const char *log_level_name(enum log_level l);
void log_set_level(enum log_level l);   /* default LOGL_INFO */
enum log_level log_get_level(void);
int log_enabled(enum log_level l);

void log_msg(enum log_level l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_error(...) log_msg(LOGL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOGL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOGL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOGL_DEBUG, __VA_ARGS__)

/* s (a name from a packet: a DHCP host name, a maker from a vendor
 * string) as printable ASCII in out (lib/hostname.h's escape: \n, \xNN,
 * \"), cut with "..." to fit n (n >= 8). Returns out; "" for NULL. */
const char *log_quote(const char *s, char *out, size_t n);

/* Where the lines go (tests); default 2. */
void log_set_fd(int fd);

#endif
