
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
            [CompletionResult]::new('resolve', 'resolve', [CompletionResultType]::ParameterValue, 'Resolve names and addresses: the system resolver, or any DNS server and record type')
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
        'nettool;resolve' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Record types to ask DNS for, comma-separated: A, AAAA, CNAME, MX, NS, TXT, SOA, SRV, PTR, CAA (DNS mode)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Record types to ask DNS for, comma-separated: A, AAAA, CNAME, MX, NS, TXT, SOA, SRV, PTR, CAA (DNS mode)')
            [CompletionResult]::new('-x', '-x', [CompletionResultType]::ParameterName, 'Reverse lookup of an address (PTR in DNS mode, getnameinfo otherwise)')
            [CompletionResult]::new('--reverse', '--reverse', [CompletionResultType]::ParameterName, 'Reverse lookup of an address (PTR in DNS mode, getnameinfo otherwise)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The DNS server to ask: 127.0.0.1, 127.0.0.1:5353, ::1, [::1]:5353 (DNS mode)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long to wait for an answer to one try (DNS mode)')
            [CompletionResult]::new('--tries', '--tries', [CompletionResultType]::ParameterName, 'How many tries a query gets before it fails (DNS mode)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read names from FILE, one a line (`-` for stdin; blank lines and # comments skipped)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read names from FILE, one a line (`-` for stdin; blank lines and # comments skipped)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'How many lookups may be in flight at once')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output (NO_COLOR is respected; never with --json or into a pipe)')
            [CompletionResult]::new('--dns', '--dns', [CompletionResultType]::ParameterName, 'Ask DNS directly instead of the system resolver (the first server in /etc/resolv.conf unless one is named)')
            [CompletionResult]::new('--tcp', '--tcp', [CompletionResultType]::ParameterName, 'Query over TCP (DNS mode); over UDP a truncated answer is asked again over TCP anyway')
            [CompletionResult]::new('--short', '--short', [CompletionResultType]::ParameterName, 'Print only the data, one item a line (as dig +short)')
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
