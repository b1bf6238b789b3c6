/*
 * rule-edit.c — `aegis rule add|remove|list --rules FILE [--index N] [RULE TEXT]`: edit a compact
 * L3/L4 rules file (rules/l3l4.rules) safely. A new line is validated with the compact parser,
 * and so is the whole resulting file, before anything is written; writes are atomic (temp file in
 * the same directory, fsync, rename, fsync of the directory) and the previous version is kept in
 * CONFIG_ROOT/state/versions/ with a timestamp, so a bad edit can always be rolled back by hand.
 * No shell-outs: everything is plain POSIX file I/O.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "conf/conf.h"
#include "rules/rules.h"

#define EDIT_MAX_FILE (16u << 20)
#define EDIT_EXIT_OK 0
#define EDIT_EXIT_USAGE 1
#define EDIT_EXIT_INVALID 2

/* The file as a list of physical lines (pointers into one buffer). */
struct edit_file {
	char *buf;
	size_t len;
	bool exists;
	mode_t mode;
};

static void edit_usage(FILE *f)
{
	fprintf(f, "usage: aegis rule add --rules FILE RULE...\n"
		   "       aegis rule remove --rules FILE (RULE... | --index N)\n"
		   "       aegis rule list --rules FILE\n");
}

static int edit_read(const char *path, struct edit_file *ef)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	memset(ef, 0, sizeof(*ef));
	ef->mode = 0644;
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		fprintf(stderr, "aegis rule: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > EDIT_MAX_FILE) {
		fprintf(stderr, "aegis rule: %s: not a regular file of at most %u bytes\n", path,
			EDIT_MAX_FILE);
		close(fd);
		return -1;
	}
	ef->exists = true;
	ef->mode = st.st_mode & 07777;
	ef->buf = malloc((size_t)st.st_size + 1);
	if (!ef->buf) {
		fprintf(stderr, "aegis rule: out of memory\n");
		close(fd);
		return -1;
	}
	while (ef->len < (size_t)st.st_size) {
		ssize_t r = read(fd, ef->buf + ef->len, (size_t)st.st_size - ef->len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		ef->len += (size_t)r;
	}
	ef->buf[ef->len] = '\0';
	close(fd);
	return 0;
}

/* Normal form of a rule line for comparisons: comment dropped, words joined by one blank,
 * lower-case (the compact keywords are case-insensitive). Empty for blank/comment lines. */
static void edit_normalize(const char *s, size_t n, char *out, size_t outlen)
{
	size_t o = 0;
	bool space = false;

	for (size_t i = 0; i < n && s[i] != '#' && o + 2 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			space = o > 0;
			continue;
		}
		if (space)
			out[o++] = ' ';
		space = false;
		out[o++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
	}
	out[o] = '\0';
}

/* Iterate physical lines: returns false at the end. */
static bool edit_next_line(const struct edit_file *ef, size_t *off, const char **line, size_t *len)
{
	if (*off >= ef->len)
		return false;
	const char *s = ef->buf + *off;
	const char *nl = memchr(s, '\n', ef->len - *off);

	*line = s;
	*len = nl ? (size_t)(nl - s) : ef->len - *off;
	*off += *len + 1;
	return true;
}

/* Validate a whole text with the compact parser and print its diagnostics. Returns the number
 * of errors, or -1 on allocation failure. With `dup`, sets it when line `line` duplicates an
 * earlier rule (same selector, same verdict). */
static int edit_validate(const char *text, size_t len, const char *name, uint32_t line, bool *dup)
{
	struct rules_fw_policy *p = rules_fw_policy_new();
	int errors;

	if (!p) {
		fprintf(stderr, "aegis rule: out of memory\n");
		return -1;
	}
	errors = rules_fw_load_string(p, text, len, name);
	for (size_t i = 0; i < rules_fw_diag_count(p); i++) {
		const struct rule_diag *d = rules_fw_diag_at(p, i);
		if (dup && d->line == line && strcmp(d->check_id, "compact-duplicate") == 0)
			*dup = true;
		rules_diag_print(stderr, d, true);
	}
	rules_fw_policy_free(p);
	return errors;
}

