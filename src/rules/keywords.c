/*
 * keywords.c — THE keyword registration table of the rule language (one line a keyword: name,
 * alias, kind, buffer, flags, argument parser, summary), the table of inspection buffers and the
 * app-layer protocol names. A keyword without a parser, or without RULES_KWF_SUPPORTED, is
 * recognised but makes its rule load as "unsupported: KEYWORD".
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rules/internal.h"

/* ---- buffers ------------------------------------------------------------------------------ */

#define RULES_BUFFERS(X)                                                                      \
	X(PAYLOAD, "pkt_data", NULL)                                                          \
	X(PACKET, "packet", NULL)                                                             \
	X(FILE_DATA, "file.data", NULL)                                                       \
	X(BASE64_DATA, "base64_data", NULL)                                                   \
	X(HTTP_URI, "http.uri", "http")                                                       \
	X(HTTP_URI_RAW, "http.uri.raw", "http")                                               \
	X(HTTP_METHOD, "http.method", "http")                                                 \
	X(HTTP_REQUEST_LINE, "http.request_line", "http")                                     \
	X(HTTP_REQUEST_BODY, "http.request_body", "http")                                     \
	X(HTTP_RESPONSE_BODY, "http.response_body", "http")                                   \
	X(HTTP_HEADER, "http.header", "http")                                                 \
	X(HTTP_HEADER_RAW, "http.header.raw", "http")                                         \
	X(HTTP_HEADER_NAMES, "http.header_names", "http")                                     \
	X(HTTP_COOKIE, "http.cookie", "http")                                                 \
	X(HTTP_USER_AGENT, "http.user_agent", "http")                                         \
	X(HTTP_HOST, "http.host", "http")                                                     \
	X(HTTP_HOST_RAW, "http.host.raw", "http")                                             \
	X(HTTP_ACCEPT, "http.accept", "http")                                                 \
	X(HTTP_ACCEPT_ENC, "http.accept_enc", "http")                                         \
	X(HTTP_ACCEPT_LANG, "http.accept_lang", "http")                                       \
	X(HTTP_CONNECTION, "http.connection", "http")                                         \
	X(HTTP_CONTENT_LEN, "http.content_len", "http")                                       \
	X(HTTP_CONTENT_TYPE, "http.content_type", "http")                                     \
	X(HTTP_LOCATION, "http.location", "http")                                             \
	X(HTTP_PROTOCOL, "http.protocol", "http")                                             \
	X(HTTP_REFERER, "http.referer", "http")                                               \
	X(HTTP_RESPONSE_LINE, "http.response_line", "http")                                   \
	X(HTTP_SERVER, "http.server", "http")                                                 \
	X(HTTP_START, "http.start", "http")                                                   \
	X(HTTP_STAT_CODE, "http.stat_code", "http")                                           \
	X(HTTP_STAT_MSG, "http.stat_msg", "http")                                             \
	X(HTTP_REQUEST_HEADER, "http.request_header", "http")                                 \
	X(HTTP_RESPONSE_HEADER, "http.response_header", "http")                               \
	X(DNS_QUERY, "dns.query", "dns")                                                      \
	X(DNS_ANSWER_NAME, "dns.answer.name", "dns")                                          \
	X(DNS_QUERIES_RRNAME, "dns.queries.rrname", "dns")                                    \
	X(TLS_SNI, "tls.sni", "tls")                                                          \
	X(TLS_CERT_SUBJECT, "tls.cert_subject", "tls")                                        \
	X(TLS_CERT_ISSUER, "tls.cert_issuer", "tls")                                          \
	X(TLS_CERT_SERIAL, "tls.cert_serial", "tls")                                          \
	X(TLS_CERT_FINGERPRINT, "tls.cert_fingerprint", "tls")                                \
	X(TLS_CERTS, "tls.certs", "tls")                                                      \
	X(TLS_SUBJECTALTNAME, "tls.subjectaltname", "tls")                                    \
	X(TLS_RANDOM, "tls.random", "tls")                                                    \
	X(TLS_RANDOM_TIME, "tls.random_time", "tls")                                          \
	X(TLS_RANDOM_BYTES, "tls.random_bytes", "tls")                                        \
	X(TLS_ALPN, "tls.alpn", "tls")                                                        \
	X(JA3_HASH, "ja3.hash", "tls")                                                        \
	X(JA3_STRING, "ja3.string", "tls")                                                    \
	X(JA3S_HASH, "ja3s.hash", "tls")                                                      \
	X(JA3S_STRING, "ja3s.string", "tls")                                                  \
	X(JA4_HASH, "ja4.hash", "tls")                                                        \
	X(TCP_HDR, "tcp.hdr", NULL)                                                           \
	X(UDP_HDR, "udp.hdr", NULL)                                                           \
	X(IPV4_HDR, "ipv4.hdr", NULL)                                                         \
	X(IPV6_HDR, "ipv6.hdr", NULL)                                                         \
	X(ICMPV4_HDR, "icmpv4.hdr", NULL)                                                     \
	X(ICMPV6_HDR, "icmpv6.hdr", NULL)                                                     \
	/* recognised, no feature planned: rules using them load as unsupported */           \
	X(FILE_NAME, "file.name", NULL)                                                       \
	X(FILE_MAGIC, "file.magic", NULL)                                                     \
	X(HTTP2_HEADER, "http2.header", "http2")                                              \
	X(HTTP2_HEADER_NAME, "http2.header_name", "http2")                                    \
	X(SMB_NAMED_PIPE, "smb.named_pipe", "smb")                                            \
	X(SMB_SHARE, "smb.share", "smb")                                                      \
	X(SMB_NTLMSSP_USER, "smb.ntlmssp_user", "smb")                                        \
	X(SMB_NTLMSSP_DOMAIN, "smb.ntlmssp_domain", "smb")                                    \
	X(DCE_STUB_DATA, "dce_stub_data", NULL)                                               \
	X(KRB5_CNAME, "krb5_cname", "krb5")                                                   \
	X(KRB5_SNAME, "krb5_sname", "krb5")                                                   \
	X(SSH_PROTO, "ssh.proto", "ssh")                                                      \
	X(SSH_SOFTWARE, "ssh.software", "ssh")                                                \
	X(SSH_HASSH, "ssh.hassh", "ssh")                                                      \
	X(SSH_HASSH_STRING, "ssh.hassh.string", "ssh")                                        \
	X(SSH_HASSH_SERVER, "ssh.hassh.server", "ssh")                                        \
	X(SSH_HASSH_SERVER_STRING, "ssh.hassh.server.string", "ssh")                          \
	X(SIP_METHOD, "sip.method", "sip")                                                    \
	X(SIP_URI, "sip.uri", "sip")                                                          \
	X(SIP_STAT_CODE, "sip.stat_code", "sip")                                              \
	X(SIP_STAT_MSG, "sip.stat_msg", "sip")                                                \
	X(SIP_PROTOCOL, "sip.protocol", "sip")                                                \
	X(SIP_REQUEST_LINE, "sip.request_line", "sip")                                        \
	X(SIP_RESPONSE_LINE, "sip.response_line", "sip")                                      \
	X(SNMP_COMMUNITY, "snmp.community", "snmp")                                           \
	X(SNMP_USM, "snmp.usm", "snmp")                                                       \
	X(FTP_COMMAND, "ftp.command", "ftp")                                                  \
	X(FTP_COMMAND_DATA, "ftp.command_data", "ftp")                                        \
	X(SMTP_HELO, "smtp.helo", "smtp")                                                     \
	X(SMTP_MAIL_FROM, "smtp.mail_from", "smtp")                                           \
	X(SMTP_RCPT_TO, "smtp.rcpt_to", "smtp")                                               \
	X(QUIC_SNI, "quic.sni", "quic")                                                       \
	X(QUIC_UA, "quic.ua", "quic")                                                         \
	X(QUIC_VERSION, "quic.version", "quic")                                               \
	X(QUIC_CYU_HASH, "quic.cyu.hash", "quic")                                             \
	X(QUIC_CYU_STRING, "quic.cyu.string", "quic")                                         \
	X(MQTT_CONNECT_CLIENTID, "mqtt.connect.clientid", "mqtt")                             \
	X(MQTT_PUBLISH_TOPIC, "mqtt.publish.topic", "mqtt")                                   \
	X(MQTT_PUBLISH_MESSAGE, "mqtt.publish.message", "mqtt")                               \
	X(RFB_NAME, "rfb.name", "rfb")                                                        \
	X(IKE_VENDOR, "ike.vendor", "ike")                                                    \
	X(IKE_KEY_EXCHANGE, "ike.key_exchange_payload", "ike")                                \
	X(IKE_NONCE, "ike.nonce_payload", "ike")                                              \
	X(PGSQL_QUERY, "pgsql.query", "pgsql")                                                \
	X(LDAP_REQUEST_DN, "ldap.request.dn", "ldap")                                         \
	X(WEBSOCKET_PAYLOAD, "websocket.payload", "websocket")                                \
	X(DHCP_LEASETIME, "dhcp.hostname", "dhcp")

