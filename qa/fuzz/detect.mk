# qa/fuzz/detect.mk — (filled by the detect fuzz target)
