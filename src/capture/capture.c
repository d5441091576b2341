/* capture.c - packet sources (see capture.h).
 *
 * Live capture, pcapng files and BPF filters go through libpcap. Classic
 * pcap files are opened by libpcap too (it checks the header and knows the
 * link type) and then read in large blocks by this file: packets are
 * handed out in place from a 4 MiB buffer, instead of one stdio read and
 * one copy each, which is most of what reading a large file costs through
 * libpcap. Memory stays at the buffer whatever the file size (a mapping of
 * the file would count the whole file as resident). The records are checked
 * as libpcap checks them.
 */
#include "capture/capture.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PCAP_FILE_HDR 24
#define PCAP_REC_HDR 16
#define PCAP_MAX_CAPLEN 262144 /* libpcap's MAXIMUM_SNAPLEN */
#define READ_BLOCK (4u << 20)   /* file read buffer */

struct cap_source {
	pcap_t *pc;
	char name[1024];
	char err[PCAP_ERRBUF_SIZE + 1200];
	uint64_t count;
	long long size;
	int live;
	int nano;
	/* classic pcap read in blocks */
	int fd;                /* -1: libpcap reads */
	uint8_t *buf;
	size_t len, pos;       /* bytes in buf, next record in buf */
	long long buf_off;     /* file offset of buf[0] */
	int eof;
	int swapped;
	struct bpf_program prog;
	int has_prog;
};

static uint32_t rd32(const uint8_t *p, int swapped)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return swapped ? __builtin_bswap32(v) : v;
}

/* Read classic pcap files ourselves (pcapng, pipes and the rest stay with
 * libpcap). */
static void try_own_reader(struct cap_source *s, const char *path)
{
	uint8_t hdr[4];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	struct stat sb;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size < PCAP_FILE_HDR ||
	    pread(fd, hdr, 4, 0) != 4) {
		close(fd);
		return;
	}
	uint32_t m = (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 24;
	switch (m) {
	case 0xa1b2c3d4: s->swapped = 0; s->nano = 0; break;
	case 0xd4c3b2a1: s->swapped = 1; s->nano = 0; break;
	case 0xa1b23c4d: s->swapped = 0; s->nano = 1; break;
	case 0x4d3cb2a1: s->swapped = 1; s->nano = 1; break;
	default: close(fd); return;
	}
	s->buf = malloc(READ_BLOCK);
	if (!s->buf || lseek(fd, PCAP_FILE_HDR, SEEK_SET) != PCAP_FILE_HDR) {
		free(s->buf);
		s->buf = NULL;
		close(fd);
		return;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	s->fd = fd;
	s->buf_off = PCAP_FILE_HDR;
}

/* At least need bytes at s->pos, reading more when needed; false at the end
 * of the file (or a read error, in s->err). */
static int have(struct cap_source *s, size_t need)
{
	while (s->len - s->pos < need && !s->eof) {
		if (s->pos) { /* keep the partial record, drop what was read */
			memmove(s->buf, s->buf + s->pos, s->len - s->pos);
			s->buf_off += (long long)s->pos;
			s->len -= s->pos;
			s->pos = 0;
		}
		ssize_t r = read(s->fd, s->buf + s->len, READ_BLOCK - s->len);
		if (r < 0) {
			snprintf(s->err, sizeof s->err, "%s: packet %llu: read error: %s", s->name,
				 (unsigned long long)s->count + 1, strerror(errno));
			s->eof = 2;
			return 0;
		}
		if (r == 0)
			s->eof = 1;
		s->len += (size_t)r;
	}
	return s->len - s->pos >= need;
}

/* The next record, checked as libpcap checks it. */
static int own_next(struct cap_source *s, struct cap_packet *pkt)
{
	for (;;) {
		if (!have(s, PCAP_REC_HDR)) {
			size_t left = s->len - s->pos;
			if (s->eof == 2)
				return CAP_ERROR;
			if (left == 0)
				return CAP_END;
			snprintf(s->err, sizeof s->err,
				 "%s: packet %llu: truncated dump file; tried to read %d header bytes, only got %zu",
				 s->name, (unsigned long long)s->count + 1, PCAP_REC_HDR, left);
			s->pos = s->len;
			return CAP_ERROR;
		}
		const uint8_t *h = s->buf + s->pos;
		uint32_t sec = rd32(h, s->swapped), frac = rd32(h + 4, s->swapped);
		uint32_t caplen = rd32(h + 8, s->swapped), len = rd32(h + 12, s->swapped);
		if (caplen > PCAP_MAX_CAPLEN) {
			snprintf(s->err, sizeof s->err,
				 "%s: packet %llu: invalid packet capture length %u, bigger than %d (offset %lld)",
				 s->name, (unsigned long long)s->count + 1, caplen, PCAP_MAX_CAPLEN,
				 s->buf_off + (long long)s->pos);
			s->pos = s->len;
			s->eof = 1;
			return CAP_ERROR;
		}
		if (!have(s, PCAP_REC_HDR + (size_t)caplen)) {
			if (s->eof == 2)
				return CAP_ERROR;
			snprintf(s->err, sizeof s->err,
				 "%s: packet %llu: truncated dump file; tried to read %u captured bytes, only got %zu",
				 s->name, (unsigned long long)s->count + 1, caplen, s->len - s->pos - PCAP_REC_HDR);
			s->pos = s->len;
			return CAP_ERROR;
		}
		const uint8_t *data = s->buf + s->pos + PCAP_REC_HDR; /* have() may have moved it */
		s->pos += PCAP_REC_HDR + (size_t)caplen;
		if (s->has_prog) {
			struct pcap_pkthdr ph;
			ph.ts.tv_sec = (time_t)sec;
			ph.ts.tv_usec = (suseconds_t)(s->nano ? frac / 1000 : frac);
			ph.caplen = caplen;
			ph.len = len;
			if (!pcap_offline_filter(&s->prog, &ph, data))
				continue;
		}
		s->count++;
		pkt->ts_us = (uint64_t)sec * 1000000u + (s->nano ? frac / 1000 : frac);
		pkt->caplen = caplen;
		pkt->wirelen = len < caplen ? caplen : len;
		pkt->data = data;
		return CAP_PACKET;
	}
}

static int set_filter(struct cap_source *s, const char *filter, char *err, size_t errlen)
{
	struct bpf_program prog;
	if (!filter || !*filter)
		return 0;
	if (pcap_compile(s->pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "%s: bad filter '%s': %s", s->name, filter, pcap_geterr(s->pc));
		return -1;
	}
	if (s->fd >= 0) { /* applied by own_next */
		s->prog = prog;
		s->has_prog = 1;
		return 0;
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
	s->fd = -1;
	struct stat sb;
	s->size = stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
	ebuf[0] = '\0';
	s->pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (!s->pc) {
		snprintf(err, errlen, "%s: %s", path, ebuf[0] ? ebuf : "cannot open");
		free(s);
		return NULL;
	}
	try_own_reader(s, path);
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
	s->fd = -1;
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
	if (s->fd >= 0)
		close(s->fd);
	free(s->buf);
	if (s->has_prog)
		pcap_freecode(&s->prog);
	free(s);
}

int cap_next(struct cap_source *s, struct cap_packet *pkt)
{
	if (s->fd >= 0)
		return own_next(s, pkt);
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
	if (s->fd >= 0)
		return s->buf_off + (long long)s->pos;
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
