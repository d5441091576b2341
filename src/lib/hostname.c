/* hostname.c - host names that may reach rules and configs (see hostname.h). */
#include "lib/hostname.h"

#include <stdio.h>
#include <string.h>

static int ldh(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

int hostname_ok(const char *s)
{
	size_t n = strlen(s);
	if (n && s[n - 1] == '.')
		n--;
	if (!n || n > 253)
		return 0;
	size_t label = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			/* RFC 1123 section 2.1: 1..63, no hyphen at either end */
			if (!label || label > 63 || s[i - 1] == '-' || s[i - label] == '-')
				return 0;
			label = 0;
		} else if (ldh(s[i])) {
			label++;
		} else {
			return 0;
		}
	}
	return 1;
}

const char *hostname_escape(const char *s, char *out, size_t n)
{
	size_t k = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char e[8];
		if (*p == '"' || *p == '\\')
			snprintf(e, sizeof e, "\\%c", *p);
		else if (*p == '\n')
			snprintf(e, sizeof e, "\\n");
		else if (*p < 0x20 || *p > 0x7e)
			snprintf(e, sizeof e, "\\x%02x", *p);
		else
			snprintf(e, sizeof e, "%c", *p);
		size_t el = strlen(e);
		if (k + el + 4 > n) { /* room for "..." and the NUL */
			memcpy(out + k, "...", 4);
			return out;
		}
		memcpy(out + k, e, el);
		k += el;
	}
	out[k] = '\0';
	return out;
}
