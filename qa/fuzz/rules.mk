# qa/fuzz/rules.mk — (filled by the rules fuzz target)
