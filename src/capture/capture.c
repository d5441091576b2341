/* capture.c - packet sources (see capture.h).
 *
 * Live capture, pcapng files and BPF filters go through libpcap. Classic
 * pcap files are opened by libpcap too (it checks the header and knows the
 * link type) and then read by this file: a read-ahead thread (the
 * wirer's, cap_read_ahead()) fills 2 MiB blocks with read(2) while the
 * caller works on the packets of the block before, and packets are handed out in place (a record that runs into the
 * next block is put together in a spill buffer). That takes the system
 * calls and the kernel's copy off the analysing thread, which is most of
 * what reading a large file costs. Memory stays at the blocks whatever the
 * file size (a mapping of the file would count the whole file as
 * resident, and measured slower here). The records are checked as libpcap
 * checks them.
 */
#include "capture/capture.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "lib/ring.h"
#include "lib/spawn.h"

#define PCAP_FILE_HDR 24
#define PCAP_REC_HDR 16
#define PCAP_MAX_CAPLEN 262144 /* libpcap's MAXIMUM_SNAPLEN */
#define RA_BLOCK CAP_FILE_BLOCK  /* bytes read at a time */
#define RA_DEPTH 4              /* blocks in flight */

/* One block of the file, filled by the read-ahead thread. */
struct ra_block {
	uint8_t *data;
	size_t len;
	int err;  /* errno of a failed read, else 0 */
	int eof;  /* the file ends after this block */
};

/* Read-ahead: a thread reads the file into RA_DEPTH blocks in turn while
 * the caller works on the packets of the block before; the blocks are
 * handed over through a ring (lib/ring.h). The thread is the wirer's
 * (cap_read_ahead()); without one, a block is read when the caller needs
 * it, on its own thread. */
struct readahead {
	struct ring ring;
	const struct spawner *sp;
	void *thread;          /* NULL: the caller reads */
	int fd;
	off_t pos;             /* the file offset read next (pread: the
				  descriptor's own offset is libpcap's) */
	size_t block;          /* bytes a block: RA_BLOCK, less for a small file */
	struct ra_block blk[RA_DEPTH];
};

/* A gzip-compressed file (or standard input, compressed or not) read by
 * libpcap through a stdio cookie: zlib's window and one buffer, whatever
 * the file size. */
struct gz_in {
	gzFile gz;      /* a regular file: zlib's reader; NULL: a stream (below) */
	int failed;     /* a zlib error or a truncated stream was met */
	char msg[160];
	/* a stream (standard input, a FIFO): read here, each read(2) handed
	 * on as it comes (zlib's reader waits for a whole buffer, which on a
	 * pipe of `tcpdump -U` holds packets for minutes); gzip or not is
	 * told by its first two bytes */
	int fd;
	int mode;           /* 0 not known yet, 1 as it is, 2 gzip */
	uint8_t head[2];
	size_t n_head, head_at;
	z_stream z;
	int z_init, z_end;  /* inflate set up; the last member ended */
	uint8_t *in;
	volatile sig_atomic_t *stop; /* cap_set_stop() */
	int stopped;        /* a wait for bytes was given up: the input ends */
};

#define STREAM_IN (64u << 10)

/* One read(2), again when interrupted by a signal that did not stop us. */
static ssize_t read_some(int fd, void *buf, size_t n)
{
	for (;;) {
		ssize_t r = read(fd, buf, n);
		if (r >= 0 || errno != EINTR)
			return r;
	}
}

/* Until fd has bytes (0), or -1 when *stop was set while waiting (a
 * signal: the input ends there). Without a stop flag, read(2) waits. */
static int wait_bytes(struct gz_in *g)
{
	if (!g->stop)
		return 0;
	for (;;) {
		if (*g->stop) {
			g->stopped = 1;
			errno = EINTR;
			return -1;
		}
		struct pollfd p = { .fd = g->fd, .events = POLLIN };
		int r = poll(&p, 1, 200);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return 0; /* read(2) will say what is wrong */
	}
}

