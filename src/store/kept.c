/* kept.c - findings read back from the findings table (see history.h).
 *
 * A finding's record is the JSON object output/json.c wrote; its
 * evidence_fields are read back into typed values by what they look like:
 * an integer is a count, a real a measure, true/false a flag, null a time
 * not known, a string a time when it is one as fmt_time() writes them, an
 * address when it is one as addr_fmt() writes them, else a name; an array
 * of objects a list (its NAME_total the list's total). Written again, each
 * is what it was; the words (output/finding.c) read counts and measures
 * as numbers, whatever their exact type was.
 */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/addr.h"
#include "lib/fmt.h"
#include "lib/when.h"
#include "store/history.h"

#define KEPT_MAX 10000 /* findings read back at most: a table of any size is someone's */

static const char *keep(struct store_strs *a, const char *s)
{
	if (a->n == a->cap) {
		size_t c = a->cap ? a->cap * 2 : 32;
		char **v = realloc(a->v, c * sizeof *v);
		if (!v)
			return NULL;
		a->v = v;
		a->cap = c;
	}
	char *d = strdup(s);
	if (d)
		a->v[a->n++] = d;
	return d;
}

void store_strs_free(struct store_strs *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	memset(a, 0, sizeof *a);
}

/* A string that is a time as fmt_time() writes it (and so as it was). */
static int is_time(const char *s, uint64_t *us)
{
	char back[32];
	return strlen(s) >= 20 && strchr(s, 'T') && when_parse(s, 0, us) == 0 && *us &&
	       !strcmp(fmt_time(back, *us, 1), s);
}

static int is_addr(const char *s, struct ip_addr *a)
{
	char back[ADDR_STRLEN];
	return addr_parse(a, s) == 0 && !strcmp(addr_fmt(a, back), s);
}

static int load_fset(struct fset *s, json_t *o, struct store_strs *a, int depth)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v) {
		size_t kl = strlen(k);
		if (s->n >= FIND_FIELDS)
			break;
		if (kl > 6 && !strcmp(k + kl - 6, "_total") && json_is_integer(v))
			continue; /* a list's, with it */
		const char *name = keep(a, k);
		if (!name)
			return -1;
		if (json_is_integer(v)) {
			if (json_integer_value(v) >= 0)
				fs_count(s, name, (uint64_t)json_integer_value(v));
		} else if (json_is_real(v)) {
			fs_real(s, name, json_real_value(v));
		} else if (json_is_boolean(v)) {
			fs_flag(s, name, json_is_true(v));
		} else if (json_is_null(v)) {
			fs_time(s, name, 0);
		} else if (json_is_string(v)) {
			const char *t = json_string_value(v);
			uint64_t us;
			struct ip_addr ad;
			if (is_time(t, &us))
				fs_time(s, name, us);
			else if (is_addr(t, &ad))
				fs_addr(s, name, &ad);
			else
				fs_name(s, name, t);
		} else if (json_is_array(v) && !depth) {
			struct flist *l = fs_list(s, name);
			if (!l)
				return -1;
			size_t i;
			json_t *it;
			json_array_foreach(v, i, it) {
				struct fset *x = json_is_object(it) ? fl_item(l) : NULL;
				if (x && load_fset(x, it, a, 1) < 0)
					return -1;
			}
			char tk[300];
			snprintf(tk, sizeof tk, "%s_total", k);
			json_t *tot = json_object_get(o, tk);
			if (json_is_integer(tot) && json_integer_value(tot) > (json_int_t)l->total &&
			    json_integer_value(tot) <= UINT32_MAX)
				l->total = (uint32_t)json_integer_value(tot);
		}
	}
	return 0;
}

/* "2026-11-01T00:31:37.547882Z" of the record, else the column's. */
static uint64_t rec_time(json_t *rec, const char *k, sqlite3_int64 col)
{
	json_t *v = json_object_get(rec, k);
	uint64_t us;
	if (json_is_string(v) && is_time(json_string_value(v), &us))
		return us;
	return col > 0 ? (uint64_t)col : 0;
}

int store_findings(struct store *s, const struct store_window *w, const char *const *kinds, struct findings *out,
		   struct store_strs *names, char *err, size_t errlen)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(db,
			       "SELECT kind, severity, device, subject, key, first_us, last_us, record FROM findings"
			       " WHERE last_us >= ?1 AND (?2 = 0 OR first_us < ?2) AND (?3 IS NULL OR device = ?3)"
			       " ORDER BY key",
			       -1, &q, NULL)) {
		store_err(s, err, errlen, "reading the findings kept");
		return -1;
	}
	sqlite3_bind_int64(q, 1, (sqlite3_int64)w->since_us);
	sqlite3_bind_int64(q, 2, (sqlite3_int64)w->until_us);
	if (w->device)
		sqlite3_bind_text(q, 3, w->device, -1, SQLITE_STATIC);
	int rc;
	size_t n = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && n < KEPT_MAX) {
		const char *kind = (const char *)sqlite3_column_text(q, 0);
		const char *kname = NULL;
		for (size_t i = 0; kind && kinds[i]; i++)
			if (!strcmp(kinds[i], kind))
				kname = kinds[i]; /* the caller's string, which outlives out */
		enum severity sev;
		const char *sv = (const char *)sqlite3_column_text(q, 1);
		if (!kname || !sv || severity_parse(sv, &sev))
			continue;
		const char *text = (const char *)sqlite3_column_text(q, 7);
		json_error_t je;
		json_t *rec = text ? json_loads(text, JSON_REJECT_DUPLICATES, &je) : NULL;
		json_t *ev = json_object_get(rec, "evidence_fields");
		struct finding *f = json_is_object(ev) ? finding_add(out, sev, kname, NULL, "") : NULL;
		if (!f) {
			json_decref(rec);
			continue; /* not one this build wrote, or no memory: left out */
		}
		fmt_copy(f->device, sizeof f->device, (const char *)sqlite3_column_text(q, 2));
		fmt_copy(f->subject, sizeof f->subject, (const char *)sqlite3_column_text(q, 3));
		fmt_copy(f->key, sizeof f->key, (const char *)sqlite3_column_text(q, 4));
		f->first_us = rec_time(rec, "first_seen", sqlite3_column_int64(q, 5));
		f->last_us = rec_time(rec, "last_seen", sqlite3_column_int64(q, 6));
		int lr = load_fset(&f->ev, ev, names, 0);
		json_decref(rec);
		if (lr < 0) {
			sqlite3_finalize(q);
			snprintf(err, errlen, "%s: out of memory reading the findings kept", store_path(s));
			return -1;
		}
		n++;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_err(s, err, errlen, "reading the findings kept");
		sqlite3_finalize(q);
		return -1;
	}
	sqlite3_finalize(q);
	return 0;
}
