# src/conf/local.mk — the conf stage library (see src/conf/conf.h).
noinst_LIBRARIES += src/conf/libconf.a
src_conf_libconf_a_SOURCES = src/conf/conf.h
