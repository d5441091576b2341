/* when.c - times as a person writes them (see when.h). */
#include "lib/when.h"

#include <stdlib.h>
#include <string.h>

static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int when_parse(const char *s, uint64_t now_us, uint64_t *us)
{
	size_t len = strlen(s);
	/* a length of time before now */
	if (len >= 2 && len <= 12 && strspn(s, "0123456789") == len - 1) {
		static const struct { char c; uint64_t s; } units[] = {
			{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 7 * 86400 },
		};
		uint64_t n = strtoull(s, NULL, 10);
		for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
			if (s[len - 1] == units[i].c) {
				if (n > 100ull * 366 * 86400 / units[i].s)
					return -1;
				uint64_t back = n * units[i].s * 1000000;
				*us = back < now_us ? now_us - back : 0;
				return 0;
			}
		return -1;
	}
	int y, mo, d, h = 0, mi = 0, sec = 0;
	if (len < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d))
		return -1;
	const char *p = s + 10;
	uint64_t frac = 0;
	long off = 0;
	if (*p) {
		if ((*p != 'T' && *p != 't' && *p != ' ') || digits(p + 1, 2, &h) || p[3] != ':' || digits(p + 4, 2, &mi))
			return -1;
		p += 6;
		if (*p == ':') {
			if (digits(p + 1, 2, &sec))
				return -1;
			p += 3;
			if (*p == '.') {
				uint64_t scale = 100000;
				for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
					frac += (uint64_t)(*p - '0') * scale;
				if (p[-1] == '.')
					return -1;
			}
		}
		int oh, om;
		if ((*p == 'Z' || *p == 'z') && !p[1])
			off = 0;
		else if ((*p == '+' || *p == '-') && !digits(p + 1, 2, &oh) && p[3] == ':' && !digits(p + 4, 2, &om) &&
			 !p[6] && oh < 24 && om < 60)
			off = (*p == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
		else
			return -1;
	}
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60)
		return -1;
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100) || y % 400 == 0;
	if (d > mdays[mo - 1] + (mo == 2 && leap))
		return -1;
	/* days since the epoch (the civil calendar, proleptic Gregorian) */
	long days = 0;
	for (int yy = 1970; yy < y; yy++)
		days += 365 + ((yy % 4 == 0 && yy % 100) || yy % 400 == 0);
	for (int m = 1; m < mo; m++)
		days += mdays[m - 1] + (m == 2 && leap);
	days += d - 1;
	long t = days * 86400L + h * 3600L + mi * 60L + sec - off;
	if (t < 0)
		return -1;
	*us = (uint64_t)t * 1000000 + frac;
	return 0;
}
