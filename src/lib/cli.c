/* cli.c - option tables: parsing, help and suggestions (see cli.h). */
#include "lib/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/utf8.h"

#define CLI_MAX_WORD 64 /* longer words are compared as far apart */

static const char *prog = "alfoil";

void cli_set_prog(const char *p)
{
	prog = p;
}

const char *cli_prog(void)
{
	return prog;
}

/* One message on stderr, made safe to show (lib/utf8.h): messages name
 * files, fields and sometimes what a packet or a file held, and a terminal
 * obeys what a control character or a bidi override in them says. */
static void say(const char *what, const char *fmt, va_list ap)
{
	char *msg = NULL;
	int n = vasprintf(&msg, fmt, ap);
	if (n < 0) {
		fprintf(stderr, "%s: %s(message lost: out of memory)\n", prog, what);
		return;
	}
	size_t len = utf8_clean(msg, msg, (size_t)n, UTF8_KEEP_LINES);
	fprintf(stderr, "%s: %s%.*s\n", prog, what, (int)len, msg);
	free(msg);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say("", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say("warning: ", fmt, ap);
	va_end(ap);
}

size_t cli_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > CLI_MAX_WORD || lb > CLI_MAX_WORD)
		return (size_t)-1;
	/* three rows: i-2, i-1, i */
	size_t d[3][CLI_MAX_WORD + 1];
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *cur = d[i % 3], *prev = d[(i + 2) % 3], *prev2 = d[(i + 1) % 3];
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (prev[j - 1] + cost < v)
				v = prev[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
		}
	}
	return d[la % 3][lb];
}

const char *cli_suggest(const char *word, const char *const *names, size_t n)
{
	size_t len = strlen(word);
	/* a slip is a letter or two, more in a long word */
	size_t limit = len <= 3 ? 1 : len <= 8 ? 2 : 3;
	const char *best = NULL;
	size_t bd = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		if (!names[i])
			continue;
		size_t dist = cli_distance(word, names[i]);
		if (dist < bd) {
			bd = dist;
			best = names[i];
		}
	}
	return bd <= limit && bd < len ? best : NULL;
}

void cli_init(struct cli_parser *p, const struct cli_cmd *cmd, int argc, char **argv, int first)
{
	memset(p, 0, sizeof *p);
	p->cmd = cmd;
	p->argc = argc;
	p->argv = argv;
	p->next = first;
	p->first = first;
}

char **cli_operands(const struct cli_parser *p, int *n)
{
	*n = p->n_operands;
	return p->argv + p->first;
}

void cli_try_help(const struct cli_cmd *cmd)
{
	fprintf(stderr, "Try '%s --help'.\n", cmd->name);
}

/* Unknown --word: say so, with the nearest option name if one is close. */
static int unknown_long(struct cli_parser *p, const char *word, size_t wlen)
{
	char w[CLI_MAX_WORD + 1];
	snprintf(w, sizeof w, "%.*s", (int)(wlen < CLI_MAX_WORD ? wlen : CLI_MAX_WORD), word);
	const char *names[128];
	size_t n = 0;
	for (size_t i = 0; i < p->cmd->n_opts && n < 128; i++)
		if (p->cmd->opts[i].name)
			names[n++] = p->cmd->opts[i].name;
	const char *s = cli_suggest(w, names, n);
	if (s)
		cli_error("unknown option '--%.*s'; did you mean '--%s'?", (int)wlen, word, s);
	else
		cli_error("unknown option '--%.*s'", (int)wlen, word);
	cli_try_help(p->cmd);
	return CLI_BAD;
}

static int take_value(struct cli_parser *p, const struct cli_opt *o, const char *attached)
{
	if (!o->arg) {
		if (attached) {
			cli_error("option '%s' takes no value", p->opt);
			cli_try_help(p->cmd);
			return CLI_BAD;
		}
		p->arg = NULL;
		return o->id;
	}
	if (attached) {
		p->arg = attached;
		return o->id;
	}
	if (p->next >= p->argc) {
		cli_error("option '%s' needs a value (%s)", p->opt, o->arg);
		cli_try_help(p->cmd);
		return CLI_BAD;
	}
	p->arg = p->argv[p->next++];
	return o->id;
}

