/* capture.c - libpcap packet sources (see capture.h). */
#include "capture/capture.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct cap_source {
	pcap_t *pc;
	char name[1024];
	char err[PCAP_ERRBUF_SIZE + 1200];
	uint64_t count;
	long long size;
	int live;
	int nano;
};

static int set_filter(struct cap_source *s, const char *filter, char *err, size_t errlen)
{
	struct bpf_program prog;
	if (!filter || !*filter)
		return 0;
	if (pcap_compile(s->pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "%s: bad filter '%s': %s", s->name, filter, pcap_geterr(s->pc));
		return -1;
	}
	int r = pcap_setfilter(s->pc, &prog);
	pcap_freecode(&prog);
	if (r < 0) {
		snprintf(err, errlen, "%s: cannot set filter: %s", s->name, pcap_geterr(s->pc));
		return -1;
	}
	return 0;
}

struct cap_source *cap_open_file(const char *path, const char *filter, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct cap_source *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	snprintf(s->name, sizeof s->name, "%s", path);
	struct stat sb;
	s->size = stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
	ebuf[0] = '\0';
	s->pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (!s->pc) {
		snprintf(err, errlen, "%s: %s", path, ebuf[0] ? ebuf : "cannot open");
		free(s);
		return NULL;
	}
	if (set_filter(s, filter, err, errlen) < 0) {
		cap_close(s);
		return NULL;
	}
	return s;
}

struct cap_source *cap_open_live(const char *iface, const char *filter, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct cap_source *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "%s: out of memory", iface);
		return NULL;
	}
	snprintf(s->name, sizeof s->name, "%s", iface);
	s->live = 1;
	s->size = -1;
	ebuf[0] = '\0';
	s->pc = pcap_create(iface, ebuf);
	if (!s->pc) {
		snprintf(err, errlen, "%s: %s", iface, ebuf);
		free(s);
		return NULL;
	}
	pcap_set_snaplen(s->pc, 65535);
	pcap_set_promisc(s->pc, 1);
	pcap_set_timeout(s->pc, 100);
	pcap_set_buffer_size(s->pc, 32 << 20);
	int r = pcap_activate(s->pc);
	if (r < 0) {
		snprintf(err, errlen, "%s: %s%s", iface, pcap_statustostr(r),
			 r == PCAP_ERROR_PERM_DENIED ? " (live capture needs root or CAP_NET_RAW)"
			 : r == PCAP_ERROR ? "" : "");
		if (r == PCAP_ERROR)
			snprintf(err, errlen, "%s: %s", iface, pcap_geterr(s->pc));
		cap_close(s);
		return NULL;
	}
	if (set_filter(s, filter, err, errlen) < 0) {
		cap_close(s);
		return NULL;
	}
	return s;
}

void cap_close(struct cap_source *s)
{
	if (!s)
		return;
	if (s->pc)
		pcap_close(s->pc);
	free(s);
}

int cap_next(struct cap_source *s, struct cap_packet *pkt)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int r = pcap_next_ex(s->pc, &h, &data);
	switch (r) {
	case 1:
		s->count++;
		pkt->ts_us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
		pkt->caplen = h->caplen;
		pkt->wirelen = h->len < h->caplen ? h->caplen : h->len;
		pkt->data = data;
		return CAP_PACKET;
	case 0:
		return CAP_TIMEOUT;
	case PCAP_ERROR_BREAK:
		return CAP_END;
	default:
		snprintf(s->err, sizeof s->err, "%s: packet %llu: %s", s->name,
			 (unsigned long long)s->count + 1, pcap_geterr(s->pc));
		return CAP_ERROR;
	}
}

const char *cap_error(const struct cap_source *s)
{
	return s->err;
}

int cap_datalink(const struct cap_source *s)
{
	return pcap_datalink(s->pc);
}

const char *cap_datalink_name(const struct cap_source *s)
{
	const char *n = pcap_datalink_val_to_name(pcap_datalink(s->pc));
	return n ? n : "unknown";
}

const char *cap_name(const struct cap_source *s)
{
	return s->name;
}

uint64_t cap_count(const struct cap_source *s)
{
	return s->count;
}

long long cap_offset(const struct cap_source *s)
{
	if (s->live)
		return -1;
	FILE *f = pcap_file(s->pc);
	return f ? (long long)ftello(f) : -1;
}

long long cap_size(const struct cap_source *s)
{
	return s->size;
}

void cap_breakloop(struct cap_source *s)
{
	if (s && s->pc)
		pcap_breakloop(s->pc);
}

int cap_get_stats(struct cap_source *s, struct cap_stats *st)
{
	struct pcap_stat ps;
	memset(st, 0, sizeof *st);
	if (!s->live || pcap_stats(s->pc, &ps) < 0)
		return -1;
	st->received = ps.ps_recv;
	st->dropped = ps.ps_drop;
	st->if_dropped = ps.ps_ifdrop;
	st->valid = 1;
	return 0;
}
