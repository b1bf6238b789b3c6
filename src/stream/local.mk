# src/stream/local.mk — defragmentation and TCP reassembly (see src/stream/stream.h).
noinst_LIBRARIES += src/stream/libstream.a
src_stream_libstream_a_SOURCES = src/stream/stream.h
