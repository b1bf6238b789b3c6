# src/rules/local.mk — the rule language library (see src/rules/rules.h).
noinst_LIBRARIES += src/rules/librules.a
src_rules_librules_a_SOURCES =
