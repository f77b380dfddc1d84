; Fixture zone for the DNS layer's integration test: served by NSD and
; read by --dns-fixture, both must give the same answers.
$ORIGIN example.com.
$TTL 300
@	IN SOA	ns1.example.com. hostmaster.example.com. (
		2024010101 ; serial
		7200       ; refresh
		3600       ; retry
		1209600    ; expire
		300 )      ; minimum
	IN NS	ns1
	IN MX	10 mx1
	IN MX	20 mx2.example.net.
	IN TXT	"v=spf1 ip4:192.0.2.0/24 " "include:_spf.example.net -all"
ns1	IN A	192.0.2.53
mx1	600 IN A	192.0.2.25
mx1	IN 600 AAAA	2001:db8::25
www	IN CNAME	web
web	IN CNAME	host.example.net.
escaped	IN TXT	"quote\" backslash\\ semicolon\; byte\255 nul\000"
sp\032ace	IN A	192.0.2.32
; empty non-terminal: _domainkey has no records, a selector below it has
sel1._domainkey	IN TXT	( "v=DKIM1; k=rsa; "
		"p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC" )
*.wild	IN A	192.0.2.99
*.wild	IN TXT	"wildcard"
near.wild	IN TXT	"not from the wildcard"
_25._tcp.mx1	IN TLSA	3 1 1 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
odd	IN TYPE65280	\# 4 0A0B0C0D
spf99	IN TYPE99	\# 12 0b763d73706631202d616c6c
loop1	IN CNAME	loop2
loop2	IN CNAME	loop1
;! timeout slow.example.com.
slow	IN A	192.0.2.1
