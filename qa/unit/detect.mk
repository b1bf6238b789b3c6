# qa/unit/detect.mk — unit tests of the detection engine core (src/detect/: grouping, Hyperscan
# prefilter and cache, payload inspection) and the ET Open build test.
DETECT_TEST_LIBS = src/detect/libdetect.a src/rules/librules.a src/flow/libflow.a \
	src/decode/libdecode.a src/conf/libconf.a src/util/libutil.a $(UNIT_LIBS) $(AEGIS_EXT_LIBS)
DETECT_TEST_CFLAGS = $(UNIT_CFLAGS) -DAEGIS_CORPUS_DIR='"$(abs_top_srcdir)/../shared/corpus"' \
	-DAEGIS_SRCDIR='"$(abs_top_srcdir)"'
check_PROGRAMS += qa/unit/test-detect qa/unit/test-detect-engine
TESTS += qa/unit/test-detect qa/unit/test-detect-engine
qa_unit_test_detect_SOURCES = qa/unit/test-detect.c qa/unit/test-detect-helpers.h
qa_unit_test_detect_CFLAGS = $(DETECT_TEST_CFLAGS)
qa_unit_test_detect_LDADD = $(DETECT_TEST_LIBS)
qa_unit_test_detect_engine_SOURCES = qa/unit/test-detect-engine.c qa/unit/test-detect-helpers.h
qa_unit_test_detect_engine_CFLAGS = $(DETECT_TEST_CFLAGS)
qa_unit_test_detect_engine_LDADD = $(DETECT_TEST_LIBS)
check_PROGRAMS += qa/unit/test-detect-transform
TESTS += qa/unit/test-detect-transform
qa_unit_test_detect_transform_SOURCES = qa/unit/test-detect-transform.c
qa_unit_test_detect_transform_CFLAGS = $(DETECT_TEST_CFLAGS)
qa_unit_test_detect_transform_LDADD = $(DETECT_TEST_LIBS)