enum {
#define X(id, name, app) BUF_##id,
	RULES_BUFFERS(X)
#undef X
	BUF_COUNT
};

static const struct {
	const char *name, *app;
} buffers[] = {
#define X(id, name, app) { name, app },
	RULES_BUFFERS(X)
#undef X
};

const char *rules_buffer_name(uint16_t id)
{
	return id < BUF_COUNT ? buffers[id].name : "?";
}

int rules_buffer_lookup(const char *name)
{
	for (size_t i = 0; i < BUF_COUNT; i++)
		if (strcmp(buffers[i].name, name) == 0)
			return (int)i;
	return -1;
}

size_t rules_buffer_count(void)
{
	return BUF_COUNT;
}

const char *rules_buffer_app_proto(uint16_t id)
{
	return id < BUF_COUNT ? buffers[id].app : NULL;
}

enum rules_hdr_buf rules_buffer_hdr_kind(uint16_t id)
{
	switch (id) {
	case BUF_IPV4_HDR: return RULES_HDR_IPV4;
	case BUF_IPV6_HDR: return RULES_HDR_IPV6;
	case BUF_TCP_HDR: return RULES_HDR_TCP;
	case BUF_UDP_HDR: return RULES_HDR_UDP;
	case BUF_ICMPV4_HDR: return RULES_HDR_ICMPV4;
	case BUF_ICMPV6_HDR: return RULES_HDR_ICMPV6;
	default: return RULES_HDR_NONE;
	}
}

/* ---- app-layer protocols ------------------------------------------------------------------ */

