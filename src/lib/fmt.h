/* fmt.h - small text formatting helpers for reports. */
#ifndef ALFOIL_LIB_FMT_H
#define ALFOIL_LIB_FMT_H

#include <stddef.h>
#include <stdint.h>

/* "1.2 MB", "512 B" (powers of 1000, as network tools count). */
const char *fmt_bytes(char buf[static 16], uint64_t n);
/* "12,345" */
const char *fmt_count(char buf[static 32], uint64_t n);
/* ISO 8601 UTC: "2026-11-01T08:00:00.000123Z" (iso) or "2026-11-01 08:00:00". */
const char *fmt_time(char buf[static 32], uint64_t us, int iso);
/* "10m 3s", "2h 5m", "1d 3h" */
const char *fmt_duration(char buf[static 32], uint64_t us);
/* v (below 100000) in decimal at s, no NUL; returns the digits written. */
size_t fmt_dec(char *s, unsigned v);
/* s (NULL: empty) into dst[n], cut to fit, always terminated: snprintf's
 * "%s" without its parsing (a tenth of a recorder's commit once). */
void fmt_copy(char *dst, size_t n, const char *s);
/* n bytes as 2n lower-case hex digits at out, no NUL. */
void fmt_hex(char *out, const uint8_t *d, size_t n);

#endif
