/*
 * pcap-rewrite.c — builds the benchmark trace from a directory of capture files, deterministically.
 *
 * The corpus is ~40 MB of unrelated captures; one pass over it is too short to time well. This
 * tool concatenates the Ethernet captures (sorted by file name, byte order) COPIES times into one
 * pcap. Copy c has the second byte of every IPv4/IPv6 source and destination address XORed with c,
 * so each copy's flows are new flows to the engine while both directions of a flow still agree.
 * The IPv4 header checksum and the TCP/UDP/ICMPv6 checksums are patched incrementally (RFC 1624),
 * so a packet whose checksum was valid stays valid and one that was broken stays broken.
 *
 * Time: the output clock starts at the first packet's timestamp and advances by each packet's gap
 * to the previous packet of the same file, clamped to [0, -g microseconds]; a new file starts one
 * gap (-f) later. The trace is therefore monotonic even though the inputs are not, and no
 * multi-year hole in an input makes every flow time out.
 *
 * A pcap holds a single link type, so files that are not Ethernet (Linux SLL, BSD NULL, ...) are
 * skipped and named on stderr. Tunnels, ICMP-quoted headers and ARP are copied unchanged.
 *
 * Usage: pcap-rewrite [-n COPIES] [-g MAXGAP_US] [-f FILEGAP_US] -o OUT.pcap DIR|FILE...
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define REWRITE_MAX_COPIES 256
#define REWRITE_MAX_VLAN 4
#define REWRITE_MAX_EXT 8
#define REWRITE_SNAPLEN 262144

struct rewrite_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t ip_rewritten;
};

static uint16_t rewrite_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void rewrite_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), in ones' complement arithmetic. */
static uint16_t rewrite_csum_adjust(uint16_t hc, uint16_t old_word, uint16_t new_word)
{
	uint32_t sum = (uint16_t)~hc + (uint32_t)(uint16_t)~old_word + new_word;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * Patch an L4 checksum at @csum for address words that changed from @old_w[i] to @new_w[i].
 * A zero UDP checksum means "none" and stays zero; a computed zero is sent as 0xffff.
 */
static void rewrite_l4_csum(uint8_t *csum, int is_udp, const uint16_t *old_w,
			    const uint16_t *new_w, int nwords)
{
	uint16_t hc = rewrite_get16(csum);
	int i;

	if (is_udp && hc == 0)
		return;
	for (i = 0; i < nwords; i++)
		hc = rewrite_csum_adjust(hc, old_w[i], new_w[i]);
	if (is_udp && hc == 0)
		hc = 0xffff;
	rewrite_put16(csum, hc);
}

/* Offset of the checksum field in an L4 header, or -1 if the protocol has none we patch. */
static int rewrite_l4_csum_offset(uint8_t proto, int ipv6)
{
	switch (proto) {
	case 6:
		return 16; /* TCP */
	case 17:
		return 6; /* UDP */
	case 58:
		return ipv6 ? 2 : -1; /* ICMPv6 has a pseudo-header; ICMPv4 does not */
	default:
		return -1;
	}
}

static int rewrite_ipv4(uint8_t *p, uint32_t len, uint8_t key)
{
	uint16_t old_w[2], new_w[2];
	uint32_t ihl;
	int off;

	if (len < 20 || (p[0] >> 4) != 4)
		return 0;
	ihl = (uint32_t)(p[0] & 0x0f) * 4;
	if (ihl < 20)
		return 0;
	old_w[0] = rewrite_get16(p + 12);
	old_w[1] = rewrite_get16(p + 16);
	p[13] ^= key;
	p[17] ^= key;
	new_w[0] = rewrite_get16(p + 12);
	new_w[1] = rewrite_get16(p + 16);
	rewrite_put16(p + 10, rewrite_csum_adjust(rewrite_csum_adjust(rewrite_get16(p + 10),
								      old_w[0], new_w[0]),
						  old_w[1], new_w[1]));
	/* Only the first fragment carries the L4 header (and it must have been captured). */
	if ((rewrite_get16(p + 6) & 0x1fff) != 0 || ihl > len)
		return 1;
	off = rewrite_l4_csum_offset(p[9], 0);
	if (off >= 0 && ihl + (uint32_t)off + 2 <= len)
		rewrite_l4_csum(p + ihl + off, p[9] == 17, old_w, new_w, 2);
	return 1;
}

static int rewrite_ipv6(uint8_t *p, uint32_t len, uint8_t key)
{
	uint16_t old_w[2], new_w[2];
	uint32_t off = 40, hlen;
	int routed = 0, i, csum_off;
	uint8_t next;

	if (len < 40 || (p[0] >> 4) != 6)
		return 0;
	old_w[0] = rewrite_get16(p + 8);
	old_w[1] = rewrite_get16(p + 24);
	p[9] ^= key;
	p[25] ^= key;
	new_w[0] = rewrite_get16(p + 8);
	new_w[1] = rewrite_get16(p + 24);

	next = p[6];
	for (i = 0; i < REWRITE_MAX_EXT; i++) {
		if (next == 0 || next == 43 || next == 60 || next == 51) {
			if (off + 4 > len)
				return 1;
			/* With segments left, the pseudo-header destination is the routing
			 * header's last address, which we leave alone. */
			if (next == 43 && p[off + 3] > 0)
				routed = 1;
			hlen = next == 51 ? ((uint32_t)p[off + 1] + 2) * 4 : ((uint32_t)p[off + 1] + 1) * 8;
			next = p[off];
			off += hlen;
		} else if (next == 44) {
			if (off + 8 > len)
				return 1;
			if ((rewrite_get16(p + off + 2) >> 3) != 0)
				return 1; /* not the first fragment: no L4 header */
			next = p[off];
			off += 8;
		} else {
			break;
		}
	}
	csum_off = rewrite_l4_csum_offset(next, 1);
	if (csum_off >= 0 && off + (uint32_t)csum_off + 2 <= len)
		rewrite_l4_csum(p + off + csum_off, next == 17, old_w, new_w, routed ? 1 : 2);
	return 1;
}

/* Rewrite one Ethernet frame in place for copy @key. Returns 1 if an IP header was rewritten. */
static int rewrite_frame(uint8_t *p, uint32_t len, uint8_t key)
{
	uint32_t off = 14;
	uint16_t type;
	int depth;

	if (key == 0 || len < 14)
		return 0;
	type = rewrite_get16(p + 12);
	for (depth = 0; depth < REWRITE_MAX_VLAN; depth++) {
		if (type != 0x8100 && type != 0x88a8 && type != 0x9100)
			break;
		if (off + 4 > len)
			return 0;
		type = rewrite_get16(p + off + 2);
		off += 4;
	}
	if (type == 0x0800)
		return rewrite_ipv4(p + off, len - off, key);
	if (type == 0x86dd)
		return rewrite_ipv6(p + off, len - off, key);
	return 0;
}

static int rewrite_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int rewrite_is_capture_name(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && strcmp(name + n - 5, ".pcap") == 0) ||
	       (n > 7 && strcmp(name + n - 7, ".pcapng") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".cap") == 0);
}

