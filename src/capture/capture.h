/*
 * capture.h — the capture stage's public door: packet sources behind one `struct capture_ops`
 * (pcap files and directories now; live libpcap, AF_XDP and DPDK later), registered in one table.
 *
 * A source hands out one packet at a time by filling the capture block of a `struct packet`
 * (data, caplen, wirelen, ts_usec, linktype, pcap_cnt). The data stays valid until the next call.
 */
#ifndef AEGIS_CAPTURE_H
#define AEGIS_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/decode.h"

struct capture;

struct capture_stats {
	uint64_t packets, bytes;
	uint64_t kernel_drops;  /* live sources */
	uint64_t files_read;    /* file sources */
	uint64_t bytes_total;   /* total input size in bytes when known (files), for progress */
	uint64_t bytes_consumed;/* input bytes read so far (files) */
};

enum capture_next_result { CAPTURE_EOF = 0, CAPTURE_PACKET = 1, CAPTURE_ERROR = -1 };

struct capture_ops {
	const char *name; /* "pcap-file", "pcap", "af-xdp", "dpdk" */
	/* Open `source`. On failure return -1 with one clear line in err. */
	int (*open)(struct capture **out, const char *source, char *err, size_t errlen);
	/* Next packet into p's capture block. CAPTURE_ERROR leaves a message in err (with the byte
	 * offset for files); packets returned before the error stay valid results. */
	enum capture_next_result (*next)(struct capture *c, struct packet *p, char *err,
					 size_t errlen);
	void (*get_stats)(const struct capture *c, struct capture_stats *out);
	/* Name of the file currently being read (pcap_filename in EVE), or NULL. */
	const char *(*current_file)(const struct capture *c);
	/* Ask a blocking source to return CAPTURE_EOF soon (signal-safe). */
	void (*interrupt)(struct capture *c);
	void (*close)(struct capture *c);
};

/* Look a source up by name in the registration table; NULL if not built in. */
const struct capture_ops *capture_find(const char *name);

extern const struct capture_ops capture_pcap_file_ops;

#endif /* AEGIS_CAPTURE_H */
