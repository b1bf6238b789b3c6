# src/runmode/local.mk — runmodes and the config-to-settings mapping (see src/runmode/runmode.h).
noinst_LIBRARIES += src/runmode/librunmode.a
src_runmode_librunmode_a_SOURCES = src/runmode/runmode.h src/runmode/settings.c src/runmode/rules-load.c \
	src/runmode/pipeline.c src/runmode/single.c src/runmode/autofp.c src/runmode/ring.c src/runmode/runmode-int.h
