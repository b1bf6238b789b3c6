# qa/unit/rules-tools.mk — tests of the rule tools: compact L3/L4 syntax and its evaluation order,
# `aegis rule` editing (test-rules-tools-compact), and the linter (test-rules-tools-lint).
# The compact/edit test compiles its sources directly so it does not depend on the core parser.
check_PROGRAMS += qa/unit/test-rules-tools-compact qa/unit/test-rules-tools-lint
TESTS += qa/unit/test-rules-tools-compact qa/unit/test-rules-tools-lint
qa_unit_test_rules_tools_compact_SOURCES = qa/unit/test-rules-tools-compact.c \
	src/rules/compact.c src/rules/compact-conf.c src/rules/rule-edit.c src/rules/diag-print.c
qa_unit_test_rules_tools_compact_CFLAGS = $(UNIT_CFLAGS)
qa_unit_test_rules_tools_compact_LDADD = src/conf/libconf.a src/util/libutil.a $(UNIT_LIBS) \
	$(AEGIS_EXT_LIBS)
qa_unit_test_rules_tools_lint_SOURCES = qa/unit/test-rules-tools-lint.c
qa_unit_test_rules_tools_lint_CFLAGS = $(UNIT_CFLAGS) \
	-DAEGIS_SRCDIR='"$(abs_top_srcdir)"' \
	-DAEGIS_CORPUS_DEFAULT='"$(abs_top_srcdir)/../shared/corpus"'
qa_unit_test_rules_tools_lint_LDADD = src/rules/librules.a src/conf/libconf.a src/util/libutil.a \
	$(UNIT_LIBS) $(AEGIS_EXT_LIBS)