/* Append @path to the list, growing it; returns 0 or -1 on allocation failure. */
static int rewrite_list_add(char ***list, size_t *n, size_t *cap, const char *path)
{
	char **grown;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		grown = realloc(*list, *cap * sizeof(**list));
		if (grown == NULL)
			return -1;
		*list = grown;
	}
	(*list)[*n] = strdup(path);
	if ((*list)[*n] == NULL)
		return -1;
	(*n)++;
	return 0;
}

/* Collect capture files: directories are scanned (one level), sorted by name. */
static int rewrite_collect(char **args, int nargs, char ***list, size_t *n)
{
	size_t cap = 0, first;
	struct dirent *de;
	struct stat st;
	char path[4096];
	DIR *d;
	int i;

	*list = NULL;
	*n = 0;
	for (i = 0; i < nargs; i++) {
		if (stat(args[i], &st) < 0) {
			fprintf(stderr, "%s: error: %s\n", args[i], strerror(errno));
			return -1;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (rewrite_list_add(list, n, &cap, args[i]) < 0)
				return -1;
			continue;
		}
		d = opendir(args[i]);
		if (d == NULL) {
			fprintf(stderr, "%s: error: %s\n", args[i], strerror(errno));
			return -1;
		}
		first = *n;
		while ((de = readdir(d)) != NULL) {
			if (!rewrite_is_capture_name(de->d_name))
				continue;
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", args[i], de->d_name) >=
			    sizeof(path))
				continue;
			if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
				continue;
			if (rewrite_list_add(list, n, &cap, path) < 0) {
				closedir(d);
				return -1;
			}
		}
		closedir(d);
		qsort(*list + first, *n - first, sizeof(**list), rewrite_name_cmp);
	}
	return 0;
}

