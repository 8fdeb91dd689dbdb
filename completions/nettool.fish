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
complete -c nettool -n "__fish_nettool_needs_command" -f -a "hostname" -d 'This host\'s name, fully qualified name and addresses (gethostname, getaddrinfo)'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "subnet" -d 'Subnet arithmetic: netmask, network, broadcast, hosts, class, same-network test, split'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "portinfo" -d 'What a port is for (getservbyname), its range, and what is bound to it'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "listen" -d 'Wait for TCP connections: chat, pipe (like nc -l), several clients, a room, an echo service'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "connect" -d 'Open a TCP connection: chat or pipe (like nc), or -z to test whether a port is open'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "completions" -d 'Print shell completions (bash, zsh, fish, elvish, powershell)'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "man" -d 'Print the man page, or write every page into a directory'
complete -c nettool -n "__fish_nettool_using_subcommand hostname" -l color -d 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand hostname" -s I -l all-addresses -d 'Every address of every up, non-loopback interface, without DNS (as hostname -I)'
complete -c nettool -n "__fish_nettool_using_subcommand hostname" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand hostname" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand hostname" -s v -l verbose -d 'Print more: which socket, server or method was used (repeat for more)'
complete -c nettool -n "__fish_nettool_using_subcommand hostname" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand hostname" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand subnet" -l split -d 'Split the network: into subnets of a prefix (/26), or into N equal subnets (4)' -r
complete -c nettool -n "__fish_nettool_using_subcommand subnet" -l color -d 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand subnet" -s b -l binary -d 'Show address, mask and network in binary, laid out as address AND mask = network'
complete -c nettool -n "__fish_nettool_using_subcommand subnet" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand subnet" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand subnet" -s v -l verbose -d 'Print more: which socket, server or method was used (repeat for more)'
complete -c nettool -n "__fish_nettool_using_subcommand subnet" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand subnet" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -l services-file -d 'Read this services file instead of /etc/services' -r -F
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -l color -d 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -l tcp -d 'Only TCP entries'
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -l udp -d 'Only UDP entries'
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -l list -d 'List every known service as a table'
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -l check -l listening -d 'Show what is bound to the port on this host (TCP and UDP, v4 and v6, with the owning process) and whether it is free to bind'
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -s v -l verbose -d 'Print more: which socket, server or method was used (repeat for more)'
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand portinfo" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l max-clients -d 'Serve at most this many clients at once; more are refused and logged' -r
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l allow -d 'Serve only peers in this network (repeatable; 127.0.0.0/8, ::1/128)' -r
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l deny -d 'Refuse peers in this network (repeatable; wins over --allow)' -r
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l nick -d 'Room: this terminal\'s nickname' -r
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l room-queue -d 'Room: drop a member when more than this many bytes wait to be sent to it' -r
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l quit-word -d 'Chat: a line that ends the session when typed alone (repeatable; besides /quit)' -r
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l max-line -d 'Chat and room: the longest line kept; longer lines are cut with a notice' -r
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l color -d 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
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
complete -c nettool -n "__fish_nettool_using_subcommand listen" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -s v -l verbose -d 'Print more: which socket, server or method was used (repeat for more)'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand listen" -s V -l version -d 'Print version'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s w -l wait -d 'Give up connecting after this long (250ms, 2s, 1m; a bare number is seconds)' -r
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s s -l source -d 'Connect from this local address' -r
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s p -l source-port -d 'Connect from this local port' -r
complete -c nettool -n "__fish_nettool_using_subcommand connect" -l quit-word -d 'Chat: a line that ends the session when typed alone (repeatable; besides /quit)' -r
complete -c nettool -n "__fish_nettool_using_subcommand connect" -l max-line -d 'Chat and room: the longest line kept; longer lines are cut with a notice' -r
complete -c nettool -n "__fish_nettool_using_subcommand connect" -l color -d 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s z -l zero -d 'Only test whether the port accepts a connection (exit 0 open, 1 refused or timed out)'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s 4 -d 'Use IPv4 only'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s 6 -d 'Use IPv6 only'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -l pipe -d 'Pipe mode: a byte-exact stream both ways (the default when stdin is not a terminal)'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -l chat -d 'Chat mode: lines, labelled and escaped (the default when stdin is a terminal)'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -l send-only -d 'Only send; ignore what the peer sends'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -l recv-only -d 'Only receive; do not read stdin'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s D -l timestamps -d 'Chat: show the time (UTC) before each received line'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s v -l verbose -d 'Print more: which socket, server or method was used (repeat for more)'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand connect" -s V -l version -d 'Print version'
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
