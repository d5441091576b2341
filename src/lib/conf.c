/* conf.c - a command's options from a `key = value` file (see conf.h).
 *
 * The file is read whole (1 MiB at most: a config, not a data set) and
 * cut in place: each value ends where its line does, so the entries point
 * into one buffer and nothing else is allocated per line.
 */
#include "lib/conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CONF_MAX_BYTES (1u << 20)
#define CONF_MAX_KEY 64

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

static int is_key_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
	       ch == '_';
}

static int refused(const char *name, const char *const *refuse)
{
	for (size_t i = 0; refuse && refuse[i]; i++)
		if (!strcmp(name, refuse[i]))
			return 1;
	return 0;
}

static const struct cli_opt *find_opt(const struct cli_cmd *cmd, const char *key, const char *const *refuse)
{
	for (size_t i = 0; i < cmd->n_opts; i++)
		if (cmd->opts[i].name && !strcmp(cmd->opts[i].name, key) && !refused(key, refuse))
			return &cmd->opts[i];
	return NULL;
}

/* "unknown key 'x'", with the nearest option name when it is a slip. */
static void unknown_key(const struct cli_cmd *cmd, const char *const *refuse, const char *key, char *msg,
			size_t len)
{
	const char *names[256];
	size_t n = 0;
	for (size_t i = 0; i < cmd->n_opts && n < sizeof names / sizeof names[0]; i++)
		if (cmd->opts[i].name && !refused(cmd->opts[i].name, refuse))
			names[n++] = cmd->opts[i].name;
	const char *s = cli_suggest(key, names, n);
	if (refused(key, refuse))
		snprintf(msg, len, "'%s' cannot be set in a config file (only on the command line)", key);
	else if (s)
		snprintf(msg, len, "unknown key '%s'; did you mean '%s'?", key, s);
	else
		snprintf(msg, len, "unknown key '%s' (the keys are the long options of --help)", key);
}

/* A value: "quoted" (\" and \\ inside) or bare up to a comment; ends
 * cut in place. NULL with msg set when it is malformed. */
static char *parse_value(char *p, char *msg, size_t len)
{
	while (is_blank(*p))
		p++;
	if (*p == '"') {
		char *out = ++p, *v = p;
		for (; *p && *p != '"'; p++) {
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
				p++;
			*out++ = *p;
		}
		if (*p != '"') {
			snprintf(msg, len, "a quote that does not end on its line");
			return NULL;
		}
		p++;
		*out = '\0';
		while (is_blank(*p))
			p++;
		if (*p && *p != '#') {
			snprintf(msg, len, "something after the closing quote");
			return NULL;
		}
		return v;
	}
	char *v = p, *end = p;
	for (; *p; p++) {
		if (*p == '#' && (p == v || is_blank(p[-1])))
			break;
		if (!is_blank(*p))
			end = p + 1;
	}
	*end = '\0';
	return v;
}

static int parse_bool(const char *v, int *on)
{
	static const char *const yes[] = { "yes", "true", "on", "1" }, *const no[] = { "no", "false", "off", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (!strcmp(v, yes[i])) {
			*on = 1;
			return 0;
		}
		if (!strcmp(v, no[i])) {
			*on = 0;
			return 0;
		}
	}
	return -1;
}

static int read_all(const char *path, int must_exist, char **text, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (errno == ENOENT && !must_exist)
			return CONF_ABSENT;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: %s", path, strerror(EISDIR));
		fclose(f);
		return -1;
	}
	char *buf = malloc(CONF_MAX_BYTES + 1);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		fclose(f);
		return -1;
	}
	size_t n = fread(buf, 1, CONF_MAX_BYTES + 1, f);
	int bad = ferror(f);
	fclose(f);
	if (bad || n > CONF_MAX_BYTES) {
		snprintf(err, errlen, "%s: %s", path, bad ? "read error" : "larger than 1 MiB: not a config file");
		free(buf);
		return -1;
	}
	if (memchr(buf, '\0', n)) {
		snprintf(err, errlen, "%s: a NUL byte: not a text file", path);
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

int conf_load(const char *path, const struct cli_cmd *cmd, const char *const *refuse, int must_exist,
	      struct conf *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	snprintf(c->path, sizeof c->path, "%s", path);
	size_t len;
	int r = read_all(path, must_exist, &c->text, &len, err, errlen);
	if (r != 0)
		return r;
	size_t cap = 0;
	unsigned line = 0;
	char msg[256];
	for (char *p = c->text, *next; p && *p; p = next) {
		line++;
		next = strchr(p, '\n');
		if (next)
			*next++ = '\0';
		while (is_blank(*p))
			p++;
		if (!*p || *p == '#')
			continue;
		char *key = p;
		while (is_key_char(*p))
			p++;
		size_t klen = (size_t)(p - key);
		char *eq = p;
		while (is_blank(*eq))
			eq++;
		if (!klen || *eq != '=') {
			snprintf(msg, sizeof msg, "not 'key = value'");
			goto bad;
		}
		if (klen > CONF_MAX_KEY) {
			snprintf(msg, sizeof msg, "a key of %zu characters: no option is named so", klen);
			goto bad;
		}
		*p = '\0';
		const struct cli_opt *o = find_opt(cmd, key, refuse);
		if (!o) {
			unknown_key(cmd, refuse, key, msg, sizeof msg);
			goto bad;
		}
		char *v = parse_value(eq + 1, msg, sizeof msg);
		if (!v)
			goto bad_key;
		int on = 1;
		if (!o->arg && parse_bool(v, &on) < 0) {
			snprintf(msg, sizeof msg, "'%.100s' is not yes or no", v);
			goto bad_key;
		}
		if (o->arg && !*v) {
			snprintf(msg, sizeof msg, "no value (%s)", o->arg);
			goto bad_key;
		}
		if (c->n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct conf_entry *nv = realloc(c->v, ncap * sizeof *nv);
			if (!nv) {
				snprintf(err, errlen, "%s: out of memory", path);
				conf_free(c);
				return -1;
			}
			c->v = nv;
			cap = ncap;
		}
		c->v[c->n++] = (struct conf_entry){ o, v, on, line };
		continue;
	bad_key:
		snprintf(err, errlen, "%s:%u: %s: %s", path, line, key, msg);
		conf_free(c);
		return -1;
	bad:
		snprintf(err, errlen, "%s:%u: %s", path, line, msg);
		conf_free(c);
		return -1;
	}
	(void)len;
	return 0;
}

void conf_free(struct conf *c)
{
	free(c->v);
	free(c->text);
	c->v = NULL;
	c->text = NULL;
	c->n = 0;
}

const char *conf_where(const struct conf *c, const struct conf_entry *e, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%u: %s", c->path, e->line, e->opt->name);
	return buf;
}
