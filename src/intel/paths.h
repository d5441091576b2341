/* paths.h - where alfoil's data files are: an environment variable's
 * directory, else beside the binary (the source tree: ./alfoil and
 * build/san/alfoil), else PREFIX/share/alfoil of an installed binary
 * (PREFIX/bin/alfoil, `make install`), else /usr/local/share/alfoil,
 * /usr/share/alfoil. In an installed directory share/'s files are at the
 * top and data/ (data/ieee/) below it. */
#ifndef ALFOIL_INTEL_PATHS_H
#define ALFOIL_INTEL_PATHS_H

#include <stddef.h>

/* The directory holding `file`: $env when set, else sub/ beside the binary
 * or two levels up, else ../share/alfoil beside the binary, else the
 * system directories (sub/ under them, or the top as well for any file).
 * Writes it to out and returns 0; -1 (out holding the first place looked) when not found. */
int intel_find_dir(const char *env, const char *sub, const char *file, char *out, size_t n);

#endif
