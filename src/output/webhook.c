/* webhook.c - events pushed to a URL (webhook.h). */
#include "output/webhook.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_BACKOFF_S 300
#define TIMEOUT_S 10

struct webhook {
	char *url;
	enum webhook_format fmt;
	unsigned rate;
	const struct spawner *sp;
	void *thread;
	void (*log)(int, const char *);
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *q[WEBHOOK_QUEUE]; /* a ring */
	size_t head, n;
	int stopping;
	uint64_t deadline_ns; /* stopping: give up then */
	struct webhook_stats st;
};

int webhook_format_parse(const char *s, enum webhook_format *out)
{
	static const char *const names[] = { "json", "ntfy", "gotify" };
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			*out = (enum webhook_format)i;
			return 0;
		}
	return -1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void say(struct webhook *w, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(struct webhook *w, int level, const char *fmt, ...)
{
	char b[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b, sizeof b, fmt, ap);
	va_end(ap);
	if (w->log)
		w->log(level, b);
}

static int sev_priority(const char *sev, int ntfy)
{
	/* ntfy: 1 min .. 5 max; Gotify: 0 .. 10 */
	static const struct { const char *s; int ntfy, gotify; } m[] = {
		{ "info", 2, 2 }, { "low", 3, 4 }, { "medium", 4, 6 }, { "high", 5, 8 }, { "critical", 5, 10 },
	};
	for (size_t i = 0; sev && i < sizeof m / sizeof m[0]; i++)
		if (!strcmp(m[i].s, sev))
			return ntfy ? m[i].ntfy : m[i].gotify;
	return ntfy ? 3 : 4;
}

/* "new-country CN: chuangmi-camera (94:f8:27:6d:12:c9)" and the advice */
static void words(json_t *ev, char *title, size_t tn, char *msg, size_t mn)
{
	const char *type = json_string_value(json_object_get(ev, "type"));
	const char *subj = json_string_value(json_object_get(ev, "subject"));
	json_t *dev = json_object_get(ev, "device");
	const char *mac = json_string_value(json_object_get(dev, "mac"));
	const char *name = json_string_value(json_object_get(dev, "label"));
	if (!name)
		name = json_string_value(json_object_get(dev, "name"));
	const char *advice = json_string_value(json_object_get(ev, "advice"));
	snprintf(title, tn, "alfoil: %s%s%s", type ? type : "event", subj && *subj ? " " : "", subj ? subj : "");
	/* its name, and its MAC when the name does not say it */
	if (name && mac && !strstr(name, mac))
		snprintf(msg, mn, "%s [%s]", name, mac);
	else
		snprintf(msg, mn, "%s", name ? name : mac ? mac : "");
	if (advice) {
		size_t l = strlen(msg);
		snprintf(msg + l, mn - l, "%s%s", l ? ": " : "", advice);
	}
}

/* Header values: what a packet put in them made plain (no CR/LF, no
 * controls, ASCII: ntfy takes UTF-8 only encoded, so anything else is
 * '?'). */
static void header_clean(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

/* One POST. 0 sent; 1 to try again later; -1 never (a 4xx the server
 * will give again). */
static int post(struct webhook *w, CURL *c, const char *event_json)
{
	json_error_t je;
	json_t *ev = json_loads(event_json, 0, &je);
	if (!ev)
		return -1;
	char title[300], msg[1200], *body = NULL;
	struct curl_slist *h = NULL;
	words(ev, title, sizeof title, msg, sizeof msg);
	const char *sev = json_string_value(json_object_get(ev, "severity"));
	if (w->fmt == WEBHOOK_JSON) {
		body = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
		h = curl_slist_append(h, "Content-Type: application/json");
	} else if (w->fmt == WEBHOOK_GOTIFY) {
		json_t *g = json_pack("{s:s, s:s, s:i, s:{s:{s:s}}}", "title", title, "message", msg, "priority",
				      sev_priority(sev, 0), "extras", "client::display", "contentType", "text/plain");
		body = g ? json_dumps(g, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
		json_decref(g);
		h = curl_slist_append(h, "Content-Type: application/json");
	} else {
		body = strdup(msg);
		char hb[400];
		header_clean(title);
		snprintf(hb, sizeof hb, "Title: %s", title);
		h = curl_slist_append(h, hb);
		snprintf(hb, sizeof hb, "Priority: %d", sev_priority(sev, 1));
		h = curl_slist_append(h, hb);
		h = curl_slist_append(h, "Tags: alfoil");
		h = curl_slist_append(h, "Content-Type: text/plain; charset=utf-8");
	}
	json_decref(ev);
	if (!body || !h) {
		free(body);
		curl_slist_free_all(h);
		return 1;
	}
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, w->url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "alfoil");
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	free(body);
	curl_slist_free_all(h);
	if (rc != CURLE_OK) {
		if (w->st.failed_tries++ % 100 == 0)
			say(w, 0, "webhook: %s (%llu tries failed so far); trying again", curl_easy_strerror(rc),
			    (unsigned long long)w->st.failed_tries);
		return 1;
	}
	if (status >= 200 && status < 300)
		return 0;
	if (w->st.failed_tries++ % 100 == 0)
		say(w, 0, "webhook: HTTP %ld (%llu tries failed so far)%s", status, (unsigned long long)w->st.failed_tries,
		    status >= 400 && status < 500 && status != 408 && status != 429 ? "; the event is dropped"
										 : "; trying again");
	return status >= 400 && status < 500 && status != 408 && status != 429 ? -1 : 1;
}

/* Wait on the condition until ns (monotonic) or a push/stop. */
static void wait_until(struct webhook *w, uint64_t ns)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t now = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	if (ns <= now)
		return;
	uint64_t d = ns - now;
	/* the condition uses CLOCK_MONOTONIC (webhook_start) */
	ts.tv_sec += (time_t)(d / 1000000000u);
	ts.tv_nsec += (long)(d % 1000000000u);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_cond_timedwait(&w->cv, &w->mu, &ts);
}

static void *run(void *arg)
{
	struct webhook *w = arg;
	CURL *c = curl_easy_init();
	unsigned backoff = 0;
	uint64_t next_ns = 0; /* not before (backoff, rate) */
	/* the rate: a bucket of rate tokens, one back every minute / rate,
	 * so a burst of up to rate goes at once */
	uint64_t gap_ns = w->rate ? 60000000000ull / w->rate : 0, filled_ns = now_ns();
	double tokens = w->rate;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->n && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->n || (w->stopping && now_ns() >= w->deadline_ns))
			break;
		if (gap_ns) {
			uint64_t t = now_ns();
			tokens += (double)(t - filled_ns) / (double)gap_ns;
			if (tokens > w->rate)
				tokens = w->rate;
			filled_ns = t;
			if (tokens < 1 && next_ns < t + (uint64_t)((1 - tokens) * (double)gap_ns))
				next_ns = t + (uint64_t)((1 - tokens) * (double)gap_ns);
		}
		if (now_ns() < next_ns) {
			uint64_t until = next_ns;
			if (w->stopping && w->deadline_ns < until)
				until = w->deadline_ns;
			wait_until(w, until);
			continue;
		}
		char *ev = w->q[w->head];
		tokens -= 1;
		pthread_mutex_unlock(&w->mu);
		int r = c ? post(w, c, ev) : 1;
		pthread_mutex_lock(&w->mu);
		if (r == 1) {
			backoff = backoff ? (backoff * 2 > MAX_BACKOFF_S ? MAX_BACKOFF_S : backoff * 2) : 1;
			next_ns = now_ns() + (uint64_t)backoff * 1000000000u;
			if (!c)
				c = curl_easy_init();
			continue;
		}
		if (backoff && r == 0)
			say(w, 1, "webhook: sent again after %u s of failures", backoff);
		backoff = 0;
		/* the head is still ev: pushes only add at the tail, and a full
		 * queue drops the head only when it is not being sent (sending) */
		w->q[w->head] = NULL;
		w->head = (w->head + 1) % WEBHOOK_QUEUE;
		w->n--;
		if (r == 0)
			w->st.sent++;
		else
			w->st.dropped++;
		free(ev);
	}
	/* given up at the deadline: what is left is dropped */
	while (w->n) {
		free(w->q[w->head]);
		w->q[w->head] = NULL;
		w->head = (w->head + 1) % WEBHOOK_QUEUE;
		w->n--;
		w->st.dropped++;
	}
	pthread_mutex_unlock(&w->mu);
	if (c)
		curl_easy_cleanup(c);
	return NULL;
}

