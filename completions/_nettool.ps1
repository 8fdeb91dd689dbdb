
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
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions (bash, zsh, fish, elvish, powershell)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page, or write every page into a directory')
            [CompletionResult]::new('ping', 'ping', [CompletionResultType]::ParameterValue, 'Send ICMP echo requests (or TCP handshakes) to one host like ping, or many like fping')
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
        'nettool;ping' {
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Ping a range: -g CIDR (network and broadcast left out) or -g START END')
            [CompletionResult]::new('--generate', '--generate', [CompletionResultType]::ParameterName, 'Ping a range: -g CIDR (network and broadcast left out) or -g START END')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Stop after COUNT probes per host (default: until Ctrl-C for one host, 1 for many)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after COUNT probes per host (default: until Ctrl-C for one host, 1 for many)')
            [CompletionResult]::new('-i', '-i', [CompletionResultType]::ParameterName, 'Time between probes to a host (default 1s; below 2ms needs root)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between probes to a host (default 1s; below 2ms needs root)')
            [CompletionResult]::new('-W', '-W ', [CompletionResultType]::ParameterName, 'How long to wait for each reply (default 10s for one host, 1s for many or --tcp)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for each reply (default 10s for one host, 1s for many or --tcp)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Stop after this long, whatever was sent or received')
            [CompletionResult]::new('--deadline', '--deadline', [CompletionResultType]::ParameterName, 'Stop after this long, whatever was sent or received')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'Payload bytes per probe (default 56, as ping)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Payload bytes per probe (default 56, as ping)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'IP time to live (IPv6 hop limit), 1-255')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'IP time to live (IPv6 hop limit), 1-255')
            [CompletionResult]::new('-I', '-I ', [CompletionResultType]::ParameterName, 'Source address or interface name to send from')
            [CompletionResult]::new('--interface', '--interface', [CompletionResultType]::ParameterName, 'Source address or interface name to send from')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'Probe a TCP port instead of ICMP: a completed or refused handshake is a reply')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)')
            [CompletionResult]::new('-D', '-D ', [CompletionResultType]::ParameterName, 'Print a Unix timestamp before each line, as ping -D')
            [CompletionResult]::new('--timestamps', '--timestamps', [CompletionResultType]::ParameterName, 'Print a Unix timestamp before each line, as ping -D')
            [CompletionResult]::new('-O', '-O ', [CompletionResultType]::ParameterName, 'Report a probe still unanswered when the next one is sent')
            [CompletionResult]::new('--outstanding', '--outstanding', [CompletionResultType]::ParameterName, 'Report a probe still unanswered when the next one is sent')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Flood: send as fast as replies come back, or 100 a second (root only, as ping)')
            [CompletionResult]::new('--flood', '--flood', [CompletionResultType]::ParameterName, 'Flood: send as fast as replies come back, or 100 a second (root only, as ping)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Numeric output: never look up names of addresses')
            [CompletionResult]::new('--numeric', '--numeric', [CompletionResultType]::ParameterName, 'Numeric output: never look up names of addresses')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Many targets: print only the targets that replied')
            [CompletionResult]::new('--alive', '--alive', [CompletionResultType]::ParameterName, 'Many targets: print only the targets that replied')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'Many targets: print only the targets that did not reply')
            [CompletionResult]::new('--unreachable', '--unreachable', [CompletionResultType]::ParameterName, 'Many targets: print only the targets that did not reply')
            [CompletionResult]::new('-4', '-4', [CompletionResultType]::ParameterName, 'Use IPv4 only')
            [CompletionResult]::new('-6', '-6', [CompletionResultType]::ParameterName, 'Use IPv6 only')
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