/* Copy the previous version to CONFIG_ROOT/state/versions/<name>.<timestamp>. */
static int edit_backup(const struct edit_file *ef, const char *path, char *made, size_t madelen)
{
	char dir[PATH_MAX], state[PATH_MAX], file[PATH_MAX + 96], stamp[40];
	const char *base = strrchr(path, '/');
	struct timeval tv;
	struct tm tm;
	int fd = -1;

	base = base ? base + 1 : path;
	conf_root_path("state", state, sizeof(state));
	conf_root_path("state/versions", dir, sizeof(dir));
	if ((mkdir(conf_root_dir(), 0755) != 0 && errno != EEXIST) ||
	    (mkdir(state, 0755) != 0 && errno != EEXIST) ||
	    (mkdir(dir, 0755) != 0 && errno != EEXIST)) {
		fprintf(stderr, "aegis rule: cannot create %s: %s\n", dir, strerror(errno));
		return -1;
	}
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
	/* Two edits in the same microsecond would collide: O_EXCL and a counter. */
	for (int n = 0; n < 100 && fd < 0; n++) {
		if (n == 0)
			snprintf(file, sizeof(file), "%s/%s.%s.%06ldZ", dir, base, stamp,
				 (long)tv.tv_usec);
		else
			snprintf(file, sizeof(file), "%s/%s.%s.%06ldZ-%d", dir, base, stamp,
				 (long)tv.tv_usec, n);
		fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		fprintf(stderr, "aegis rule: cannot create a backup in %s: %s\n", dir,
			strerror(errno));
		return -1;
	}
	size_t done = 0;

	while (done < ef->len) {
		ssize_t w = write(fd, ef->buf + done, ef->len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (done != ef->len || fsync(fd) != 0) {
		fprintf(stderr, "aegis rule: cannot write backup %s: %s\n", file, strerror(errno));
		close(fd);
		unlink(file);
		return -1;
	}
	close(fd);
	util_strlcpy(made, file, madelen);
	return 0;
}

/* Replace `path` with `text` atomically: temp file beside it, fsync, rename, fsync the dir. */
static int edit_write_atomic(const char *path, const char *text, size_t len, mode_t mode)
{
	char tmp[PATH_MAX + 32], dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp)) {
		fprintf(stderr, "aegis rule: path too long: %s\n", path);
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "aegis rule: cannot create a temporary file beside %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	size_t done = 0;

	while (done < len) {
		ssize_t w = write(fd, text + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (done != len || fchmod(fd, mode) != 0 || fsync(fd) != 0) {
		fprintf(stderr, "aegis rule: cannot write %s: %s\n", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		fprintf(stderr, "aegis rule: cannot replace %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	/* Make the rename itself durable. */
	if (slash) {
		size_t dl = (size_t)(slash - path);

		if (dl == 0)
			dl = 1;
		if (dl < sizeof(dir)) {
			memcpy(dir, path, dl);
			dir[dl] = '\0';
		} else {
			dir[0] = '\0';
		}
	} else {
		util_strlcpy(dir, ".", sizeof(dir));
	}
	if (dir[0]) {
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	return 0;
}

/* Backup of the old version (if there was one), then the atomic write. */
static int edit_commit(const struct edit_file *ef, const char *path, const char *text, size_t len)
{
	char made[PATH_MAX + 96] = "";

	if (ef->exists && edit_backup(ef, path, made, sizeof(made)) != 0)
		return -1;
	if (edit_write_atomic(path, text, len, ef->mode) != 0)
		return -1;
	if (made[0])
		fprintf(stderr, "aegis rule: previous version saved as %s\n", made);
	return 0;
}

/* Join argv words into one rule line. */
static char *edit_join(char **words, int n)
{
	size_t len = 1;

	for (int i = 0; i < n; i++)
		len += strlen(words[i]) + 1;
	char *s = malloc(len), *o = s;

	if (!s)
		return NULL;
	for (int i = 0; i < n; i++) {
		size_t l = strlen(words[i]);

		if (i)
			*o++ = ' ';
		memcpy(o, words[i], l);
		o += l;
	}
	*o = '\0';
	return s;
}

static int edit_add(const char *path, const char *rule)
{
	struct edit_file ef;
	char norm[4200], other[4200];
	int rc = EDIT_EXIT_USAGE;

	if (strpbrk(rule, "\n\r")) {
		fprintf(stderr, "aegis rule: a rule is one line\n");
		return EDIT_EXIT_INVALID;
	}
	edit_normalize(rule, strlen(rule), norm, sizeof(norm));
	if (norm[0] == '\0') {
		fprintf(stderr, "aegis rule: nothing to add (empty rule or only a comment)\n");
		return EDIT_EXIT_INVALID;
	}
	/* The line alone first: its diagnostics then name the argument, not the file. */
	int errs = edit_validate(rule, strlen(rule), "<rule>", 0, NULL);

	if (errs < 0)
		return EDIT_EXIT_USAGE;
	if (errs > 0)
		return EDIT_EXIT_INVALID;
	if (edit_read(path, &ef) != 0)
		return EDIT_EXIT_USAGE;

	size_t off = 0, len, n = 0;
	const char *line;

	while (edit_next_line(&ef, &off, &line, &len)) {
		edit_normalize(line, len, other, sizeof(other));
		if (other[0])
			n++;
		if (other[0] && strcmp(other, norm) == 0) {
			fprintf(stderr, "aegis rule: %s: already present as rule %zu: %.*s\n", path,
				n, (int)len, line);
			goto out;
		}
	}

	/* The resulting file: old text, a newline if it lacked one, the new line. */
	size_t rl = strlen(rule);
	bool need_nl = ef.len && ef.buf[ef.len - 1] != '\n';
	size_t total = ef.len + need_nl + rl + 1;
	char *text = malloc(total + 1);

	if (!text) {
		fprintf(stderr, "aegis rule: out of memory\n");
		goto out;
	}
	if (ef.len)
		memcpy(text, ef.buf, ef.len);
	size_t o = ef.len;

	if (need_nl)
		text[o++] = '\n';
	memcpy(text + o, rule, rl);
	o += rl;
	text[o++] = '\n';
	text[o] = '\0';

	/* Count the new line's number for the duplicate check. */
	uint32_t newline_no = 1;

	for (size_t i = 0; i + 1 < o; i++)
		if (text[i] == '\n')
			newline_no++;
	bool dup = false;

	errs = edit_validate(text, o, path, newline_no, &dup);
	if (dup) {
		fprintf(stderr, "aegis rule: %s: refusing a duplicate rule\n", path);
	} else if (errs != 0) {
		fprintf(stderr, "aegis rule: %s: the file would not load; nothing written\n", path);
		rc = errs < 0 ? EDIT_EXIT_USAGE : EDIT_EXIT_INVALID;
	} else if (edit_commit(&ef, path, text, o) == 0) {
		printf("added: %s\n", rule);
		rc = EDIT_EXIT_OK;
	}
	free(text);
out:
	free(ef.buf);
	return rc;
}

static int edit_remove(const char *path, const char *rule, long index)
{
	struct edit_file ef;
	char norm[4200], other[4200];
	size_t off = 0, len, n = 0, start = 0, end = 0;
	const char *line;
	bool found = false;
	int rc = EDIT_EXIT_USAGE;

	if (edit_read(path, &ef) != 0)
		return EDIT_EXIT_USAGE;
	if (!ef.exists) {
		fprintf(stderr, "aegis rule: %s: no such file\n", path);
		return EDIT_EXIT_USAGE;
	}
	if (rule)
		edit_normalize(rule, strlen(rule), norm, sizeof(norm));
	while (edit_next_line(&ef, &off, &line, &len)) {
		edit_normalize(line, len, other, sizeof(other));
		if (!other[0])
			continue;
		n++;
		if ((rule && strcmp(other, norm) == 0) || (!rule && (long)n == index)) {
			start = (size_t)(line - ef.buf);
			end = off > ef.len ? ef.len : off;
			found = true;
			break;
		}
	}
	if (!found) {
		if (rule)
			fprintf(stderr, "aegis rule: %s: no rule '%s'\n", path, rule);
		else
			fprintf(stderr, "aegis rule: %s: no rule number %ld (the file has %zu)\n",
				path, index, n);
		goto out;
	}
	char *text = malloc(ef.len + 1);

	if (!text) {
		fprintf(stderr, "aegis rule: out of memory\n");
		goto out;
	}
	memcpy(text, ef.buf, start);
	memcpy(text + start, ef.buf + end, ef.len - end);
	size_t tl = start + (ef.len - end);

	text[tl] = '\0';
	if (edit_commit(&ef, path, text, tl) == 0) {
		printf("removed: %.*s\n",
		       (int)(end - start - (end > start && ef.buf[end - 1] == '\n')),
		       ef.buf + start);
		rc = EDIT_EXIT_OK;
	}
	free(text);
out:
	free(ef.buf);
	return rc;
}

static int edit_list(const char *path)
{
	struct edit_file ef;
	char norm[4200];
	size_t off = 0, len, n = 0;
	const char *line;

	if (edit_read(path, &ef) != 0)
		return EDIT_EXIT_USAGE;
	if (!ef.exists) {
		fprintf(stderr, "aegis rule: %s: no such file\n", path);
		return EDIT_EXIT_USAGE;
	}
	while (edit_next_line(&ef, &off, &line, &len)) {
		edit_normalize(line, len, norm, sizeof(norm));
		if (!norm[0])
			continue;
		/* Print the line as written, minus trailing blanks/CR. */
		while (len &&
		       (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
			len--;
		size_t lead = 0;

		while (lead < len && (line[lead] == ' ' || line[lead] == '\t'))
			lead++;
		printf("%4zu  %.*s\n", ++n, (int)(len - lead), line + lead);
	}
	free(ef.buf);
	return EDIT_EXIT_OK;
}

int rules_cli_rule(int argc, char **argv)
{
	const char *path = NULL, *cmd;
	long index = 0;
	bool have_index = false;
	char **words;
	int nwords = 0, rc;

	if (argc < 2) {
		edit_usage(stderr);
		return EDIT_EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0) {
		edit_usage(stdout);
		return EDIT_EXIT_OK;
	}
	words = calloc((size_t)argc, sizeof(*words));
	if (!words)
		return EDIT_EXIT_USAGE;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			while (++i < argc)
				words[nwords++] = argv[i];
			break;
		}
		if (strcmp(a, "--rules") == 0 || strcmp(a, "--index") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "aegis rule: %s needs a value\n", a);
				goto usage;
			}
			if (a[2] == 'r') {
				path = argv[++i];
			} else {
				char *end;

				errno = 0;
				index = strtol(argv[++i], &end, 10);
				if (errno || *end || index < 1) {
					fprintf(stderr,
						"aegis rule: --index needs a number >= 1\n");
					goto usage;
				}
				have_index = true;
			}
		} else if (strncmp(a, "--rules=", 8) == 0) {
			path = a + 8;
		} else if (a[0] == '-' && a[1] == '-') {
			fprintf(stderr, "aegis rule: unknown option %s\n", a);
			goto usage;
		} else {
			words[nwords++] = argv[i];
		}
	}
	if (!path) {
		fprintf(stderr, "aegis rule: --rules FILE is required\n");
		goto usage;
	}
	if (strcmp(cmd, "list") == 0) {
		if (nwords || have_index)
			goto usage;
		rc = edit_list(path);
	} else if (strcmp(cmd, "add") == 0) {
		if (!nwords || have_index)
			goto usage;
		char *rule = edit_join(words, nwords);

		rc = rule ? edit_add(path, rule) : EDIT_EXIT_USAGE;
		free(rule);
	} else if (strcmp(cmd, "remove") == 0 || strcmp(cmd, "rm") == 0) {
		if ((nwords > 0) == have_index) {
			fprintf(stderr, "aegis rule: remove takes a rule text or --index N\n");
			goto usage;
		}
		char *rule = nwords ? edit_join(words, nwords) : NULL;

		rc = (nwords && !rule) ? EDIT_EXIT_USAGE : edit_remove(path, rule, index);
		free(rule);
	} else {
		fprintf(stderr, "aegis rule: unknown command '%s'\n", cmd);
		goto usage;
	}
	free(words);
	fflush(stdout);
	return rc;
usage:
	free(words);
	edit_usage(stderr);
	return EDIT_EXIT_USAGE;
}
