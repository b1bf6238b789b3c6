# qa/unit/flow.mk — (filled by the module's tests)
