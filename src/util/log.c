/*
 * log.c — leveled logging to stderr. One line per message, prefixed with the level so a person
 * scanning a CI log can grep for "error:"; -q/-v on the command line move the threshold.
 */
#include <stdio.h>

#include "util/util.h"

enum log_level util_log_level = LOG_LEVEL_NOTICE;

static const char *const level_prefix[] = {
	[LOG_LEVEL_ERROR] = "error",     [LOG_LEVEL_WARNING] = "warning",
	[LOG_LEVEL_NOTICE] = "notice",   [LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

void util_vlog(enum log_level level, const char *fmt, va_list ap)
{
	if (level > util_log_level)
		return;
	char line[2048];
	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "aegis: %s: %s\n", level_prefix[level], line);
}

void util_log(enum log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	util_vlog(level, fmt, ap);
	va_end(ap);
}
