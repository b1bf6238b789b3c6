# qa/unit/util.mk — unit tests of src/util.
check_PROGRAMS += qa/unit/test-util
TESTS += qa/unit/test-util
qa_unit_test_util_SOURCES = qa/unit/test-util.c
qa_unit_test_util_CFLAGS = $(UNIT_CFLAGS)
qa_unit_test_util_LDADD = src/util/libutil.a $(UNIT_LIBS)
