# qa/unit/flow.mk — unit tests of the flow stage (hash, table, timeouts, memcap, TCP states).
check_PROGRAMS += qa/unit/test-flow
TESTS += qa/unit/test-flow
qa_unit_test_flow_SOURCES = qa/unit/test-flow.c
qa_unit_test_flow_CFLAGS = $(UNIT_CFLAGS)
qa_unit_test_flow_LDADD = src/flow/libflow.a src/util/libutil.a $(UNIT_LIBS) $(AEGIS_EXT_LIBS)
