# qa/unit/detect.mk — (filled by the detect tests)
