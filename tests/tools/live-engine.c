/* live-engine.c - the engine live on interfaces, as `alfoil watch` runs
 * it, for the tests of live robustness (tests/t-live-reopen.sh):
 *
 *   live-engine [-p] [-d SECONDS] [-s STATS_SECONDS] [-b MIB] IFACE...
 *
 * -p persist (an interface absent, down or gone is opened again), -d the
 * duration (default 5), -s the drop counters' interval (default the
 * engine's, 60 s), -b the capture buffer. Every IFACE at once. Output,
 * one line each, on standard output as it happens:
 *
 *   log LEVEL T [IFACE=PACKETS ...] MESSAGE   a log line of the engine, T its
 *                                              second since the start, with
 *                                              each input's packets then
 *   stats T IFACE RECEIVED DROPPED IF_DROPPED  the counters callback
 *   input IFACE packets P opens O losses L error E received R dropped D
 *   total P devices N ticks K                   at the end (devices: in the tracker)
 *
 * Exit status: engine_run()'s (0, or 1 when nothing could be opened). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "lib/cli.h"

static struct engine *eng;
static uint64_t started;

static double since(void)
{
	return (double)(engine_clock_us() - started) / 1e6;
}

static void on_log(void *ctx, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void on_log(void *ctx, int level, const char *fmt, ...)
{
	(void)ctx;
	static const char *const names[] = { "error", "warn", "info", "debug" };
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	printf("log %s %.1f", level >= 0 && level <= 3 ? names[level] : "?", since());
	const struct engine_result *r = engine_result(eng);
	for (size_t i = 0; i < r->n_inputs; i++)
		printf(" %s=%llu", r->inputs[i].name, (unsigned long long)r->inputs[i].packets);
	printf(" %s\n", msg);
	fflush(stdout);
}

static void on_stats(void *ctx, const char *iface, uint64_t received, uint64_t dropped, uint64_t if_dropped)
{
	(void)ctx;
	printf("stats %.1f %s %llu %llu %llu\n", since(), iface, (unsigned long long)received,
	       (unsigned long long)dropped, (unsigned long long)if_dropped);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct engine_config c = { .quiet = 1, .log = on_log, .on_stats = on_stats, .duration = 5 };
	int opt;
	cli_set_prog("live-engine");
	while ((opt = getopt(argc, argv, "pd:s:b:")) != -1) {
		switch (opt) {
		case 'p': c.persist = 1; break;
		case 'd': c.duration = atof(optarg); break;
		case 's': c.stats_interval_s = (uint32_t)atoi(optarg); break;
		case 'b': c.buffer_mib = (unsigned)atoi(optarg); break;
		default:
			fprintf(stderr, "usage: live-engine [-p] [-d SECONDS] [-s STATS_SECONDS] [-b MIB] IFACE...\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "live-engine: no interface given\n");
		return 2;
	}
	c.ifaces = (const char *const *)argv + optind;
	c.n_ifaces = (size_t)(argc - optind);
	tracker_config_default(&c.track);
	reasm_config_default(&c.frag);
	if (!(eng = engine_new(&c))) {
		fprintf(stderr, "live-engine: out of memory\n");
		return 1;
	}
	started = engine_clock_us();
	int rc = engine_run(eng);
	const struct engine_result *r = engine_result(eng);
	for (size_t i = 0; i < r->n_inputs; i++) {
		const struct engine_input *in = &r->inputs[i];
		printf("input %s packets %llu opens %llu losses %llu error %d received %llu dropped %llu\n", in->name,
		       (unsigned long long)in->packets, (unsigned long long)in->opens,
		       (unsigned long long)in->losses, in->error, (unsigned long long)in->received,
		       (unsigned long long)in->dropped);
	}
	printf("total %llu devices %llu ticks %llu\n", (unsigned long long)r->total,
	       (unsigned long long)tracker_device_count(engine_tracker(eng)), (unsigned long long)r->ticks);
	engine_free(eng);
	return rc < 0 ? 1 : 0;
}
