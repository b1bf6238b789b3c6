# src/app/local.mk — protocol detection and application-layer parsers (see src/app/app.h).
# Each protocol parser appends its files with one `src_app_libapp_a_SOURCES += ...` line.
noinst_LIBRARIES += src/app/libapp.a
src_app_libapp_a_SOURCES = src/app/app.h src/app/app-int.h src/app/app.c
# HTTP/1 parser
src_app_libapp_a_SOURCES += src/app/http-int.h src/app/http.c src/app/http-buffers.c \
	src/app/uri-normalize.c src/app/file-int.h src/app/file.c
# The sources the app fuzz targets compile with clang (core + parsers).
APP_SRCS = src/app/app.c src/app/http.c src/app/http-buffers.c src/app/uri-normalize.c \
	src/app/file.c src/app/ssh.c
src_app_libapp_a_SOURCES += src/app/dns-int.h src/app/dns.c src/app/tls-int.h src/app/tls.c src/app/tls-x509.c src/app/ja3.c src/app/ja4.c
# SSH: identification strings and packet framing up to NEWKEYS
src_app_libapp_a_SOURCES += src/app/ssh.c