static ssize_t stream_fail(struct gz_in *g, const char *msg)
{
	g->failed = 1;
	snprintf(g->msg, sizeof g->msg, "%s", msg);
	errno = EIO;
	return -1;
}

/* The decompressor's input, read again (it has none left): the bytes
 * read, 0 at the end of the stream, or -1 (failed, or stopped). */
static ssize_t refill(struct gz_in *g)
{
	if (wait_bytes(g))
		return -1;
	ssize_t r = read_some(g->fd, g->in, STREAM_IN);
	if (r < 0)
		return stream_fail(g, strerror(errno));
	g->z.next_in = g->in;
	g->z.avail_in = (uInt)r;
	return r;
}

/* A stream's bytes, decompressed when it is gzip: what is there, without
 * waiting for more once there is some. */
static ssize_t stream_read(struct gz_in *g, char *buf, size_t n)
{
	if (!g->mode) { /* its first two bytes (or fewer: a short stream) */
		while (g->n_head < 2) {
			if (wait_bytes(g))
				return -1;
			ssize_t r = read_some(g->fd, g->head + g->n_head, 2 - g->n_head);
			if (r < 0)
				return stream_fail(g, strerror(errno));
			if (r == 0)
				break;
			g->n_head += (size_t)r;
		}
		g->mode = g->n_head == 2 && g->head[0] == 0x1f && g->head[1] == 0x8b ? 2 : 1;
		if (g->mode == 2) {
			if (!(g->in = malloc(STREAM_IN)) || inflateInit2(&g->z, 15 + 32) != Z_OK)
				return stream_fail(g, "out of memory for the decompressor");
			g->z_init = 1;
			memcpy(g->in, g->head, 2);
			g->z.next_in = g->in;
			g->z.avail_in = 2;
		}
	}
	if (g->mode == 1) {
		if (g->head_at < g->n_head) {
			size_t k = g->n_head - g->head_at < n ? g->n_head - g->head_at : n;
			memcpy(buf, g->head + g->head_at, k);
			g->head_at += k;
			return (ssize_t)k;
		}
		if (wait_bytes(g))
			return -1;
		ssize_t r = read_some(g->fd, buf, n);
		return r < 0 ? stream_fail(g, strerror(errno)) : r;
	}
	for (;;) {
		if (g->z_end && !g->z.avail_in) { /* another member, or the end */
			ssize_t r = refill(g);
			if (r <= 0)
				return r;
		}
		if (g->z_end) {
			/* another member only if it starts as one: what follows a
			 * gzip stream that is not gzip is ignored, as zlib's
			 * reader does */
			if (g->z.avail_in < 2 || g->z.next_in[0] != 0x1f || g->z.next_in[1] != 0x8b)
				return 0;
			if (inflateReset(&g->z) != Z_OK)
				return stream_fail(g, "the decompressor failed");
			g->z_end = 0;
		}
		if (!g->z.avail_in) {
			ssize_t r = refill(g);
			if (r < 0)
				return r;
			if (r == 0)
				return stream_fail(g, "compressed data cut short (unexpected end of the gzip stream)");
		}
		g->z.next_out = (Bytef *)buf;
		g->z.avail_out = n > (1u << 30) ? 1u << 30 : (uInt)n;
		int zr = inflate(&g->z, Z_NO_FLUSH);
		size_t got = (size_t)((char *)g->z.next_out - buf);
		if (zr == Z_STREAM_END)
			g->z_end = 1;
		else if (zr != Z_OK && zr != Z_BUF_ERROR)
			return stream_fail(g, g->z.msg ? g->z.msg : "not gzip data after a gzip header");
		if (got)
			return (ssize_t)got;
	}
}

