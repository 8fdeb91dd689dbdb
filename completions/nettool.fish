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
complete -c nettool -n "__fish_nettool_needs_command" -f -a "ifconfig" -d 'Interfaces, addresses, MACs and vendors, counters, routes and neighbours'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "completions" -d 'Print shell completions (bash, zsh, fish, elvish, powershell)'
complete -c nettool -n "__fish_nettool_needs_command" -f -a "man" -d 'Print the man page, or write every page into a directory'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -l route-to -d 'Show the route, interface, source address and gateway that reach ADDR' -r
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -l color -d 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)' -r -f -a "auto\t'Colour when stdout is a terminal and NO_COLOR is not set'
always\t'Always colour (not with --json)'
never\t'Never colour'"
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -s a -l all -d 'Include interfaces that are down'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -s s -l short -d 'One short line per interface: name, state, MAC, addresses (like `ip -br addr`)'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -l routes -d 'Show the routing table (IPv4 and IPv6), default routes marked'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -l neighbours -l neighbors -d 'Show the neighbour tables: ARP (IPv4) and NDP (IPv6)'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -s 4 -d 'Use IPv4 only'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -s 6 -d 'Use IPv6 only'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -l json -d 'Print JSON: one document, or NDJSON (one object a line) for streams'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -s q -l quiet -d 'Print less: results only, no progress lines'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -s v -l verbose -d 'Print more: which socket, server or method was used (repeat for more)'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c nettool -n "__fish_nettool_using_subcommand ifconfig" -s V -l version -d 'Print version'
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