static void curl_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct webhook *webhook_start(const char *url, enum webhook_format fmt, unsigned rate_per_min,
			      const struct spawner *sp, void (*log)(int, const char *))
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, curl_once);
	struct webhook *w = calloc(1, sizeof *w);
	if (!w || !(w->url = strdup(url))) {
		free(w);
		return NULL;
	}
	w->fmt = fmt;
	w->rate = rate_per_min;
	w->sp = sp;
	w->log = log;
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (!sp || !(w->thread = sp->start("alfoil-webhook", run, w))) {
		if (log)
			log(0, "webhook: no thread for it: events are not sent");
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		free(w->url);
		free(w);
		return NULL;
	}
	return w;
}

void webhook_push(struct webhook *w, const char *event_json)
{
	char *e = strdup(event_json);
	if (!e)
		return;
	pthread_mutex_lock(&w->mu);
	if (w->n == WEBHOOK_QUEUE) {
		/* the oldest not being sent: the one after the head */
		size_t victim = (w->head + 1) % WEBHOOK_QUEUE;
		free(w->q[victim]);
		for (size_t i = 1; i + 1 < WEBHOOK_QUEUE; i++) {
			size_t a = (w->head + i) % WEBHOOK_QUEUE, b = (w->head + i + 1) % WEBHOOK_QUEUE;
			w->q[a] = w->q[b];
		}
		w->n--;
		if (w->st.dropped++ % 100 == 0)
			say(w, 0, "webhook: %d events waiting: the oldest dropped (%llu so far)", WEBHOOK_QUEUE,
			    (unsigned long long)w->st.dropped);
	}
	w->q[(w->head + w->n) % WEBHOOK_QUEUE] = e;
	w->n++;
	w->st.queued++;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void webhook_stop(struct webhook *w, unsigned grace_s, struct webhook_stats *st)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	w->deadline_ns = now_ns() + (uint64_t)grace_s * 1000000000u;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	w->sp->join(w->thread);
	if (st)
		*st = w->st;
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w->url);
	free(w);
}
