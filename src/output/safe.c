/* safe.c - the stream a text or HTML report is written through: whatever
 * a renderer prints (names from packets, file names, error messages,
 * fields cut to a column's width in the middle of a character) reaches the
 * terminal or browser as valid UTF-8 with no control character other than
 * newline and tab, and none of the characters that reorder or hide text
 * (lib/utf8.h). This is the last line of defence: the string pool already
 * cleans every string from a packet where it enters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "lib/utf8.h"
#include "output/output.h"

#define PIECE 4096

struct safe {
	FILE *dst;
	unsigned char pend[4]; /* the start of a character the next write ends */
	size_t npend;
};

/* Bytes at the end of s[0..n) that begin a character not yet complete
 * (the rest comes with the next write), 0 when the end is complete. */
static size_t open_tail(const unsigned char *s, size_t n)
{
	for (size_t j = 1; j <= 3 && j <= n; j++) {
		unsigned char c = s[n - j];
		if (c < 0x80)
			return 0;
		if (c >= 0xc0) {
			size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
			return need > j ? j : 0;
		}
	}
	return 0;
}

static int put_clean(struct safe *s, const unsigned char *in, size_t m)
{
	char out[PIECE + 4];
	size_t o = utf8_clean(out, (const char *)in, m, UTF8_KEEP_LINES);
	return fwrite(out, 1, o, s->dst) == o ? 0 : -1;
}

static ssize_t safe_write(void *cookie, const char *buf, size_t n)
{
	struct safe *s = cookie;
	size_t done = 0;
	while (done < n) {
		unsigned char in[PIECE + 4];
		size_t m = s->npend, take = n - done < PIECE ? n - done : PIECE;
		memcpy(in, s->pend, m);
		memcpy(in + m, buf + done, take);
		m += take;
		done += take;
		s->npend = open_tail(in, m);
		m -= s->npend;
		memcpy(s->pend, in + m, s->npend);
		if (put_clean(s, in, m) < 0)
			return -1;
	}
	return (ssize_t)n;
}

static int safe_close(void *cookie)
{
	struct safe *s = cookie;
	int rc = s->npend ? put_clean(s, s->pend, s->npend) : 0; /* a character cut short: '?' */
	free(s);
	return rc;
}

FILE *output_safe_open(FILE *dst)
{
	struct safe *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->dst = dst;
	cookie_io_functions_t io = { .write = safe_write, .close = safe_close };
	FILE *f = fopencookie(s, "w", io);
	if (!f)
		free(s);
	return f;
}

int output_safe_render(FILE *dst, output_render_fn render, const struct report *r, const struct out_opts *o)
{
	FILE *f = output_safe_open(dst);
	if (!f)
		return -1;
	int rc = render(f, r, o);
	int bad = ferror(f);
	if (fclose(f) != 0)
		bad = 1;
	return bad || ferror(dst) ? -1 : rc;
}
