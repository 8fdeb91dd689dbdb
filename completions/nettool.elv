
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
            cand --color 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)'
            cand --json 'Print JSON: one document, or NDJSON (one object a line) for streams'
            cand -q 'Print less: results only, no progress lines'
            cand --quiet 'Print less: results only, no progress lines'
            cand -v 'Print more: which socket, server or method was used (repeat for more)'
            cand --verbose 'Print more: which socket, server or method was used (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand hostname 'This host''s name, fully qualified name and addresses (gethostname, getaddrinfo)'
            cand subnet 'Subnet arithmetic: netmask, network, broadcast, hosts, class, same-network test, split'
            cand portinfo 'What a port is for (getservbyname), its range, and what is bound to it'
            cand udp-send 'Send UDP datagrams: a message, stdin lines or a file; repeated, stamped, with replies'
            cand udp-recv 'Receive UDP datagrams: print, reply, echo, join multicast, count a stamped stream'
            cand completions 'Print shell completions (bash, zsh, fish, elvish, powershell)'
            cand man 'Print the man page, or write every page into a directory'
        }
        &'nettool;hostname'= {
            cand --color 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)'
            cand -I 'Every address of every up, non-loopback interface, without DNS (as hostname -I)'
            cand --all-addresses 'Every address of every up, non-loopback interface, without DNS (as hostname -I)'
            cand --json 'Print JSON: one document, or NDJSON (one object a line) for streams'
            cand -q 'Print less: results only, no progress lines'
            cand --quiet 'Print less: results only, no progress lines'
            cand -v 'Print more: which socket, server or method was used (repeat for more)'
            cand --verbose 'Print more: which socket, server or method was used (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'nettool;subnet'= {
            cand --split 'Split the network: into subnets of a prefix (/26), or into N equal subnets (4)'
            cand --color 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)'
            cand -b 'Show address, mask and network in binary, laid out as address AND mask = network'
            cand --binary 'Show address, mask and network in binary, laid out as address AND mask = network'
            cand --json 'Print JSON: one document, or NDJSON (one object a line) for streams'
            cand -q 'Print less: results only, no progress lines'
            cand --quiet 'Print less: results only, no progress lines'
            cand -v 'Print more: which socket, server or method was used (repeat for more)'
            cand --verbose 'Print more: which socket, server or method was used (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'nettool;portinfo'= {
            cand --services-file 'Read this services file instead of /etc/services'
            cand --color 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)'
            cand --tcp 'Only TCP entries'
            cand --udp 'Only UDP entries'
            cand --list 'List every known service as a table'
            cand --check 'Show what is bound to the port on this host (TCP and UDP, v4 and v6, with the owning process) and whether it is free to bind'
            cand --listening 'Show what is bound to the port on this host (TCP and UDP, v4 and v6, with the owning process) and whether it is free to bind'
            cand --json 'Print JSON: one document, or NDJSON (one object a line) for streams'
            cand -q 'Print less: results only, no progress lines'
            cand --quiet 'Print less: results only, no progress lines'
            cand -v 'Print more: which socket, server or method was used (repeat for more)'
            cand --verbose 'Print more: which socket, server or method was used (repeat for more)'
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
            cand --color 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)'
            cand --seq 'Stamp each datagram with a sequence number and send time, for `udp-recv --stats`'
            cand --broadcast 'Allow sending to a broadcast address (SO_BROADCAST)'
            cand -4 'Use IPv4 only'
            cand -6 'Use IPv6 only'
            cand --json 'Print JSON: one document, or NDJSON (one object a line) for streams'
            cand -q 'Print less: results only, no progress lines'
            cand --quiet 'Print less: results only, no progress lines'
            cand -v 'Print more: which socket, server or method was used (repeat for more)'
            cand --verbose 'Print more: which socket, server or method was used (repeat for more)'
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
            cand --color 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)'
            cand --echo 'Send each datagram back to its sender'
            cand --broadcast 'Receive broadcast datagrams (SO_BROADCAST, SO_REUSEADDR, bound to every address)'
            cand --hex 'Show every payload as a hex dump (automatic for data that is not text)'
            cand --stats 'Count a stream stamped by `udp-send --seq`: received, lost, duplicated, reordered and jitter, printed at the end and on Ctrl-C (each datagram only with -v)'
            cand -4 'Use IPv4 only'
            cand -6 'Use IPv6 only'
            cand --json 'Print JSON: one document, or NDJSON (one object a line) for streams'
            cand -q 'Print less: results only, no progress lines'
            cand --quiet 'Print less: results only, no progress lines'
            cand -v 'Print more: which socket, server or method was used (repeat for more)'
            cand --verbose 'Print more: which socket, server or method was used (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'nettool;completions'= {
            cand --color 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)'
            cand --json 'Print JSON: one document, or NDJSON (one object a line) for streams'
            cand -q 'Print less: results only, no progress lines'
            cand --quiet 'Print less: results only, no progress lines'
            cand -v 'Print more: which socket, server or method was used (repeat for more)'
            cand --verbose 'Print more: which socket, server or method was used (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'nettool;man'= {
            cand --dir 'Write nettool.1 and one nettool-<command>.1 per subcommand into this directory'
            cand --color 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)'
            cand --json 'Print JSON: one document, or NDJSON (one object a line) for streams'
            cand -q 'Print less: results only, no progress lines'
            cand --quiet 'Print less: results only, no progress lines'
            cand -v 'Print more: which socket, server or method was used (repeat for more)'
            cand --verbose 'Print more: which socket, server or method was used (repeat for more)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
    ]
    $completions[$command]
}
