/* file.h - reading a whole file into memory, with a size limit; where the program is. */
#pragma once

#include <stddef.h>

/* Reads the file at `path` into a malloc'd buffer: 0 with *data (free() it) and *size, or a
 * negative MTCNN_E* code with a one-line message ("<path>: cannot open: ...", "read error",
 * "out of memory"). The size is not asked in advance, so pipes and devices work too, and at
 * most max_bytes + 1 bytes are read: a larger input returns MTCNN_EFORMAT ("<path>: larger
 * than N bytes"), a code no other failure here gives, so callers may reword it. */
int mtcam_read_file(const char *path, size_t max_bytes, unsigned char **data, size_t *size);

/* The folder of the running executable (from /proc/self/exe), where installed and built
 * programs find the files that travel with them: 0, or -1 when it cannot be known. */
int mtcam_exe_dir(char *buf, size_t size);
