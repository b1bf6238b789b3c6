/*
 * mpm-cache.c — on-disk cache of compiled Hyperscan databases, so a warm start skips Hyperscan
 * compilation. One file per database, named by the hash of its patterns, flags, Hyperscan
 * version and platform (mpm.c computes the key). A file is our header (magic, key, length,
 * checksum of the body) followed by hs_serialize_database() output; it is written to a temporary
 * file and renamed into place, so readers never see half a file. Anything that does not check
 * out (short, wrong key, wrong checksum, refused by Hyperscan) is a miss: the caller rebuilds
 * and rewrites it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "detect/detect-int.h"

#define CACHE_MAGIC "AEGISHS1"
#define CACHE_MAX_BYTES (512u << 20) /* refuse absurd files instead of allocating for them */

struct cache_hdr {
	char magic[8];
	uint64_t key;
	uint64_t len;
	uint64_t sum;
};

void det_cache_path(const char *dir, uint64_t key, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%016llx.hsdb", dir, (unsigned long long)key);
}

int det_cache_load(const char *dir, uint64_t key, hs_database_t **db)
{
	char path[4200];
	det_cache_path(dir, key, path, sizeof(path));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct cache_hdr h;
	char *body = NULL;
	int rc = -1;
	if (read(fd, &h, sizeof(h)) != (ssize_t)sizeof(h) ||
	    memcmp(h.magic, CACHE_MAGIC, 8) != 0 || h.key != key || h.len == 0 ||
	    h.len > CACHE_MAX_BYTES)
		goto out;
	body = malloc(h.len);
	if (!body)
		goto out;
	size_t got = 0;
	while (got < h.len) {
		ssize_t r = read(fd, body + got, h.len - got);
		if (r <= 0)
			goto out;
		got += (size_t)r;
	}
	if (util_hash64(body, h.len, key) != h.sum)
		goto out;
	if (hs_deserialize_database(body, h.len, db) != HS_SUCCESS) {
		*db = NULL;
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		log_info("detect: cache file %s unusable, rebuilding it", path);
	free(body);
	close(fd);
	return rc;
}

static bool write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		c += w;
		n -= (size_t)w;
	}
	return true;
}

int det_cache_store(const char *dir, uint64_t key, const hs_database_t *db)
{
	char *bytes = NULL;
	size_t len = 0;
	if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS)
		return -1;
	char path[4200], tmp[4300];
	det_cache_path(dir, key, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		log_warning("detect: cannot write the Hyperscan cache in %s: %s", dir,
			    strerror(errno));
		free(bytes);
		return -1;
	}
	struct cache_hdr h;
	memcpy(h.magic, CACHE_MAGIC, 8);
	h.key = key;
	h.len = len;
	h.sum = util_hash64(bytes, len, key);
	bool ok = write_all(fd, &h, sizeof(h)) && write_all(fd, bytes, len) && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	free(bytes);
	if (!ok || rename(tmp, path) != 0) {
		log_warning("detect: cannot write the Hyperscan cache file %s: %s", path,
			    strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
