# qa/unit/decode.mk — unit tests of the decode stage (one program, several source files).
# The real-traffic test finds the shared corpus next to the source tree unless AEGIS_CORPUS says
# otherwise.
check_PROGRAMS += qa/unit/test-decode
TESTS += qa/unit/test-decode
qa_unit_test_decode_SOURCES = qa/unit/test-decode.c qa/unit/test-decode-ip.c \
	qa/unit/test-decode-l4.c qa/unit/test-decode-tunnel.c qa/unit/test-decode-pcap.c \
	qa/unit/test-decode-helpers.h
qa_unit_test_decode_CPPFLAGS = $(AM_CPPFLAGS) \
	-DAEGIS_CORPUS_DIR='"$(abs_top_srcdir)/../shared/corpus"'
qa_unit_test_decode_CFLAGS = $(UNIT_CFLAGS)
qa_unit_test_decode_LDADD = src/decode/libdecode.a src/util/libutil.a $(UNIT_LIBS) \
	$(AEGIS_EXT_LIBS)
