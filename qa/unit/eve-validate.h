/*
 * eve-validate.h — shared by the unit tests that write EVE records: runs
 * qa/tools/eve-validate.py (Suricata's EVE JSON schema, python3-jsonschema) on a file.
 * Include after <cmocka.h>; the including test defines AEGIS_SRCDIR (the source tree).
 */
#ifndef AEGIS_QA_EVE_VALIDATE_H
#define AEGIS_QA_EVE_VALIDATE_H

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* The validator's exit status on `path`, or -1 (a reason printed) when it cannot run: no
 * /usr/bin/python3, or exit 77 = python3-jsonschema missing. Callers skip() on -1. */
static int run_validator(const char *path)
{
	char script[512];
	snprintf(script, sizeof(script), "%s/qa/tools/eve-validate.py", AEGIS_SRCDIR);
	char *argv[] = { "python3", script, (char *)path, NULL };
	pid_t pid;
	int rc = posix_spawn(&pid, "/usr/bin/python3", NULL, NULL, argv, environ);
	if (rc == ENOENT) {
		print_message("skipped: /usr/bin/python3 not found, schema not checked\n");
		return -1;
	}
	assert_int_equal(rc, 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		print_message("skipped: python3-jsonschema is not installed, schema not checked\n");
		return -1;
	}
	return WEXITSTATUS(status);
}

#endif /* AEGIS_QA_EVE_VALIDATE_H */
