/*
 * pcap-file.c — offline packet source: one pcap/pcapng file, every capture file of a directory
 * (in the time order of their first packets), or standard input ("-"). libpcap does the reading;
 * this file adds the things a person needs when a file is bad: which file, at which byte offset,
 * and what libpcap said — after every packet before that point has been handed out.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture/capture.h"

/* A directory may hold many files; bound what we accept so input can't drive allocation. */
#define PCAP_DIR_MAX_FILES 100000

struct pcap_input {
	char *path;
	uint64_t first_ts_usec;
	uint64_t size;
};

struct capture {
	struct pcap_input *files;
	size_t n_files, next_file;
	pcap_t *pcap;
	const char *cur_path;
	int linktype;
	uint64_t offset;     /* byte offset of the next record in the current file (pcap format) */
	bool offset_exact;   /* false for pcapng, where we rely on ftell only */
	uint64_t pkt_count;
	struct capture_stats stats;
	volatile sig_atomic_t interrupted;
};

static uint64_t tv_to_usec(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * USEC_PER_SEC + (uint64_t)tv->tv_usec;
}

/* Open one file with libpcap, reporting a clear line on failure. */
static pcap_t *open_one(const char *path, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (!p)
		snprintf(err, errlen, "%s: error: cannot read capture file: %s",
			 strcmp(path, "-") ? path : "<stdin>", ebuf);
	return p;
}

static int cmp_inputs(const void *a, const void *b)
{
	const struct pcap_input *x = a, *y = b;
	if (x->first_ts_usec != y->first_ts_usec)
		return x->first_ts_usec < y->first_ts_usec ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* Collect the capture files of a directory, ordered by the timestamp of their first packet. */
static int scan_directory(struct capture *c, const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: error: cannot open directory: %s", dir, strerror(errno));
		return -1;
	}
	size_t cap = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char path[PATH_MAX];
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		struct stat st;
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (c->n_files >= PCAP_DIR_MAX_FILES) {
			snprintf(err, errlen, "%s: error: more than %d files in directory", dir,
				 PCAP_DIR_MAX_FILES);
			closedir(d);
			return -1;
		}
		/* Peek at the first packet for ordering; files libpcap cannot read are an error
		 * here rather than halfway through the run. */
		pcap_t *p = open_one(path, err, errlen);
		if (!p) {
			closedir(d);
			return -1;
		}
		struct pcap_pkthdr *h;
		const u_char *data;
		uint64_t first = 0;
		if (pcap_next_ex(p, &h, &data) == 1)
			first = tv_to_usec(&h->ts);
		pcap_close(p);
		if (c->n_files == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct pcap_input *nf = realloc(c->files, ncap * sizeof(*nf));
			if (!nf) {
				snprintf(err, errlen, "%s: error: out of memory", dir);
				closedir(d);
				return -1;
			}
			c->files = nf;
			cap = ncap;
		}
		c->files[c->n_files].path = strdup(path);
		if (!c->files[c->n_files].path) {
			snprintf(err, errlen, "%s: error: out of memory", dir);
			closedir(d);
			return -1;
		}
		c->files[c->n_files].first_ts_usec = first;
		c->files[c->n_files].size = (uint64_t)st.st_size;
		c->n_files++;
	}
	closedir(d);
	if (c->n_files == 0) {
		snprintf(err, errlen, "%s: error: no capture files in directory", dir);
		return -1;
	}
	qsort(c->files, c->n_files, sizeof(*c->files), cmp_inputs);
	return 0;
}

static void pcap_file_close(struct capture *c)
{
	if (!c)
		return;
	if (c->pcap)
		pcap_close(c->pcap);
	for (size_t i = 0; i < c->n_files; i++)
		free(c->files[i].path);
	free(c->files);
	free(c);
}

