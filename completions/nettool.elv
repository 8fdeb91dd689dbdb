
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
