# qa/unit/local.mk — cmocka unit tests, one fragment per module (qa/unit/<module>.mk) so each
# module's owner edits only their own fragment. Run with `make check`.
if HAVE_CMOCKA
UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
UNIT_LIBS = $(CMOCKA_LIBS)
include qa/unit/util.mk
include qa/unit/conf.mk
include qa/unit/capture.mk
include qa/unit/decode.mk
include qa/unit/flow.mk
include qa/unit/output.mk
include qa/unit/output-alert.mk
include qa/unit/rules.mk
include qa/unit/detect.mk
include qa/unit/detect-state.mk
include qa/unit/detect-tx.mk
include qa/unit/rules-tools.mk
include qa/unit/stream.mk
include qa/unit/app.mk
EXTRA_DIST += qa/unit/eve-validate.h
endif
