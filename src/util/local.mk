# src/util/local.mk — shared helpers library.
noinst_LIBRARIES += src/util/libutil.a
src_util_libutil_a_SOURCES = src/util/util.h src/util/log.c src/util/addr.c src/util/hash.c \
	src/util/text.c src/util/digest.c src/util/md5.c src/util/sha256.c
