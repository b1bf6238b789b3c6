# qa/fuzz/stream.mk — (filled by the stream fuzz targets)
