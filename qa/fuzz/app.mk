# qa/fuzz/app.mk — (filled by the app fuzz targets)
