# src/conf/local.mk — the conf stage library (see src/conf/conf.h): YAML loading, lookups and
# typed getters, --set, the known-key check and the config root.
noinst_LIBRARIES += src/conf/libconf.a
CONF_SRCS = src/conf/conf-tree.c src/conf/conf-load.c src/conf/conf-get.c src/conf/conf-keys.c \
	src/conf/conf-root.c
src_conf_libconf_a_SOURCES = src/conf/conf.h src/conf/conf-int.h $(CONF_SRCS)
