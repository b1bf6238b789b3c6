# qa/unit/rules.mk — (filled by the rules tests)
