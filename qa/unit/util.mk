# qa/unit/util.mk — (filled by the module's tests)
