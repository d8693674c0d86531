/* output-check.h - a program's results on stdout are its point: a write that failed (full
 * disk, /dev/full, a closed pipe with SIGPIPE ignored) must fail the program, not vanish in
 * stdio's buffer. */
#pragma once

/* Flushes and closes stdout. 0 when everything written so far reached it; otherwise prints
 * "<prog>: cannot write the output: <reason>" to stderr once and returns 1 (the exit status).
 * Call it last, from main, on every path that wrote to stdout. */
int app_close_stdout(const char *prog);

/* Flushes stdout mid-run: 0, or -1 after printing the same line as above (once: later calls
 * after a failure return -1 without printing again). */
int app_flush_stdout(const char *prog);
