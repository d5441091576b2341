/* output.c - the one table of formats (output.h): text, JSON and HTML,
 * each a renderer in a file of its own. inspect's -f and --html both
 * choose from it. */
#include <string.h>

#include "output/output.h"

static const struct output_format formats[] = {
	{ "text", output_text, "readable report (default)" },
	{ "json", output_json, "JSON, schema alfoil-inspect/1 (docs/json-schema.md)" },
	{ "html", output_html, "one self-contained HTML page" },
};

const struct output_format *output_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof formats / sizeof formats[0]; i++)
		if (!strcmp(formats[i].name, name))
			return &formats[i];
	return NULL;
}

const struct output_format *output_formats(size_t *n)
{
	*n = sizeof formats / sizeof formats[0];
	return formats;
}
