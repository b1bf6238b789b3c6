# qa/unit/stream.mk — unit tests of the stream stage: defragmentation (overlap matrix, limits,
# config), TCP reassembly, and a real-pcap check through decode + flow + stream.
STREAM_TEST_CFLAGS = $(UNIT_CFLAGS) -DAEGIS_SRCDIR='"$(abs_top_srcdir)"'
STREAM_TEST_LIBS = src/stream/libstream.a src/flow/libflow.a src/decode/libdecode.a \
	src/conf/libconf.a src/util/libutil.a $(UNIT_LIBS) $(AEGIS_EXT_LIBS)

check_PROGRAMS += qa/unit/test-stream-defrag qa/unit/test-stream-tcp qa/unit/test-stream-pcap
TESTS += qa/unit/test-stream-defrag qa/unit/test-stream-tcp qa/unit/test-stream-pcap
qa_unit_test_stream_defrag_SOURCES = qa/unit/test-stream-defrag.c
qa_unit_test_stream_defrag_CFLAGS = $(STREAM_TEST_CFLAGS)
qa_unit_test_stream_defrag_LDADD = $(STREAM_TEST_LIBS)
qa_unit_test_stream_tcp_SOURCES = qa/unit/test-stream-tcp.c
qa_unit_test_stream_tcp_CFLAGS = $(STREAM_TEST_CFLAGS)
qa_unit_test_stream_tcp_LDADD = $(STREAM_TEST_LIBS)
qa_unit_test_stream_pcap_SOURCES = qa/unit/test-stream-pcap.c
qa_unit_test_stream_pcap_CFLAGS = $(STREAM_TEST_CFLAGS)
qa_unit_test_stream_pcap_LDADD = $(STREAM_TEST_LIBS)
