# qa/unit/capture.mk — unit tests of the capture stage (pcap file source).
check_PROGRAMS += qa/unit/test-capture
TESTS += qa/unit/test-capture
qa_unit_test_capture_SOURCES = qa/unit/test-capture.c
qa_unit_test_capture_CFLAGS = $(UNIT_CFLAGS)
qa_unit_test_capture_LDADD = src/capture/libcapture.a src/decode/libdecode.a src/util/libutil.a \
	$(UNIT_LIBS) $(AEGIS_EXT_LIBS)
