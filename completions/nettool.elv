
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
            cand resolve 'Resolve names and addresses: the system resolver, or any DNS server and record type'
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
        &'nettool;resolve'= {
            cand -t 'Record types to ask DNS for, comma-separated: A, AAAA, CNAME, MX, NS, TXT, SOA, SRV, PTR, CAA (DNS mode)'
            cand --type 'Record types to ask DNS for, comma-separated: A, AAAA, CNAME, MX, NS, TXT, SOA, SRV, PTR, CAA (DNS mode)'
            cand -x 'Reverse lookup of an address (PTR in DNS mode, getnameinfo otherwise)'
            cand --reverse 'Reverse lookup of an address (PTR in DNS mode, getnameinfo otherwise)'
            cand --server 'The DNS server to ask: 127.0.0.1, 127.0.0.1:5353, ::1, [::1]:5353 (DNS mode)'
            cand --timeout 'How long to wait for an answer to one try (DNS mode)'
            cand --tries 'How many tries a query gets before it fails (DNS mode)'
            cand -f 'Read names from FILE, one a line (`-` for stdin; blank lines and # comments skipped)'
            cand --file 'Read names from FILE, one a line (`-` for stdin; blank lines and # comments skipped)'
            cand --concurrency 'How many lookups may be in flight at once'
            cand --color 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)'
            cand --dns 'Ask DNS directly instead of the system resolver (the first server in /etc/resolv.conf unless one is named)'
            cand --tcp 'Query over TCP (DNS mode); over UDP a truncated answer is asked again over TCP anyway'
            cand --short 'Print only the data, one item a line (as dig +short)'
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
