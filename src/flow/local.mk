# src/flow/local.mk — the flow stage library (see src/flow/flow.h).
noinst_LIBRARIES += src/flow/libflow.a
src_flow_libflow_a_SOURCES = src/flow/flow.h src/flow/flow-internal.h src/flow/flow-hash.c \
	src/flow/flow-table.c src/flow/tcp-state.c src/flow/flow-names.c