static const struct {
	const char *name, *family;
	uint8_t transport;
} app_protos[] = {
	{ "http", "http", RULE_TR_TCP },   { "http1", "http", RULE_TR_TCP },
	{ "http2", "http2", RULE_TR_TCP }, { "ftp", "ftp", RULE_TR_TCP },
	{ "ftp-data", "ftp", RULE_TR_TCP }, { "smtp", "smtp", RULE_TR_TCP },
	{ "ssh", "ssh", RULE_TR_TCP },	   { "tls", "tls", RULE_TR_TCP },
	{ "ssl", "tls", RULE_TR_TCP },	   { "smb", "smb", RULE_TR_TCP },
	{ "dcerpc", "dcerpc", RULE_TR_TCP | RULE_TR_UDP },
	{ "dns", "dns", RULE_TR_TCP | RULE_TR_UDP }, { "mdns", "dns", RULE_TR_UDP },
	{ "krb5", "krb5", RULE_TR_TCP | RULE_TR_UDP }, { "ike", "ike", RULE_TR_UDP },
	{ "ikev2", "ike", RULE_TR_UDP },   { "nfs", "nfs", RULE_TR_TCP | RULE_TR_UDP },
	{ "ntp", "ntp", RULE_TR_UDP },	   { "dhcp", "dhcp", RULE_TR_UDP },
	{ "snmp", "snmp", RULE_TR_TCP | RULE_TR_UDP }, { "sip", "sip", RULE_TR_TCP | RULE_TR_UDP },
	{ "rfb", "rfb", RULE_TR_TCP },	   { "rdp", "rdp", RULE_TR_TCP },
	{ "mqtt", "mqtt", RULE_TR_TCP },   { "pgsql", "pgsql", RULE_TR_TCP },
	{ "telnet", "telnet", RULE_TR_TCP }, { "quic", "quic", RULE_TR_UDP },
	{ "modbus", "modbus", RULE_TR_TCP }, { "dnp3", "dnp3", RULE_TR_TCP | RULE_TR_UDP },
	{ "enip", "enip", RULE_TR_TCP | RULE_TR_UDP }, { "tftp", "tftp", RULE_TR_UDP },
	{ "imap", "imap", RULE_TR_TCP },   { "pop3", "pop3", RULE_TR_TCP },
	{ "ldap", "ldap", RULE_TR_TCP | RULE_TR_UDP }, { "websocket", "websocket", RULE_TR_TCP },
	{ "bittorrent-dht", "bittorrent-dht", RULE_TR_UDP }, { "irc", "irc", RULE_TR_TCP },
	{ "doh2", "http2", RULE_TR_TCP },  { "template", "template", RULE_TR_TCP },
};

const char *rules_app_family(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(app_protos); i++)
		if (strcmp(app_protos[i].name, name) == 0)
			return app_protos[i].family;
	return NULL;
}

uint8_t rules_app_transport(const char *family)
{
	for (size_t i = 0; i < ARRAY_SIZE(app_protos); i++)
		if (strcmp(app_protos[i].family, family) == 0)
			return app_protos[i].transport;
	return RULE_TR_ANY;
}

/* ---- the keyword table -------------------------------------------------------------------- */

#define S RULES_KWF_SUPPORTED
#define NOARG RULES_KWF_NOARG
#define ARG RULES_KWF_ARG
#define OPT RULES_KWF_OPTARG
#define CMOD RULES_KWF_CONTENT_MOD
#define ONCE RULES_KWF_ONCE
#define DEPR RULES_KWF_DEPRECATED

/* A sticky buffer aegis inspects; one it only recognises; a legacy content modifier. */
/* a sticky buffer's only value is a direction (kw_sticky) */
#define STICKY(n, alias, buf) { n, alias, RULES_KW_STICKY, BUF_##buf, S, kw_sticky, "sticky buffer " n }
#define STICKY_UNSUP(n, alias, buf) { n, alias, RULES_KW_STICKY, BUF_##buf, NOARG, NULL, "sticky buffer " n " (unsupported)" }
#define LEGACY(n, buf) { n, NULL, RULES_KW_MODIFIER, BUF_##buf, S | NOARG | CMOD | RULES_KWF_LEGACY_BUF | DEPR, kw_legacy_buffer, "content modifier: move the content to " #buf }
#define UNSUP(n, kind) { n, NULL, kind, 0, 0, NULL, "recognised, not supported" }
#define NUM(n, kind, sum) { n, NULL, kind, 0, S | ARG, kw_num, sum }

