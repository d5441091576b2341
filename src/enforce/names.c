/* names.c - host names and MACs that may reach rules and configs (see names.h). */
#include "enforce/names.h"

#include <string.h>

static int ldh(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

int enforce_hostname_ok(const char *s)
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

int enforce_mac_ok(const char *s)
{
	if (strlen(s) != 17)
		return 0;
	for (int i = 0; i < 17; i++) {
		char c = s[i];
		int hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
		if (i % 3 == 2 ? c != ':' : !hex)
			return 0;
	}
	return 1;
}
