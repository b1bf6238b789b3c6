# qa/unit/output.mk — unit tests of the output stage (jbuf, SHA-1, Community ID, EVE records).
# The test runs qa/tools/eve-validate.py from the source tree, hence AEGIS_SRCDIR.
check_PROGRAMS += qa/unit/test-output
TESTS += qa/unit/test-output
qa_unit_test_output_SOURCES = qa/unit/test-output.c
qa_unit_test_output_CFLAGS = $(UNIT_CFLAGS) -DAEGIS_SRCDIR='"$(abs_top_srcdir)"'
qa_unit_test_output_LDADD = src/output/liboutput.a src/app/libapp.a src/flow/libflow.a src/conf/libconf.a src/util/libutil.a $(UNIT_LIBS) \
	$(AEGIS_EXT_LIBS)
EXTRA_DIST += qa/tools/eve-validate.py qa/schema/eve-schema.json qa/schema/SOURCES.md
