# qa/unit/detect-state.mk — unit tests of the detect stage's state half: header keywords, the
# flow keyword, flowbits/flowint/xbits, thresholds and threshold.config, alert order and verdict.
# The tested files are compiled in directly so the rest of libdetect.a (the engine core, built
# in parallel) cannot break these tests.
DETECT_STATE_SRCS = src/detect/header.c src/detect/flowbits.c src/detect/threshold.c \
	src/detect/verdict.c
check_PROGRAMS += qa/unit/test-detect-state
TESTS += qa/unit/test-detect-state
qa_unit_test_detect_state_SOURCES = qa/unit/test-detect-state.c \
	qa/unit/test-detect-state-helpers.h $(DETECT_STATE_SRCS)
qa_unit_test_detect_state_CFLAGS = $(UNIT_CFLAGS)
qa_unit_test_detect_state_LDADD = src/rules/librules.a src/decode/libdecode.a src/util/libutil.a $(UNIT_LIBS) \
	$(AEGIS_EXT_LIBS)
check_PROGRAMS += qa/unit/test-detect-state-thr
TESTS += qa/unit/test-detect-state-thr
qa_unit_test_detect_state_thr_SOURCES = qa/unit/test-detect-state-thr.c \
	qa/unit/test-detect-state-helpers.h $(DETECT_STATE_SRCS)
qa_unit_test_detect_state_thr_CFLAGS = $(UNIT_CFLAGS)
qa_unit_test_detect_state_thr_LDADD = src/rules/librules.a src/decode/libdecode.a src/util/libutil.a $(UNIT_LIBS) \
	$(AEGIS_EXT_LIBS)
