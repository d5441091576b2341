/* test_capture.c - the block reader for classic pcap files: byte orders,
 * nanosecond files, records across the read blocks (every way a record can
 * straddle a block's end), BPF filters, and
 * truncated files reported with the packet number. Files are written here. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "testutil.h"

#include "capture/capture.h"

static char path[64];

static void fput32(FILE *f, uint32_t v, int be)
{
	uint8_t b[4];
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(be ? v >> (24 - 8 * i) : v >> (8 * i));
	fwrite(b, 1, 4, f);
}

/* n Ethernet/IPv4/UDP frames of size bytes; frame i has dport 1000+i%2 and
 * its index in the payload. truncate: bytes cut off the end. */
static void write_pcap(int be, int nano, int n, size_t size, size_t truncate)
{
	strcpy(path, "/tmp/alfoil-test-capXXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	fput32(f, nano ? 0xa1b23c4d : 0xa1b2c3d4, be);
	uint8_t v[4] = { 0, 2, 0, 4 }; /* version 2.4 */
	if (be)
		fwrite(v, 1, 4, f);
	else {
		uint8_t l[4] = { 2, 0, 4, 0 };
		fwrite(l, 1, 4, f);
	}
	fput32(f, 0, be);
	fput32(f, 0, be);
	fput32(f, 65535, be);
	fput32(f, 1, be); /* Ethernet */
	uint8_t *frame = calloc(1, size);
	for (int i = 0; i < n; i++) {
		memset(frame, 0, size);
		frame[12] = 0x08; /* IPv4 */
		frame[14] = 0x45;
		frame[16] = (uint8_t)((size - 14) >> 8), frame[17] = (uint8_t)(size - 14);
		frame[22] = 64, frame[23] = 17;
		frame[26] = 10, frame[29] = 1, frame[30] = 10, frame[33] = 2;
		unsigned dport = 1000 + (unsigned)(i % 2);
		frame[34] = 0x30, frame[35] = 0x39;
		frame[36] = (uint8_t)(dport >> 8), frame[37] = (uint8_t)dport;
		frame[38] = (uint8_t)((size - 34) >> 8), frame[39] = (uint8_t)(size - 34);
		memcpy(frame + 42, &i, sizeof i);
		fput32(f, 1700000000u + (uint32_t)i, be);
		fput32(f, nano ? 123456789u : 123456u, be);
		fput32(f, (uint32_t)size, be);
		fput32(f, (uint32_t)size + 4, be);
		fwrite(frame, 1, size, f);
	}
	free(frame);
	fclose(f);
	if (truncate) {
		FILE *g = fopen(path, "rb+");
		fseek(g, 0, SEEK_END);
		long end = ftell(g);
		assert_int_equal(ftruncate(fileno(g), end - (long)truncate), 0);
		fclose(g);
	}
}

static void read_all(int be, int nano)
{
	char err[512];
	const int n = 3500; /* 3500 x 1514 bytes: several blocks */
	write_pcap(be, nano, n, 1514, 0);
	struct cap_source *s = cap_open_file(path, NULL, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(cap_datalink(s), 1);
	struct cap_packet p;
	int i = 0, r;
	while ((r = cap_next(s, &p)) == CAP_PACKET) {
		assert_int_equal(p.caplen, 1514);
		assert_int_equal(p.wirelen, 1518);
		assert_int_equal(p.ts_us, (1700000000ull + (unsigned)i) * 1000000 + 123456);
		int idx;
		memcpy(&idx, p.data + 42, sizeof idx);
		assert_int_equal(idx, i);
		i++;
	}
	assert_int_equal(r, CAP_END);
	assert_int_equal(i, n);
	assert_int_equal(cap_count(s), n);
	assert_int_equal(cap_offset(s), cap_size(s));
	cap_close(s);
	unlink(path);
}

static void test_little_micro(void **state) { (void)state; read_all(0, 0); }
static void test_big_nano(void **state) { (void)state; read_all(1, 1); }

static void test_filter(void **state)
{
	(void)state;
	char err[512];
	write_pcap(0, 0, 100, 200, 0);
	struct cap_source *s = cap_open_file(path, "udp dst port 1001", err, sizeof err);
	assert_non_null(s);
	struct cap_packet p;
	int n = 0;
	while (cap_next(s, &p) == CAP_PACKET) {
		assert_int_equal(p.data[37], 1001 & 0xff);
		n++;
	}
	assert_int_equal(n, 50);
	cap_close(s);
	assert_null(cap_open_file(path, "udp port", err, sizeof err));
	assert_non_null(strstr(err, "bad filter"));
	unlink(path);
}

static void test_truncated(void **state)
{
	(void)state;
	char err[512];
	/* cut inside the data of the 10th record */
	write_pcap(0, 0, 10, 300, 100);
	struct cap_source *s = cap_open_file(path, NULL, err, sizeof err);
	assert_non_null(s);
	struct cap_packet p;
	int n = 0, r;
	while ((r = cap_next(s, &p)) == CAP_PACKET)
		n++;
	assert_int_equal(n, 9);
	assert_int_equal(r, CAP_ERROR);
	assert_non_null(strstr(cap_error(s), "packet 10: truncated"));
	assert_non_null(strstr(cap_error(s), path));
	cap_close(s);
	/* cut inside a record header */
	write_pcap(1, 0, 5, 300, 300 + 10);
	s = cap_open_file(path, NULL, err, sizeof err);
	n = 0;
	while ((r = cap_next(s, &p)) == CAP_PACKET)
		n++;
	assert_int_equal(n, 4);
	assert_int_equal(r, CAP_ERROR);
	assert_non_null(strstr(cap_error(s), "packet 5: truncated dump file; tried to read 16 header bytes, only got 6"));
	cap_close(s);
	unlink(path);
}

static void test_bad_caplen(void **state)
{
	(void)state;
	char err[512];
	write_pcap(0, 0, 3, 100, 0);
	FILE *f = fopen(path, "rb+");
	fseek(f, 24 + 16 + 100 + 8, SEEK_SET); /* caplen of record 2 */
	fput32(f, 0x7fffffff, 0);
	fclose(f);
	struct cap_source *s = cap_open_file(path, NULL, err, sizeof err);
	struct cap_packet p;
	assert_int_equal(cap_next(s, &p), CAP_PACKET);
	assert_int_equal(cap_next(s, &p), CAP_ERROR);
	assert_non_null(strstr(cap_error(s), "packet 2: invalid packet capture length 2147483647"));
	assert_int_equal(cap_next(s, &p), CAP_END); /* and it stays stopped */
	cap_close(s);
	unlink(path);
}

/* Records of the given sizes, frame i holding i at offset 42. */
static void write_sizes(const size_t *sizes, int n)
{
	strcpy(path, "/tmp/alfoil-test-capXXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	uint8_t hdr[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0 };
	fwrite(hdr, 1, sizeof hdr, f);
	uint8_t *frame = calloc(1, 262144);
	for (int i = 0; i < n; i++) {
		memcpy(frame + 42, &i, sizeof i);
		fput32(f, 1700000000u + (uint32_t)i, 0);
		fput32(f, 0, 0);
		fput32(f, (uint32_t)sizes[i], 0);
		fput32(f, (uint32_t)sizes[i], 0);
		fwrite(frame, 1, sizes[i], f);
	}
	free(frame);
	fclose(f);
}

/* The block's end falls k bytes before the header of record 11 ends
 * (k = 0: right after it; 16..: inside the data), for k in 0..20, and
 * records of the largest size cross every following block. */
static void test_block_edges(void **state)
{
	(void)state;
	char err[512];
	for (size_t k = 0; k <= 20; k++) {
		size_t sizes[40];
		int n = 0;
		for (int i = 0; i < 10; i++)
			sizes[n++] = 200000;
		/* records 0..10 fill the block up to 16 - k bytes before its end */
		sizes[n++] = CAP_FILE_BLOCK - 10 * (16 + 200000) - 16 - (16 - k);
		while (n < 40)
			sizes[n] = n % 3 ? 262144 : 60 + (size_t)n, n++;
		write_sizes(sizes, n);
		struct cap_source *s = cap_open_file(path, NULL, err, sizeof err);
		assert_non_null(s);
		struct cap_packet p;
		int i = 0, r;
		while ((r = cap_next(s, &p)) == CAP_PACKET) {
			assert_true(i < n);
			assert_int_equal(p.caplen, sizes[i]);
			int idx;
			memcpy(&idx, p.data + 42, sizeof idx);
			assert_int_equal(idx, i);
			assert_int_equal(p.ts_us, (1700000000ull + (unsigned)i) * 1000000);
			i++;
		}
		assert_int_equal(r, CAP_END);
		assert_int_equal(i, n);
		assert_int_equal(cap_offset(s), cap_size(s));
		cap_close(s);
		unlink(path);
	}
}

/* Closing a source in the middle of a large file stops its reader. */
static void test_close_early(void **state)
{
	(void)state;
	char err[512];
	write_pcap(0, 0, 8000, 1514, 0);
	struct cap_source *s = cap_open_file(path, NULL, err, sizeof err);
	struct cap_packet p;
	for (int i = 0; i < 10; i++)
		assert_int_equal(cap_next(s, &p), CAP_PACKET);
	cap_close(s);
	s = cap_open_file(path, NULL, err, sizeof err); /* and one never read */
	cap_close(s);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_little_micro), cmocka_unit_test(test_big_nano),
		cmocka_unit_test(test_filter),       cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_caplen),   cmocka_unit_test(test_block_edges),
		cmocka_unit_test(test_close_early),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
