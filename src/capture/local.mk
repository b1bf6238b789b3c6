# src/capture/local.mk — the capture stage library (see src/capture/capture.h).
noinst_LIBRARIES += src/capture/libcapture.a
src_capture_libcapture_a_SOURCES = src/capture/capture.h
