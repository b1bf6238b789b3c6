# src/detect/local.mk — the detection engine library (see src/detect/detect.h).
noinst_LIBRARIES += src/detect/libdetect.a
src_detect_libdetect_a_SOURCES = src/detect/detect.h src/detect/detect-int.h \
	src/detect/engine.c src/detect/group.c src/detect/addr-index.c src/detect/mpm.c \
	src/detect/mpm-cache.c src/detect/anchor.c src/detect/inspect.c src/detect/content.c \
	src/detect/pcre.c src/detect/byte.c src/detect/config.c src/detect/transform.c
# The engine core's sources, for the fuzz target (compiled directly with clang).
DETECT_CORE_SRCS = engine.c group.c addr-index.c mpm.c mpm-cache.c anchor.c inspect.c content.c \
	pcre.c byte.c config.c pending.c transform.c
src_detect_libdetect_a_SOURCES += src/detect/header.c src/detect/flowbits.c src/detect/threshold.c src/detect/verdict.c
src_detect_libdetect_a_SOURCES += src/detect/tx-int.h src/detect/pending.c src/detect/tx-inspect.c \
	src/detect/stream-inspect.c
