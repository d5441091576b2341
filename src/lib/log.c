/* log.c - log lines with levels (see log.h). */
#include "lib/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cli.h"
#include "lib/hostname.h"
#include "lib/utf8.h"

static const char *const names[] = { "error", "warn", "info", "debug" };
/* read by every thread, set at start and on a reload: a torn read is
 * impossible for an int, and a line more or less at a reload is fine */
static volatile int level = LOGL_INFO;
static volatile int out_fd = 2;

int log_level_parse(const char *s, enum log_level *l)
{
	for (int i = 0; i <= LOGL_DEBUG; i++)
		if (!strcmp(s, names[i])) {
			*l = (enum log_level)i;
			return 0;
		}
	if (!strcmp(s, "warning")) {
		*l = LOGL_WARN;
		return 0;
	}
	return -1;
}

const char *log_level_name(enum log_level l)
{
	return (unsigned)l <= LOGL_DEBUG ? names[l] : "?";
}

void log_set_level(enum log_level l)
{
	level = (int)l;
}

enum log_level log_get_level(void)
{
	return (enum log_level)level;
}

int log_enabled(enum log_level l)
{
	return (int)l <= level;
}

void log_set_fd(int fd)
{
	out_fd = fd;
}

void log_msg(enum log_level l, const char *fmt, ...)
{
	if (!log_enabled(l))
		return;
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	const char *prog = cli_prog();
	const char *lv = log_level_name(l);
	if (n < 0) {
		dprintf(out_fd, "%s: %s: (message lost: out of memory)\n", prog, lv);
		return;
	}
	size_t plen = strlen(prog) + strlen(lv) + 4;
	char *line = malloc(plen + (size_t)n + 2);
	if (!line) {
		free(msg);
		dprintf(out_fd, "%s: %s: (message lost: out of memory)\n", prog, lv);
		return;
	}
	int k = snprintf(line, plen + 1, "%s: %s: ", prog, lv);
	size_t len = (size_t)k + utf8_clean(line + k, msg, (size_t)n, 0);
	line[len++] = '\n';
	for (size_t off = 0; off < len;) {
		ssize_t w = write(out_fd, line + off, len - off);
		if (w <= 0)
			break; /* stderr gone: nothing to tell it with */
		off += (size_t)w;
	}
	free(line);
	free(msg);
}

const char *log_quote(const char *s, char *out, size_t n)
{
	if (!s) {
		if (n)
			out[0] = '\0';
		return out;
	}
	return hostname_escape(s, out, n);
}
