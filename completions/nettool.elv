
use builtin;
use str;

set edit:completion:arg-completer[nettool] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'nettool'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'nettool'= {
            cand --color 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set)'
            cand --json 'Print JSON: one document, or NDJSON (one object a line) for streams'
            cand -q 'Print less: results only, no progress lines'
            cand --quiet 'Print less: results only, no progress lines'
            cand -v 'Print more; what depends on the command (see its help). With --version: the commit, target, features and ICMP access'
            cand --verbose 'Print more; what depends on the command (see its help). With --version: the commit, target, features and ICMP access'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand hostname 'This host''s name, fully qualified name and addresses (gethostname, getaddrinfo)'
            cand resolve 'Resolve names and addresses: the system resolver, or any DNS server and record type'
            cand ifconfig 'Interfaces, addresses, MACs and vendors, counters, routes and neighbours'
            cand ping 'Send ICMP echo requests (or TCP handshakes) to one host like ping, or many like fping'
            cand subnet 'Subnet arithmetic: netmask, network, broadcast, hosts, class, same-network test'
            cand portinfo 'What a port is for (getservbyname), its range, and what is bound to it'
            cand listen 'Wait for TCP connections: chat, pipe (like nc -l), many clients, a room, echo'
            cand connect 'Open a TCP connection: chat or pipe (like nc), or -z to test whether a port is open'
            cand udp-send 'Send UDP datagrams: a message, stdin lines or a file; repeated, stamped, with replies'
            cand udp-recv 'Receive UDP datagrams: print, reply, echo, join multicast, count a stamped stream'
            cand completions 'Print shell completions (bash, zsh, fish, elvish, powershell)'
            cand man 'Print the man page, or write every page into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'nettool;hostname'= {
            cand --color 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set)'
            cand -I 'Every address of every up, non-loopback interface, without DNS (as hostname -I)'
            cand --all-addresses 'Every address of every up, non-loopback interface, without DNS (as hostname -I)'
            cand -v 'Print more (what each command adds is in its help)'
            cand --verbose 'Print more (what each command adds is in its help)'
            cand --json 'Print JSON: one document, or NDJSON (one object a line) for streams'
            cand -q 'Print less: results only, no progress lines'
            cand --quiet 'Print less: results only, no progress lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'nettool;resolve'= {
            cand -x 'Reverse lookup of an address (PTR in DNS mode, getnameinfo otherwise)'
            cand --reverse 'Reverse lookup of an address (PTR in DNS mode, getnameinfo otherwise)'
            cand --server 'The DNS server to ask: 127.0.0.1, 127.0.0.1:5353, ::1, [::1]:5353 (DNS mode)'
            cand --timeout 'How long to wait for an answer to one try (DNS mode; over UDP the query is sent again every 250 ms meanwhile)'
            cand --tries 'How many tries a query gets before it fails (DNS mode)'
            cand -f 'Read names from FILE, one a line (`-` for stdin; blank lines and # comments skipped)'
            cand --file 'Read names from FILE, one a line (`-` for stdin; blank lines and # comments skipped)'
            cand --concurrency 'How many lookups may be in flight at once'
            cand -t 'Record types to ask DNS for, comma-separated: A, AAAA, CNAME, MX, NS, TXT, SOA, SRV, PTR, CAA (DNS mode)'
            cand --type 'Record types to ask DNS for, comma-separated: A, AAAA, CNAME, MX, NS, TXT, SOA, SRV, PTR, CAA (DNS mode)'
            cand --color 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set)'
            cand --dns 'Ask DNS directly instead of the system resolver (the first server in /etc/resolv.conf unless one is named)'
            cand --tcp 'Query over TCP (DNS mode); over UDP a truncated answer is asked again over TCP anyway'
            cand --short 'Print only the data, one item a line (as dig +short)'
            cand -4 'Use IPv4 only'
            cand -6 'Use IPv6 only'
            cand -v 'Print more (what each command adds is in its help)'
            cand --verbose 'Print more (what each command adds is in its help)'
            cand --json 'Print JSON: one document, or NDJSON (one object a line) for streams'
            cand -q 'Print less: results only, no progress lines'
            cand --quiet 'Print less: results only, no progress lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'nettool;ifconfig'= {
            cand --table 'Show this routing table instead of main (local: this host''s own and broadcast addresses)'
            cand --route-to 'Show the route, interface, source address and gateway that reach ADDR'
            cand --color 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set)'
            cand -a 'Include interfaces that are down'
            cand --all 'Include interfaces that are down'
            cand -s 'One short line per interface: name, state, MAC, addresses (like `ip -br addr`)'
            cand --short 'One short line per interface: name, state, MAC, addresses (like `ip -br addr`)'
            cand --routes 'Show the routing table (IPv4 and IPv6), default routes marked'
            cand --neighbours 'Show the neighbour tables: ARP (IPv4) and NDP (IPv6)'
            cand --neighbors 'Show the neighbour tables: ARP (IPv4) and NDP (IPv6)'
            cand -4 'Use IPv4 only'
            cand -6 'Use IPv6 only'
            cand -v 'Print more (what each command adds is in its help)'
            cand --verbose 'Print more (what each command adds is in its help)'
            cand --json 'Print JSON: one document, or NDJSON (one object a line) for streams'
            cand -q 'Print less: results only, no progress lines'
            cand --quiet 'Print less: results only, no progress lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'nettool;ping'= {
            cand -g 'Ping a range: -g CIDR (network and broadcast left out) or -g START END'
            cand --generate 'Ping a range: -g CIDR (network and broadcast left out) or -g START END'
            cand -c 'Stop after COUNT probes per host (default: until Ctrl-C for one host, 1 for many)'
            cand --count 'Stop after COUNT probes per host (default: until Ctrl-C for one host, 1 for many)'
            cand -i 'Time between probes to a host (default 1s; below 2ms needs root)'
            cand --interval 'Time between probes to a host (default 1s; below 2ms needs root)'
            cand -W 'How long to wait for each reply (default 10s for one host, 1s for many or --tcp)'
            cand --wait 'How long to wait for each reply (default 10s for one host, 1s for many or --tcp)'
            cand -w 'Stop after this long, whatever was sent or received'
            cand --deadline 'Stop after this long, whatever was sent or received'
            cand -s 'Payload bytes per probe (default 56, as ping)'
            cand --size 'Payload bytes per probe (default 56, as ping)'
            cand -t 'IP time to live (IPv6 hop limit), 1-255'
            cand --ttl 'IP time to live (IPv6 hop limit), 1-255'
            cand --tcp 'Probe a TCP port instead of ICMP: a completed or refused handshake is a reply'
            cand -I 'Source address or interface name to send from'
            cand --interface 'Source address or interface name to send from'
            cand --color 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set)'
            cand -D 'Print a Unix timestamp before each line, as ping -D'
            cand --timestamps 'Print a Unix timestamp before each line, as ping -D'
            cand -O 'Report a probe still unanswered when the next one is sent'
            cand --outstanding 'Report a probe still unanswered when the next one is sent'
            cand -f 'Flood: send as fast as replies come back, or 100 a second (root only, as ping)'
            cand --flood 'Flood: send as fast as replies come back, or 100 a second (root only, as ping)'
            cand -n 'Numeric output: never look up names of addresses'
            cand --numeric 'Numeric output: never look up names of addresses'
            cand -a 'Many targets: print only the targets that replied'
            cand --alive 'Many targets: print only the targets that replied'
            cand -u 'Many targets: print only the targets that did not reply'
            cand --unreachable 'Many targets: print only the targets that did not reply'
            cand -4 'Use IPv4 only'
            cand -6 'Use IPv6 only'
            cand -v 'Print more: which ICMP socket was opened (raw or datagram), send errors, and replies ignored for a bad checksum'
            cand --verbose 'Print more: which ICMP socket was opened (raw or datagram), send errors, and replies ignored for a bad checksum'
            cand --json 'Print JSON: one document, or NDJSON (one object a line) for streams'
            cand -q 'Print less: results only, no progress lines'
            cand --quiet 'Print less: results only, no progress lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'nettool;subnet'= {
            cand --split 'Split the network: into subnets of a prefix (/26), or into N equal subnets (4)'
            cand --color 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set)'
            cand -b 'Show address, mask and network in binary, laid out as address AND mask = network'
            cand --binary 'Show address, mask and network in binary, laid out as address AND mask = network'
            cand -v 'Print more (what each command adds is in its help)'
            cand --verbose 'Print more (what each command adds is in its help)'
            cand --json 'Print JSON: one document, or NDJSON (one object a line) for streams'
            cand -q 'Print less: results only, no progress lines'
            cand --quiet 'Print less: results only, no progress lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'nettool;portinfo'= {
            cand --services-file 'Read this services file instead of /etc/services'
            cand --color 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set)'
            cand --tcp 'Only TCP entries'
            cand --udp 'Only UDP entries'
            cand --list 'List every known service as a table'
            cand --check 'Show what is bound to the port on this host (TCP and UDP, v4 and v6, with the owning process) and whether it is free to bind'
            cand --listening 'Show what is bound to the port on this host (TCP and UDP, v4 and v6, with the owning process) and whether it is free to bind'
            cand -v 'Print more: say when the services file could not be read'
            cand --verbose 'Print more: say when the services file could not be read'
            cand --json 'Print JSON: one document, or NDJSON (one object a line) for streams'
            cand -q 'Print less: results only, no progress lines'
            cand --quiet 'Print less: results only, no progress lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'nettool;listen'= {
            cand --max-clients 'Serve at most this many clients at once; more are refused and logged'
            cand --allow 'Serve only peers in this network (repeatable; 127.0.0.0/8, ::1/128)'
            cand --deny 'Refuse peers in this network (repeatable; wins over --allow)'
            cand --nick 'Room: this terminal''s nickname'
            cand --room-queue 'Room: drop a member when more than this many bytes wait to be sent to it'
            cand --quit-word 'Chat: a line that ends the session when typed alone (repeatable; besides /quit)'
            cand --max-line 'Chat and room: the longest line kept; longer lines are cut with a notice'
            cand --color 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set)'
            cand -k 'After a client leaves, wait for the next one'
            cand --keep-open 'After a client leaves, wait for the next one'
            cand --concurrent 'Serve every client at once (their data goes to stdout, stdin goes to all of them)'
            cand --room 'A chat room: every client''s line goes to every other client, and this terminal joins'
            cand --echo 'An echo service: every client gets back what it sends'
            cand -4 'Use IPv4 only'
            cand -6 'Use IPv6 only'
            cand --pipe 'Pipe mode: a byte-exact stream both ways (the default when stdin is not a terminal)'
            cand --chat 'Chat mode: lines, labelled and escaped (the default when stdin is a terminal)'
            cand --send-only 'Only send; ignore what the peer sends'
            cand --recv-only 'Only receive; do not read stdin'
            cand -D 'Chat: show the time (UTC) before each received line'
            cand --timestamps 'Chat: show the time (UTC) before each received line'
            cand -v 'Print more (what each command adds is in its help)'
            cand --verbose 'Print more (what each command adds is in its help)'
            cand --json 'Print JSON: one document, or NDJSON (one object a line) for streams'
            cand -q 'Print less: results only, no progress lines'
            cand --quiet 'Print less: results only, no progress lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'nettool;connect'= {
            cand -w 'Give up connecting after this long (250ms, 2s, 1m; a bare number is seconds)'
            cand --wait 'Give up connecting after this long (250ms, 2s, 1m; a bare number is seconds)'
            cand -s 'Connect from this local address'
            cand --source 'Connect from this local address'
            cand -p 'Connect from this local port'
            cand --source-port 'Connect from this local port'
            cand --quit-word 'Chat: a line that ends the session when typed alone (repeatable; besides /quit)'
            cand --max-line 'Chat and room: the longest line kept; longer lines are cut with a notice'
            cand --color 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set)'
            cand -z 'Only test whether the port accepts a connection (exit 0 open, 1 refused or timed out)'
            cand --zero 'Only test whether the port accepts a connection (exit 0 open, 1 refused or timed out)'
            cand -4 'Use IPv4 only'
            cand -6 'Use IPv6 only'
            cand --pipe 'Pipe mode: a byte-exact stream both ways (the default when stdin is not a terminal)'
            cand --chat 'Chat mode: lines, labelled and escaped (the default when stdin is a terminal)'
            cand --send-only 'Only send; ignore what the peer sends'
            cand --recv-only 'Only receive; do not read stdin'
            cand -D 'Chat: show the time (UTC) before each received line'
            cand --timestamps 'Chat: show the time (UTC) before each received line'
            cand -v 'Print more: in pipe mode, the bytes moved each way at the end'
            cand --verbose 'Print more: in pipe mode, the bytes moved each way at the end'
            cand --json 'Print JSON: one document, or NDJSON (one object a line) for streams'
            cand -q 'Print less: results only, no progress lines'
            cand --quiet 'Print less: results only, no progress lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'nettool;udp-send'= {
            cand --file 'Send this file''s contents as one datagram'
            cand -c 'Send the message N times'
            cand --count 'Send the message N times'
            cand -i 'Wait this long between datagrams (250ms, 2s; default: none)'
            cand --interval 'Wait this long between datagrams (250ms, 2s; default: none)'
            cand --rate 'Send at this many datagrams per second'
            cand -s 'With --seq, pad each datagram to this many bytes (at least the 20-byte stamp)'
            cand --size 'With --seq, pad each datagram to this many bytes (at least the 20-byte stamp)'
            cand -t 'Time to live (hop limit) for unicast and multicast datagrams'
            cand --ttl 'Time to live (hop limit) for unicast and multicast datagrams'
            cand --wait 'Wait this long for a reply after each datagram and print it (default 1s)'
            cand --color 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set)'
            cand --seq 'Stamp each datagram with a sequence number and send time, for `udp-recv --stats`'
            cand --broadcast 'Allow sending to a broadcast address (SO_BROADCAST)'
            cand -4 'Use IPv4 only'
            cand -6 'Use IPv6 only'
            cand -v 'Print more: one record per datagram sent'
            cand --verbose 'Print more: one record per datagram sent'
            cand --json 'Print JSON: one document, or NDJSON (one object a line) for streams'
            cand -q 'Print less: results only, no progress lines'
            cand --quiet 'Print less: results only, no progress lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'nettool;udp-recv'= {
            cand -c 'Stop after N datagrams'
            cand --count 'Stop after N datagrams'
            cand --idle 'Stop after this long without a datagram (250ms, 2s, 1m)'
            cand --reply 'Answer each datagram with this text'
            cand --join 'Join this multicast group'
            cand --iface 'The interface to join the group on (default: the kernel''s choice)'
            cand --color 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set)'
            cand --echo 'Send each datagram back to its sender'
            cand --broadcast 'Receive broadcast datagrams (SO_BROADCAST, SO_REUSEADDR, bound to every address)'
            cand --hex 'Show every payload as a hex dump (automatic for data that is not text)'
            cand --stats 'Count a stream stamped by `udp-send --seq`: received, lost, duplicated, reordered and jitter, printed at the end and on Ctrl-C (each datagram only with -v)'
            cand -4 'Use IPv4 only'
            cand -6 'Use IPv6 only'
            cand -v 'Print more: with --stats, every datagram too'
            cand --verbose 'Print more: with --stats, every datagram too'
            cand --json 'Print JSON: one document, or NDJSON (one object a line) for streams'
            cand -q 'Print less: results only, no progress lines'
            cand --quiet 'Print less: results only, no progress lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'nettool;completions'= {
            cand --color 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set)'
            cand -v 'Print more (what each command adds is in its help)'
            cand --verbose 'Print more (what each command adds is in its help)'
            cand --json 'Print JSON: one document, or NDJSON (one object a line) for streams'
            cand -q 'Print less: results only, no progress lines'
            cand --quiet 'Print less: results only, no progress lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'nettool;man'= {
            cand --dir 'Write nettool.1 and one nettool-<command>.1 per subcommand into this directory'
            cand --color 'Colour: auto, always or never (auto: on a terminal, unless NO_COLOR is set)'
            cand --mkdir 'With --dir: create the directory (and its parents) when it does not exist'
            cand -v 'Print more (what each command adds is in its help)'
            cand --verbose 'Print more (what each command adds is in its help)'
            cand --json 'Print JSON: one document, or NDJSON (one object a line) for streams'
            cand -q 'Print less: results only, no progress lines'
            cand --quiet 'Print less: results only, no progress lines'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'nettool;help'= {
            cand hostname 'This host''s name, fully qualified name and addresses (gethostname, getaddrinfo)'
            cand resolve 'Resolve names and addresses: the system resolver, or any DNS server and record type'
            cand ifconfig 'Interfaces, addresses, MACs and vendors, counters, routes and neighbours'
            cand ping 'Send ICMP echo requests (or TCP handshakes) to one host like ping, or many like fping'
            cand subnet 'Subnet arithmetic: netmask, network, broadcast, hosts, class, same-network test'
            cand portinfo 'What a port is for (getservbyname), its range, and what is bound to it'
            cand listen 'Wait for TCP connections: chat, pipe (like nc -l), many clients, a room, echo'
            cand connect 'Open a TCP connection: chat or pipe (like nc), or -z to test whether a port is open'
            cand udp-send 'Send UDP datagrams: a message, stdin lines or a file; repeated, stamped, with replies'
            cand udp-recv 'Receive UDP datagrams: print, reply, echo, join multicast, count a stamped stream'
            cand completions 'Print shell completions (bash, zsh, fish, elvish, powershell)'
            cand man 'Print the man page, or write every page into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'nettool;help;hostname'= {
        }
        &'nettool;help;resolve'= {
        }
        &'nettool;help;ifconfig'= {
        }
        &'nettool;help;ping'= {
        }
        &'nettool;help;subnet'= {
        }
        &'nettool;help;portinfo'= {
        }
        &'nettool;help;listen'= {
        }
        &'nettool;help;connect'= {
        }
        &'nettool;help;udp-send'= {
        }
        &'nettool;help;udp-recv'= {
        }
        &'nettool;help;completions'= {
        }
        &'nettool;help;man'= {
        }
        &'nettool;help;help'= {
        }
    ]
    $completions[$command]
}
