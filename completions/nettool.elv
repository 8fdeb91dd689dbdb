
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
            cand completions 'Print shell completions (bash, zsh, fish, elvish, powershell)'
            cand man 'Print the man page, or write every page into a directory'
            cand ping 'Send ICMP echo requests (or TCP handshakes) to one host like ping, or many like fping'
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
            cand -I 'Source address or interface name to send from'
            cand --interface 'Source address or interface name to send from'
            cand --tcp 'Probe a TCP port instead of ICMP: a completed or refused handshake is a reply'
            cand --color 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)'
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
