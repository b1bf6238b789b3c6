# qa/unit/conf.mk — unit tests of the conf stage. The suricata-verify corpus is found through
# $AEGIS_CORPUS or, by default, next to the source tree (../shared/corpus).
check_PROGRAMS += qa/unit/test-conf
TESTS += qa/unit/test-conf
qa_unit_test_conf_SOURCES = qa/unit/test-conf.c
qa_unit_test_conf_CFLAGS = $(UNIT_CFLAGS) -DAEGIS_SRCDIR='"$(abs_top_srcdir)"'
qa_unit_test_conf_LDADD = src/conf/libconf.a src/util/libutil.a $(UNIT_LIBS) $(AEGIS_EXT_LIBS)