/* Open the next file of the list; 1 opened, 0 none left, -1 error. */
static int open_next_file(struct capture *c, char *err, size_t errlen)
{
	if (c->pcap) {
		pcap_close(c->pcap);
		c->pcap = NULL;
	}
	if (c->next_file >= c->n_files)
		return 0;
	struct pcap_input *in = &c->files[c->next_file++];
	c->pcap = open_one(in->path, err, errlen);
	if (!c->pcap)
		return -1;
	c->cur_path = in->path;
	c->linktype = pcap_datalink(c->pcap);
	if (!decode_linktype_supported(c->linktype)) {
		snprintf(err, errlen, "%s: error: unsupported link type %d (%s)", in->path,
			 c->linktype, pcap_datalink_val_to_name(c->linktype) ?: "unknown");
		return -1;
	}
	/* Classic pcap: 24-byte file header then 16-byte record headers. pcapng blocks vary, so
	 * there we only trust ftell. */
	c->offset_exact = pcap_major_version(c->pcap) == 2;
	c->offset = 24;
	c->stats.files_read++;
	return 1;
}

static int pcap_file_open(struct capture **out, const char *source, char *err, size_t errlen)
{
	struct capture *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "error: out of memory");
		return -1;
	}
	struct stat st;
	if (strcmp(source, "-") == 0) {
		c->files = calloc(1, sizeof(*c->files));
		if (!c->files || !(c->files[0].path = strdup("-")))
			goto oom;
		c->n_files = 1;
	} else if (stat(source, &st) != 0) {
		snprintf(err, errlen, "%s: error: %s", source, strerror(errno));
		goto fail;
	} else if (S_ISDIR(st.st_mode)) {
		if (scan_directory(c, source, err, errlen) != 0)
			goto fail;
	} else {
		c->files = calloc(1, sizeof(*c->files));
		if (!c->files || !(c->files[0].path = strdup(source)))
			goto oom;
		c->files[0].size = (uint64_t)st.st_size;
		c->n_files = 1;
	}
	for (size_t i = 0; i < c->n_files; i++)
		c->stats.bytes_total += c->files[i].size;
	if (open_next_file(c, err, errlen) != 1)
		goto fail;
	*out = c;
	return 0;
oom:
	snprintf(err, errlen, "error: out of memory");
fail:
	pcap_file_close(c);
	return -1;
}

/* Byte offset in the current file where the failing record starts. */
static uint64_t current_offset(struct capture *c)
{
	if (c->offset_exact)
		return c->offset;
	FILE *f = pcap_file(c->pcap);
	long pos = f ? ftell(f) : -1;
	return pos >= 0 ? (uint64_t)pos : c->offset;
}

static enum capture_next_result pcap_file_next(struct capture *c, struct packet *p, char *err,
					       size_t errlen)
{
	for (;;) {
		if (c->interrupted || !c->pcap)
			return CAPTURE_EOF;
		struct pcap_pkthdr *h;
		const u_char *data;
		int rc = pcap_next_ex(c->pcap, &h, &data);
		if (rc == 1) {
			p->data = data;
			p->caplen = h->caplen;
			p->wirelen = h->len;
			p->ts_usec = tv_to_usec(&h->ts);
			p->linktype = c->linktype;
			p->pcap_cnt = ++c->pkt_count;
			p->iface = NULL;
			c->offset += 16 + (uint64_t)h->caplen;
			c->stats.packets++;
			c->stats.bytes += h->caplen;
			c->stats.bytes_consumed = c->offset;
			return CAPTURE_PACKET;
		}
		if (rc == PCAP_ERROR_BREAK) { /* end of this file */
			c->stats.bytes_consumed += 0;
			int o = open_next_file(c, err, errlen);
			if (o == 1)
				continue;
			return o == 0 ? CAPTURE_EOF : CAPTURE_ERROR;
		}
		snprintf(err, errlen, "%s: error: corrupt or truncated capture at byte offset %llu "
			 "(after packet %llu): %s",
			 strcmp(c->cur_path, "-") ? c->cur_path : "<stdin>",
			 (unsigned long long)current_offset(c), (unsigned long long)c->pkt_count,
			 pcap_geterr(c->pcap));
		return CAPTURE_ERROR;
	}
}

static void pcap_file_get_stats(const struct capture *c, struct capture_stats *out)
{
	*out = c->stats;
}

static const char *pcap_file_current(const struct capture *c)
{
	return c->cur_path;
}

static void pcap_file_interrupt(struct capture *c)
{
	c->interrupted = 1;
}

const struct capture_ops capture_pcap_file_ops = {
	.name = "pcap-file",
	.open = pcap_file_open,
	.next = pcap_file_next,
	.get_stats = pcap_file_get_stats,
	.current_file = pcap_file_current,
	.interrupt = pcap_file_interrupt,
	.close = pcap_file_close,
};
