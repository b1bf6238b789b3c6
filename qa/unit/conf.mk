# qa/unit/conf.mk — (filled by the module's tests)
