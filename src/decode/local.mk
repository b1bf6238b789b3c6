# src/decode/local.mk — the decode stage library (see src/decode/decode.h): one file per layer.
DECODE_SRCS = src/decode/decode.c src/decode/checksum.c src/decode/ethernet.c \
	src/decode/vlan.c src/decode/sll.c src/decode/null.c src/decode/raw.c src/decode/ppp.c \
	src/decode/ipv4.c src/decode/ipv6.c src/decode/tcp.c src/decode/udp.c src/decode/icmp.c \
	src/decode/gre.c
noinst_LIBRARIES += src/decode/libdecode.a
src_decode_libdecode_a_SOURCES = src/decode/decode.h src/decode/decode-internal.h $(DECODE_SRCS)
