# src/output/local.mk — the output stage library (see src/output/output.h).
noinst_LIBRARIES += src/output/liboutput.a
src_output_liboutput_a_SOURCES = src/output/output.h src/output/output-int.h \
	src/output/jbuf.c src/output/community-id.c src/output/eve.c \
	src/output/eve-flow.c src/output/eve-anomaly.c src/output/eve-stats.c \
	src/output/eve-alert.c src/output/fast-log.c
src_output_liboutput_a_SOURCES += src/output/eve-http.c
src_output_liboutput_a_SOURCES += src/output/eve-dns.c src/output/eve-tls.c
# EVE fileinfo records of the files the app layer tracks
src_output_liboutput_a_SOURCES += src/output/eve-fileinfo.c
# EVE ssh records
src_output_liboutput_a_SOURCES += src/output/eve-ssh.c
