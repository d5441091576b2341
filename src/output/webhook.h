/* webhook.h - events pushed to a URL (alfoil watch --webhook): a JSON
 * POST each, in the order said, through libcurl on a thread of its own,
 * so that the packets and the commits never wait for the network.
 *
 * A queue of at most WEBHOOK_QUEUE events: when it is full the oldest
 * goes (counted). A POST that fails (no connection, a timeout, an HTTP
 * status of 400 or more but 400..499 other than 408 and 429) is tried
 * again after 1, 2, 4 ... 300 s, the events behind it waiting; at most
 * rate_per_min POSTs a minute (a burst of that many, then one each
 * minute / rate_per_min). Failures are logged (the first and then
 * every 100th) through the log function given, and counted. */
#ifndef ALFOIL_OUTPUT_WEBHOOK_H
#define ALFOIL_OUTPUT_WEBHOOK_H

#include <stdint.h>

#include "lib/spawn.h"

#define WEBHOOK_QUEUE 1024

enum webhook_format {
	WEBHOOK_JSON,   /* the event as alfoil events --json prints it */
	WEBHOOK_NTFY,   /* ntfy: the message as the body, Title/Priority/Tags headers */
	WEBHOOK_GOTIFY, /* Gotify: {"title", "message", "priority"} (the URL holds the token) */
};
int webhook_format_parse(const char *s, enum webhook_format *out); /* 0 ok */

struct webhook_stats {
	uint64_t sent, failed_tries, dropped, queued;
};

struct webhook;

/* log(level, message): 0 warn, 1 info. NULL when out of memory or no
 * thread (logged). */
struct webhook *webhook_start(const char *url, enum webhook_format fmt, unsigned rate_per_min,
			      const struct spawner *sp, void (*log)(int level, const char *msg));
/* The event (a JSON object as alfoil events --json makes it: type,
 * severity, device, subject, advice ...) to send; its text is copied. */
void webhook_push(struct webhook *w, const char *event_json);
/* What is queued is tried for at most grace_s more seconds, then the
 * thread stops; the rest is counted as dropped. */
void webhook_stop(struct webhook *w, unsigned grace_s, struct webhook_stats *st);

#endif
