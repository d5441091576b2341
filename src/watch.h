/* watch.h - `alfoil watch`: its options (cmd_watch_args.c: the flags and
 * the config file, one table) for the daemon (cmd_watch.c). */
#ifndef ALFOIL_WATCH_H
#define ALFOIL_WATCH_H

#include <stddef.h>
#include <stdint.h>

#include "inspect.h"
#include "lib/conf.h"
#include "lib/log.h"
#include "output/webhook.h"
#include "store/store.h"

#define WATCH_DEFAULT_CONFIG "/etc/alfoil/alfoil.conf"
#define WATCH_DEFAULT_DB "/var/lib/alfoil/alfoil.db"
#define WATCH_DEFAULT_USER "alfoil" /* else nobody */
#define WATCH_MAX_IFACES 16
#define WATCH_DEFAULT_LAN "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, 169.254.0.0/16"

struct watch_opts {
	const char *ifaces[WATCH_MAX_IFACES]; /* -i, in order */
	size_t n_ifaces;
	char **reads;                /* -r FILE and the operands after it */
	size_t n_reads, cap_reads;
	int read_mode;               /* -r given */
	int stream;                  /* -r of standard input or a FIFO: steps and commits as live */
	const char *db;
	const char *config;          /* --config, or NULL: the default, if there */
	const char *report_file;     /* SIGUSR1's report; NULL: report.json beside the db */
	const char *eve;             /* --eve FILE, or NULL */
	enum severity eve_sev;       /* --eve-severity (default info: all) */
	int syslog;                  /* --syslog */
	enum severity syslog_sev;    /* --syslog-severity (default low) */
	const char *webhook;         /* --webhook URL, or NULL */
	enum webhook_format webhook_fmt;
	enum severity webhook_sev;   /* default medium */
	unsigned webhook_rate;       /* POSTs a minute at most (default 30) */
	unsigned commit_interval;    /* seconds of engine time */
	unsigned buffer_mib;         /* live capture buffer */
	int enforce;                 /* --enforce: live rules (enforce/live.h); keeps CAP_NET_ADMIN */
	const char *policies;        /* --policies FILE, or NULL */
	uint32_t enforce_grace_s;    /* --enforce-grace (default 600) */
	const char *lan;             /* --lan */
	int bridge;                  /* --bridge: the bridge table too */
	int keep_net_raw;            /* keep CAP_NET_RAW: reopen a recreated interface */
	enum log_level log_level;
	struct store_config store;
	/* what inspect has too: filter, home country, data, rule files,
	 * limits, --user (and the user looked up) */
	struct inspect_opts in;
	/* bit per option id: given on the command line (the file's entry of
	 * it is then not read) */
	uint8_t from_cli[64];
	struct conf conf;            /* the file read, which values point into */
	int conf_read;               /* a file was read */
	char conf_path[512];         /* which one */
	char report_default[4200];   /* report.json beside the db */
};

/* 0 ready; 1 help printed (exit 0); -1 after a message (exit 1). Reads
 * the command line, then the config file for the options it left. */
int watch_parse_args(int argc, char **argv, struct watch_opts *o);
/* SIGHUP: the command line again and the file as it is now, into n
 * (fresh); -1 with err (the old settings stay). */
int watch_reload_args(int argc, char **argv, struct watch_opts *n, char *err, size_t errlen);
void watch_opts_free(struct watch_opts *o);
/* Engine seconds between two steps of the recorder: live, the commit
 * interval; with -r an hour of packet time (the store's finest grain: a
 * step at each hour's start puts every delta in its own hour), but the
 * commit interval when one input is a stream (stream set: standard input,
 * a FIFO, which is watching a remote capture as it comes); either
 * less when a destination, device or name is forgotten sooner (a step
 * must see what it did before it goes). */
unsigned watch_step_seconds(const struct watch_opts *o);

#endif