struct rewrite_clock {
	int64_t now_us;
	int started;
	int64_t max_gap_us;
	int64_t file_gap_us;
};

/* Copy one input file into @out for copy @key. Returns 0, or -1 on a write/allocation error. */
static int rewrite_file(const char *path, pcap_dumper_t *out, uint8_t key,
			struct rewrite_clock *clk, struct rewrite_stats *st, uint8_t **buf,
			uint32_t *bufcap)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr, oh;
	const u_char *data;
	int64_t ts, prev = 0, gap;
	int first = 1, rc;
	uint8_t *grown;
	pcap_t *p;

	p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (p == NULL) {
		fprintf(stderr, "%s: warning: skipped: %s\n", path, errbuf);
		return 0;
	}
	while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
		ts = (int64_t)hdr->ts.tv_sec * 1000000 + hdr->ts.tv_usec;
		if (!clk->started) {
			clk->now_us = ts;
			clk->started = 1;
		} else if (first) {
			clk->now_us += clk->file_gap_us;
		} else {
			gap = ts - prev;
			if (gap < 0)
				gap = 0;
			if (gap > clk->max_gap_us)
				gap = clk->max_gap_us;
			clk->now_us += gap;
		}
		first = 0;
		prev = ts;

		if (hdr->caplen > *bufcap) {
			grown = realloc(*buf, hdr->caplen);
			if (grown == NULL) {
				fprintf(stderr, "error: out of memory for a %u-byte packet\n",
					hdr->caplen);
				pcap_close(p);
				return -1;
			}
			*buf = grown;
			*bufcap = hdr->caplen;
		}
		memcpy(*buf, data, hdr->caplen);
		st->ip_rewritten += (uint64_t)rewrite_frame(*buf, hdr->caplen, key);

		oh.ts.tv_sec = clk->now_us / 1000000;
		oh.ts.tv_usec = clk->now_us % 1000000;
		oh.caplen = hdr->caplen;
		oh.len = hdr->len;
		pcap_dump((u_char *)out, &oh, *buf);
		st->packets++;
		st->bytes += hdr->caplen;
	}
	/* A truncated input is a test input too: keep what was read, say so once (copy 0). */
	if (rc == PCAP_ERROR && key == 0)
		fprintf(stderr, "%s: warning: read error, kept the packets before it: %s\n", path,
			pcap_geterr(p));
	pcap_close(p);
	return 0;
}

/* Ethernet files only: a pcap carries one link type. Reports the others on stderr. */
static int rewrite_is_ethernet(const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	int dlt;

	p = pcap_open_offline(path, errbuf);
	if (p == NULL) {
		fprintf(stderr, "%s: skipped: %s\n", path, errbuf);
		return 0;
	}
	dlt = pcap_datalink(p);
	pcap_close(p);
	if (dlt == DLT_EN10MB)
		return 1;
	fprintf(stderr, "%s: skipped: link type %d (%s), the trace is Ethernet only\n", path, dlt,
		pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt) : "unknown");
	return 0;
}

