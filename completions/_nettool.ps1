
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'nettool' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'nettool'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'nettool' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: which socket, server or method was used (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: which socket, server or method was used (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('hostname', 'hostname', [CompletionResultType]::ParameterValue, 'This host''s name, fully qualified name and addresses (gethostname, getaddrinfo)')
            [CompletionResult]::new('subnet', 'subnet', [CompletionResultType]::ParameterValue, 'Subnet arithmetic: netmask, network, broadcast, hosts, class, same-network test, split')
            [CompletionResult]::new('portinfo', 'portinfo', [CompletionResultType]::ParameterValue, 'What a port is for (getservbyname), its range, and what is bound to it')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Wait for TCP connections: chat, pipe (like nc -l), several clients, a room, an echo service')
            [CompletionResult]::new('connect', 'connect', [CompletionResultType]::ParameterValue, 'Open a TCP connection: chat or pipe (like nc), or -z to test whether a port is open')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions (bash, zsh, fish, elvish, powershell)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page, or write every page into a directory')
            break
        }
        'nettool;hostname' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Every address of every up, non-loopback interface, without DNS (as hostname -I)')
            [CompletionResult]::new('--all-addresses', '--all-addresses', [CompletionResultType]::ParameterName, 'Every address of every up, non-loopback interface, without DNS (as hostname -I)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: which socket, server or method was used (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: which socket, server or method was used (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;subnet' {
            [CompletionResult]::new('--split', '--split', [CompletionResultType]::ParameterName, 'Split the network: into subnets of a prefix (/26), or into N equal subnets (4)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Show address, mask and network in binary, laid out as address AND mask = network')
            [CompletionResult]::new('--binary', '--binary', [CompletionResultType]::ParameterName, 'Show address, mask and network in binary, laid out as address AND mask = network')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: which socket, server or method was used (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: which socket, server or method was used (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;portinfo' {
            [CompletionResult]::new('--services-file', '--services-file', [CompletionResultType]::ParameterName, 'Read this services file instead of /etc/services')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'Only TCP entries')
            [CompletionResult]::new('--udp', '--udp', [CompletionResultType]::ParameterName, 'Only UDP entries')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'List every known service as a table')
            [CompletionResult]::new('--check', '--check', [CompletionResultType]::ParameterName, 'Show what is bound to the port on this host (TCP and UDP, v4 and v6, with the owning process) and whether it is free to bind')
            [CompletionResult]::new('--listening', '--listening', [CompletionResultType]::ParameterName, 'Show what is bound to the port on this host (TCP and UDP, v4 and v6, with the owning process) and whether it is free to bind')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: which socket, server or method was used (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: which socket, server or method was used (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;listen' {
            [CompletionResult]::new('--max-clients', '--max-clients', [CompletionResultType]::ParameterName, 'Serve at most this many clients at once; more are refused and logged')
            [CompletionResult]::new('--allow', '--allow', [CompletionResultType]::ParameterName, 'Serve only peers in this network (repeatable; 127.0.0.0/8, ::1/128)')
            [CompletionResult]::new('--deny', '--deny', [CompletionResultType]::ParameterName, 'Refuse peers in this network (repeatable; wins over --allow)')
            [CompletionResult]::new('--nick', '--nick', [CompletionResultType]::ParameterName, 'Room: this terminal''s nickname')
            [CompletionResult]::new('--room-queue', '--room-queue', [CompletionResultType]::ParameterName, 'Room: drop a member when more than this many bytes wait to be sent to it')
            [CompletionResult]::new('--quit-word', '--quit-word', [CompletionResultType]::ParameterName, 'Chat: a line that ends the session when typed alone (repeatable; besides /quit)')
            [CompletionResult]::new('--max-line', '--max-line', [CompletionResultType]::ParameterName, 'Chat and room: the longest line kept; longer lines are cut with a notice')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'After a client leaves, wait for the next one')
            [CompletionResult]::new('--keep-open', '--keep-open', [CompletionResultType]::ParameterName, 'After a client leaves, wait for the next one')
            [CompletionResult]::new('--concurrent', '--concurrent', [CompletionResultType]::ParameterName, 'Serve every client at once (their data goes to stdout, stdin goes to all of them)')
            [CompletionResult]::new('--room', '--room', [CompletionResultType]::ParameterName, 'A chat room: every client''s line goes to every other client, and this terminal joins')
            [CompletionResult]::new('--echo', '--echo', [CompletionResultType]::ParameterName, 'An echo service: every client gets back what it sends')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 only')
            [CompletionResult]::new('--pipe', '--pipe', [CompletionResultType]::ParameterName, 'Pipe mode: a byte-exact stream both ways (the default when stdin is not a terminal)')
            [CompletionResult]::new('--chat', '--chat', [CompletionResultType]::ParameterName, 'Chat mode: lines, labelled and escaped (the default when stdin is a terminal)')
            [CompletionResult]::new('--send-only', '--send-only', [CompletionResultType]::ParameterName, 'Only send; ignore what the peer sends')
            [CompletionResult]::new('--recv-only', '--recv-only', [CompletionResultType]::ParameterName, 'Only receive; do not read stdin')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Chat: show the time (UTC) before each received line')
            [CompletionResult]::new('--timestamps', '--timestamps', [CompletionResultType]::ParameterName, 'Chat: show the time (UTC) before each received line')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: which socket, server or method was used (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: which socket, server or method was used (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;connect' {
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Give up connecting after this long (250ms, 2s, 1m; a bare number is seconds)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Give up connecting after this long (250ms, 2s, 1m; a bare number is seconds)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Connect from this local address')
            [CompletionResult]::new('--source', '--source', [CompletionResultType]::ParameterName, 'Connect from this local address')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Connect from this local port')
            [CompletionResult]::new('--source-port', '--source-port', [CompletionResultType]::ParameterName, 'Connect from this local port')
            [CompletionResult]::new('--quit-word', '--quit-word', [CompletionResultType]::ParameterName, 'Chat: a line that ends the session when typed alone (repeatable; besides /quit)')
            [CompletionResult]::new('--max-line', '--max-line', [CompletionResultType]::ParameterName, 'Chat and room: the longest line kept; longer lines are cut with a notice')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)')
            [CompletionResult]::new('-z', '-z', [CompletionResultType]::ParameterName, 'Only test whether the port accepts a connection (exit 0 open, 1 refused or timed out)')
            [CompletionResult]::new('--zero', '--zero', [CompletionResultType]::ParameterName, 'Only test whether the port accepts a connection (exit 0 open, 1 refused or timed out)')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 only')
            [CompletionResult]::new('--pipe', '--pipe', [CompletionResultType]::ParameterName, 'Pipe mode: a byte-exact stream both ways (the default when stdin is not a terminal)')
            [CompletionResult]::new('--chat', '--chat', [CompletionResultType]::ParameterName, 'Chat mode: lines, labelled and escaped (the default when stdin is a terminal)')
            [CompletionResult]::new('--send-only', '--send-only', [CompletionResultType]::ParameterName, 'Only send; ignore what the peer sends')
            [CompletionResult]::new('--recv-only', '--recv-only', [CompletionResultType]::ParameterName, 'Only receive; do not read stdin')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Chat: show the time (UTC) before each received line')
            [CompletionResult]::new('--timestamps', '--timestamps', [CompletionResultType]::ParameterName, 'Chat: show the time (UTC) before each received line')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: which socket, server or method was used (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: which socket, server or method was used (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: which socket, server or method was used (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: which socket, server or method was used (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'nettool;man' {
            [CompletionResult]::new('--dir', '--dir', [CompletionResultType]::ParameterName, 'Write nettool.1 and one nettool-<command>.1 per subcommand into this directory')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON: one document, or NDJSON (one object a line) for streams')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print less: results only, no progress lines')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print more: which socket, server or method was used (repeat for more)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print more: which socket, server or method was used (repeat for more)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
