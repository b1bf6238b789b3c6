# src/detect/local.mk — the detection engine library (see src/detect/detect.h).
noinst_LIBRARIES += src/detect/libdetect.a
src_detect_libdetect_a_SOURCES = src/detect/detect.h
src_detect_libdetect_a_SOURCES += src/detect/header.c src/detect/flowbits.c src/detect/threshold.c src/detect/verdict.c
