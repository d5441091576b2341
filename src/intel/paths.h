/* paths.h - where alfoil's data files are: an environment variable's
 * directory, else beside the binary (the source tree: ./alfoil and
 * build/san/alfoil), else /usr/local/share/alfoil, /usr/share/alfoil. */
#ifndef ALFOIL_INTEL_PATHS_H
#define ALFOIL_INTEL_PATHS_H

#include <stddef.h>

/* The directory holding `file`: $env when set, else sub/ beside the binary
 * or two levels up, else the system directories. Writes it to out and
 * returns 0; -1 (out holding the first place looked) when not found. */
int intel_find_dir(const char *env, const char *sub, const char *file, char *out, size_t n);

#endif
