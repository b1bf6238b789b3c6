# src/flow/local.mk — the flow stage library (see src/flow/flow.h).
noinst_LIBRARIES += src/flow/libflow.a
src_flow_libflow_a_SOURCES = src/flow/flow.h