static void rewrite_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-n COPIES] [-g MAXGAP_US] [-f FILEGAP_US] -o OUT.pcap DIR|FILE...\n"
		"  -n COPIES     copies of the input, 1..%d (default 10)\n"
		"  -g MAXGAP_US  longest gap kept between two packets of a file (default 10000000)\n"
		"  -f FILEGAP_US gap inserted before each input file (default 1000000)\n",
		prog, REWRITE_MAX_COPIES);
}

static int rewrite_parse_num(const char *s, long long min, long long max, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0' && end != s && *out >= min && *out <= max ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct rewrite_clock clk = { 0, 0, 10000000, 1000000 };
	struct rewrite_stats st = { 0, 0, 0 };
	const char *out_path = NULL;
	char **files = NULL;
	size_t nfiles = 0, i, used = 0;
	uint32_t bufcap = 0;
	uint8_t *buf = NULL, *use = NULL;
	pcap_dumper_t *dumper;
	long long copies = 10, v;
	pcap_t *dead;
	int opt, ret = 1;

	while ((opt = getopt(argc, argv, "n:g:f:o:h")) != -1) {
		switch (opt) {
		case 'n':
			if (rewrite_parse_num(optarg, 1, REWRITE_MAX_COPIES, &copies) < 0) {
				fprintf(stderr, "error: -n wants 1..%d, got '%s'\n",
					REWRITE_MAX_COPIES, optarg);
				return 2;
			}
			break;
		case 'g':
		case 'f':
			if (rewrite_parse_num(optarg, 0, 3600LL * 1000000, &v) < 0) {
				fprintf(stderr, "error: -%c wants microseconds 0..3600000000, got '%s'\n",
					opt, optarg);
				return 2;
			}
			if (opt == 'g')
				clk.max_gap_us = v;
			else
				clk.file_gap_us = v;
			break;
		case 'o':
			out_path = optarg;
			break;
		default:
			rewrite_usage(argv[0]);
			return 2;
		}
	}
	if (out_path == NULL || optind >= argc) {
		rewrite_usage(argv[0]);
		return 2;
	}
	if (rewrite_collect(argv + optind, argc - optind, &files, &nfiles) < 0)
		goto out;
	use = calloc(nfiles ? nfiles : 1, 1);
	if (use == NULL) {
		fprintf(stderr, "error: out of memory\n");
		goto out;
	}
	for (i = 0; i < nfiles; i++) {
		use[i] = (uint8_t)rewrite_is_ethernet(files[i]);
		used += use[i];
	}
	if (used == 0) {
		fprintf(stderr, "error: no Ethernet capture files in the input\n");
		goto out;
	}

	dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, REWRITE_SNAPLEN,
						    PCAP_TSTAMP_PRECISION_MICRO);
	if (dead == NULL) {
		fprintf(stderr, "error: out of memory\n");
		goto out;
	}
	dumper = pcap_dump_open(dead, out_path);
	if (dumper == NULL) {
		fprintf(stderr, "%s: error: %s\n", out_path, pcap_geterr(dead));
		pcap_close(dead);
		goto out;
	}
	ret = 0;
	for (v = 0; v < copies && ret == 0; v++) {
		for (i = 0; i < nfiles && ret == 0; i++) {
			if (use[i] && rewrite_file(files[i], dumper, (uint8_t)v, &clk, &st, &buf,
						   &bufcap) < 0)
				ret = 1;
		}
	}
	if (pcap_dump_flush(dumper) < 0) {
		fprintf(stderr, "%s: error: write failed\n", out_path);
		ret = 1;
	}
	pcap_dump_close(dumper);
	pcap_close(dead);
	if (ret == 0)
		fprintf(stderr,
			"%s: %zu of %zu files x %lld copies: %llu packets, %llu bytes, "
			"%llu IP headers rewritten\n",
			out_path, used, nfiles, copies, (unsigned long long)st.packets,
			(unsigned long long)st.bytes, (unsigned long long)st.ip_rewritten);
out:
	for (i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	free(use);
	free(buf);
	return ret;
}
