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
#include <signal.h>
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
/* Open an interface for live capture (promiscuous, 100 ms read timeout,
 * a capture buffer of CAP_BUFFER_MIB). */
#define CAP_BUFFER_MIB 32u
#define CAP_BUFFER_MIB_MAX 4096u
struct cap_source *cap_open_live(const char *iface, const char *filter, char *err, size_t errlen);
/* The same with a capture buffer of buffer_mib MiB (0: CAP_BUFFER_MIB)
 * whose packets are handed on at the latest timeout_ms after they came
 * (0: CAP_TIMEOUT_MS; watch --enforce wants its DNS answers sooner).
 * *why (may be NULL) gets why it failed: */
#define CAP_TIMEOUT_MS 100
enum cap_open_why {
	CAP_OPEN_FAILED = 0,  /* anything else (a bad filter, no memory, ...) */
	CAP_OPEN_NO_DEVICE,   /* no such interface (yet): ENODEV, ENXIO */
	CAP_OPEN_NOT_UP,      /* the interface is down */
	CAP_OPEN_DENIED,      /* no right to capture (root or CAP_NET_RAW) */
};
struct cap_source *cap_open_iface(const char *iface, const char *filter, unsigned buffer_mib, unsigned timeout_ms,
				  enum cap_open_why *why, char *err, size_t errlen);
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
/* A stream (standard input, a FIFO) that waits for bytes gives up when
 * *stop is set (a signal): cap_next() then says CAP_END. Files and live
 * captures are not concerned. */
void cap_set_stop(struct cap_source *s, volatile sig_atomic_t *stop);
/* 1 when s is a stream (standard input, a FIFO: read as it comes), 0 for
 * a file or a live capture. */
int cap_is_stream(const struct cap_source *s);
/* 1 when s is a stream with no byte to read now (the next cap_next()
 * would wait for the writer); 0 for files, live captures, or when bytes
 * are there. Lets a reader hand on what it has before it waits. */
int cap_would_block(const struct cap_source *s);
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
/* libpcap's counters of this open (pcap_stats(): packets received,
 * dropped by the kernel, dropped by the interface). 0, or -1 (a file, or
 * libpcap could not say). */
int cap_get_stats(struct cap_source *s, struct cap_stats *st);

/* Live, for a caller that polls several sources itself: the descriptor
 * to poll(2) for POLLIN, and a packet that is ready now or CAP_TIMEOUT at
 * once when none is (never waits; otherwise as cap_next()). */
int cap_live_fd(const struct cap_source *s);
int cap_next_ready(struct cap_source *s, struct cap_packet *pkt);
/* Live: whether the interface is still the one that was opened. libpcap
 * does not always tell that a device was deleted (its socket just goes
 * quiet; one made again under the name is another device), so the caller
 * asks now and then: 1 when the name is gone or names another device now
 * (cap_error() says which), 0 while it is the same. */
int cap_live_gone(struct cap_source *s);
/* Live: the interface's link now. A capture on an interface that goes
 * down stays open on Linux (libpcap says nothing; packets come back with
 * the link), so this is how the caller can tell. */
enum cap_link { CAP_LINK_UNKNOWN = 0, CAP_LINK_UP, CAP_LINK_DOWN, CAP_LINK_NO_CARRIER };
enum cap_link cap_live_link(const struct cap_source *s);

#endif
