/* eval-report-util.h - helpers shared by the text/JSON and HTML writers. */
#pragma once

#include <stddef.h>
#include <stdio.h>

#include "eval-report.h"

/* The matching rule in words ("IoU >= 0.50 with the annotated box"). */
void eval__rule_text(const eval_settings *s, char *buf, size_t size);
/* A size bucket in words ("IOD 12-24 px", "face >= 128 px"). */
void eval__bucket_label(const eval_settings *s, int b, char *buf, size_t size);
/* Opens `path`, runs `write`, reports open/write errors naming the file. */
int eval__write_file(const char *path, void (*write)(FILE *, const eval_report *),
                     const eval_report *rep);
