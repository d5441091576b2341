/* fmt.c - text formatting helpers (see fmt.h). */
#include "lib/fmt.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

const char *fmt_bytes(char buf[static 16], uint64_t n)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB", "PB" };
	double v = (double)n;
	int u = 0;
	while (v >= 1000.0 && u < 5) {
		v /= 1000.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, 16, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, 16, v < 10 ? "%.1f %s" : "%.0f %s", v, unit[u]);
	return buf;
}

const char *fmt_count(char buf[static 32], uint64_t n)
{
	char tmp[32];
	int len = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)n);
	int o = 0;
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
	return buf;
}

const char *fmt_time(char buf[static 32], uint64_t us, int iso)
{
	time_t s = (time_t)(us / 1000000u);
	struct tm tm;
	if (!gmtime_r(&s, &tm)) {
		snprintf(buf, 32, "?");
		return buf;
	}
	char base[24];
	if (!strftime(base, sizeof base, iso ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d %H:%M:%S", &tm)) {
		snprintf(buf, 32, "?");
		return buf;
	}
	if (iso)
		snprintf(buf, 32, "%.19s.%06uZ", base, (unsigned)(us % 1000000u));
	else
		snprintf(buf, 32, "%.19s", base);
	return buf;
}

const char *fmt_duration(char buf[static 32], uint64_t us)
{
	uint64_t s = us / 1000000u;
	if (s < 60)
		snprintf(buf, 32, "%llu.%01llus", (unsigned long long)s,
			 (unsigned long long)(us % 1000000u / 100000u));
	else if (s < 3600)
		snprintf(buf, 32, "%llum %llus", (unsigned long long)(s / 60),
			 (unsigned long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, 32, "%lluh %llum", (unsigned long long)(s / 3600),
			 (unsigned long long)(s % 3600 / 60));
	else
		snprintf(buf, 32, "%llud %lluh", (unsigned long long)(s / 86400),
			 (unsigned long long)(s % 86400 / 3600));
	return buf;
}

size_t fmt_dec(char *s, unsigned v)
{
	char tmp[5];
	size_t n = 0, k = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < sizeof tmp);
	while (n)
		s[k++] = tmp[--n];
	return k;
}

void fmt_hex(char *out, const uint8_t *d, size_t n)
{
	static const char x[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = x[d[i] >> 4];
		out[2 * i + 1] = x[d[i] & 15];
	}
}

void fmt_copy(char *dst, size_t n, const char *s)
{
	size_t len = s ? strnlen(s, n - 1) : 0;
	memcpy(dst, s ? s : "", len);
	dst[len] = '\0';
}
