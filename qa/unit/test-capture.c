/*
 * test-capture.c — unit tests of the pcap file source: single files, directories in first-packet
 * time order, the error lines for missing files, unsupported link types and truncated records
 * (with the byte offset), and that packets before a corrupt record are all delivered.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "capture/capture.h"

static char tmpdir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/aegis-capture-XXXXXX", getenv("TMPDIR") ?: "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	/* only our own mkdtemp directory: no input-derived strings */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Write `n` packets of `len` bytes with link type `dlt`, the first at time `t0` seconds. */
static void write_pcap(const char *path, int dlt, unsigned n, unsigned len, long t0)
{
	pcap_t *dead = pcap_open_dead(dlt, 65535);
	assert_non_null(dead);
	pcap_dumper_t *d = pcap_dump_open(dead, path);
	assert_non_null(d);
	uint8_t data[2048];
	for (unsigned i = 0; i < n; i++) {
		memset(data, (int)(i + 1), sizeof(data));
		struct pcap_pkthdr h = { .ts = { .tv_sec = t0 + i, .tv_usec = 7 },
					 .caplen = len, .len = len + 10 };
		pcap_dump((u_char *)d, &h, data);
	}
	pcap_dump_close(d);
	pcap_close(dead);
}

static const char *tpath(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
	return buf;
}

static unsigned read_all(const char *src, struct capture_stats *st, uint64_t *first_ts,
			 enum capture_next_result *last, char *err, size_t errlen)
{
	const struct capture_ops *ops = capture_find("pcap-file");
	assert_non_null(ops);
	struct capture *c;
	assert_int_equal(ops->open(&c, src, err, errlen), 0);
	struct packet p;
	unsigned n = 0;
	enum capture_next_result r;
	while ((r = ops->next(c, &p, err, errlen)) == CAPTURE_PACKET) {
		if (n == 0 && first_ts)
			*first_ts = p.ts_usec;
		n++;
		assert_int_equal(p.pcap_cnt, n);
		assert_int_equal(p.linktype, LINKTYPE_ETHERNET);
		assert_true(p.wirelen == p.caplen + 10);
		assert_int_equal(p.data[0], (uint8_t)(p.data[p.caplen - 1]));
	}
	*last = r;
	if (st)
		ops->get_stats(c, st);
	ops->close(c);
	return n;
}

static void test_single_file(void **state)
{
	(void)state;
	char path[512], err[512];
	write_pcap(tpath("one.pcap", path, sizeof(path)), DLT_EN10MB, 5, 60, 1000);
	struct capture_stats st;
	uint64_t first = 0;
	enum capture_next_result last;
	assert_int_equal(read_all(path, &st, &first, &last, err, sizeof(err)), 5);
	assert_int_equal(last, CAPTURE_EOF);
	assert_true(first == 1000 * USEC_PER_SEC + 7);
	assert_int_equal(st.packets, 5);
	assert_int_equal(st.bytes, 300);
	assert_int_equal(st.files_read, 1);
	assert_true(st.bytes_total == 24 + 5 * (16 + 60));
}

static void test_directory_time_order(void **state)
{
	(void)state;
	char dir[512], path[600], err[512];
	snprintf(dir, sizeof(dir), "%s/dir", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	/* "a" starts later than "b": reading must start with b */
	snprintf(path, sizeof(path), "%s/a.pcap", dir);
	write_pcap(path, DLT_EN10MB, 3, 64, 2000);
	snprintf(path, sizeof(path), "%s/b.pcap", dir);
	write_pcap(path, DLT_EN10MB, 4, 64, 1000);
	snprintf(path, sizeof(path), "%s/.hidden", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	struct capture_stats st;
	uint64_t first = 0;
	enum capture_next_result last;
	assert_int_equal(read_all(dir, &st, &first, &last, err, sizeof(err)), 7);
	assert_true(first == 1000 * USEC_PER_SEC + 7);
	assert_int_equal(st.files_read, 2);
	assert_int_equal(last, CAPTURE_EOF);
}

static void test_missing_and_empty_dir(void **state)
{
	(void)state;
	const struct capture_ops *ops = capture_find("pcap-file");
	struct capture *c;
	char path[512], err[512];
	assert_int_equal(ops->open(&c, tpath("nope.pcap", path, sizeof(path)), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nope.pcap: error: No such file"));
	snprintf(path, sizeof(path), "%s/empty", tmpdir);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(ops->open(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no capture files in directory"));
	assert_null(capture_find("no-such-source"));
}

static void test_unsupported_linktype(void **state)
{
	(void)state;
	const struct capture_ops *ops = capture_find("pcap-file");
	struct capture *c;
	char path[512], err[512];
	write_pcap(tpath("usb.pcap", path, sizeof(path)), DLT_USB_LINUX, 1, 60, 1);
	assert_int_equal(ops->open(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unsupported link type 189"));
}

static void test_truncated_record(void **state)
{
	(void)state;
	char path[512], err[512];
	write_pcap(tpath("trunc.pcap", path, sizeof(path)), DLT_EN10MB, 4, 100, 1);
	/* cut the 4th record in the middle of its data */
	off_t full = 24 + 4 * (16 + 100);
	assert_int_equal(truncate(path, full - 50), 0);
	enum capture_next_result last;
	unsigned n = read_all(path, NULL, NULL, &last, err, sizeof(err));
	assert_int_equal(n, 3); /* every complete packet before the damage */
	assert_int_equal(last, CAPTURE_ERROR);
	char want[64];
	snprintf(want, sizeof(want), "at byte offset %d", 24 + 3 * (16 + 100));
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, "(after packet 3)"));
}

static void test_garbage_file(void **state)
{
	(void)state;
	const struct capture_ops *ops = capture_find("pcap-file");
	struct capture *c;
	char path[512], err[512];
	FILE *f = fopen(tpath("garbage.pcap", path, sizeof(path)), "w");
	assert_non_null(f);
	fputs("this is not a capture file at all, just text\n", f);
	fclose(f);
	assert_int_equal(ops->open(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "garbage.pcap: error: cannot read capture file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_file),
		cmocka_unit_test(test_directory_time_order),
		cmocka_unit_test(test_missing_and_empty_dir),
		cmocka_unit_test(test_unsupported_linktype),
		cmocka_unit_test(test_truncated_record),
		cmocka_unit_test(test_garbage_file),
	};
	return cmocka_run_group_tests_name("capture", tests, setup, teardown);
}
