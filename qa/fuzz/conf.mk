# qa/fuzz/conf.mk — (filled by the module's tests)
