
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
            [CompletionResult]::new('ifconfig', 'ifconfig', [CompletionResultType]::ParameterValue, 'Interfaces, addresses, MACs and vendors, counters, routes and neighbours')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions (bash, zsh, fish, elvish, powershell)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page, or write every page into a directory')
            break
        }
        'nettool;ifconfig' {
            [CompletionResult]::new('--route-to', '--route-to', [CompletionResultType]::ParameterName, 'Show the route, interface, source address and gateway that reach ADDR')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)')
            [CompletionResult]::new('-a', '-a', [CompletionResultType]::ParameterName, 'Include interfaces that are down')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Include interfaces that are down')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'One short line per interface: name, state, MAC, addresses (like `ip -br addr`)')
            [CompletionResult]::new('--short', '--short', [CompletionResultType]::ParameterName, 'One short line per interface: name, state, MAC, addresses (like `ip -br addr`)')
            [CompletionResult]::new('--routes', '--routes', [CompletionResultType]::ParameterName, 'Show the routing table (IPv4 and IPv6), default routes marked')
            [CompletionResult]::new('--neighbours', '--neighbours', [CompletionResultType]::ParameterName, 'Show the neighbour tables: ARP (IPv4) and NDP (IPv6)')
            [CompletionResult]::new('--neighbors', '--neighbors', [CompletionResultType]::ParameterName, 'Show the neighbour tables: ARP (IPv4) and NDP (IPv6)')
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
