# qa/unit/rules.mk — unit tests of the rule language stage (src/rules/) and the corpus test.
check_PROGRAMS += qa/unit/test-rules qa/unit/test-rules-corpus
TESTS += qa/unit/test-rules qa/unit/test-rules-corpus
qa_unit_test_rules_SOURCES = qa/unit/test-rules.c
qa_unit_test_rules_CFLAGS = $(UNIT_CFLAGS)
qa_unit_test_rules_LDADD = src/rules/librules.a src/util/libutil.a $(UNIT_LIBS) $(AEGIS_EXT_LIBS)
qa_unit_test_rules_corpus_SOURCES = qa/unit/test-rules-corpus.c
qa_unit_test_rules_corpus_CFLAGS = $(UNIT_CFLAGS) \
	-DAEGIS_CORPUS_DIR='"$(abs_top_srcdir)/../shared/corpus"' \
	-DAEGIS_KNOWN_INVALID='"$(abs_top_srcdir)/qa/rules-known-invalid.txt"'
qa_unit_test_rules_corpus_LDADD = src/rules/librules.a src/util/libutil.a $(UNIT_LIBS) \
	$(AEGIS_EXT_LIBS)
EXTRA_DIST += qa/rules-known-invalid.txt
