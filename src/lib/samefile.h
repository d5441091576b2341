/* samefile.h - whether writing one path would write over another.
 *
 * Used before an output is opened (opening it truncates): an output that
 * names an input is refused, not discovered after the input is gone.
 * Knows nothing of alfoil.
 */
#ifndef ALFOIL_LIB_SAMEFILE_H
#define ALFOIL_LIB_SAMEFILE_H

/* 1 when out and in are the same file: the same device and inode when
 * both exist (through symbolic and hard links alike; only regular files
 * and FIFOs count, so /dev/null or a terminal may be both), or, when out
 * does not exist yet and in does not either, the same path once the
 * directory is made absolute (realpath(3)). in "-" is standard input
 * (whatever file descriptor 0 is). 0 otherwise. */
int same_file(const char *out, const char *in);

/* 1 when path is in the directory dir (its own directory, as a device and
 * inode, is dir), whether path exists or not. */
int in_directory(const char *path, const char *dir);

#endif
