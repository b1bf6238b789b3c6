# qa/bench/local.mk — benchmark helpers: the pcap-read floor and the trace builder.
include qa/bench/output.mk
include qa/bench/tools.mk
include qa/bench/rules.mk
include qa/bench/detect.mk
