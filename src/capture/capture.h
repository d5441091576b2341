/* capture.h - packets from a capture file or a live interface (libpcap).
 *
 * Knows nothing of protocols: yields (timestamp, lengths, bytes, link type).
 * Files may be pcap or pcapng (libpcap reads both), either compressed with
 * gzip (tcpdump -G/-C rotations put through gzip; read through zlib with
 * bounded memory); "-" is standard input (compressed or not). Errors are
 * returned as codes with a message naming the file (once) and the packet
 * number.
 */
#ifndef ALFOIL_CAPTURE_CAPTURE_H
#define ALFOIL_CAPTURE_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

struct cap_source;

/* Classic pcap files are read in blocks of this size (capture.c). */
#define CAP_FILE_BLOCK (2u << 20)

struct cap_packet {
	uint64_t ts_us;      /* microseconds since the epoch */
	uint32_t caplen;     /* bytes in data */
	uint32_t wirelen;    /* bytes on the wire */
	const uint8_t *data; /* valid until the next cap_next() */
};

struct cap_stats {
	uint64_t received, dropped, if_dropped;
	int valid; /* live captures only */
};

enum cap_status {
	CAP_PACKET = 1,
	CAP_END = 0,      /* end of file, or a live capture told to stop */
	CAP_TIMEOUT = 2,  /* live: no packet within the read timeout */
	CAP_ERROR = -1,   /* cap_error() says what */
};

/* Open a file; filter is a BPF expression or NULL. NULL and err set on
 * failure. */
struct cap_source *cap_open_file(const char *path, const char *filter, char *err, size_t errlen);
/* Open an interface for live capture (promiscuous, 100 ms read timeout). */
struct cap_source *cap_open_live(const char *iface, const char *filter, char *err, size_t errlen);
void cap_close(struct cap_source *s);

/* A classic pcap file (read by capture.c, not libpcap) is read ahead, a
 * block at a time, on a thread of sp's while the caller works on the
 * packets of the block before. Called before the first cap_next(); without
 * it (or when sp gives no thread) the blocks are read on the caller's
 * thread as they are needed. Other sources ignore it. */
struct spawner;
void cap_read_ahead(struct cap_source *s, const struct spawner *sp);

/* Directory inputs (dir.c): every capture file under dir, recursively,
 * sorted in version order; names *.pcap, *.pcapng, *.cap, each perhaps
 * with a rotation number and perhaps .gz. *out is freed with
 * cap_list_free(). 0, or -1 with err naming what failed. */
#define CAP_DIR_MAX 100000
int cap_list_dir(const char *dir, char ***out, size_t *n, char *err, size_t errlen);
void cap_list_free(char **v, size_t n);
int cap_is_capture_name(const char *name);

/* After CAP_ERROR a source only returns CAP_END: a file that went bad is
 * not read on. */
int cap_next(struct cap_source *s, struct cap_packet *pkt);
const char *cap_error(const struct cap_source *s);
int cap_datalink(const struct cap_source *s);        /* DLT_* */
const char *cap_datalink_name(const struct cap_source *s);
const char *cap_name(const struct cap_source *s);    /* file path or interface */
uint64_t cap_count(const struct cap_source *s);      /* packets returned so far */
/* Progress through a file: bytes read and file size; -1 when unknown. */
long long cap_offset(const struct cap_source *s);
long long cap_size(const struct cap_source *s);
/* Ask a live capture to stop (safe from a signal handler). */
void cap_breakloop(struct cap_source *s);
int cap_get_stats(struct cap_source *s, struct cap_stats *st);

#endif
