# qa/unit/output.mk — (filled by the module's tests)
