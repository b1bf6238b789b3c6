# src/stream/local.mk — defragmentation and TCP reassembly (see src/stream/stream.h).
STREAM_SRCS = src/stream/policy.c src/stream/defrag.c src/stream/reassembly.c \
	src/stream/stream-conf.c
noinst_LIBRARIES += src/stream/libstream.a
src_stream_libstream_a_SOURCES = src/stream/stream.h src/stream/stream-int.h $(STREAM_SRCS)
