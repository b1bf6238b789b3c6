# qa/unit/app.mk — unit tests of the app-layer stage (detection, transactions, HTTP parser).
# Other parsers' tests append their own lines at the end of this file.
check_PROGRAMS += qa/unit/test-app-http
TESTS += qa/unit/test-app-http
qa_unit_test_app_http_SOURCES = qa/unit/test-app-http.c
qa_unit_test_app_http_CFLAGS = $(UNIT_CFLAGS) -DAEGIS_SRCDIR='"$(abs_top_srcdir)"'
qa_unit_test_app_http_LDADD = src/app/libapp.a src/rules/librules.a src/conf/libconf.a \
	src/util/libutil.a $(UNIT_LIBS) $(AEGIS_EXT_LIBS)
check_PROGRAMS += qa/unit/test-app-http-eve
TESTS += qa/unit/test-app-http-eve
qa_unit_test_app_http_eve_SOURCES = qa/unit/test-app-http-eve.c
qa_unit_test_app_http_eve_CFLAGS = $(UNIT_CFLAGS) -DAEGIS_SRCDIR='"$(abs_top_srcdir)"'
qa_unit_test_app_http_eve_LDADD = src/output/liboutput.a src/app/libapp.a src/flow/libflow.a \
	src/conf/libconf.a src/util/libutil.a $(UNIT_LIBS) $(AEGIS_EXT_LIBS)
# DNS and TLS parsers (test-app-dns, test-app-tls): parsers, EVE records, schema, pcap corpus.
check_PROGRAMS += qa/unit/test-app-dns qa/unit/test-app-tls
TESTS += qa/unit/test-app-dns qa/unit/test-app-tls
qa_unit_test_app_dns_SOURCES = qa/unit/test-app-dns.c
qa_unit_test_app_dns_CFLAGS = $(UNIT_CFLAGS) -DAEGIS_SRCDIR='"$(abs_top_srcdir)"'
qa_unit_test_app_dns_LDADD = src/output/liboutput.a src/app/libapp.a src/conf/libconf.a \
	src/flow/libflow.a src/util/libutil.a $(UNIT_LIBS) $(AEGIS_EXT_LIBS)
qa_unit_test_app_tls_SOURCES = qa/unit/test-app-tls.c
qa_unit_test_app_tls_CFLAGS = $(UNIT_CFLAGS) -DAEGIS_SRCDIR='"$(abs_top_srcdir)"' \
	-DAEGIS_CORPUS_DIR='"$(abs_top_srcdir)/../shared/corpus"'
qa_unit_test_app_tls_LDADD = src/output/liboutput.a src/app/libapp.a src/conf/libconf.a \
	src/flow/libflow.a src/util/libutil.a $(UNIT_LIBS) $(AEGIS_EXT_LIBS)
# File tracking (file.c, the HTTP parser's files) and EVE fileinfo records.
check_PROGRAMS += qa/unit/test-app-file
TESTS += qa/unit/test-app-file
qa_unit_test_app_file_SOURCES = qa/unit/test-app-file.c
qa_unit_test_app_file_CFLAGS = $(UNIT_CFLAGS) -DAEGIS_SRCDIR='"$(abs_top_srcdir)"'
qa_unit_test_app_file_LDADD = src/output/liboutput.a src/app/libapp.a src/flow/libflow.a \
	src/conf/libconf.a src/util/libutil.a $(UNIT_LIBS) $(AEGIS_EXT_LIBS)
# SSH parser and per-direction protocol detection (test-app-ssh): parser, buffers, EVE record.
check_PROGRAMS += qa/unit/test-app-ssh
TESTS += qa/unit/test-app-ssh
qa_unit_test_app_ssh_SOURCES = qa/unit/test-app-ssh.c
qa_unit_test_app_ssh_CFLAGS = $(UNIT_CFLAGS) -DAEGIS_SRCDIR='"$(abs_top_srcdir)"'
qa_unit_test_app_ssh_LDADD = src/output/liboutput.a src/app/libapp.a src/conf/libconf.a \
	src/flow/libflow.a src/util/libutil.a $(UNIT_LIBS) $(AEGIS_EXT_LIBS)
