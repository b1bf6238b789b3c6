/*
 * capture.c — the registration table of packet sources. Adding a source is one file defining a
 * `struct capture_ops` and one line here.
 */
#include <string.h>

#include "capture/capture.h"

static const struct capture_ops *const capture_sources[] = {
	&capture_pcap_file_ops,
};

const struct capture_ops *capture_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(capture_sources); i++)
		if (strcmp(capture_sources[i]->name, name) == 0)
			return capture_sources[i];
	return NULL;
}