struct cap_source {
	pcap_t *pc;
	struct gz_in *gz;      /* NULL: not read through zlib */
	char name[1024];
	char err[PCAP_ERRBUF_SIZE + 1200];
	uint64_t count;
	long long size;
	int live;
	int live_fd;           /* live: the descriptor to poll(2) */
	unsigned ifindex;      /* live: the device opened (0: not known, "any") */
	int nano;
	/* classic pcap read by this file */
	struct readahead *ra;  /* NULL: libpcap reads */
	struct ra_block *cur;  /* block being read, NULL before the first */
	size_t pos;            /* next byte in cur */
	long long off;         /* file offset of the next byte */
	uint8_t *spill;        /* a record that crosses blocks, put together */
	int done;              /* end of file, read error or a bad record seen */
	int failed;            /* an error was returned: the source stays ended */
	int read_err;          /* errno of the read error that ended it */
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

/* Fill the next free block: 0, or -1 when nothing more will be read
 * (the end of the file, a read error, or the ring closed by the caller). */
static int ra_fill(struct readahead *ra)
{
	int i = ring_acquire(&ra->ring);
	if (i < 0)
		return -1;
	struct ra_block *b = &ra->blk[i];
	size_t n = 0;
	int err = 0, eof = 0;
	while (n < ra->block) {
		ssize_t r = pread(ra->fd, b->data + n, ra->block - n, ra->pos);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = errno;
			break;
		}
		if (r == 0) {
			eof = 1;
			break;
		}
		n += (size_t)r;
		ra->pos += r;
	}
	b->len = n;
	b->err = err;
	b->eof = eof;
	ring_publish(&ra->ring);
	return err || eof ? -1 : 0;
}

static void *ra_main(void *arg)
{
	struct readahead *ra = arg;
	while (ra_fill(ra) == 0)
		;
	return NULL;
}

static void ra_free(struct readahead *ra)
{
	if (!ra)
		return;
	for (int i = 0; i < RA_DEPTH; i++)
		free(ra->blk[i].data);
	if (ra->fd >= 0)
		close(ra->fd);
	free(ra);
}

/* Stop the thread and free everything. */
static void ra_close(struct readahead *ra)
{
	if (!ra)
		return;
	ring_close(&ra->ring);
	if (ra->thread)
		ra->sp->join(ra->thread);
	ring_destroy(&ra->ring);
	ra_free(ra);
}

/* fd a file of size bytes, read from offset start on; NULL when memory
 * cannot be had (libpcap reads then). */
static struct readahead *ra_new(int fd, off_t start, long long size)
{
	struct readahead *ra = calloc(1, sizeof *ra);
	if (!ra)
		return NULL;
	ra->fd = fd;
	ra->pos = start;
	/* a small file gets small blocks (one read of it all, and the end) */
	ra->block = size + 1 < (long long)RA_BLOCK ? (size_t)size + 1 : RA_BLOCK;
	if (ra->block < 4096)
		ra->block = 4096;
	for (int i = 0; i < RA_DEPTH; i++)
		if (!(ra->blk[i].data = malloc(ra->block))) {
			ra->fd = -1;
			ra_free(ra);
			return NULL;
		}
	if (ring_init(&ra->ring, RA_DEPTH) < 0) {
		ra->fd = -1;
		ra_free(ra);
		return NULL;
	}
	return ra;
}

/* The next filled block, waiting for the thread when it is behind (or
 * reading it here when there is no thread). The caller never asks past
 * the block that ends the file. */
static struct ra_block *ra_next(struct readahead *ra, int release)
{
	if (release)
		ring_release(&ra->ring);
	if (!ra->thread)
		ra_fill(ra);
	return &ra->blk[ring_next(&ra->ring)];
}

/* Read classic pcap files ourselves (pcapng, pipes and the rest stay with
 * libpcap). in is the descriptor libpcap's stream reads from: a regular
 * file is read through a copy of it, with pread(2) (the offset stays
 * libpcap's, which reads nothing more), never by opening the path again, which for a FIFO would wait for a second writer that
 * never comes, and for any path may be another file by then. */
