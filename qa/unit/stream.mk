# qa/unit/stream.mk — (filled by the stream tests)
