
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
            cand ifconfig 'Interfaces, addresses, MACs and vendors, counters, routes and neighbours'
            cand completions 'Print shell completions (bash, zsh, fish, elvish, powershell)'
            cand man 'Print the man page, or write every page into a directory'
        }
        &'nettool;ifconfig'= {
            cand --route-to 'Show the route, interface, source address and gateway that reach ADDR'
            cand --color 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)'
            cand -a 'Include interfaces that are down'
            cand --all 'Include interfaces that are down'
            cand -s 'One short line per interface: name, state, MAC, addresses (like `ip -br addr`)'
            cand --short 'One short line per interface: name, state, MAC, addresses (like `ip -br addr`)'
            cand --routes 'Show the routing table (IPv4 and IPv6), default routes marked'
            cand --neighbours 'Show the neighbour tables: ARP (IPv4) and NDP (IPv6)'
            cand --neighbors 'Show the neighbour tables: ARP (IPv4) and NDP (IPv6)'
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
