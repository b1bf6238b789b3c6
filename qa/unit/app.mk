# qa/unit/app.mk — (filled by the app tests)
