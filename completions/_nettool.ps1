
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'nettool' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'nettool'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'nettool' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more; what depends on the command (see its help). With --version: the commit, target, features and ICMP access')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more; what depends on the command (see its help). With --version: the commit, target, features and ICMP access')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('hostname', 'hostname', [CompletionResultType]::ParameterValue, 'This host''s name, fully qualified name and addresses (gethostname, getaddrinfo)')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Resolve names and addresses: the system resolver, or any DNS server and record type')
            [CompletionResult]::new('ifconfig', 'ifconfig', [CompletionResultType]::ParameterValue, 'Interfaces, addresses, MACs and vendors, counters, routes and neighbours')
            [CompletionResult]::new('ping', 'ping', [CompletionResultType]::ParameterValue, 'Send ICMP echo requests (or TCP handshakes) to one host like ping, or many like fping')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'The path to a host hop by hop, with loss and delay per hop (traceroute and mtr)')
            [CompletionResult]::new('subnet', 'subnet', [CompletionResultType]::ParameterValue, 'Subnet arithmetic: netmask, network, broadcast, hosts, class, same-network test')
            [CompletionResult]::new('portinfo', 'portinfo', [CompletionResultType]::ParameterValue, 'What a port is for (getservbyname), its range, and what is bound to it')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Wait for TCP connections: chat, pipe (like nc -l), many clients, a room, echo')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Open a TCP connection: chat or pipe (like nc), or -z to test whether a port is open')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Which ports are open on which hosts: TCP connect, TCP SYN or UDP, with the evidence')
            [CompletionResult]::new('udp-send', 'udp-send', [CompletionResultType]::ParameterValue, 'Send UDP datagrams: a message, stdin lines or a file; repeated, stamped, with replies')
            [CompletionResult]::new('udp-recv', 'udp-recv', [CompletionResultType]::ParameterValue, 'Receive UDP datagrams: print, reply, echo, join multicast, count a stamped stream')
            [CompletionResult]::new('sockets', 'sockets', [CompletionResultType]::ParameterValue, 'Every TCP and UDP socket by state, with queues, timers and owners, like ss -tuanp')
            [CompletionResult]::new('sniff', 'sniff', [CompletionResultType]::ParameterValue, 'Capture and decode packets layer by layer, narrate TCP handshakes, read/write pcap')
            [CompletionResult]::new('arping', 'arping', [CompletionResultType]::ParameterValue, 'Send ARP requests and show who answers (duplicate detection, announcements)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions (bash, zsh, fish, elvish, powershell)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page, or write every page into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'nettool;hostname' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The fully qualified name only (as hostname -f)')
            [CompletionResult]::new('--fqdn', '--fqdn', [CompletionResultType]::ParameterName, 'The fully qualified name only (as hostname -f)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The host name up to its first dot (as hostname -s)')
            [CompletionResult]::new('--short', '--short', [CompletionResultType]::ParameterName, 'The host name up to its first dot (as hostname -s)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'The DNS domain: the fully qualified name after its first dot (as hostname -d)')
            [CompletionResult]::new('--domain', '--domain', [CompletionResultType]::ParameterName, 'The DNS domain: the fully qualified name after its first dot (as hostname -d)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'The addresses the host name resolves to (as hostname -i)')
            [CompletionResult]::new('--ip-address', '--ip-address', [CompletionResultType]::ParameterName, 'The addresses the host name resolves to (as hostname -i)')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Every address of every up, non-loopback interface, without DNS (as hostname -I)')
            [CompletionResult]::new('--all-addresses', '--all-addresses', [CompletionResultType]::ParameterName, 'Every address of every up, non-loopback interface, without DNS (as hostname -I)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'The names of those addresses, by reverse lookup (as hostname -A)')
            [CompletionResult]::new('--all-fqdns', '--all-fqdns', [CompletionResultType]::ParameterName, 'The names of those addresses, by reverse lookup (as hostname -A)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;resolve' {
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Reverse lookup of an address (PTR in DNS mode, getnameinfo otherwise)')
            [CompletionResult]::new('--reverse', '--reverse', [CompletionResultType]::ParameterName, 'Reverse lookup of an address (PTR in DNS mode, getnameinfo otherwise)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The DNS server to ask: 127.0.0.1, 127.0.0.1:5353, ::1, [::1]:5353, tls://127.0.0.1, https://127.0.0.1/dns-query (DNS mode)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for an answer to one try (DNS mode; over UDP the query is sent again every 250 ms meanwhile)')
            [CompletionResult]::new('--tries', '--tries', [CompletionResultType]::ParameterName, 'How many tries a query gets before it fails (DNS mode)')
            [CompletionResult]::new('--tls-name', '--tls-name', [CompletionResultType]::ParameterName, 'The name the server''s certificate must hold (and the SNI sent); the address otherwise')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Trust only the CA certificates in FILE (PEM) instead of the system''s roots')
            [CompletionResult]::new('--trust-anchor', '--trust-anchor', [CompletionResultType]::ParameterName, 'Trust anchors for --validate: DS or DNSKEY records in zone-file form, as unbound''s trust-anchor-file (implies --validate)')
            [CompletionResult]::new('--bufsize', '--bufsize', [CompletionResultType]::ParameterName, 'The EDNS UDP payload size offered, 512-65535 (DNS mode)')
            [CompletionResult]::new('--subnet', '--subnet', [CompletionResultType]::ParameterName, 'Send an EDNS client subnet, 192.0.2.0/24 or 2001:db8::/56 (DNS mode)')
            [CompletionResult]::new('--root-hints', '--root-hints', [CompletionResultType]::ParameterName, 'Root hints for --trace, in the named.root format (the IANA root servers are built in)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read names from FILE, one a line (`-` for stdin; blank lines and # comments skipped)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read names from FILE, one a line (`-` for stdin; blank lines and # comments skipped)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many lookups may be in flight at once')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Record types to ask DNS for, comma-separated: A, AAAA, CNAME, MX, NS, TXT, SOA, SRV, PTR, CAA, HTTPS, SVCB, DNSKEY, DS, TLSA, SSHFP, NAPTR, HINFO, any other type''s name, or TYPEnnn (DNS mode)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Record types to ask DNS for, comma-separated: A, AAAA, CNAME, MX, NS, TXT, SOA, SRV, PTR, CAA, HTTPS, SVCB, DNSKEY, DS, TLSA, SSHFP, NAPTR, HINFO, any other type''s name, or TYPEnnn (DNS mode)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)')
            [CompletionResult]::new('--dns', '--dns', [CompletionResultType]::ParameterName, 'Ask DNS directly instead of the system resolver (the first server in /etc/resolv.conf unless one is named)')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'Query over TCP (DNS mode); over UDP a truncated answer is asked again over TCP anyway')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'DNS over TLS (RFC 7858), port 853 unless one is named; `@tls://ADDR[:PORT]` says the same')
            [CompletionResult]::new('--https', '--https', [CompletionResultType]::ParameterName, 'DNS over HTTPS (RFC 8484): a POST to /dns-query over HTTP/2 (HTTP/1.1 when the server offers only that), port 443 unless one is named; `@https://ADDR[:PORT]/PATH` names another path. DNS over QUIC is not offered: no server here speaks it to test against (Debian''s unbound 1.17 is built without ngtcp2)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept any server certificate (a lab with a throw-away one); the traffic is still encrypted')
            [CompletionResult]::new('--dnssec', '--dnssec', [CompletionResultType]::ParameterName, 'Set the DO bit: ask for DNSSEC signatures (RRSIG records are shown), as dig +dnssec; the AD flag of the answer shows in the footer (DNS mode)')
            [CompletionResult]::new('--validate', '--validate', [CompletionResultType]::ParameterName, 'Validate the answer''s DNSSEC chain of trust from a trust anchor (the root''s keys unless --trust-anchor names others) and say secure, insecure or bogus, and why (DNS mode; sets DO)')
            [CompletionResult]::new('--cd', '--cd', [CompletionResultType]::ParameterName, 'Set the CD bit: ask a validating server not to validate, as dig +cd (DNS mode)')
            [CompletionResult]::new('--norecurse', '--norecurse', [CompletionResultType]::ParameterName, 'Ask without recursion desired (RD clear), as dig +norecurse (DNS mode)')
            [CompletionResult]::new('--nsid', '--nsid', [CompletionResultType]::ParameterName, 'Ask for the server''s identifier (EDNS NSID), shown in the footer (DNS mode)')
            [CompletionResult]::new('--cookie', '--cookie', [CompletionResultType]::ParameterName, 'Send an EDNS client cookie; the cookie the server returns is shown (DNS mode)')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Resolve iteratively from the root servers, printing each referral (the zone cut, its name servers, the server asked), as dig +trace; one name, one type (DNS mode)')
            [CompletionResult]::new('--short', '--short', [CompletionResultType]::ParameterName, 'Print only the data, one item a line (as dig +short)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;ifconfig' {
            [CompletionResult]::new('--table', '--table', [CompletionResultType]::ParameterName, 'Show this routing table instead of main (local: this host''s own and broadcast addresses)')
            [CompletionResult]::new('--route-to', '--route-to', [CompletionResultType]::ParameterName, 'Show the route, interface, source address and gateway that reach ADDR')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Include interfaces that are down')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Include interfaces that are down')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'One short line per interface: name, state, MAC, addresses (like `ip -br addr`)')
            [CompletionResult]::new('--short', '--short', [CompletionResultType]::ParameterName, 'One short line per interface: name, state, MAC, addresses (like `ip -br addr`)')
            [CompletionResult]::new('--routes', '--routes', [CompletionResultType]::ParameterName, 'Show the routing table (IPv4 and IPv6), default routes marked')
            [CompletionResult]::new('--neighbours', '--neighbours', [CompletionResultType]::ParameterName, 'Show the neighbour tables: ARP (IPv4) and NDP (IPv6)')
            [CompletionResult]::new('--neighbors', '--neighbors', [CompletionResultType]::ParameterName, 'Show the neighbour tables: ARP (IPv4) and NDP (IPv6)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;ping' {
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Ping a range: -g CIDR (network and broadcast left out) or -g START END; beyond 1,024 addresses the sweep is streamed (see below)')
            [CompletionResult]::new('--generate', '--generate', [CompletionResultType]::ParameterName, 'Ping a range: -g CIDR (network and broadcast left out) or -g START END; beyond 1,024 addresses the sweep is streamed (see below)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Stop after COUNT probes per host (default: until Ctrl-C for one host, 1 for many)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after COUNT probes per host (default: until Ctrl-C for one host, 1 for many)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Time between probes to a host (default 1s; below 2ms needs root)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between probes to a host (default 1s; below 2ms needs root)')
            [CompletionResult]::new('-W', '-W ', [CompletionResultType]::ParameterName, 'How long to wait for each reply (default 10s for one host, 1s for many or --tcp)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for each reply (default 10s for one host, 1s for many or --tcp)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Stop after this long, whatever was sent or received')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Stop after this long, whatever was sent or received')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Payload bytes per probe (default 56, as ping)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Payload bytes per probe (default 56, as ping)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'IP time to live (IPv6 hop limit), 1-255')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'IP time to live (IPv6 hop limit), 1-255')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'Probe a TCP port instead of ICMP: a completed or refused handshake is a reply')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Source address or interface name to send from')
            [CompletionResult]::new('--interface', '--interface', [CompletionResultType]::ParameterName, 'Source address or interface name to send from')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Print a Unix timestamp before each line, as ping -D')
            [CompletionResult]::new('--timestamps', '--timestamps', [CompletionResultType]::ParameterName, 'Print a Unix timestamp before each line, as ping -D')
            [CompletionResult]::new('-O', '-O ', [CompletionResultType]::ParameterName, 'Report a probe still unanswered when the next one is sent')
            [CompletionResult]::new('--outstanding', '--outstanding', [CompletionResultType]::ParameterName, 'Report a probe still unanswered when the next one is sent')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Flood: send as fast as replies come back, or 100 a second (root only, as ping)')
            [CompletionResult]::new('--flood', '--flood', [CompletionResultType]::ParameterName, 'Flood: send as fast as replies come back, or 100 a second (root only, as ping)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Numeric output: never look up names of addresses')
            [CompletionResult]::new('--numeric', '--numeric', [CompletionResultType]::ParameterName, 'Numeric output: never look up names of addresses')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Allow pinging a broadcast address (every host that answers is shown)')
            [CompletionResult]::new('--broadcast', '--broadcast', [CompletionResultType]::ParameterName, 'Allow pinging a broadcast address (every host that answers is shown)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Many targets: print only the targets that replied')
            [CompletionResult]::new('--alive', '--alive', [CompletionResultType]::ParameterName, 'Many targets: print only the targets that replied')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Many targets: print only the targets that did not reply')
            [CompletionResult]::new('--unreachable', '--unreachable', [CompletionResultType]::ParameterName, 'Many targets: print only the targets that did not reply')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: which ICMP socket was opened (raw or datagram), send errors, and replies ignored for a bad checksum')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: which ICMP socket was opened (raw or datagram), send errors, and replies ignored for a bad checksum')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;trace' {
            [CompletionResult]::new('-m', '-m', [CompletionResultType]::ParameterName, 'Last hop (TTL) to probe')
            [CompletionResult]::new('--max-hops', '--max-hops', [CompletionResultType]::ParameterName, 'Last hop (TTL) to probe')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'First hop (TTL) to probe')
            [CompletionResult]::new('--first-hop', '--first-hop', [CompletionResultType]::ParameterName, 'First hop (TTL) to probe')
            [CompletionResult]::new('--queries', '--queries', [CompletionResultType]::ParameterName, 'Probes per hop (rounds of the report); -q N as traceroute')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Rounds of probes (like mtr -c); implied by the report, endless live without it')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Rounds of probes (like mtr -c); implied by the report, endless live without it')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'How long to wait for each probe''s answer (default 2s)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for each probe''s answer (default 2s)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Least time between the starts of two rounds (default 1s live, none in a report)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Least time between the starts of two rounds (default 1s live, none in a report)')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Source address or interface name to send from')
            [CompletionResult]::new('--interface', '--interface', [CompletionResultType]::ParameterName, 'Source address or interface name to send from')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'UDP: first destination port (default 33434, one more per probe); TCP: see --tcp')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'UDP: first destination port (default 33434, one more per probe); TCP: see --tcp')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'Probe with TCP SYN to this port (for paths that filter ICMP and UDP)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'Probe with UDP datagrams to rising ports (traceroute''s classic method)')
            [CompletionResult]::new('--flow', '--flow', [CompletionResultType]::ParameterName, 'Keep every probe in one flow (same ports and ICMP checksum), so a load balancer sends all of them one way (Paris traceroute)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Numeric output: never look up names of addresses')
            [CompletionResult]::new('--numeric', '--numeric', [CompletionResultType]::ParameterName, 'Numeric output: never look up names of addresses')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Print the report after the rounds (the default when stdout is not a terminal)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;subnet' {
            [CompletionResult]::new('--split', '--split', [CompletionResultType]::ParameterName, 'Split the network: into subnets of a prefix (/26), or into N equal subnets (4)')
            [CompletionResult]::new('--hosts', '--hosts', [CompletionResultType]::ParameterName, 'Split the network by host counts (VLSM): a block for each count, largest first, packed from the network''s start')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Show address, mask and network in binary, laid out as address AND mask = network')
            [CompletionResult]::new('--binary', '--binary', [CompletionResultType]::ParameterName, 'Show address, mask and network in binary, laid out as address AND mask = network')
            [CompletionResult]::new('--aggregate', '--aggregate', [CompletionResultType]::ParameterName, 'Merge the prefixes given (or read from stdin, one a line, when none or `-` is given) into the fewest networks that cover the same addresses')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;portinfo' {
            [CompletionResult]::new('--services-file', '--services-file', [CompletionResultType]::ParameterName, 'Read this services file instead of /etc/services (which, if missing, leaves the built-in table; a file named here must exist)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'Only TCP entries')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'Only UDP entries')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'List every known service as a table')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'List every socket on the port (TCP and UDP, v4 and v6, any state, with the owning process) and say what that means for binding it: in use, in TIME_WAIT, needs privilege')
            [CompletionResult]::new('--listening', '--listening', [CompletionResultType]::ParameterName, 'List every socket on the port (TCP and UDP, v4 and v6, any state, with the owning process) and say what that means for binding it: in use, in TIME_WAIT, needs privilege')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: say when the services file could not be read')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: say when the services file could not be read')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;listen' {
            [CompletionResult]::new('--max-clients', '--max-clients', [CompletionResultType]::ParameterName, 'Serve at most this many clients at once; more are refused and logged')
            [CompletionResult]::new('--allow', '--allow', [CompletionResultType]::ParameterName, 'Serve only peers in this network (repeatable; 127.0.0.0/8, ::1/128)')
            [CompletionResult]::new('--deny', '--deny', [CompletionResultType]::ParameterName, 'Refuse peers in this network (repeatable; wins over --allow)')
            [CompletionResult]::new('--nick', '--nick', [CompletionResultType]::ParameterName, 'Room: this terminal''s nickname')
            [CompletionResult]::new('--backlog', '--backlog', [CompletionResultType]::ParameterName, 'The listen backlog: how many completed connections the kernel queues for accept()')
            [CompletionResult]::new('--room-queue', '--room-queue', [CompletionResultType]::ParameterName, 'Room: drop a member when more than this many bytes wait to be sent to it; what this terminal types waits while a member has more than half of it waiting, for at most 5 s')
            [CompletionResult]::new('--quit-word', '--quit-word', [CompletionResultType]::ParameterName, 'Chat: a line that ends the session when typed alone (repeatable; besides /quit)')
            [CompletionResult]::new('--eol', '--eol', [CompletionResultType]::ParameterName, 'Chat: what a typed line ends with when sent (none: exactly what was typed)')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Chat and room: the peer''s text encoding, both ways (utf-8, gbk, gb18030, big5, shift_jis, latin1)')
            [CompletionResult]::new('--partial-after', '--partial-after', [CompletionResultType]::ParameterName, 'Chat: show a line that has no newline yet after this long without more data')
            [CompletionResult]::new('--max-line', '--max-line', [CompletionResultType]::ParameterName, 'Chat and room: the longest line kept; longer lines are cut with a notice')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'After a client leaves, wait for the next one')
            [CompletionResult]::new('--keep-open', '--keep-open', [CompletionResultType]::ParameterName, 'After a client leaves, wait for the next one')
            [CompletionResult]::new('--concurrent', '--concurrent', [CompletionResultType]::ParameterName, 'Serve every client at once (their data goes to stdout, stdin goes to all of them)')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'A chat room: every client''s line goes to every other client, and this terminal joins')
            [CompletionResult]::new('--echo', '--echo', [CompletionResultType]::ParameterName, 'An echo service: every client gets back what it sends')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 only')
            [CompletionResult]::new('--pipe', '--pipe', [CompletionResultType]::ParameterName, 'Pipe mode: a byte-exact stream both ways (the default when stdin is not a terminal)')
            [CompletionResult]::new('--chat', '--chat', [CompletionResultType]::ParameterName, 'Chat mode: lines, labelled and escaped (the default when stdin is a terminal)')
            [CompletionResult]::new('--send-only', '--send-only', [CompletionResultType]::ParameterName, 'Only send; ignore what the peer sends')
            [CompletionResult]::new('--recv-only', '--recv-only', [CompletionResultType]::ParameterName, 'Only receive; do not read stdin')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Chat: show the time (UTC) before each received line')
            [CompletionResult]::new('--timestamps', '--timestamps', [CompletionResultType]::ParameterName, 'Chat: show the time (UTC) before each received line')
            [CompletionResult]::new('--send-quit', '--send-quit', [CompletionResultType]::ParameterName, 'Chat: send the quit word to the peer before closing (for a peer that waits for it)')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate each socket call and the TCP state after it (TCP_INFO), on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;connect' {
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Give up connecting after this long (250ms, 2s, 1m; a bare number is seconds)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Give up connecting after this long (250ms, 2s, 1m; a bare number is seconds)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Connect from this local address')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Connect from this local address')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Connect from this local port')
            [CompletionResult]::new('--source-port', '--source-port', [CompletionResultType]::ParameterName, 'Connect from this local port')
            [CompletionResult]::new('--quit-word', '--quit-word', [CompletionResultType]::ParameterName, 'Chat: a line that ends the session when typed alone (repeatable; besides /quit)')
            [CompletionResult]::new('--eol', '--eol', [CompletionResultType]::ParameterName, 'Chat: what a typed line ends with when sent (none: exactly what was typed)')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'Chat and room: the peer''s text encoding, both ways (utf-8, gbk, gb18030, big5, shift_jis, latin1)')
            [CompletionResult]::new('--partial-after', '--partial-after', [CompletionResultType]::ParameterName, 'Chat: show a line that has no newline yet after this long without more data')
            [CompletionResult]::new('--max-line', '--max-line', [CompletionResultType]::ParameterName, 'Chat and room: the longest line kept; longer lines are cut with a notice')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)')
            [CompletionResult]::new('-z', '-z', [CompletionResultType]::ParameterName, 'Only test whether the ports accept a connection (exit 0 when one is open, else 1)')
            [CompletionResult]::new('--zero', '--zero', [CompletionResultType]::ParameterName, 'Only test whether the ports accept a connection (exit 0 when one is open, else 1)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 only')
            [CompletionResult]::new('--pipe', '--pipe', [CompletionResultType]::ParameterName, 'Pipe mode: a byte-exact stream both ways (the default when stdin is not a terminal)')
            [CompletionResult]::new('--chat', '--chat', [CompletionResultType]::ParameterName, 'Chat mode: lines, labelled and escaped (the default when stdin is a terminal)')
            [CompletionResult]::new('--send-only', '--send-only', [CompletionResultType]::ParameterName, 'Only send; ignore what the peer sends')
            [CompletionResult]::new('--recv-only', '--recv-only', [CompletionResultType]::ParameterName, 'Only receive; do not read stdin')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Chat: show the time (UTC) before each received line')
            [CompletionResult]::new('--timestamps', '--timestamps', [CompletionResultType]::ParameterName, 'Chat: show the time (UTC) before each received line')
            [CompletionResult]::new('--send-quit', '--send-quit', [CompletionResultType]::ParameterName, 'Chat: send the quit word to the peer before closing (for a peer that waits for it)')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate each socket call and the TCP state after it (TCP_INFO), on stderr')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: in pipe mode, the bytes moved each way at the end')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: in pipe mode, the bytes moved each way at the end')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;scan' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Ports: 22,80,8000-8100, service names (ssh,http), open ends (-1024), or - for 1-65535 (`-p-`) [default: --top 1000]')
            [CompletionResult]::new('--ports', '--ports', [CompletionResultType]::ParameterName, 'Ports: 22,80,8000-8100, service names (ssh,http), open ends (-1024), or - for 1-65535 (`-p-`) [default: --top 1000]')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'The N ports most often found open (a built-in list, then the rest by number)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'The most probes waiting for an answer at once (lowered while losses are seen)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Send at most N probes a second (default: as fast as answers come)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Tries after the first for a probe that gets no answer')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'The longest wait for an answer (shortened to the measured round trip once known)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'What to print: a table per host, or `open`: one `HOST PORT` line per open port')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'What to print: a table per host, or `open`: one `HOST PORT` line per open port')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)')
            [CompletionResult]::new('--syn', '--syn', [CompletionResultType]::ParameterName, 'TCP SYN scan: half-open, the kernel resets each SYN-ACK (root or CAP_NET_RAW)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'UDP scan: DNS and NTP ports get a real request, other ports an empty datagram')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'UDP scan: DNS and NTP ports get a real request, other ports an empty datagram')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'List closed and filtered ports too, each with its evidence')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'List closed and filtered ports too, each with its evidence')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;udp-send' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Send this file''s contents as one datagram')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Send the message N times')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Send the message N times')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Wait this long between datagrams (250ms, 2s; default: none)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Wait this long between datagrams (250ms, 2s; default: none)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Send at this many datagrams per second')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'With --seq, pad each datagram to this many bytes (at least the 20-byte stamp)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'With --seq, pad each datagram to this many bytes (at least the 20-byte stamp)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Time to live (hop limit) for unicast and multicast datagrams')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Time to live (hop limit) for unicast and multicast datagrams')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait this long for a reply after each datagram and print it (default 1s)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)')
            [CompletionResult]::new('--seq', '--seq', [CompletionResultType]::ParameterName, 'Stamp each datagram with a sequence number and send time, for `udp-recv --stats`')
            [CompletionResult]::new('--broadcast', '--broadcast', [CompletionResultType]::ParameterName, 'Allow sending to a broadcast address (SO_BROADCAST)')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate each socket call (socket, bind, connect, send, recvfrom) on stderr')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: one record per datagram sent')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: one record per datagram sent')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;udp-recv' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Stop after N datagrams')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after N datagrams')
            [CompletionResult]::new('--idle', '--idle', [CompletionResultType]::ParameterName, 'Stop after this long without a datagram (250ms, 2s, 1m)')
            [CompletionResult]::new('--reply', '--reply', [CompletionResultType]::ParameterName, 'Answer each datagram with this text')
            [CompletionResult]::new('--reply-limit', '--reply-limit', [CompletionResultType]::ParameterName, 'With --reply or --echo: answer each source address at most N times a second, in bursts of up to N, so that two reflectors pointed at each other stop and a forged source gets no flood; `off` for no limit. A datagram from this socket''s own address and port is never answered')
            [CompletionResult]::new('--join', '--join', [CompletionResultType]::ParameterName, 'Join this multicast group')
            [CompletionResult]::new('--iface', '--iface', [CompletionResultType]::ParameterName, 'The interface to join the group on (default: the kernel''s choice)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)')
            [CompletionResult]::new('--echo', '--echo', [CompletionResultType]::ParameterName, 'Send each datagram back to its sender')
            [CompletionResult]::new('--broadcast', '--broadcast', [CompletionResultType]::ParameterName, 'Receive broadcast datagrams (SO_BROADCAST, SO_REUSEADDR, bound to every address)')
            [CompletionResult]::new('--hex', '--hex', [CompletionResultType]::ParameterName, 'Show every payload as a hex dump (automatic for data that is not text)')
            [CompletionResult]::new('--trace', '--trace', [CompletionResultType]::ParameterName, 'Narrate each socket call (socket, bind, recvfrom, sendto) on stderr')
            [CompletionResult]::new('--stats', '--stats', [CompletionResultType]::ParameterName, 'Count streams stamped by `udp-send --seq`, one per source: received, lost, duplicated, reordered and jitter, printed at the end, on Ctrl-C and on SIGTERM (each datagram only with -v)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: with --stats, every datagram too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: with --stats, every datagram too')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;sockets' {
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Only sockets in this state (repeat or comma-separate for several)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Only sockets whose local or peer port is PORT')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Listening sockets only (TCP LISTEN, and UDP sockets without a peer)')
            [CompletionResult]::new('--listening', '--listening', [CompletionResultType]::ParameterName, 'Listening sockets only (TCP LISTEN, and UDP sockets without a peer)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'TCP sockets only')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'TCP sockets only')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'UDP sockets only')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'UDP sockets only')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 only')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;sniff' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Only packets to or from this IP address (IP source or destination, ARP sender or target)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Only TCP and UDP packets with this source or destination port')
            [CompletionResult]::new('--proto', '--proto', [CompletionResultType]::ParameterName, 'Only packets of this protocol')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Stop after this many matching packets')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after this many matching packets')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Stop after this long (250ms, 2s, 1m; a bare number is seconds)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Write the matching packets to this pcap file (readable by tcpdump -r and Wireshark) instead of printing them')
            [CompletionResult]::new('--write', '--write', [CompletionResultType]::ParameterName, 'Write the matching packets to this pcap file (readable by tcpdump -r and Wireshark) instead of printing them')
            [CompletionResult]::new('-r', '-r', [CompletionResultType]::ParameterName, 'Decode a pcap file instead of capturing')
            [CompletionResult]::new('--read', '--read', [CompletionResultType]::ParameterName, 'Decode a pcap file instead of capturing')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)')
            [CompletionResult]::new('--layers', '--layers', [CompletionResultType]::ParameterName, 'Print each packet as an indented block, one line per layer (link, internet, transport, application), labelled with the OSI and TCP/IP layer names')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;arping' {
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'The interface to send on (default: the one whose network holds IP)')
            [CompletionResult]::new('--interface', '--interface', [CompletionResultType]::ParameterName, 'The interface to send on (default: the one whose network holds IP)')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Stop after sending N requests (with -w: after N replies)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after sending N requests (with -w: after N replies)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Stop after this long whatever was sent (1s, 500ms; a bare number is seconds)')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Stop after this long whatever was sent (1s, 500ms; a bare number is seconds)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Time between requests')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between requests')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Duplicate address detection: ask from 0.0.0.0 and stop at the first answer; exit 1 when another host answers (the address is taken), 0 when none does')
            [CompletionResult]::new('--dad', '--dad', [CompletionResultType]::ParameterName, 'Duplicate address detection: ask from 0.0.0.0 and stop at the first answer; exit 1 when another host answers (the address is taken), 0 when none does')
            [CompletionResult]::new('-U', '-U ', [CompletionResultType]::ParameterName, 'Gratuitous ARP: announce this host''s own address IP to the network (no answer expected)')
            [CompletionResult]::new('--unsolicited', '--unsolicited', [CompletionResultType]::ParameterName, 'Gratuitous ARP: announce this host''s own address IP to the network (no answer expected)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;man' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write nettool.1 and one nettool-<command>.1 per subcommand into this directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)')
            [CompletionResult]::new('--mkdir', '--mkdir', [CompletionResultType]::ParameterName, 'With --dir: create the directory (and its parents) when it does not exist')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more (what each command adds is in its help)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;help' {
            [CompletionResult]::new('hostname', 'hostname', [CompletionResultType]::ParameterValue, 'This host''s name, fully qualified name and addresses (gethostname, getaddrinfo)')
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Resolve names and addresses: the system resolver, or any DNS server and record type')
            [CompletionResult]::new('ifconfig', 'ifconfig', [CompletionResultType]::ParameterValue, 'Interfaces, addresses, MACs and vendors, counters, routes and neighbours')
            [CompletionResult]::new('ping', 'ping', [CompletionResultType]::ParameterValue, 'Send ICMP echo requests (or TCP handshakes) to one host like ping, or many like fping')
            [CompletionResult]::new('trace', 'trace', [CompletionResultType]::ParameterValue, 'The path to a host hop by hop, with loss and delay per hop (traceroute and mtr)')
            [CompletionResult]::new('subnet', 'subnet', [CompletionResultType]::ParameterValue, 'Subnet arithmetic: netmask, network, broadcast, hosts, class, same-network test')
            [CompletionResult]::new('portinfo', 'portinfo', [CompletionResultType]::ParameterValue, 'What a port is for (getservbyname), its range, and what is bound to it')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Wait for TCP connections: chat, pipe (like nc -l), many clients, a room, echo')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Open a TCP connection: chat or pipe (like nc), or -z to test whether a port is open')
            [CompletionResult]::new('scan', 'scan', [CompletionResultType]::ParameterValue, 'Which ports are open on which hosts: TCP connect, TCP SYN or UDP, with the evidence')
            [CompletionResult]::new('udp-send', 'udp-send', [CompletionResultType]::ParameterValue, 'Send UDP datagrams: a message, stdin lines or a file; repeated, stamped, with replies')
            [CompletionResult]::new('udp-recv', 'udp-recv', [CompletionResultType]::ParameterValue, 'Receive UDP datagrams: print, reply, echo, join multicast, count a stamped stream')
            [CompletionResult]::new('sockets', 'sockets', [CompletionResultType]::ParameterValue, 'Every TCP and UDP socket by state, with queues, timers and owners, like ss -tuanp')
            [CompletionResult]::new('sniff', 'sniff', [CompletionResultType]::ParameterValue, 'Capture and decode packets layer by layer, narrate TCP handshakes, read/write pcap')
            [CompletionResult]::new('arping', 'arping', [CompletionResultType]::ParameterValue, 'Send ARP requests and show who answers (duplicate detection, announcements)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions (bash, zsh, fish, elvish, powershell)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page, or write every page into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'nettool;help;hostname' {
            break
        }
        'nettool;help;resolve' {
            break
        }
        'nettool;help;ifconfig' {
            break
        }
        'nettool;help;ping' {
            break
        }
        'nettool;help;trace' {
            break
        }
        'nettool;help;subnet' {
            break
        }
        'nettool;help;portinfo' {
            break
        }
        'nettool;help;listen' {
            break
        }
        'nettool;help;connect' {
            break
        }
        'nettool;help;scan' {
            break
        }
        'nettool;help;udp-send' {
            break
        }
        'nettool;help;udp-recv' {
            break
        }
        'nettool;help;sockets' {
            break
        }
        'nettool;help;sniff' {
            break
        }
        'nettool;help;arping' {
            break
        }
        'nettool;help;completions' {
            break
        }
        'nettool;help;man' {
            break
        }
        'nettool;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
