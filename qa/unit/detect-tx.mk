# qa/unit/detect-tx.mk — unit tests of app-layer transaction and raw stream inspection
# (src/detect/tx-inspect.c, stream-inspect.c): conversations parsed by the real app layer.
check_PROGRAMS += qa/unit/test-detect-tx
TESTS += qa/unit/test-detect-tx
qa_unit_test_detect_tx_SOURCES = qa/unit/test-detect-tx.c qa/unit/test-detect-helpers.h
qa_unit_test_detect_tx_CFLAGS = $(DETECT_TEST_CFLAGS)
qa_unit_test_detect_tx_LDADD = src/detect/libdetect.a src/app/libapp.a src/rules/librules.a \
	src/flow/libflow.a src/decode/libdecode.a src/conf/libconf.a src/util/libutil.a \
	$(UNIT_LIBS) $(AEGIS_EXT_LIBS)
