/* http_head.c - HTTP/1.x message heads (see http_head.h). */
#include "decode/http_head.h"

#include <string.h>
#include <strings.h>

/* The line at h->pos, without its end; false when no line end follows. */
static bool next_line(struct http_head *h, const char **line, size_t *len)
{
	const char *s = h->p + h->pos;
	size_t left = h->n - h->pos;
	const char *nl = memchr(s, '\n', left);
	if (!nl)
		return false;
	size_t l = (size_t)(nl - s);
	h->pos += l + 1;
	if (l && s[l - 1] == '\r')
		l--;
	*line = s;
	*len = l;
	return true;
}

bool http_head_start(struct http_head *h, const uint8_t *p, size_t n, const char **line, size_t *llen)
{
	h->p = (const char *)p;
	h->n = n;
	h->pos = 0;
	h->fields = 0;
	return next_line(h, line, llen);
}

bool http_head_next(struct http_head *h, struct http_field *f)
{
	const char *s;
	size_t l;
	if (h->fields >= HTTP_MAX_FIELDS || !next_line(h, &s, &l) || l == 0)
		return false;
	const char *colon = memchr(s, ':', l);
	if (!colon)
		return false;
	h->fields++;
	f->name = s;
	f->nlen = (size_t)(colon - s);
	const char *v = colon + 1, *end = s + l;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	f->value = v;
	f->vlen = (size_t)(end - v);
	return true;
}

bool http_name_is(const struct http_field *f, const char *name)
{
	return strlen(name) == f->nlen && strncasecmp(f->name, name, f->nlen) == 0;
}
