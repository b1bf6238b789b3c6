/*
 * conf-root.c — the config root: the one directory holding aegis.yaml, rules/, intel/, state/
 * and logs/. It is /etc/aegis unless $AEGIS_CONFIG_ROOT names another one, which lets tests and
 * unprivileged users run aegis against a private tree.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf/conf-int.h"
#include "util/util.h"

#define CONF_ROOT_DEFAULT "/etc/aegis"

const char *conf_root_dir(void)
{
	const char *env = getenv("AEGIS_CONFIG_ROOT");
	return env && *env ? env : CONF_ROOT_DEFAULT;
}

const char *conf_root_path(const char *rel, char *buf, size_t len)
{
	if (!buf || !len)
		return buf;
	const char *root = conf_root_dir();
	size_t rl = strlen(root);
	/* "/etc/aegis/" + "rules" should not become "/etc/aegis//rules". */
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	if (!rel || !*rel)
		snprintf(buf, len, "%.*s", (int)rl, root);
	else if (rel[0] == '/')
		snprintf(buf, len, "%s", rel);
	else
		snprintf(buf, len, "%.*s/%s", (int)rl, root, rel);
	return buf;
}

/* mkdir that accepts an existing directory (but not an existing file). */
static int make_dir(const char *path, char *err, size_t errlen)
{
	if (mkdir(path, 0750) == 0)
		return 0;
	int e = errno;
	struct stat st;
	if (e == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	if (e == EEXIST)
		e = ENOTDIR;
	conf_errf(err, errlen, "%s: error: cannot create directory: %s", path, strerror(e));
	return -1;
}

int conf_root_ensure_layout(const char *root, char *err, size_t errlen)
{
	static const char *const subdirs[] = {"rules", "intel", "state", "logs"};
	char path[4096];

	if (!root || !*root)
		root = conf_root_dir();
	if (strlen(root) + 16 >= sizeof(path)) {
		conf_errf(err, errlen, "%s: error: path too long", root);
		return -1;
	}
	if (make_dir(root, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(subdirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, subdirs[i]);
		if (make_dir(path, err, errlen) < 0)
			return -1;
	}
	return 0;
}

const char *conf_path_relative(const struct conf *c, const char *name, char *buf, size_t len)
{
	if (!name || name[0] == '/')
		return name;
	const char *slash = c && c->path ? strrchr(c->path, '/') : NULL;
	if (c && c->path && !slash)
		return name; /* aegis.yaml in the current directory */
	if (slash)
		snprintf(buf, len, "%.*s/%s", (int)(slash - c->path), c->path, name);
	else
		snprintf(buf, len, "%s/%s", conf_root_dir(), name);
	return buf;
}
