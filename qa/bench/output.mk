# qa/bench/output.mk — (filled by the EVE writer benchmark)
