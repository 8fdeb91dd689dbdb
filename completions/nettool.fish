# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_nettool_global_optspecs
    string join \n json color= q/quiet v/verbose h/help V/version
end

function __fish_nettool_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_nettool_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_nettool_using_subcommand
    set -l cmd (__fish_nettool_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c nettool -n "__fish_nettool_needs_command" -l color -d 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)' -r -f -a "auto\t'Colour when stdout is a terminal (or CLICOLOR_FORCE is set) and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_needs_command" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_needs_command" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_needs_command" -s v -l verbose -d 'Print more; what depends on the command (see its help). With --version: the commit, target, features and ICMP access'
complete -c nettool -n "__fish_nettool_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_needs_command" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "hostname" -d 'This host\'s name, fully qualified name and addresses (gethostname, getaddrinfo)'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "resolve" -d 'Resolve names and addresses: the system resolver, or any DNS server and record type'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "ifconfig" -d 'Interfaces, addresses, MACs and vendors, counters, routes and neighbours'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "ping" -d 'Send ICMP echo requests (or TCP handshakes) to one host like ping, or many like fping'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "trace" -d 'The path to a host hop by hop, with loss and delay per hop (traceroute and mtr)'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "subnet" -d 'Subnet arithmetic: netmask, network, broadcast, hosts, class, same-network test'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "portinfo" -d 'What a port is for (getservbyname), its range, and what is bound to it'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "listen" -d 'Wait for TCP connections: chat, pipe (like nc -l), many clients, a room, echo'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "connect" -d 'Open a TCP connection: chat or pipe (like nc), or -z to test whether a port is open'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "scan" -d 'Which ports are open on which hosts: TCP connect, TCP SYN or UDP, with the evidence'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "udp-send" -d 'Send UDP datagrams: a message, stdin lines or a file; repeated, stamped, with replies'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "udp-recv" -d 'Receive UDP datagrams: print, reply, echo, join multicast, count a stamped stream'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "sockets" -d 'Every TCP and UDP socket by state, with queues, timers and owners, like ss -tuanp'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "sniff" -d 'Capture and decode packets layer by layer, narrate TCP handshakes, read/write pcap'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "arping" -d 'Send ARP requests and show who answers (duplicate detection, announcements)'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "completions" -d 'Print shell completions (bash, zsh, fish, elvish, powershell)'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "man" -d 'Print the man page, or write every page into a directory'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c nettool -n "__fish_nettool_using_subcommand hostname" -l color -d 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)' -r -f -a "auto\t'Colour when stdout is a terminal (or CLICOLOR_FORCE is set) and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand hostname" -s f -l fqdn -d 'The fully qualified name only (as hostname -f)'
complete -c nettool -n "__fish_nettool_using_subcommand hostname" -s s -l short -d 'The host name up to its first dot (as hostname -s)'
complete -c nettool -n "__fish_nettool_using_subcommand hostname" -s d -l domain -d 'The DNS domain: the fully qualified name after its first dot (as hostname -d)'
complete -c nettool -n "__fish_nettool_using_subcommand hostname" -s i -l ip-address -d 'The addresses the host name resolves to (as hostname -i)'
complete -c nettool -n "__fish_nettool_using_subcommand hostname" -s I -l all-addresses -d 'Every address of every up, non-loopback interface, without DNS (as hostname -I)'
complete -c nettool -n "__fish_nettool_using_subcommand hostname" -s A -l all-fqdns -d 'The names of those addresses, by reverse lookup (as hostname -A)'
complete -c nettool -n "__fish_nettool_using_subcommand hostname" -s v -l verbose -d 'Print more (what each command adds is in its help)'
complete -c nettool -n "__fish_nettool_using_subcommand hostname" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand hostname" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand hostname" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand hostname" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -s x -l reverse -d 'Reverse lookup of an address (PTR in DNS mode, getnameinfo otherwise)' -r
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l server -d 'The DNS server to ask: 127.0.0.1, 127.0.0.1:5353, ::1, [::1]:5353, tls://127.0.0.1, https://127.0.0.1/dns-query (DNS mode)' -r
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l timeout -d 'How long to wait for an answer to one try (DNS mode; over UDP the query is sent again every 250 ms meanwhile)' -r
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l tries -d 'How many tries a query gets before it fails (DNS mode)' -r
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l tls-name -d 'The name the server\'s certificate must hold (and the SNI sent); the address otherwise' -r
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l ca -d 'Trust only the CA certificates in FILE (PEM) instead of the system\'s roots' -r -F
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l trust-anchor -d 'Trust anchors for --validate: DS or DNSKEY records in zone-file form, as unbound\'s trust-anchor-file (implies --validate)' -r -F
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l bufsize -d 'The EDNS UDP payload size offered, 512-65535 (DNS mode)' -r
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l subnet -d 'Send an EDNS client subnet, 192.0.2.0/24 or 2001:db8::/56 (DNS mode)' -r
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l root-hints -d 'Root hints for --trace, in the named.root format (the IANA root servers are built in)' -r -F
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -s f -l file -d 'Read names from FILE, one a line (`-` for stdin; blank lines and # comments skipped)' -r -F
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l concurrency -d 'How many lookups may be in flight at once' -r
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -s t -l type -d 'Record types to ask DNS for, comma-separated: A, AAAA, CNAME, MX, NS, TXT, SOA, SRV, PTR, CAA, HTTPS, SVCB, DNSKEY, DS, TLSA, SSHFP, NAPTR, HINFO, any other type\'s name, or TYPEnnn (DNS mode)' -r -f -a "A\t''
AAAA\t''
CNAME\t''
MX\t''
NS\t''
TXT\t''
SOA\t''
SRV\t''
PTR\t''
CAA\t''
HTTPS\t''
DNSKEY\t''"
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l color -d 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)' -r -f -a "auto\t'Colour when stdout is a terminal (or CLICOLOR_FORCE is set) and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l dns -d 'Ask DNS directly instead of the system resolver (the first server in /etc/resolv.conf unless one is named)'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l tcp -d 'Query over TCP (DNS mode); over UDP a truncated answer is asked again over TCP anyway'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l tls -d 'DNS over TLS (RFC 7858), port 853 unless one is named; `@tls://ADDR[:PORT]` says the same'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l https -d 'DNS over HTTPS (RFC 8484): a POST to /dns-query over HTTP/2 (HTTP/1.1 when the server offers only that), port 443 unless one is named; `@https://ADDR[:PORT]/PATH` names another path. DNS over QUIC is not offered: no server here speaks it to test against (Debian\'s unbound 1.17 is built without ngtcp2)'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l insecure -d 'Accept any server certificate (a lab with a throw-away one); the traffic is still encrypted'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l dnssec -d 'Set the DO bit: ask for DNSSEC signatures (RRSIG records are shown), as dig +dnssec; the AD flag of the answer shows in the footer (DNS mode)'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l validate -d 'Validate the answer\'s DNSSEC chain of trust from a trust anchor (the root\'s keys unless --trust-anchor names others) and say secure, insecure or bogus, and why (DNS mode; sets DO)'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l cd -d 'Set the CD bit: ask a validating server not to validate, as dig +cd (DNS mode)'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l norecurse -d 'Ask without recursion desired (RD clear), as dig +norecurse (DNS mode)'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l nsid -d 'Ask for the server\'s identifier (EDNS NSID), shown in the footer (DNS mode)'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l cookie -d 'Send an EDNS client cookie; the cookie the server returns is shown (DNS mode)'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l trace -d 'Resolve iteratively from the root servers, printing each referral (the zone cut, its name servers, the server asked), as dig +trace; one name, one type (DNS mode)'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l short -d 'Print only the data, one item a line (as dig +short)'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -s 4 -d 'Use IPv4 only'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -s 6 -d 'Use IPv6 only'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -s v -l verbose -d 'Print more (what each command adds is in its help)'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -l table -d 'Show this routing table instead of main (local: this host\'s own and broadcast addresses)' -r -f -a "main\t'The `main` table, as `ip route` shows it'
local\t'The `local` table: this host\'s own and broadcast addresses'
all\t'Every table'"
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -l route-to -d 'Show the route, interface, source address and gateway that reach ADDR' -r
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -l color -d 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)' -r -f -a "auto\t'Colour when stdout is a terminal (or CLICOLOR_FORCE is set) and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -s a -l all -d 'Include interfaces that are down'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -s s -l short -d 'One short line per interface: name, state, MAC, addresses (like `ip -br addr`)'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -l routes -d 'Show the routing table (IPv4 and IPv6), default routes marked'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -l neighbours -l neighbors -d 'Show the neighbour tables: ARP (IPv4) and NDP (IPv6)'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -s 4 -d 'Use IPv4 only'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -s 6 -d 'Use IPv6 only'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -s v -l verbose -d 'Print more (what each command adds is in its help)'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand ping" -s g -l generate -d 'Ping a range: -g CIDR (network and broadcast left out) or -g START END; beyond 1,024 addresses the sweep is streamed (see below)' -r
complete -c nettool -n "__fish_nettool_using_subcommand ping" -s c -l count -d 'Stop after COUNT probes per host (default: until Ctrl-C for one host, 1 for many)' -r
complete -c nettool -n "__fish_nettool_using_subcommand ping" -s i -l interval -d 'Time between probes to a host (default 1s; below 2ms needs root)' -r
complete -c nettool -n "__fish_nettool_using_subcommand ping" -s W -l wait -d 'How long to wait for each reply (default 10s for one host, 1s for many or --tcp)' -r
complete -c nettool -n "__fish_nettool_using_subcommand ping" -s w -l deadline -d 'Stop after this long, whatever was sent or received' -r
complete -c nettool -n "__fish_nettool_using_subcommand ping" -s s -l size -d 'Payload bytes per probe (default 56, as ping)' -r
complete -c nettool -n "__fish_nettool_using_subcommand ping" -s t -l ttl -d 'IP time to live (IPv6 hop limit), 1-255' -r
complete -c nettool -n "__fish_nettool_using_subcommand ping" -l tcp -d 'Probe a TCP port instead of ICMP: a completed or refused handshake is a reply' -r
complete -c nettool -n "__fish_nettool_using_subcommand ping" -s I -l interface -d 'Source address or interface name to send from' -r -f -a "(__fish_print_interfaces)"
complete -c nettool -n "__fish_nettool_using_subcommand ping" -l color -d 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)' -r -f -a "auto\t'Colour when stdout is a terminal (or CLICOLOR_FORCE is set) and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand ping" -s D -l timestamps -d 'Print a Unix timestamp before each line, as ping -D'
complete -c nettool -n "__fish_nettool_using_subcommand ping" -s O -l outstanding -d 'Report a probe still unanswered when the next one is sent'
complete -c nettool -n "__fish_nettool_using_subcommand ping" -s f -l flood -d 'Flood: send as fast as replies come back, or 100 a second (root only, as ping)'
complete -c nettool -n "__fish_nettool_using_subcommand ping" -s n -l numeric -d 'Numeric output: never look up names of addresses'
complete -c nettool -n "__fish_nettool_using_subcommand ping" -s b -l broadcast -d 'Allow pinging a broadcast address (every host that answers is shown)'
complete -c nettool -n "__fish_nettool_using_subcommand ping" -s a -l alive -d 'Many targets: print only the targets that replied'
complete -c nettool -n "__fish_nettool_using_subcommand ping" -s u -l unreachable -d 'Many targets: print only the targets that did not reply'
complete -c nettool -n "__fish_nettool_using_subcommand ping" -s 4 -d 'Use IPv4 only'
complete -c nettool -n "__fish_nettool_using_subcommand ping" -s 6 -d 'Use IPv6 only'
complete -c nettool -n "__fish_nettool_using_subcommand ping" -s v -l verbose -d 'Print more: which ICMP socket was opened (raw or datagram), send errors, and replies ignored for a bad checksum'
complete -c nettool -n "__fish_nettool_using_subcommand ping" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand ping" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand ping" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand ping" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand trace" -s m -l max-hops -d 'Last hop (TTL) to probe' -r
complete -c nettool -n "__fish_nettool_using_subcommand trace" -s f -l first-hop -d 'First hop (TTL) to probe' -r
complete -c nettool -n "__fish_nettool_using_subcommand trace" -l queries -d 'Probes per hop (rounds of the report); -q N as traceroute' -r
complete -c nettool -n "__fish_nettool_using_subcommand trace" -s c -l count -d 'Rounds of probes (like mtr -c); implied by the report, endless live without it' -r
complete -c nettool -n "__fish_nettool_using_subcommand trace" -s w -l wait -d 'How long to wait for each probe\'s answer (default 2s)' -r
complete -c nettool -n "__fish_nettool_using_subcommand trace" -s i -l interval -d 'Least time between the starts of two rounds (default 1s live, none in a report)' -r
complete -c nettool -n "__fish_nettool_using_subcommand trace" -s I -l interface -d 'Source address or interface name to send from' -r
complete -c nettool -n "__fish_nettool_using_subcommand trace" -s p -l port -d 'UDP: first destination port (default 33434, one more per probe); TCP: see --tcp' -r
complete -c nettool -n "__fish_nettool_using_subcommand trace" -l tcp -d 'Probe with TCP SYN to this port (for paths that filter ICMP and UDP)' -r
complete -c nettool -n "__fish_nettool_using_subcommand trace" -l color -d 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)' -r -f -a "auto\t'Colour when stdout is a terminal (or CLICOLOR_FORCE is set) and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand trace" -l udp -d 'Probe with UDP datagrams to rising ports (traceroute\'s classic method)'
complete -c nettool -n "__fish_nettool_using_subcommand trace" -l flow -d 'Keep every probe in one flow (same ports and ICMP checksum), so a load balancer sends all of them one way (Paris traceroute)'
complete -c nettool -n "__fish_nettool_using_subcommand trace" -s n -l numeric -d 'Numeric output: never look up names of addresses'
complete -c nettool -n "__fish_nettool_using_subcommand trace" -l report -d 'Print the report after the rounds (the default when stdout is not a terminal)'
complete -c nettool -n "__fish_nettool_using_subcommand trace" -s 4 -d 'Use IPv4 only'
complete -c nettool -n "__fish_nettool_using_subcommand trace" -s 6 -d 'Use IPv6 only'
complete -c nettool -n "__fish_nettool_using_subcommand trace" -s v -l verbose -d 'Print more (what each command adds is in its help)'
complete -c nettool -n "__fish_nettool_using_subcommand trace" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand trace" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand trace" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand trace" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand subnet" -l split -d 'Split the network: into subnets of a prefix (/26), or into N equal subnets (4)' -r
complete -c nettool -n "__fish_nettool_using_subcommand subnet" -l hosts -d 'Split the network by host counts (VLSM): a block for each count, largest first, packed from the network\'s start' -r
complete -c nettool -n "__fish_nettool_using_subcommand subnet" -l color -d 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)' -r -f -a "auto\t'Colour when stdout is a terminal (or CLICOLOR_FORCE is set) and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand subnet" -s b -l binary -d 'Show address, mask and network in binary, laid out as address AND mask = network'
complete -c nettool -n "__fish_nettool_using_subcommand subnet" -l aggregate -d 'Merge the prefixes given (or read from stdin, one a line, when none or `-` is given) into the fewest networks that cover the same addresses'
complete -c nettool -n "__fish_nettool_using_subcommand subnet" -s v -l verbose -d 'Print more (what each command adds is in its help)'
complete -c nettool -n "__fish_nettool_using_subcommand subnet" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand subnet" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand subnet" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand subnet" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -l services-file -d 'Read this services file instead of /etc/services (which, if missing, leaves the built-in table; a file named here must exist)' -r -F
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -l color -d 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)' -r -f -a "auto\t'Colour when stdout is a terminal (or CLICOLOR_FORCE is set) and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -l tcp -d 'Only TCP entries'
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -l udp -d 'Only UDP entries'
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -l list -d 'List every known service as a table'
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -l check -l listening -d 'List every socket on the port (TCP and UDP, v4 and v6, any state, with the owning process) and say what that means for binding it: in use, in TIME_WAIT, needs privilege'
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -s v -l verbose -d 'Print more: say when the services file could not be read'
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l max-clients -d 'Serve at most this many clients at once; more are refused and logged' -r
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l allow -d 'Serve only peers in this network (repeatable; 127.0.0.0/8, ::1/128)' -r
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l deny -d 'Refuse peers in this network (repeatable; wins over --allow)' -r
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l nick -d 'Room: this terminal\'s nickname' -r
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l backlog -d 'The listen backlog: how many completed connections the kernel queues for accept()' -r
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l room-queue -d 'Room: drop a member when more than this many bytes wait to be sent to it; what this terminal types waits while a member has more than half of it waiting, for at most 5 s' -r
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l quit-word -d 'Chat: a line that ends the session when typed alone (repeatable; besides /quit)' -r
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l eol -d 'Chat: what a typed line ends with when sent (none: exactly what was typed)' -r -f -a "lf\t'`\\n`, as most line-based programs expect'
crlf\t'`\\r\\n`, as telnet and many Internet protocols send'
none\t'Nothing: exactly what was typed, as Python\'s `input().encode()` sends'"
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l encoding -d 'Chat and room: the peer\'s text encoding, both ways (utf-8, gbk, gb18030, big5, shift_jis, latin1)' -r
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l partial-after -d 'Chat: show a line that has no newline yet after this long without more data' -r
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l max-line -d 'Chat and room: the longest line kept; longer lines are cut with a notice' -r
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l color -d 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)' -r -f -a "auto\t'Colour when stdout is a terminal (or CLICOLOR_FORCE is set) and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand listen" -s k -l keep-open -d 'After a client leaves, wait for the next one'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l concurrent -d 'Serve every client at once (their data goes to stdout, stdin goes to all of them)'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l room -d 'A chat room: every client\'s line goes to every other client, and this terminal joins'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l echo -d 'An echo service: every client gets back what it sends'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -s 4 -d 'Use IPv4 only'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -s 6 -d 'Use IPv6 only'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l pipe -d 'Pipe mode: a byte-exact stream both ways (the default when stdin is not a terminal)'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l chat -d 'Chat mode: lines, labelled and escaped (the default when stdin is a terminal)'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l send-only -d 'Only send; ignore what the peer sends'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l recv-only -d 'Only receive; do not read stdin'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -s D -l timestamps -d 'Chat: show the time (UTC) before each received line'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l send-quit -d 'Chat: send the quit word to the peer before closing (for a peer that waits for it)'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l trace -d 'Narrate each socket call and the TCP state after it (TCP_INFO), on stderr'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -s v -l verbose -d 'Print more (what each command adds is in its help)'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s w -l wait -d 'Give up connecting after this long (250ms, 2s, 1m; a bare number is seconds)' -r
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s s -l source -d 'Connect from this local address' -r
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s p -l source-port -d 'Connect from this local port' -r
complete -c nettool -n "__fish_nettool_using_subcommand connect" -l quit-word -d 'Chat: a line that ends the session when typed alone (repeatable; besides /quit)' -r
complete -c nettool -n "__fish_nettool_using_subcommand connect" -l eol -d 'Chat: what a typed line ends with when sent (none: exactly what was typed)' -r -f -a "lf\t'`\\n`, as most line-based programs expect'
crlf\t'`\\r\\n`, as telnet and many Internet protocols send'
none\t'Nothing: exactly what was typed, as Python\'s `input().encode()` sends'"
complete -c nettool -n "__fish_nettool_using_subcommand connect" -l encoding -d 'Chat and room: the peer\'s text encoding, both ways (utf-8, gbk, gb18030, big5, shift_jis, latin1)' -r
complete -c nettool -n "__fish_nettool_using_subcommand connect" -l partial-after -d 'Chat: show a line that has no newline yet after this long without more data' -r
complete -c nettool -n "__fish_nettool_using_subcommand connect" -l max-line -d 'Chat and room: the longest line kept; longer lines are cut with a notice' -r
complete -c nettool -n "__fish_nettool_using_subcommand connect" -l color -d 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)' -r -f -a "auto\t'Colour when stdout is a terminal (or CLICOLOR_FORCE is set) and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s z -l zero -d 'Only test whether the ports accept a connection (exit 0 when one is open, else 1)'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s 4 -d 'Use IPv4 only'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s 6 -d 'Use IPv6 only'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -l pipe -d 'Pipe mode: a byte-exact stream both ways (the default when stdin is not a terminal)'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -l chat -d 'Chat mode: lines, labelled and escaped (the default when stdin is a terminal)'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -l send-only -d 'Only send; ignore what the peer sends'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -l recv-only -d 'Only receive; do not read stdin'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s D -l timestamps -d 'Chat: show the time (UTC) before each received line'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -l send-quit -d 'Chat: send the quit word to the peer before closing (for a peer that waits for it)'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -l trace -d 'Narrate each socket call and the TCP state after it (TCP_INFO), on stderr'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s v -l verbose -d 'Print more: in pipe mode, the bytes moved each way at the end'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand scan" -s p -l ports -d 'Ports: 22,80,8000-8100, service names (ssh,http), open ends (-1024), or - for 1-65535 (`-p-`) [default: --top 1000]' -r
complete -c nettool -n "__fish_nettool_using_subcommand scan" -l top -d 'The N ports most often found open (a built-in list, then the rest by number)' -r
complete -c nettool -n "__fish_nettool_using_subcommand scan" -l concurrency -d 'The most probes waiting for an answer at once (lowered while losses are seen)' -r
complete -c nettool -n "__fish_nettool_using_subcommand scan" -l rate -d 'Send at most N probes a second (default: as fast as answers come)' -r
complete -c nettool -n "__fish_nettool_using_subcommand scan" -l retries -d 'Tries after the first for a probe that gets no answer' -r
complete -c nettool -n "__fish_nettool_using_subcommand scan" -l timeout -d 'The longest wait for an answer (shortened to the measured round trip once known)' -r
complete -c nettool -n "__fish_nettool_using_subcommand scan" -s o -l output -d 'What to print: a table per host, or `open`: one `HOST PORT` line per open port' -r -f -a "table\t'A table of open ports per host, with the other states counted'
open\t'Only the open ports, one `HOST PORT` line each, for scripts'"
complete -c nettool -n "__fish_nettool_using_subcommand scan" -l color -d 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)' -r -f -a "auto\t'Colour when stdout is a terminal (or CLICOLOR_FORCE is set) and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand scan" -l syn -d 'TCP SYN scan: half-open, the kernel resets each SYN-ACK (root or CAP_NET_RAW)'
complete -c nettool -n "__fish_nettool_using_subcommand scan" -s u -l udp -d 'UDP scan: DNS and NTP ports get a real request, other ports an empty datagram'
complete -c nettool -n "__fish_nettool_using_subcommand scan" -s 4 -d 'Use IPv4 only'
complete -c nettool -n "__fish_nettool_using_subcommand scan" -s 6 -d 'Use IPv6 only'
complete -c nettool -n "__fish_nettool_using_subcommand scan" -s v -l verbose -d 'List closed and filtered ports too, each with its evidence'
complete -c nettool -n "__fish_nettool_using_subcommand scan" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand scan" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand scan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand scan" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand udp-send" -l file -d 'Send this file\'s contents as one datagram' -r -F
complete -c nettool -n "__fish_nettool_using_subcommand udp-send" -s c -l count -d 'Send the message N times' -r
complete -c nettool -n "__fish_nettool_using_subcommand udp-send" -s i -l interval -d 'Wait this long between datagrams (250ms, 2s; default: none)' -r
complete -c nettool -n "__fish_nettool_using_subcommand udp-send" -l rate -d 'Send at this many datagrams per second' -r
complete -c nettool -n "__fish_nettool_using_subcommand udp-send" -s s -l size -d 'With --seq, pad each datagram to this many bytes (at least the 20-byte stamp)' -r
complete -c nettool -n "__fish_nettool_using_subcommand udp-send" -s t -l ttl -d 'Time to live (hop limit) for unicast and multicast datagrams' -r
complete -c nettool -n "__fish_nettool_using_subcommand udp-send" -l wait -d 'Wait this long for a reply after each datagram and print it (default 1s)' -r
complete -c nettool -n "__fish_nettool_using_subcommand udp-send" -l color -d 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)' -r -f -a "auto\t'Colour when stdout is a terminal (or CLICOLOR_FORCE is set) and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand udp-send" -l seq -d 'Stamp each datagram with a sequence number and send time, for `udp-recv --stats`'
complete -c nettool -n "__fish_nettool_using_subcommand udp-send" -l broadcast -d 'Allow sending to a broadcast address (SO_BROADCAST)'
complete -c nettool -n "__fish_nettool_using_subcommand udp-send" -l trace -d 'Narrate each socket call (socket, bind, connect, send, recvfrom) on stderr'
complete -c nettool -n "__fish_nettool_using_subcommand udp-send" -s 4 -d 'Use IPv4 only'
complete -c nettool -n "__fish_nettool_using_subcommand udp-send" -s 6 -d 'Use IPv6 only'
complete -c nettool -n "__fish_nettool_using_subcommand udp-send" -s v -l verbose -d 'Print more: one record per datagram sent'
complete -c nettool -n "__fish_nettool_using_subcommand udp-send" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand udp-send" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand udp-send" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand udp-send" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand udp-recv" -s c -l count -d 'Stop after N datagrams' -r
complete -c nettool -n "__fish_nettool_using_subcommand udp-recv" -l idle -d 'Stop after this long without a datagram (250ms, 2s, 1m)' -r
complete -c nettool -n "__fish_nettool_using_subcommand udp-recv" -l reply -d 'Answer each datagram with this text' -r
complete -c nettool -n "__fish_nettool_using_subcommand udp-recv" -l reply-limit -d 'With --reply or --echo: answer each source address at most N times a second, in bursts of up to N, so that two reflectors pointed at each other stop and a forged source gets no flood; `off` for no limit. A datagram from this socket\'s own address and port is never answered' -r
complete -c nettool -n "__fish_nettool_using_subcommand udp-recv" -l join -d 'Join this multicast group' -r
complete -c nettool -n "__fish_nettool_using_subcommand udp-recv" -l iface -d 'The interface to join the group on (default: the kernel\'s choice)' -r -f -a "(__fish_print_interfaces)"
complete -c nettool -n "__fish_nettool_using_subcommand udp-recv" -l color -d 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)' -r -f -a "auto\t'Colour when stdout is a terminal (or CLICOLOR_FORCE is set) and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand udp-recv" -l echo -d 'Send each datagram back to its sender'
complete -c nettool -n "__fish_nettool_using_subcommand udp-recv" -l broadcast -d 'Receive broadcast datagrams (SO_BROADCAST, SO_REUSEADDR, bound to every address)'
complete -c nettool -n "__fish_nettool_using_subcommand udp-recv" -l hex -d 'Show every payload as a hex dump (automatic for data that is not text)'
complete -c nettool -n "__fish_nettool_using_subcommand udp-recv" -l trace -d 'Narrate each socket call (socket, bind, recvfrom, sendto) on stderr'
complete -c nettool -n "__fish_nettool_using_subcommand udp-recv" -l stats -d 'Count streams stamped by `udp-send --seq`, one per source: received, lost, duplicated, reordered and jitter, printed at the end, on Ctrl-C and on SIGTERM (each datagram only with -v)'
complete -c nettool -n "__fish_nettool_using_subcommand udp-recv" -s 4 -d 'Use IPv4 only'
complete -c nettool -n "__fish_nettool_using_subcommand udp-recv" -s 6 -d 'Use IPv6 only'
complete -c nettool -n "__fish_nettool_using_subcommand udp-recv" -s v -l verbose -d 'Print more: with --stats, every datagram too'
complete -c nettool -n "__fish_nettool_using_subcommand udp-recv" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand udp-recv" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand udp-recv" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand udp-recv" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand sockets" -l state -d 'Only sockets in this state (repeat or comma-separate for several)' -r -f -a "established\t''
syn_sent\t''
syn_recv\t''
fin_wait1\t''
fin_wait2\t''
time_wait\t''
unconn\t''
close_wait\t''
last_ack\t''
listen\t''
closing\t''"
complete -c nettool -n "__fish_nettool_using_subcommand sockets" -l port -d 'Only sockets whose local or peer port is PORT' -r
complete -c nettool -n "__fish_nettool_using_subcommand sockets" -l color -d 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)' -r -f -a "auto\t'Colour when stdout is a terminal (or CLICOLOR_FORCE is set) and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand sockets" -s l -l listening -d 'Listening sockets only (TCP LISTEN, and UDP sockets without a peer)'
complete -c nettool -n "__fish_nettool_using_subcommand sockets" -s t -l tcp -d 'TCP sockets only'
complete -c nettool -n "__fish_nettool_using_subcommand sockets" -s u -l udp -d 'UDP sockets only'
complete -c nettool -n "__fish_nettool_using_subcommand sockets" -s 4 -d 'Use IPv4 only'
complete -c nettool -n "__fish_nettool_using_subcommand sockets" -s 6 -d 'Use IPv6 only'
complete -c nettool -n "__fish_nettool_using_subcommand sockets" -s v -l verbose -d 'Print more (what each command adds is in its help)'
complete -c nettool -n "__fish_nettool_using_subcommand sockets" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand sockets" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand sockets" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand sockets" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand sniff" -l host -d 'Only packets to or from this IP address (IP source or destination, ARP sender or target)' -r
complete -c nettool -n "__fish_nettool_using_subcommand sniff" -l port -d 'Only TCP and UDP packets with this source or destination port' -r
complete -c nettool -n "__fish_nettool_using_subcommand sniff" -l proto -d 'Only packets of this protocol' -r -f -a "tcp\t'TCP segments'
udp\t'UDP datagrams'
icmp\t'ICMP and ICMPv6 messages'
arp\t'ARP requests and replies'"
complete -c nettool -n "__fish_nettool_using_subcommand sniff" -s c -l count -d 'Stop after this many matching packets' -r
complete -c nettool -n "__fish_nettool_using_subcommand sniff" -l duration -d 'Stop after this long (250ms, 2s, 1m; a bare number is seconds)' -r
complete -c nettool -n "__fish_nettool_using_subcommand sniff" -s w -l write -d 'Write the matching packets to this pcap file (readable by tcpdump -r and Wireshark) instead of printing them' -r -F
complete -c nettool -n "__fish_nettool_using_subcommand sniff" -s r -l read -d 'Decode a pcap file instead of capturing' -r -F
complete -c nettool -n "__fish_nettool_using_subcommand sniff" -l color -d 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)' -r -f -a "auto\t'Colour when stdout is a terminal (or CLICOLOR_FORCE is set) and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand sniff" -l layers -d 'Print each packet as an indented block, one line per layer (link, internet, transport, application), labelled with the OSI and TCP/IP layer names'
complete -c nettool -n "__fish_nettool_using_subcommand sniff" -s v -l verbose -d 'Print more (what each command adds is in its help)'
complete -c nettool -n "__fish_nettool_using_subcommand sniff" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand sniff" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand sniff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand sniff" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand arping" -s I -l interface -d 'The interface to send on (default: the one whose network holds IP)' -r
complete -c nettool -n "__fish_nettool_using_subcommand arping" -s c -l count -d 'Stop after sending N requests (with -w: after N replies)' -r
complete -c nettool -n "__fish_nettool_using_subcommand arping" -s w -l deadline -d 'Stop after this long whatever was sent (1s, 500ms; a bare number is seconds)' -r
complete -c nettool -n "__fish_nettool_using_subcommand arping" -s i -l interval -d 'Time between requests' -r
complete -c nettool -n "__fish_nettool_using_subcommand arping" -l color -d 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)' -r -f -a "auto\t'Colour when stdout is a terminal (or CLICOLOR_FORCE is set) and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand arping" -s D -l dad -d 'Duplicate address detection: ask from 0.0.0.0 and stop at the first answer; exit 1 when another host answers (the address is taken), 0 when none does'
complete -c nettool -n "__fish_nettool_using_subcommand arping" -s U -l unsolicited -d 'Gratuitous ARP: announce this host\'s own address IP to the network (no answer expected)'
complete -c nettool -n "__fish_nettool_using_subcommand arping" -s v -l verbose -d 'Print more (what each command adds is in its help)'
complete -c nettool -n "__fish_nettool_using_subcommand arping" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand arping" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand arping" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand arping" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand completions" -l color -d 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)' -r -f -a "auto\t'Colour when stdout is a terminal (or CLICOLOR_FORCE is set) and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand completions" -s v -l verbose -d 'Print more (what each command adds is in its help)'
complete -c nettool -n "__fish_nettool_using_subcommand completions" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand completions" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand completions" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand man" -l dir -d 'Write nettool.1 and one nettool-<command>.1 per subcommand into this directory' -r -F
complete -c nettool -n "__fish_nettool_using_subcommand man" -l color -d 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 colours a pipe too)' -r -f -a "auto\t'Colour when stdout is a terminal (or CLICOLOR_FORCE is set) and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand man" -l mkdir -d 'With --dir: create the directory (and its parents) when it does not exist'
complete -c nettool -n "__fish_nettool_using_subcommand man" -s v -l verbose -d 'Print more (what each command adds is in its help)'
complete -c nettool -n "__fish_nettool_using_subcommand man" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand man" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand man" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand help; and not __fish_seen_subcommand_from hostname resolve ifconfig ping trace subnet portinfo listen connect scan udp-send udp-recv sockets sniff arping completions man help" -f -a "hostname" -d 'This host\'s name, fully qualified name and addresses (gethostname, getaddrinfo)'
complete -c nettool -n "__fish_nettool_using_subcommand help; and not __fish_seen_subcommand_from hostname resolve ifconfig ping trace subnet portinfo listen connect scan udp-send udp-recv sockets sniff arping completions man help" -f -a "resolve" -d 'Resolve names and addresses: the system resolver, or any DNS server and record type'
complete -c nettool -n "__fish_nettool_using_subcommand help; and not __fish_seen_subcommand_from hostname resolve ifconfig ping trace subnet portinfo listen connect scan udp-send udp-recv sockets sniff arping completions man help" -f -a "ifconfig" -d 'Interfaces, addresses, MACs and vendors, counters, routes and neighbours'
complete -c nettool -n "__fish_nettool_using_subcommand help; and not __fish_seen_subcommand_from hostname resolve ifconfig ping trace subnet portinfo listen connect scan udp-send udp-recv sockets sniff arping completions man help" -f -a "ping" -d 'Send ICMP echo requests (or TCP handshakes) to one host like ping, or many like fping'
complete -c nettool -n "__fish_nettool_using_subcommand help; and not __fish_seen_subcommand_from hostname resolve ifconfig ping trace subnet portinfo listen connect scan udp-send udp-recv sockets sniff arping completions man help" -f -a "trace" -d 'The path to a host hop by hop, with loss and delay per hop (traceroute and mtr)'
complete -c nettool -n "__fish_nettool_using_subcommand help; and not __fish_seen_subcommand_from hostname resolve ifconfig ping trace subnet portinfo listen connect scan udp-send udp-recv sockets sniff arping completions man help" -f -a "subnet" -d 'Subnet arithmetic: netmask, network, broadcast, hosts, class, same-network test'
complete -c nettool -n "__fish_nettool_using_subcommand help; and not __fish_seen_subcommand_from hostname resolve ifconfig ping trace subnet portinfo listen connect scan udp-send udp-recv sockets sniff arping completions man help" -f -a "portinfo" -d 'What a port is for (getservbyname), its range, and what is bound to it'
complete -c nettool -n "__fish_nettool_using_subcommand help; and not __fish_seen_subcommand_from hostname resolve ifconfig ping trace subnet portinfo listen connect scan udp-send udp-recv sockets sniff arping completions man help" -f -a "listen" -d 'Wait for TCP connections: chat, pipe (like nc -l), many clients, a room, echo'
complete -c nettool -n "__fish_nettool_using_subcommand help; and not __fish_seen_subcommand_from hostname resolve ifconfig ping trace subnet portinfo listen connect scan udp-send udp-recv sockets sniff arping completions man help" -f -a "connect" -d 'Open a TCP connection: chat or pipe (like nc), or -z to test whether a port is open'
complete -c nettool -n "__fish_nettool_using_subcommand help; and not __fish_seen_subcommand_from hostname resolve ifconfig ping trace subnet portinfo listen connect scan udp-send udp-recv sockets sniff arping completions man help" -f -a "scan" -d 'Which ports are open on which hosts: TCP connect, TCP SYN or UDP, with the evidence'
complete -c nettool -n "__fish_nettool_using_subcommand help; and not __fish_seen_subcommand_from hostname resolve ifconfig ping trace subnet portinfo listen connect scan udp-send udp-recv sockets sniff arping completions man help" -f -a "udp-send" -d 'Send UDP datagrams: a message, stdin lines or a file; repeated, stamped, with replies'
complete -c nettool -n "__fish_nettool_using_subcommand help; and not __fish_seen_subcommand_from hostname resolve ifconfig ping trace subnet portinfo listen connect scan udp-send udp-recv sockets sniff arping completions man help" -f -a "udp-recv" -d 'Receive UDP datagrams: print, reply, echo, join multicast, count a stamped stream'
complete -c nettool -n "__fish_nettool_using_subcommand help; and not __fish_seen_subcommand_from hostname resolve ifconfig ping trace subnet portinfo listen connect scan udp-send udp-recv sockets sniff arping completions man help" -f -a "sockets" -d 'Every TCP and UDP socket by state, with queues, timers and owners, like ss -tuanp'
complete -c nettool -n "__fish_nettool_using_subcommand help; and not __fish_seen_subcommand_from hostname resolve ifconfig ping trace subnet portinfo listen connect scan udp-send udp-recv sockets sniff arping completions man help" -f -a "sniff" -d 'Capture and decode packets layer by layer, narrate TCP handshakes, read/write pcap'
complete -c nettool -n "__fish_nettool_using_subcommand help; and not __fish_seen_subcommand_from hostname resolve ifconfig ping trace subnet portinfo listen connect scan udp-send udp-recv sockets sniff arping completions man help" -f -a "arping" -d 'Send ARP requests and show who answers (duplicate detection, announcements)'
complete -c nettool -n "__fish_nettool_using_subcommand help; and not __fish_seen_subcommand_from hostname resolve ifconfig ping trace subnet portinfo listen connect scan udp-send udp-recv sockets sniff arping completions man help" -f -a "completions" -d 'Print shell completions (bash, zsh, fish, elvish, powershell)'
complete -c nettool -n "__fish_nettool_using_subcommand help; and not __fish_seen_subcommand_from hostname resolve ifconfig ping trace subnet portinfo listen connect scan udp-send udp-recv sockets sniff arping completions man help" -f -a "man" -d 'Print the man page, or write every page into a directory'
complete -c nettool -n "__fish_nettool_using_subcommand help; and not __fish_seen_subcommand_from hostname resolve ifconfig ping trace subnet portinfo listen connect scan udp-send udp-recv sockets sniff arping completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
