/* http_head.h - reading an HTTP/1.x message head (RFC 9112 section 2-5):
 * the start line and then one header field at a time. Shared by HTTP
 * requests and SSDP (HTTP over UDP). Lines end in CRLF or a bare LF; a head
 * cut short by the end of the payload ends the iteration, the partial last
 * line is not reported.
 */
#ifndef ALFOIL_DECODE_HTTP_HEAD_H
#define ALFOIL_DECODE_HTTP_HEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_MAX_FIELDS 64

struct http_head {
	const char *p;
	size_t n, pos;
	int fields; /* fields returned so far */
};

struct http_field {
	const char *name, *value; /* value trimmed of surrounding blanks */
	size_t nlen, vlen;
};

/* Start at p; *line receives the start line (without the line end).
 * False when there is no complete first line. */
bool http_head_start(struct http_head *h, const uint8_t *p, size_t n, const char **line, size_t *llen);

/* Next header field; false at the empty line, the end of the data, after
 * HTTP_MAX_FIELDS fields or at a line without a colon. */
bool http_head_next(struct http_head *h, struct http_field *f);

/* Case-insensitive comparison of a field name with a NUL-terminated name. */
bool http_name_is(const struct http_field *f, const char *name);

#endif