static int long_opt(struct cli_parser *p, const char *a)
{
	const char *eq = strchr(a, '=');
	size_t len = eq ? (size_t)(eq - a) : strlen(a);
	const struct cli_opt *hit = NULL;
	size_t n_prefix = 0;
	for (size_t i = 0; i < p->cmd->n_opts; i++) {
		const struct cli_opt *o = &p->cmd->opts[i];
		if (!o->name || strncmp(o->name, a, len))
			continue;
		if (strlen(o->name) == len) { /* exact beats any prefix */
			hit = o;
			n_prefix = 1;
			break;
		}
		hit = n_prefix ? hit : o;
		n_prefix++;
	}
	if (!hit)
		return unknown_long(p, a, len);
	if (n_prefix > 1) {
		fprintf(stderr, "%s: option '--%.*s' is ambiguous; it could be", prog, (int)len, a);
		const char *sep = " ";
		for (size_t i = 0; i < p->cmd->n_opts; i++)
			if (p->cmd->opts[i].name && !strncmp(p->cmd->opts[i].name, a, len)) {
				fprintf(stderr, "%s'--%s'", sep, p->cmd->opts[i].name);
				sep = ", ";
			}
		fputc('\n', stderr);
		cli_try_help(p->cmd);
		return CLI_BAD;
	}
	static char written[CLI_MAX_WORD + 3];
	snprintf(written, sizeof written, "--%s", hit->name);
	p->opt = written;
	return take_value(p, hit, eq ? eq + 1 : NULL);
}

static int short_opt(struct cli_parser *p)
{
	int c = (unsigned char)*p->bundle++;
	static char written[3] = "-?";
	written[1] = (char)c;
	p->opt = written;
	for (size_t i = 0; i < p->cmd->n_opts; i++) {
		const struct cli_opt *o = &p->cmd->opts[i];
		if (!o->letter || o->letter != c)
			continue;
		const char *attached = NULL;
		if (o->arg && *p->bundle)
			attached = p->bundle;
		if (o->arg)
			p->bundle = NULL;
		else if (!*p->bundle)
			p->bundle = NULL;
		return take_value(p, o, attached);
	}
	p->bundle = NULL;
	cli_error("unknown option '-%c'", c >= 0x21 && c < 0x7f ? c : '?');
	cli_try_help(p->cmd);
	return CLI_BAD;
}

int cli_next(struct cli_parser *p)
{
	if (p->bundle && *p->bundle)
		return short_opt(p);
	while (p->next < p->argc) {
		char *a = p->argv[p->next++];
		if (p->no_more || a[0] != '-' || !a[1]) {
			p->argv[p->first + p->n_operands++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			p->no_more = 1;
			continue;
		}
		if (a[1] == '-')
			return long_opt(p, a + 2);
		p->bundle = a + 1;
		return short_opt(p);
	}
	return CLI_DONE;
}

/* Text with each line after the first indented by ind spaces. */
static void put_indented(FILE *f, const char *s, int ind)
{
	for (; *s; s++) {
		fputc(*s, f);
		if (*s == '\n' && s[1])
			fprintf(f, "%*s", ind, "");
	}
}

#define HELP_COL 26

void cli_help(FILE *f, const struct cli_cmd *c)
{
	const char *s = c->synopsis;
	fputs("usage: ", f);
	put_indented(f, s, 7);
	fputs("\n\n", f);
	if (c->description) {
		fputs(c->description, f);
		fputs("\n\n", f);
	}
	for (size_t i = 0; i < c->n_opts; i++) {
		const struct cli_opt *o = &c->opts[i];
		if (!o->name) {
			fprintf(f, "%s%s:\n", i ? "\n" : "", o->help);
			continue;
		}
		char left[96];
		int n;
		if (o->letter)
			n = snprintf(left, sizeof left, "  -%c, --%s%s%s", o->letter, o->name, o->arg ? " " : "",
				     o->arg ? o->arg : "");
		else
			n = snprintf(left, sizeof left, "      --%s%s%s", o->name, o->arg ? " " : "",
				     o->arg ? o->arg : "");
		fputs(left, f);
		if (n >= HELP_COL - 1)
			fprintf(f, "\n%*s", HELP_COL, "");
		else
			fprintf(f, "%*s", HELP_COL - n, "");
		put_indented(f, o->help, HELP_COL);
		fputc('\n', f);
	}
	if (c->more) {
		fputc('\n', f);
		fputs(c->more, f);
		fputc('\n', f);
	}
	if (c->exit_status) {
		fputs("\nexit status:\n", f);
		fputs(c->exit_status, f);
		fputc('\n', f);
	}
	if (c->examples) {
		fputs("\nexamples:\n", f);
		fputs(c->examples, f);
		fputc('\n', f);
	}
}
