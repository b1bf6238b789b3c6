# qa/fuzz/decode.mk — (filled by the module's tests)
