/*
 * diag-print.c — prints a struct rule_diag the way gcc prints a compiler diagnostic: the
 * "file:line:col: severity: message [check-id]" line editors and CI parsers understand, then the
 * source line with a caret under the column and tildes under the rest of the span.
 */
#include <stdio.h>
#include <string.h>

#include "rules/rules.h"

const char *rules_severity_name(enum rule_severity s)
{
	switch (s) {
	case RULE_SEV_ERROR:
		return "error";
	case RULE_SEV_WARNING:
		return "warning";
	default:
		return "note";
	}
}

void rules_diag_print(FILE *f, const struct rule_diag *d, bool underline)
{
	if (d->line && d->col)
		fprintf(f, "%s:%u:%u: ", d->file ? d->file : "-", d->line, d->col);
	else if (d->line)
		fprintf(f, "%s:%u: ", d->file ? d->file : "-", d->line);
	else
		fprintf(f, "%s: ", d->file ? d->file : "-");
	fprintf(f, "%s: %s [%s]\n", rules_severity_name(d->severity),
		d->message ? d->message : "", d->check_id ? d->check_id : "?");
	if (!underline || !d->source_line || !d->col)
		return;

	const char *src = d->source_line;
	size_t len = strlen(src);

	fprintf(f, " %s\n ", src);
	/* Keep tabs so the caret lines up with what the terminal shows above it. */
	for (size_t i = 0; i + 1 < d->col && i < len; i++)
		fputc(src[i] == '\t' ? '\t' : ' ', f);
	fputc('^', f);
	if (d->end_col > d->col + 1) {
		size_t end = d->end_col - 1;

		if (end > len)
			end = len;
		for (size_t i = d->col; i < end; i++)
			fputc('~', f);
	}
	fputc('\n', f);
}
