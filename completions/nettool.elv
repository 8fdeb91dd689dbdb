
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
            cand listen 'Wait for TCP connections: chat, pipe (like nc -l), several clients, a room, an echo service'
            cand connect 'Open a TCP connection: chat or pipe (like nc), or -z to test whether a port is open'
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
        &'nettool;listen'= {
            cand --max-clients 'Serve at most this many clients at once; more are refused and logged'
            cand --allow 'Serve only peers in this network (repeatable; 127.0.0.0/8, ::1/128)'
            cand --deny 'Refuse peers in this network (repeatable; wins over --allow)'
            cand --nick 'Room: this terminal''s nickname'
            cand --room-queue 'Room: drop a member when more than this many bytes wait to be sent to it'
            cand --quit-word 'Chat: a line that ends the session when typed alone (repeatable; besides /quit)'
            cand --max-line 'Chat and room: the longest line kept; longer lines are cut with a notice'
            cand --color 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)'
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
        &'nettool;connect'= {
            cand -w 'Give up connecting after this long (250ms, 2s, 1m; a bare number is seconds)'
            cand --wait 'Give up connecting after this long (250ms, 2s, 1m; a bare number is seconds)'
            cand -s 'Connect from this local address'
            cand --source 'Connect from this local address'
            cand -p 'Connect from this local port'
            cand --source-port 'Connect from this local port'
            cand --quit-word 'Chat: a line that ends the session when typed alone (repeatable; besides /quit)'
            cand --max-line 'Chat and room: the longest line kept; longer lines are cut with a notice'
            cand --color 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)'
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
