# src/output/local.mk — the output stage library (see src/output/output.h).
noinst_LIBRARIES += src/output/liboutput.a
src_output_liboutput_a_SOURCES = src/output/output.h
