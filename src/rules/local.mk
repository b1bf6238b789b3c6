# src/rules/local.mk — the rule language library (see src/rules/rules.h).
noinst_LIBRARIES += src/rules/librules.a
RULES_SRCS = src/rules/arena.c src/rules/addr.c src/rules/parser.c src/rules/keywords.c \
	src/rules/kw-payload.c src/rules/kw-other.c src/rules/classification.c \
	src/rules/diag-print.c
src_rules_librules_a_SOURCES = src/rules/rules.h src/rules/internal.h $(RULES_SRCS) \
	src/rules/compact.c src/rules/compact-conf.c src/rules/rule-edit.c src/rules/lint.c
