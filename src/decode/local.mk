# src/decode/local.mk — the decode stage library (see src/decode/decode.h).
noinst_LIBRARIES += src/decode/libdecode.a
src_decode_libdecode_a_SOURCES = src/decode/decode.h
