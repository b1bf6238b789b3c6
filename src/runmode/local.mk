# src/runmode/local.mk — the runmode stage library (see src/runmode/runmode.h).
noinst_LIBRARIES += src/runmode/librunmode.a
src_runmode_librunmode_a_SOURCES = src/runmode/runmode.h
