# qa/unit/decode.mk — (filled by the module's tests)
