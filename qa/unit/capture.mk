# qa/unit/capture.mk — (filled by the module's tests)
