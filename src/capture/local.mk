# src/capture/local.mk — packet sources (see src/capture/capture.h).
noinst_LIBRARIES += src/capture/libcapture.a
src_capture_libcapture_a_SOURCES = src/capture/capture.h src/capture/capture.c \
	src/capture/pcap-file.c
