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

complete -c nettool -n "__fish_nettool_needs_command" -l color -d 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_needs_command" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_needs_command" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_needs_command" -s v -l verbose -d 'Print more: which socket, server or method was used (repeat for more)'
complete -c nettool -n "__fish_nettool_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_needs_command" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "completions" -d 'Print shell completions (bash, zsh, fish, elvish, powershell)'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "man" -d 'Print the man page, or write every page into a directory'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "resolve" -d 'Resolve names and addresses: the system resolver, or any DNS server and record type'
complete -c nettool -n "__fish_nettool_using_subcommand completions" -l color -d 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand completions" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand completions" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand completions" -s v -l verbose -d 'Print more: which socket, server or method was used (repeat for more)'
complete -c nettool -n "__fish_nettool_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand completions" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand man" -l dir -d 'Write nettool.1 and one nettool-<command>.1 per subcommand into this directory' -r -F
complete -c nettool -n "__fish_nettool_using_subcommand man" -l color -d 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand man" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand man" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand man" -s v -l verbose -d 'Print more: which socket, server or method was used (repeat for more)'
complete -c nettool -n "__fish_nettool_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand man" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -s t -l type -d 'Record types to ask DNS for, comma-separated: A, AAAA, CNAME, MX, NS, TXT, SOA, SRV, PTR, CAA (DNS mode)' -r
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -s x -l reverse -d 'Reverse lookup of an address (PTR in DNS mode, getnameinfo otherwise)' -r
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l server -d 'The DNS server to ask: 127.0.0.1, 127.0.0.1:5353, ::1, [::1]:5353 (DNS mode)' -r
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l timeout -d 'How long to wait for an answer to one try (DNS mode)' -r
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l tries -d 'How many tries a query gets before it fails (DNS mode)' -r
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -s f -l file -d 'Read names from FILE, one a line (`-` for stdin; blank lines and # comments skipped)' -r -F
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l concurrency -d 'How many lookups may be in flight at once' -r
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l color -d 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l dns -d 'Ask DNS directly instead of the system resolver (the first server in /etc/resolv.conf unless one is named)'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l tcp -d 'Query over TCP (DNS mode); over UDP a truncated answer is asked again over TCP anyway'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l short -d 'Print only the data, one item a line (as dig +short)'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -s 4 -d 'Use IPv4 only'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -s 6 -d 'Use IPv6 only'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -s v -l verbose -d 'Print more: which socket, server or method was used (repeat for more)'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand resolve" -s V -l version -d 'Print version'