static const struct rules_keyword keywords[] = {
	/* payload */
	{ "content", NULL, RULES_KW_PAYLOAD, 0, S | ARG, kw_content, "match bytes" },
	{ "uricontent", NULL, RULES_KW_PAYLOAD, BUF_HTTP_URI, S | ARG | DEPR, kw_content,
	  "content in http.uri (deprecated)" },
	{ "nocase", NULL, RULES_KW_MODIFIER, 0, S | NOARG | CMOD, kw_content_mod, "case-insensitive" },
	{ "rawbytes", NULL, RULES_KW_MODIFIER, 0, S | NOARG | CMOD, kw_content_mod, "no-op (Snort compatibility)" },
	{ "depth", NULL, RULES_KW_MODIFIER, 0, S | ARG | CMOD, kw_content_mod, "match within the first N bytes" },
	{ "offset", NULL, RULES_KW_MODIFIER, 0, S | ARG | CMOD, kw_content_mod, "start matching at byte N" },
	{ "distance", NULL, RULES_KW_MODIFIER, 0, S | ARG | CMOD, kw_content_mod, "relative start after the previous match" },
	{ "within", NULL, RULES_KW_MODIFIER, 0, S | ARG | CMOD, kw_content_mod, "relative window after the previous match" },
	{ "startswith", NULL, RULES_KW_MODIFIER, 0, S | NOARG | CMOD, kw_content_mod, "content at the buffer start" },
	{ "endswith", NULL, RULES_KW_MODIFIER, 0, S | NOARG | CMOD, kw_content_mod, "content at the buffer end" },
	{ "fast_pattern", NULL, RULES_KW_MODIFIER, 0, S | OPT | CMOD, kw_content_mod, "use this content for the prefilter" },
	{ "pcre", NULL, RULES_KW_PAYLOAD, 0, S | ARG, kw_pcre, "Perl-compatible regular expression" },
	{ "byte_test", NULL, RULES_KW_PAYLOAD, 0, S | ARG, kw_byte, "compare bytes as a number" },
	{ "byte_jump", NULL, RULES_KW_PAYLOAD, 0, S | ARG, kw_byte, "move the cursor by a number read" },
	{ "byte_extract", NULL, RULES_KW_PAYLOAD, 0, S | ARG, kw_byte, "read a number into a variable" },
	{ "byte_math", NULL, RULES_KW_PAYLOAD, 0, S | ARG, kw_byte, "arithmetic on a number read" },
	{ "isdataat", NULL, RULES_KW_PAYLOAD, 0, S | ARG, kw_isdataat, "data present at offset" },
	{ "base64_decode", NULL, RULES_KW_PAYLOAD, 0, S | OPT, kw_base64_decode, "decode base64 for base64_data" },
	{ "bsize", NULL, RULES_KW_PAYLOAD, 0, S | ARG, kw_num, "size of the sticky buffer" },
	{ "dsize", NULL, RULES_KW_HEADER, 0, S | ARG, kw_num, "payload size" },
	{ "urilen", NULL, RULES_KW_APP, 0, S | ARG, kw_num, "length of the HTTP URI" },
	{ "prefilter", NULL, RULES_KW_MODIFIER, 0, S | NOARG, kw_noarg_match, "use this keyword as prefilter" },
	/* sticky buffers */
	STICKY("pkt_data", NULL, PAYLOAD),
	STICKY("file.data", "file_data", FILE_DATA),
	STICKY("base64_data", NULL, BASE64_DATA),
	STICKY("http.uri", NULL, HTTP_URI),
	STICKY("http.uri.raw", NULL, HTTP_URI_RAW),
	STICKY("http.method", NULL, HTTP_METHOD),
	STICKY("http.request_line", "http_request_line", HTTP_REQUEST_LINE),
	STICKY("http.request_body", "http_client_body_sticky", HTTP_REQUEST_BODY),
	STICKY("http.response_body", NULL, HTTP_RESPONSE_BODY),
	STICKY("http.header", NULL, HTTP_HEADER),
	STICKY("http.header.raw", NULL, HTTP_HEADER_RAW),
	STICKY("http.header_names", "http_header_names", HTTP_HEADER_NAMES),
	STICKY("http.cookie", NULL, HTTP_COOKIE),
	STICKY("http.user_agent", NULL, HTTP_USER_AGENT),
	STICKY("http.host", NULL, HTTP_HOST),
	STICKY("http.host.raw", NULL, HTTP_HOST_RAW),
	STICKY("http.accept", "http_accept", HTTP_ACCEPT),
	STICKY("http.accept_enc", "http_accept_enc", HTTP_ACCEPT_ENC),
	STICKY("http.accept_lang", "http_accept_lang", HTTP_ACCEPT_LANG),
	STICKY("http.connection", "http_connection", HTTP_CONNECTION),
	STICKY("http.content_len", "http_content_len", HTTP_CONTENT_LEN),
	STICKY("http.content_type", "http_content_type", HTTP_CONTENT_TYPE),
	STICKY("http.location", NULL, HTTP_LOCATION),
	STICKY("http.protocol", "http_protocol", HTTP_PROTOCOL),
	STICKY("http.referer", "http_referer", HTTP_REFERER),
	STICKY("http.response_line", "http_response_line", HTTP_RESPONSE_LINE),
	STICKY("http.server", NULL, HTTP_SERVER),
	STICKY("http.start", "http_start", HTTP_START),
	STICKY("http.stat_code", NULL, HTTP_STAT_CODE),
	STICKY("http.stat_msg", NULL, HTTP_STAT_MSG),
	STICKY("http.request_header", NULL, HTTP_REQUEST_HEADER),
	STICKY("http.response_header", NULL, HTTP_RESPONSE_HEADER),
	STICKY("dns.query", "dns_query", DNS_QUERY),
	STICKY("dns.answer.name", NULL, DNS_ANSWER_NAME),
	STICKY("dns.queries.rrname", NULL, DNS_QUERIES_RRNAME),
	STICKY("tls.sni", "tls_sni", TLS_SNI),
	STICKY("tls.cert_subject", "tls_cert_subject", TLS_CERT_SUBJECT),
	STICKY("tls.cert_issuer", "tls_cert_issuer", TLS_CERT_ISSUER),
	STICKY("tls.cert_serial", "tls_cert_serial", TLS_CERT_SERIAL),
	STICKY("tls.cert_fingerprint", "tls_cert_fingerprint", TLS_CERT_FINGERPRINT),
	STICKY("tls.certs", NULL, TLS_CERTS),
	STICKY("tls.subjectaltname", NULL, TLS_SUBJECTALTNAME),
	STICKY("tls.random", NULL, TLS_RANDOM),
	STICKY("tls.random_time", NULL, TLS_RANDOM_TIME),
	STICKY("tls.random_bytes", NULL, TLS_RANDOM_BYTES),
	STICKY("tls.alpn", NULL, TLS_ALPN),
	STICKY("ja3.hash", "ja3_hash", JA3_HASH),
	STICKY("ja3.string", "ja3_string", JA3_STRING),
	STICKY("ja3s.hash", "ja3s_hash", JA3S_HASH),
	STICKY("ja3s.string", "ja3s_string", JA3S_STRING),
	STICKY("ja4.hash", NULL, JA4_HASH),
	/* legacy content modifiers (Suricata keeps them; they move the previous content). The
	 * underscore names of the buffers added later (http_accept, http_content_type,
	 * http_header_names, http_request_line, ...) are aliases of the sticky buffers above, as
	 * in Suricata: they start a buffer, they do not move a content. */
	LEGACY("http_uri", HTTP_URI),
	LEGACY("http_raw_uri", HTTP_URI_RAW),
	LEGACY("http_method", HTTP_METHOD),
	LEGACY("http_client_body", HTTP_REQUEST_BODY),
	LEGACY("http_server_body", HTTP_RESPONSE_BODY),
	LEGACY("http_header", HTTP_HEADER),
	LEGACY("http_raw_header", HTTP_HEADER_RAW),
	LEGACY("http_cookie", HTTP_COOKIE),
	LEGACY("http_raw_cookie", HTTP_COOKIE),
	LEGACY("http_user_agent", HTTP_USER_AGENT),
	LEGACY("http_host", HTTP_HOST),
	LEGACY("http_raw_host", HTTP_HOST_RAW),
	LEGACY("http_location", HTTP_LOCATION),
	LEGACY("http_server", HTTP_SERVER),
	LEGACY("http_stat_code", HTTP_STAT_CODE),
	LEGACY("http_stat_msg", HTTP_STAT_MSG),
	/* transforms */
	{ "dotprefix", NULL, RULES_KW_TRANSFORM, 0, S | NOARG, kw_transform, "prepend a dot" },
	{ "to_lowercase", NULL, RULES_KW_TRANSFORM, 0, S | NOARG, kw_transform, "lower-case the buffer" },
	{ "to_uppercase", NULL, RULES_KW_TRANSFORM, 0, S | NOARG, kw_transform, "upper-case the buffer" },
	{ "strip_whitespace", NULL, RULES_KW_TRANSFORM, 0, S | NOARG, kw_transform, "remove whitespace" },
	{ "compress_whitespace", NULL, RULES_KW_TRANSFORM, 0, S | NOARG, kw_transform, "collapse whitespace" },
	{ "url_decode", NULL, RULES_KW_TRANSFORM, 0, S | NOARG, kw_transform, "URL-decode" },
	{ "to_md5", NULL, RULES_KW_TRANSFORM, 0, S | NOARG, kw_transform, "MD5 of the buffer" },
	{ "to_sha1", NULL, RULES_KW_TRANSFORM, 0, S | NOARG, kw_transform, "SHA1 of the buffer" },
	{ "to_sha256", NULL, RULES_KW_TRANSFORM, 0, S | NOARG, kw_transform, "SHA256 of the buffer" },
	{ "header_lowercase", NULL, RULES_KW_TRANSFORM, 0, S | NOARG, kw_transform, "lower-case header names" },
	{ "strip_pseudo_headers", NULL, RULES_KW_TRANSFORM, 0, S | NOARG, kw_transform, "drop HTTP/2 pseudo headers" },
	{ "xor", NULL, RULES_KW_TRANSFORM, 0, ARG, NULL, "xor transform (unsupported)" },
	{ "pcrexform", NULL, RULES_KW_TRANSFORM, 0, ARG, NULL, "pcre transform (unsupported)" },
	{ "from_base64", NULL, RULES_KW_TRANSFORM, 0, OPT, NULL, "base64 transform (unsupported)" },
	/* IP / TCP / UDP / ICMP headers */
	NUM("ttl", RULES_KW_HEADER, "IP time to live"),
	NUM("tos", RULES_KW_HEADER, "IP type of service"),
	NUM("id", RULES_KW_HEADER, "IP identification"),
	NUM("ip_proto", RULES_KW_HEADER, "IP protocol number or name"),
	NUM("fragoffset", RULES_KW_HEADER, "IP fragment offset"),
	{ "ipopts", NULL, RULES_KW_HEADER, 0, S | ARG, kw_ipopts, "IP option present" },
	{ "fragbits", NULL, RULES_KW_HEADER, 0, S | ARG, kw_fragbits, "IP fragment bits M D R" },
	{ "sameip", NULL, RULES_KW_HEADER, 0, S | NOARG, kw_noarg_match, "source equals destination" },
	{ "flags", "tcp.flags", RULES_KW_HEADER, 0, S | ARG, kw_flags, "TCP flags" },
	NUM("seq", RULES_KW_HEADER, "TCP sequence number"),
	NUM("ack", RULES_KW_HEADER, "TCP acknowledgement number"),
	NUM("window", RULES_KW_HEADER, "TCP window"),
	NUM("tcp.mss", RULES_KW_HEADER, "TCP MSS option"),
	NUM("itype", RULES_KW_HEADER, "ICMP type"),
	NUM("icode", RULES_KW_HEADER, "ICMP code"),
	NUM("icmp_id", RULES_KW_HEADER, "ICMP echo id"),
	NUM("icmp_seq", RULES_KW_HEADER, "ICMP echo sequence"),
	{ "ipv4-csum", NULL, RULES_KW_HEADER, 0, S | ARG, kw_csum, "IPv4 checksum valid/invalid" },
	{ "tcpv4-csum", NULL, RULES_KW_HEADER, 0, S | ARG, kw_csum, "TCP/IPv4 checksum" },
	{ "tcpv6-csum", NULL, RULES_KW_HEADER, 0, S | ARG, kw_csum, "TCP/IPv6 checksum" },
	{ "udpv4-csum", NULL, RULES_KW_HEADER, 0, S | ARG, kw_csum, "UDP/IPv4 checksum" },
	{ "udpv6-csum", NULL, RULES_KW_HEADER, 0, S | ARG, kw_csum, "UDP/IPv6 checksum" },
	{ "icmpv4-csum", NULL, RULES_KW_HEADER, 0, S | ARG, kw_csum, "ICMPv4 checksum" },
	{ "icmpv6-csum", NULL, RULES_KW_HEADER, 0, S | ARG, kw_csum, "ICMPv6 checksum" },
	{ "igmp-csum", NULL, RULES_KW_HEADER, 0, ARG, NULL, "IGMP checksum (unsupported)" },
	STICKY("tcp.hdr", NULL, TCP_HDR),
	STICKY("udp.hdr", NULL, UDP_HDR),
	STICKY("ipv4.hdr", NULL, IPV4_HDR),
	STICKY("ipv6.hdr", NULL, IPV6_HDR),
	STICKY("icmpv4.hdr", NULL, ICMPV4_HDR),
	STICKY("icmpv6.hdr", NULL, ICMPV6_HDR),
	/* flow */
	{ "flow", NULL, RULES_KW_FLOW, 0, S | ARG, kw_flow, "flow direction and state" },
	{ "flowbits", NULL, RULES_KW_FLOW, 0, S | ARG, kw_bits, "per-flow bits" },
	{ "xbits", NULL, RULES_KW_FLOW, 0, S | ARG, kw_bits, "bits per host or host pair" },
	{ "hostbits", NULL, RULES_KW_FLOW, 0, S | ARG, kw_bits, "per-host bits" },
	{ "flowint", NULL, RULES_KW_FLOW, 0, S | ARG, kw_flowint, "per-flow integer" },
	{ "stream_size", NULL, RULES_KW_FLOW, 0, S | ARG, kw_stream_size, "bytes seen in the stream" },
	{ "app-layer-protocol", NULL, RULES_KW_APP, 0, S | ARG, kw_name_match, "detected app-layer protocol" },
	{ "app-layer-event", NULL, RULES_KW_EVENT, 0, S | ARG, kw_event, "app-layer parser event" },
	{ "decode-event", NULL, RULES_KW_EVENT, 0, S | ARG, kw_event, "decoder event" },
	{ "stream-event", NULL, RULES_KW_EVENT, 0, S | ARG, kw_event, "stream engine event" },
	{ "engine-event", NULL, RULES_KW_EVENT, 0, S | ARG, kw_event, "engine event" },
	/* app-layer non-buffer keywords */
	NUM("dns.opcode", RULES_KW_APP, "DNS opcode"),
	{ "dns.rrtype", NULL, RULES_KW_APP, 0, S | ARG, kw_generic, "DNS record type" },
	{ "ssl_version", NULL, RULES_KW_APP, 0, S | ARG, kw_ssl_version, "SSL/TLS version" },
	{ "ssl_state", NULL, RULES_KW_APP, 0, S | ARG, kw_ssl_state, "SSL/TLS handshake state" },
	{ "tls.version", NULL, RULES_KW_APP, 0, S | ARG, kw_generic, "TLS version" },
	{ "tls.subject", NULL, RULES_KW_APP, 0, S | ARG | DEPR, kw_generic, "certificate subject (legacy)" },
	{ "tls.issuerdn", NULL, RULES_KW_APP, 0, S | ARG | DEPR, kw_generic, "certificate issuer (legacy)" },
	{ "tls.fingerprint", NULL, RULES_KW_APP, 0, S | ARG | DEPR, kw_generic, "certificate fingerprint (legacy)" },
	{ "tls.cert_notbefore", NULL, RULES_KW_APP, 0, S | ARG, kw_generic, "certificate not-before" },
	{ "tls.cert_notafter", NULL, RULES_KW_APP, 0, S | ARG, kw_generic, "certificate not-after" },
	{ "tls.cert_expired", NULL, RULES_KW_APP, 0, S | NOARG, kw_generic, "certificate expired" },
	{ "tls.cert_valid", NULL, RULES_KW_APP, 0, S | NOARG, kw_generic, "certificate valid" },
	NUM("tls.cert_chain_len", RULES_KW_APP, "certificate chain length"),
	{ "tls.store", NULL, RULES_KW_POSTMATCH, 0, NOARG, NULL, "store certificate (unsupported)" },
	/* metadata */
	{ "msg", NULL, RULES_KW_METADATA, 0, S | ARG | ONCE, kw_meta, "alert message" },
	{ "sid", NULL, RULES_KW_METADATA, 0, S | ARG | ONCE, kw_meta, "signature id" },
	{ "gid", NULL, RULES_KW_METADATA, 0, S | ARG | ONCE, kw_meta, "group id" },
	{ "rev", NULL, RULES_KW_METADATA, 0, S | ARG | ONCE, kw_meta, "revision" },
	{ "classtype", NULL, RULES_KW_METADATA, 0, S | ARG | ONCE, kw_meta, "classification" },
	{ "priority", NULL, RULES_KW_METADATA, 0, S | ARG | ONCE, kw_meta, "priority 1-255" },
	{ "reference", NULL, RULES_KW_METADATA, 0, S | ARG, kw_meta, "external reference" },
	{ "metadata", NULL, RULES_KW_METADATA, 0, S | ARG, kw_meta, "key value pairs" },
	{ "target", NULL, RULES_KW_METADATA, 0, S | ARG, kw_meta, "which side is the target" },
	{ "requires", NULL, RULES_KW_METADATA, 0, S | ARG, kw_generic, "required engine features" },
	/* post-match and thresholds */
	{ "threshold", NULL, RULES_KW_THRESHOLD, 0, S | ARG, kw_threshold, "alert thresholding" },
	{ "detection_filter", NULL, RULES_KW_THRESHOLD, 0, S | ARG, kw_threshold, "match only after a rate" },
	{ "noalert", NULL, RULES_KW_POSTMATCH, 0, S | NOARG, kw_noalert, "match without alerting" },
	{ "tag", NULL, RULES_KW_POSTMATCH, 0, S | ARG, kw_tag, "log following packets" },
	/* recognised, no feature planned */
	UNSUP("lua", RULES_KW_PAYLOAD),
	UNSUP("luajit", RULES_KW_PAYLOAD),
	UNSUP("dataset", RULES_KW_PAYLOAD),
	UNSUP("datarep", RULES_KW_PAYLOAD),
	UNSUP("iprep", RULES_KW_HEADER),
	UNSUP("geoip", RULES_KW_HEADER),
	UNSUP("asn1", RULES_KW_PAYLOAD),
	UNSUP("filestore", RULES_KW_POSTMATCH),
	UNSUP("filemagic", RULES_KW_APP),
	UNSUP("filemd5", RULES_KW_APP),
	UNSUP("filesha1", RULES_KW_APP),
	UNSUP("filesha256", RULES_KW_APP),
	UNSUP("filename", RULES_KW_APP),
	UNSUP("fileext", RULES_KW_APP),
	UNSUP("filesize", RULES_KW_APP),
	STICKY("file.name", NULL, FILE_NAME),
	STICKY_UNSUP("file.magic", NULL, FILE_MAGIC),
	UNSUP("replace", RULES_KW_POSTMATCH),
	UNSUP("bypass", RULES_KW_POSTMATCH),
	UNSUP("config", RULES_KW_POSTMATCH),
	UNSUP("pktvar", RULES_KW_FLOW),
	UNSUP("flowvar", RULES_KW_FLOW),
	UNSUP("flow.age", RULES_KW_FLOW),
	UNSUP("flow.pkts", RULES_KW_FLOW),
	UNSUP("flow.bytes", RULES_KW_FLOW),
	UNSUP("transforms", RULES_KW_TRANSFORM),
	UNSUP("ftpbounce", RULES_KW_APP),
	UNSUP("ftpdata_command", RULES_KW_APP),
	STICKY_UNSUP("ftp.command", NULL, FTP_COMMAND),
	STICKY_UNSUP("ftp.command_data", NULL, FTP_COMMAND_DATA),
	STICKY_UNSUP("smtp.helo", NULL, SMTP_HELO),
	STICKY_UNSUP("smtp.mail_from", NULL, SMTP_MAIL_FROM),
	STICKY_UNSUP("smtp.rcpt_to", NULL, SMTP_RCPT_TO),
	STICKY_UNSUP("http2.header", NULL, HTTP2_HEADER),
	STICKY_UNSUP("http2.header_name", NULL, HTTP2_HEADER_NAME),
	UNSUP("http2.frametype", RULES_KW_APP),
	UNSUP("http2.errorcode", RULES_KW_APP),
	UNSUP("http2.priority", RULES_KW_APP),
	UNSUP("http2.window", RULES_KW_APP),
	UNSUP("http2.size_update", RULES_KW_APP),
	UNSUP("http2.settings", RULES_KW_APP),
	STICKY_UNSUP("smb.named_pipe", NULL, SMB_NAMED_PIPE),
	STICKY_UNSUP("smb.share", NULL, SMB_SHARE),
	STICKY_UNSUP("smb.ntlmssp_user", NULL, SMB_NTLMSSP_USER),
	STICKY_UNSUP("smb.ntlmssp_domain", NULL, SMB_NTLMSSP_DOMAIN),
	UNSUP("dce_iface", RULES_KW_APP),
	UNSUP("dce_opnum", RULES_KW_APP),
	STICKY_UNSUP("dce_stub_data", NULL, DCE_STUB_DATA),
	STICKY_UNSUP("krb5_cname", "krb5.cname", KRB5_CNAME),
	STICKY_UNSUP("krb5_sname", "krb5.sname", KRB5_SNAME),
	UNSUP("krb5_msg_type", RULES_KW_APP),
	UNSUP("krb5_err_code", RULES_KW_APP),
	UNSUP("krb5.weak_encryption", RULES_KW_APP),
	UNSUP("krb5.ticket_encryption", RULES_KW_APP),
	STICKY("ssh.proto", "ssh_proto", SSH_PROTO),
	STICKY("ssh.software", "ssh_software", SSH_SOFTWARE),
	STICKY_UNSUP("ssh.hassh", NULL, SSH_HASSH),
	STICKY_UNSUP("ssh.hassh.string", NULL, SSH_HASSH_STRING),
	STICKY_UNSUP("ssh.hassh.server", NULL, SSH_HASSH_SERVER),
	STICKY_UNSUP("ssh.hassh.server.string", NULL, SSH_HASSH_SERVER_STRING),
	UNSUP("ssh.protoversion", RULES_KW_APP),
	UNSUP("ssh.softwareversion", RULES_KW_APP),
	UNSUP("ssh_protoversion", RULES_KW_APP),
	UNSUP("ssh_softwareversion", RULES_KW_APP),
	STICKY_UNSUP("sip.method", NULL, SIP_METHOD),
	STICKY_UNSUP("sip.uri", NULL, SIP_URI),
	STICKY_UNSUP("sip.stat_code", NULL, SIP_STAT_CODE),
	STICKY_UNSUP("sip.stat_msg", NULL, SIP_STAT_MSG),
	STICKY_UNSUP("sip.protocol", NULL, SIP_PROTOCOL),
	STICKY_UNSUP("sip.request_line", NULL, SIP_REQUEST_LINE),
	STICKY_UNSUP("sip.response_line", NULL, SIP_RESPONSE_LINE),
	STICKY_UNSUP("snmp.community", NULL, SNMP_COMMUNITY),
	STICKY_UNSUP("snmp.usm", NULL, SNMP_USM),
	UNSUP("snmp.version", RULES_KW_APP),
	UNSUP("snmp.pdu_type", RULES_KW_APP),
	STICKY_UNSUP("quic.sni", NULL, QUIC_SNI),
	STICKY_UNSUP("quic.ua", NULL, QUIC_UA),
	STICKY_UNSUP("quic.version", NULL, QUIC_VERSION),
	STICKY_UNSUP("quic.cyu.hash", NULL, QUIC_CYU_HASH),
	STICKY_UNSUP("quic.cyu.string", NULL, QUIC_CYU_STRING),
	STICKY_UNSUP("mqtt.connect.clientid", NULL, MQTT_CONNECT_CLIENTID),
	STICKY_UNSUP("mqtt.publish.topic", NULL, MQTT_PUBLISH_TOPIC),
	STICKY_UNSUP("mqtt.publish.message", NULL, MQTT_PUBLISH_MESSAGE),
	UNSUP("mqtt.type", RULES_KW_APP),
	UNSUP("mqtt.flags", RULES_KW_APP),
	UNSUP("mqtt.protocol_version", RULES_KW_APP),
	STICKY_UNSUP("rfb.name", NULL, RFB_NAME),
	UNSUP("rfb.secresult", RULES_KW_APP),
	UNSUP("rfb.sectype", RULES_KW_APP),
	STICKY_UNSUP("ike.vendor", NULL, IKE_VENDOR),
	STICKY_UNSUP("ike.key_exchange_payload", NULL, IKE_KEY_EXCHANGE),
	STICKY_UNSUP("ike.nonce_payload", NULL, IKE_NONCE),
	UNSUP("ike.exchtype", RULES_KW_APP),
	UNSUP("ike.spi.initiator", RULES_KW_APP),
	UNSUP("ike.spi.responder", RULES_KW_APP),
	UNSUP("ike.chosen_sa_attribute", RULES_KW_APP),
	UNSUP("ike.key_exchange_payload_length", RULES_KW_APP),
	UNSUP("ike.nonce_payload_length", RULES_KW_APP),
	STICKY_UNSUP("pgsql.query", NULL, PGSQL_QUERY),
	STICKY_UNSUP("ldap.request.dn", NULL, LDAP_REQUEST_DN),
	UNSUP("ldap.request.operation", RULES_KW_APP),
	STICKY_UNSUP("websocket.payload", NULL, WEBSOCKET_PAYLOAD),
	STICKY_UNSUP("dhcp.hostname", NULL, DHCP_LEASETIME),
	UNSUP("dhcp.leasetime", RULES_KW_APP),
	UNSUP("modbus", RULES_KW_APP),
	UNSUP("dnp3_func", RULES_KW_APP),
	UNSUP("dnp3_ind", RULES_KW_APP),
	UNSUP("dnp3_obj", RULES_KW_APP),
	UNSUP("dnp3_data", RULES_KW_APP),
	UNSUP("enip_command", RULES_KW_APP),
	UNSUP("cip_service", RULES_KW_APP),
	UNSUP("nfs_procedure", RULES_KW_APP),
	UNSUP("nfs.version", RULES_KW_APP),
	UNSUP("tftp.file", RULES_KW_APP),
	UNSUP("template2", RULES_KW_APP),
	UNSUP("raw_data", RULES_KW_STICKY),
};

