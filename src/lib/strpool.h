/* strpool.h - interned strings with a memory ceiling.
 *
 * Names (domains, host names, fingerprints) are stored once and referred to
 * by a 32-bit id; id 0 is "no string". Strings never move, so pointers from
 * strpool_str() stay valid until strpool_compact() or strpool_free(). When
 * the ceiling is reached new strings are refused (id 0) and counted;
 * nothing stored is lost but by strpool_compact(), which keeps the strings
 * its caller still holds and gives the rest back.
 */
#ifndef ALFOIL_LIB_STRPOOL_H
#define ALFOIL_LIB_STRPOOL_H

#include <stddef.h>
#include <stdint.h>

#define STRPOOL_MAXLEN 1024 /* longer strings are cut to this many bytes */

struct strpool;

struct strpool *strpool_new(size_t max_bytes);
void strpool_free(struct strpool *sp);
/* Intern (s, len); returns its id, 0 if refused or len == 0. Stored text is
 * printable UTF-8: control characters, invalid bytes and the characters that
 * reorder or hide text (lib/utf8.h: C1 controls, bidi overrides and marks,
 * zero-width characters ...) become '?'. When lower is
 * set, ASCII letters are folded to lower case first (DNS names, RFC 4343). */
uint32_t strpool_intern(struct strpool *sp, const char *s, size_t len, int lower);
/* Id of an existing string, 0 when absent (nothing is added). */
uint32_t strpool_lookup(const struct strpool *sp, const char *s, size_t len, int lower);
const char *strpool_str(const struct strpool *sp, uint32_t id); /* "" for 0 */
uint32_t strpool_count(const struct strpool *sp);
uint64_t strpool_refused(const struct strpool *sp);
size_t strpool_memory(const struct strpool *sp);
/* A copy that shares nothing with sp: the same ids give the same text
 * (snapshots). NULL when out of memory. O(bytes stored + strings). */
struct strpool *strpool_clone(const struct strpool *sp);
/* Bytes counted against the ceiling, and what one string counts. */
size_t strpool_bytes(const struct strpool *sp);
size_t strpool_cost(const struct strpool *sp, uint32_t id);
/* Keep only the strings whose bit is set in live (bit id of word id / 64;
 * strpool_count() + 1 bits), in the same order, in new memory; the rest
 * is given back. remap (strpool_count() + 1 entries) gets each id's new id,
 * 0 for one gone: every id held must be replaced by remap[id], and every
 * pointer from strpool_str() is stale. Returns the bytes given back (of
 * the ceiling's count; 1 when none), or 0 when out of memory: then nothing
 * changed. */
size_t strpool_compact(struct strpool *sp, const uint64_t *live, uint32_t *remap);

#endif
