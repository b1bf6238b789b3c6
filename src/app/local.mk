# src/app/local.mk — protocol detection and application-layer parsers (see src/app/app.h).
noinst_LIBRARIES += src/app/libapp.a
src_app_libapp_a_SOURCES =
