# qa/unit/output-alert.mk — unit tests of the alert outputs (EVE alert/drop records, anomaly
# packethdr, fast.log). Rules are parsed with the rules library; the schema check runs
# qa/tools/eve-validate.py from the source tree, hence AEGIS_SRCDIR.
check_PROGRAMS += qa/unit/test-output-alert
TESTS += qa/unit/test-output-alert
qa_unit_test_output_alert_SOURCES = qa/unit/test-output-alert.c
qa_unit_test_output_alert_CFLAGS = $(UNIT_CFLAGS) -DAEGIS_SRCDIR='"$(abs_top_srcdir)"'
qa_unit_test_output_alert_LDADD = src/output/liboutput.a src/app/libapp.a src/rules/librules.a src/flow/libflow.a src/conf/libconf.a \
	src/util/libutil.a $(UNIT_LIBS) $(AEGIS_EXT_LIBS)