#undef S
#undef NOARG
#undef ARG
#undef OPT
#undef CMOD
#undef ONCE
#undef DEPR

size_t rules_keyword_count(void)
{
	return ARRAY_SIZE(keywords);
}

const struct rules_keyword *rules_keyword_at(size_t index)
{
	return index < ARRAY_SIZE(keywords) ? &keywords[index] : NULL;
}

size_t rules_keyword_index(const struct rules_keyword *kw)
{
	return (size_t)(kw - keywords);
}

/* Name index (names and aliases), built once: an open-addressing hash table, so a rule's
 * every option costs one hash and one string compare (a binary search cost about nine). */
#define KW_HASH_SIZE 2048 /* power of two, well above twice the names and aliases */
static const struct rules_keyword *kw_hash[KW_HASH_SIZE];
static pthread_once_t kw_once = PTHREAD_ONCE_INIT;

static uint32_t kw_name_hash(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s) {
		h ^= (uint8_t)*s++;
		h *= 16777619u;
	}
	return h;
}

static void kw_hash_put(const char *name, const struct rules_keyword *kw)
{
	uint32_t i = kw_name_hash(name) & (KW_HASH_SIZE - 1);
	while (kw_hash[i]) {
		const struct rules_keyword *o = kw_hash[i];
		if (strcmp(o->name, name) == 0 || (o->alias && strcmp(o->alias, name) == 0))
			return; /* the first entry of a name wins */
		i = (i + 1) & (KW_HASH_SIZE - 1);
	}
	kw_hash[i] = kw;
}

static void kw_index_build(void)
{
	_Static_assert(2 * ARRAY_SIZE(keywords) < KW_HASH_SIZE / 2, "keyword hash too small");
	for (size_t i = 0; i < ARRAY_SIZE(keywords); i++) {
		kw_hash_put(keywords[i].name, &keywords[i]);
		if (keywords[i].alias)
			kw_hash_put(keywords[i].alias, &keywords[i]);
	}
}

const struct rules_keyword *rules_keyword_lookup(const char *name)
{
	pthread_once(&kw_once, kw_index_build);
	uint32_t i = kw_name_hash(name) & (KW_HASH_SIZE - 1);
	for (const struct rules_keyword *kw; (kw = kw_hash[i]) != NULL;
	     i = (i + 1) & (KW_HASH_SIZE - 1)) {
		if (strcmp(kw->name, name) == 0 || (kw->alias && strcmp(kw->alias, name) == 0))
			return kw;
	}
	return NULL;
}

uint16_t rules_buffer_id(const char *name)
{
	int id = rules_buffer_lookup(name);
	return id < 0 ? RULES_BUF_PAYLOAD : (uint16_t)id;
}
