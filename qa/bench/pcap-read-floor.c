/*
 * pcap-read-floor.c — the speed floor of the benchmark: how fast libpcap alone can hand every
 * packet of a trace to a loop that does nothing with it. aegis reads traces through the same
 * library, so no aegis figure can beat this one; scripts/bench reports every row as a ratio to it.
 *
 * Usage: pcap-read-floor FILE
 * Prints one line: packets=N bytes=CAPTURED wire_bytes=ON_WIRE seconds=S
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static double floor_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *hdr;
	const u_char *data;
	uint64_t packets = 0, bytes = 0, wire_bytes = 0;
	unsigned int touch = 0;
	double start, end;
	pcap_t *p;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	/* The open (file header read, buffer allocation) is part of what aegis pays too. */
	start = floor_now();
	p = pcap_open_offline(argv[1], errbuf);
	if (p == NULL) {
		fprintf(stderr, "%s: error: %s\n", argv[1], errbuf);
		return 1;
	}
	while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
		packets++;
		bytes += hdr->caplen;
		wire_bytes += hdr->len;
		/* Touch the first byte, as any consumer must, so the floor includes one cache miss. */
		if (hdr->caplen > 0)
			touch += data[0];
	}
	end = floor_now();
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "%s: error: %s (after %llu packets)\n", argv[1], pcap_geterr(p),
			(unsigned long long)packets);
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	printf("packets=%llu bytes=%llu wire_bytes=%llu seconds=%.6f touch=%u\n",
	       (unsigned long long)packets, (unsigned long long)bytes,
	       (unsigned long long)wire_bytes, end - start, touch & 0xff);
	return 0;
}
