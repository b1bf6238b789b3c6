# src/detect/local.mk — the detection engine library (see src/detect/detect.h).
noinst_LIBRARIES += src/detect/libdetect.a
src_detect_libdetect_a_SOURCES = src/detect/detect.h