static void try_own_reader(struct cap_source *s, int in)
{
	uint8_t hdr[4];
	struct stat sb;
	if (fstat(in, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size < PCAP_FILE_HDR)
		return;
	int fd = fcntl(in, F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (pread(fd, hdr, 4, 0) != 4) {
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
	s->spill = malloc(PCAP_REC_HDR + PCAP_MAX_CAPLEN);
	if (!s->spill) {
		close(fd);
		return;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	s->ra = ra_new(fd, PCAP_FILE_HDR, (long long)sb.st_size);
	if (!s->ra) {
		free(s->spill);
		s->spill = NULL;
		close(fd);
		return;
	}
	s->off = PCAP_FILE_HDR;
}

/* need contiguous bytes from the read position on: a pointer into the
 * current block, or into s->spill when they run into the next block.
 * NULL at the end of the file or on a read error (s->read_err), with
 * *got the bytes there were. The pointer is good until the next take. */
static const uint8_t *take(struct cap_source *s, size_t need, size_t *got)
{
	*got = 0;
	if (s->done)
		return NULL;
	struct ra_block *b = s->cur;
	if (!b || (s->pos == b->len && !b->eof && !b->err)) {
		b = s->cur = ra_next(s->ra, b != NULL);
		s->pos = 0;
	}
	if (b->len - s->pos >= need) {
		const uint8_t *p = b->data + s->pos;
		s->pos += need;
		s->off += (long long)need;
		return p;
	}
	size_t have = 0;
	for (;;) {
		size_t n = b->len - s->pos;
		if (n > need - have)
			n = need - have;
		memcpy(s->spill + have, b->data + s->pos, n);
		have += n;
		s->pos += n;
		if (have == need)
			break;
		if (b->eof || b->err) {
			s->read_err = b->err;
			s->done = 1;
			*got = have;
			return NULL;
		}
		b = s->cur = ra_next(s->ra, 1);
		s->pos = 0;
	}
	s->off += (long long)need;
	return s->spill;
}

/* A read(2) error ended the file: say so, naming the packet. */
static int read_failed(struct cap_source *s)
{
	snprintf(s->err, sizeof s->err, "%s: packet %llu: read error: %s", s->name,
		 (unsigned long long)s->count + 1, strerror(s->read_err));
	s->read_err = 0;
	return CAP_ERROR;
}

/* The next record, checked as libpcap checks it. */
static int own_next(struct cap_source *s, struct cap_packet *pkt)
{
	for (;;) {
		size_t got;
		const uint8_t *h = take(s, PCAP_REC_HDR, &got);
		if (!h) {
			if (s->read_err)
				return read_failed(s);
			if (got == 0)
				return CAP_END;
			snprintf(s->err, sizeof s->err,
				 "%s: packet %llu: truncated dump file; tried to read %d header bytes, only got %zu",
				 s->name, (unsigned long long)s->count + 1, PCAP_REC_HDR, got);
			return CAP_ERROR;
		}
		uint32_t sec = rd32(h, s->swapped), frac = rd32(h + 4, s->swapped);
		uint32_t caplen = rd32(h + 8, s->swapped), len = rd32(h + 12, s->swapped);
		if (caplen > PCAP_MAX_CAPLEN) {
			snprintf(s->err, sizeof s->err,
				 "%s: packet %llu: invalid packet capture length %u, bigger than %d (offset %lld)",
				 s->name, (unsigned long long)s->count + 1, caplen, PCAP_MAX_CAPLEN,
				 s->off - PCAP_REC_HDR);
			s->done = 1;
			return CAP_ERROR;
		}
		const uint8_t *data = take(s, caplen, &got);
		if (!data) {
			if (s->read_err)
				return read_failed(s);
			snprintf(s->err, sizeof s->err,
				 "%s: packet %llu: truncated dump file; tried to read %u captured bytes, only got %zu",
				 s->name, (unsigned long long)s->count + 1, caplen, got);
			return CAP_ERROR;
		}
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
	if (s->ra) { /* applied by own_next */
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

static ssize_t gz_read(void *cookie, char *buf, size_t n)
{
	struct gz_in *g = cookie;
	if (g->failed) {
		errno = EIO;
		return -1;
	}
	if (!g->gz)
		return stream_read(g, buf, n);
	int r = gzread(g->gz, buf, n > (1u << 30) ? 1u << 30 : (unsigned)n);
	int zerr = Z_OK;
	const char *m = gzerror(g->gz, &zerr);
	/* zlib reports a stream cut short as an end of file with Z_BUF_ERROR:
	 * an error here, or a cut at a record boundary would pass unseen */
	if (r < 0 || (r == 0 && zerr == Z_BUF_ERROR)) {
		g->failed = 1;
		snprintf(g->msg, sizeof g->msg, "%s", zerr == Z_BUF_ERROR ? "compressed data cut short "
			 "(unexpected end of the gzip stream)" : zerr == Z_ERRNO ? strerror(errno) : m);
		errno = EIO;
		return -1;
	}
	return r;
}

static int gz_close(void *cookie)
{
	struct gz_in *g = cookie;
	int r = 0;
	if (g->gz) {
		r = gzclose(g->gz) == Z_OK ? 0 : -1;
	} else {
		if (g->z_init)
			inflateEnd(&g->z);
		free(g->in);
		r = close(g->fd);
	}
	free(g);
	return r;
}

/* A stdio stream of the decompressed bytes of fd (taken over); stream:
 * fd is not a regular file (read here, as it comes). */
static FILE *gz_stream(int fd, int stream, struct gz_in **out)
{
	struct gz_in *g = calloc(1, sizeof *g);
	if (!g)
		return NULL;
	g->fd = fd;
	if (!stream) {
		if (!(g->gz = gzdopen(fd, "rb"))) {
			free(g);
			return NULL;
		}
		gzbuffer(g->gz, 256u << 10);
	}
	cookie_io_functions_t io = { .read = gz_read, .close = gz_close };
	FILE *f = fopencookie(g, "rb", io);
	if (!f) {
		if (g->gz)
			gzclose(g->gz);
		free(g);
		return NULL;
	}
	*out = g;
	return f;
}

struct cap_source *cap_open_file(const char *path, const char *filter, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct cap_source *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	int is_stdin = !strcmp(path, "-");
	snprintf(s->name, sizeof s->name, "%s", is_stdin ? "standard input" : path);
	/* opened here, so that an error names the file once (libpcap's own
	 * messages name it too) */
	int fd = is_stdin ? dup(0) : open(path, O_RDONLY);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) < 0) {
		snprintf(err, errlen, "%s: %s", s->name, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(s);
		return NULL;
	}
	if (S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "%s: is a directory", s->name);
		close(fd);
		free(s);
		return NULL;
	}
	int regular = S_ISREG(sb.st_mode);
	s->size = !is_stdin && regular ? (long long)sb.st_size : -1;
	/* what cannot be peeked at without taking the bytes (standard input,
	 * a FIFO, a character device) goes through zlib, which passes bytes
	 * that are not gzip through as they are */
	uint8_t magic[2] = { 0, 0 };
	int gz = is_stdin || !regular || (pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b);
	FILE *f = gz ? gz_stream(fd, is_stdin || !regular, &s->gz) : fdopen(fd, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", s->name, strerror(errno ? errno : ENOMEM));
		close(fd);
		free(s);
		return NULL;
	}
	ebuf[0] = '\0';
	s->pc = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (!s->pc) {
		snprintf(err, errlen, "%s: %s", s->name, s->gz && s->gz->failed ? s->gz->msg
			 : ebuf[0] ? ebuf : "cannot open");
		fclose(f);
		free(s);
		return NULL;
	}
	if (!gz)
		try_own_reader(s, fd);
	if (set_filter(s, filter, err, errlen) < 0) {
		cap_close(s);
		return NULL;
	}
	return s;
}

struct cap_source *cap_open_live(const char *iface, const char *filter, char *err, size_t errlen)
{
	return cap_open_iface(iface, filter, CAP_BUFFER_MIB, 0, NULL, err, errlen);
}

/* Why pcap_activate() failed, from its code (and for PCAP_ERROR, which
 * libpcap also returns for a device gone between its calls, the errno
 * it saw, as its message says). */
static enum cap_open_why open_why(int r, const char *msg)
{
	if (r == PCAP_ERROR_NO_SUCH_DEVICE)
		return CAP_OPEN_NO_DEVICE;
	if (r == PCAP_ERROR_IFACE_NOT_UP)
		return CAP_OPEN_NOT_UP;
	if (r == PCAP_ERROR_PERM_DENIED)
		return CAP_OPEN_DENIED;
	if (r == PCAP_ERROR && (strstr(msg, strerror(ENODEV)) || strstr(msg, strerror(ENXIO)) ||
				strstr(msg, "No such device")))
		return CAP_OPEN_NO_DEVICE;
	if (r == PCAP_ERROR && strstr(msg, strerror(ENETDOWN)))
		return CAP_OPEN_NOT_UP;
	return CAP_OPEN_FAILED;
}

struct cap_source *cap_open_iface(const char *iface, const char *filter, unsigned buffer_mib, unsigned timeout_ms,
				  enum cap_open_why *why, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	enum cap_open_why dummy;
	if (!why)
		why = &dummy;
	*why = CAP_OPEN_FAILED;
	if (!buffer_mib)
		buffer_mib = CAP_BUFFER_MIB;
	if (buffer_mib > CAP_BUFFER_MIB_MAX)
		buffer_mib = CAP_BUFFER_MIB_MAX;
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
	pcap_set_timeout(s->pc, timeout_ms ? (int)timeout_ms : CAP_TIMEOUT_MS);
	pcap_set_buffer_size(s->pc, (int)(buffer_mib << 20));
	/* the device's index before activating: a device deleted and made
	 * again in between is caught by the first cap_live_gone() */
	s->ifindex = if_nametoindex(iface);
	int r = pcap_activate(s->pc);
	if (r < 0) {
		snprintf(err, errlen, "%s: %s%s", iface, pcap_statustostr(r),
			 r == PCAP_ERROR_PERM_DENIED ? " (live capture needs root or CAP_NET_RAW)" : "");
		if (r == PCAP_ERROR)
			snprintf(err, errlen, "%s: %s", iface, pcap_geterr(s->pc));
		*why = open_why(r, pcap_geterr(s->pc));
		cap_close(s);
		return NULL;
	}
	if (set_filter(s, filter, err, errlen) < 0) {
		cap_close(s);
		return NULL;
	}
	/* non-blocking, with a poll(2) of our own: with TPACKET_V3 libpcap
	 * waits in poll() without a timeout and relies on the kernel handing
	 * over a ring block every read timeout, which it does not do for an
	 * empty block, so on a quiet link no timeout ever came (--duration
	 * and a stop never seen) */
	s->live_fd = pcap_get_selectable_fd(s->pc);
	if (s->live_fd < 0 || pcap_setnonblock(s->pc, 1, ebuf) < 0) {
		snprintf(err, errlen, "%s: cannot read without blocking: %s", iface,
			 s->live_fd < 0 ? "no descriptor to poll" : ebuf);
		cap_close(s);
		return NULL;
	}
	return s;
}

int cap_live_fd(const struct cap_source *s)
{
	return s->live ? s->live_fd : -1;
}

int cap_live_gone(struct cap_source *s)
{
	if (!s->live || !s->ifindex || s->failed)
		return 0;
	unsigned now = if_nametoindex(s->name);
	if (now == s->ifindex)
		return 0;
	if (now)
		snprintf(s->err, sizeof s->err, "%s: the interface was replaced (index %u, was %u)", s->name, now,
			 s->ifindex);
	else
		snprintf(s->err, sizeof s->err, "%s: the interface disappeared", s->name);
	s->failed = 1;
	return 1;
}

enum cap_link cap_live_link(const struct cap_source *s)
{
	struct ifreq ifr;
	if (!s->live || !s->ifindex)
		return CAP_LINK_UNKNOWN;
	size_t n = strlen(s->name);
	if (n >= sizeof ifr.ifr_name) /* no device has such a name */
		return CAP_LINK_UNKNOWN;
	memset(&ifr, 0, sizeof ifr);
	memcpy(ifr.ifr_name, s->name, n);
	/* the capture's own packet socket answers it: no socket of ours */
	if (ioctl(s->live_fd, SIOCGIFFLAGS, &ifr) < 0)
		return CAP_LINK_UNKNOWN;
	if (!(ifr.ifr_flags & IFF_UP))
		return CAP_LINK_DOWN;
	return ifr.ifr_flags & IFF_RUNNING ? CAP_LINK_UP : CAP_LINK_NO_CARRIER;
}

/* Live: a packet, or CAP_TIMEOUT after LIVE_WAIT_MS without one (or a
 * signal). Through pcap_next_ex()'s codes. */
#define LIVE_WAIT_MS 100
static int live_next(struct cap_source *s, struct pcap_pkthdr **h, const u_char **data, int wait)
{
	int r = pcap_next_ex(s->pc, h, data);
	if (r != 0 || !wait)
		return r;
	struct pollfd pf = { .fd = s->live_fd, .events = POLLIN };
	if (poll(&pf, 1, LIVE_WAIT_MS) <= 0)
		return 0; /* a timeout, or EINTR: the caller looks at its flags */
	return pcap_next_ex(s->pc, h, data);
}

void cap_read_ahead(struct cap_source *s, const struct spawner *sp)
{
	struct readahead *ra = s->ra;
	if (!ra || ra->thread || s->cur || !sp)
		return;
	ra->sp = sp;
	ra->thread = sp->start("alfoil-read", ra_main, ra);
}

void cap_close(struct cap_source *s)
{
	if (!s)
		return;
	if (s->pc)
		pcap_close(s->pc); /* closes the zlib stream too */
	s->gz = NULL;
	ra_close(s->ra);
	free(s->spill);
	if (s->has_prog)
		pcap_freecode(&s->prog);
	free(s);
}

static int next(struct cap_source *s, struct cap_packet *pkt, int wait)
{
	if (s->failed)
		return CAP_END;
	if (s->ra) {
		int r = own_next(s, pkt);
		s->failed = r == CAP_ERROR;
		return r;
	}
	struct pcap_pkthdr *h;
	const u_char *data;
	int r = s->live ? live_next(s, &h, &data, wait) : pcap_next_ex(s->pc, &h, &data);
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
		if (s->gz && s->gz->stopped)
			return CAP_END; /* told to stop while it waited for bytes */
		snprintf(s->err, sizeof s->err, "%s: packet %llu: %s", s->name,
			 (unsigned long long)s->count + 1, s->gz && s->gz->failed ? s->gz->msg : pcap_geterr(s->pc));
		s->failed = 1;
		return CAP_ERROR;
	}
}

int cap_is_stream(const struct cap_source *s)
{
	return s->gz && !s->gz->gz;
}

void cap_set_stop(struct cap_source *s, volatile sig_atomic_t *stop)
{
	if (cap_is_stream(s))
		s->gz->stop = stop;
}

int cap_would_block(const struct cap_source *s)
{
	const struct gz_in *g = s->gz;
	if (!cap_is_stream(s) || g->failed || g->stopped)
		return 0;
#ifdef __GLIBC__
	/* bytes in the stdio buffer libpcap reads through (glibc's FILE) */
	FILE *f = pcap_file(s->pc);
	if (!f || f->_IO_read_ptr < f->_IO_read_end)
		return 0;
#else
	return 0;
#endif
	if ((g->mode == 1 && g->head_at < g->n_head) || (g->mode == 2 && (g->z.avail_in || g->z_end)) || !g->mode)
		return 0;
	struct pollfd p = { .fd = g->fd, .events = POLLIN };
	return poll(&p, 1, 0) == 0;
}

int cap_next(struct cap_source *s, struct cap_packet *pkt)
{
	return next(s, pkt, 1);
}

int cap_next_ready(struct cap_source *s, struct cap_packet *pkt)
{
	return next(s, pkt, 0);
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
	if (s->ra)
		return s->off;
	if (s->gz && s->gz->gz) /* compressed bytes read, against the compressed size */
		return (long long)gzoffset(s->gz->gz);
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
