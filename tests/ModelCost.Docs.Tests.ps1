#Requires -Version 7.4
# Pester 5 tests that every command the documentation shows runs as written (issue 16 item 3, issue 10 item 4):
#   * each ```powershell block of README.md, docs/*.md and examples/README.md, in order, one fresh runspace per file
#     (so a block may use the variables an earlier block of the same file set, as a reader's session would);
#   * each Get-Help example of every cmdlet, each in its own fresh runspace, and the examples of about_ModelCost.PS
#     (its lines indented by 8 spaces), in order in one runspace;
#   * the example scripts whose output examples/README.md shows as "compared": what they print now must be that text.
# Commands run in a scratch folder that looks like the repository root: every top-level entry of the repository is
# linked into it (./out/ModelCost.PS, ./examples/specs/... resolve), and the files the commands write land in the
# scratch folder. Output goes through Out-String, so format views are exercised too. A block or example fails on a
# terminating error or on any error record.
#
# Marking convention (docs/README's "Documentation that runs" note says the same):
#   * ```powershell (or ```pwsh) blocks run. Put <!-- doc-test: skip REASON --> on the line before one that must not
#     run; the test reports it as skipped with REASON.
#   * ```sh / ```bash blocks are commands for the shell, not PowerShell: each one must carry the skip marker with the
#     reason it is not run here (the test fails for an unmarked one), so none is left out silently.
#   * text, yaml, python and unlabelled blocks are listings, not commands, and are not run.
#   * A block or help example that names Fashion-MNIST (FashionMNIST, fashion-mnist) needs the dataset: it runs when
#     Fashion-MNIST is installed (/usr/share/datasets/fashion-mnist or $env:MODELCOST_DATA) and is skipped with that
#     reason otherwise.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'ModelCost.TestHelpers.ps1')
    $root = Split-Path -Parent $PSScriptRoot

    # Fenced code blocks of one markdown file: language, first line number, code, and the skip reason of a
    # <!-- doc-test: skip REASON --> marker on the nearest non-blank line above the fence.
    function Get-MarkdownCodeBlock([string] $Path) {
        $lines = [System.IO.File]::ReadAllLines($Path)
        $blocks = [System.Collections.Generic.List[hashtable]]::new()
        for ($i = 0; $i -lt $lines.Length; $i++) {
            if ($lines[$i] -notmatch '^\s*```\s*([\w+-]*)\s*$') { continue }
            $language = $Matches[1].ToLowerInvariant()
            $start = $i
            $code = [System.Collections.Generic.List[string]]::new()
            for ($i++; $i -lt $lines.Length -and $lines[$i] -notmatch '^\s*```\s*$'; $i++) { $code.Add($lines[$i]) }
            $skip = $null
            for ($j = $start - 1; $j -ge 0; $j--) {
                if ($lines[$j].Trim() -eq '') { continue }
                if ($lines[$j] -match '<!--\s*doc-test:\s*skip\s+(.+?)\s*-->') { $skip = $Matches[1] }
                break
            }
            $blocks.Add(@{ Language = $language; Line = $start + 1; Code = ($code -join "`n"); Skip = $skip })
        }
        $blocks
    }

    $markdownFiles = @(
        Get-Item -LiteralPath (Join-Path $root 'README.md')
        Get-ChildItem -LiteralPath (Join-Path $root 'docs') -Filter *.md | Sort-Object Name
        Get-Item -LiteralPath (Join-Path $root 'examples/README.md')
    )
    $DocFiles = foreach ($file in $markdownFiles) {
        $relative = [System.IO.Path]::GetRelativePath($root, $file.FullName).Replace('\', '/')
        $blocks = @(Get-MarkdownCodeBlock $file.FullName | ForEach-Object { $_.File = $relative; $_ })
        @{
            File = $relative
            PowerShellBlocks = @($blocks | Where-Object { $_.Language -in 'powershell', 'pwsh' })
            ShellBlocks = @($blocks | Where-Object { $_.Language -in 'sh', 'bash', 'shell' })
        }
    }

    # examples/README.md's expected output: '### `dotnet pwsh -NoProfile -File ./examples/X.ps1 args`', a marker, a text block.
    $readmeText = [System.IO.File]::ReadAllText((Join-Path $root 'examples/README.md')).Replace("`r`n", "`n")
    $ExpectedOutputs = foreach ($m in [regex]::Matches($readmeText,
            '### `dotnet pwsh -NoProfile -File \./examples/(?<script>[\w.]+\.ps1)(?<args>[^`]*)`\n\n<!-- expected-output: (?<kind>compared|from one run) -->\n```text\n(?<text>.*?)\n```', 'Singleline')) {
        @{
            Script = $m.Groups['script'].Value; Arguments = @(-split $m.Groups['args'].Value | Where-Object { $_ })
            Compared = $m.Groups['kind'].Value -eq 'compared'; Text = $m.Groups['text'].Value
        }
    }
    $ComparedOutputs = @($ExpectedOutputs | Where-Object Compared)

    # about_ModelCost.PS: its examples are runs of lines indented by 8 spaces or more (prose has 4) after a blank line;
    # lines so indented right under a prose line (no blank line between) are a listing, such as the conventions table.
    $aboutPath = Join-Path $root 'module/en-US/about_ModelCost.PS.help.txt'
    $aboutLines = [System.IO.File]::ReadAllLines($aboutPath)
    $aboutBlocks = [System.Collections.Generic.List[hashtable]]::new()
    $current = $null
    $listing = $false
    for ($i = 0; $i -lt $aboutLines.Length; $i++) {
        $line = $aboutLines[$i]
        if ($line -match '^ {8}' -and -not $current -and ($listing -or ($i -gt 0 -and $aboutLines[$i - 1].Trim() -ne ''))) {
            $listing = $true
            continue
        }
        $listing = $false
        if ($line -match '^ {8}') {
            if (-not $current) { $current = @{ Language = 'powershell'; Line = $i + 1; Lines = [System.Collections.Generic.List[string]]::new(); Skip = $null } }
            $current.Lines.Add($line.Substring(8))
        } elseif ($line.Trim() -eq '' -and $current) {
            $current.Lines.Add('')
        } elseif ($current) {
            $current.Code = ($current.Lines -join "`n").TrimEnd(); $current.Remove('Lines'); $aboutBlocks.Add($current); $current = $null
        }
    }
    $DocFiles = @($DocFiles) + @{ File = 'module/en-US/about_ModelCost.PS.help.txt'; PowerShellBlocks = @($aboutBlocks); ShellBlocks = @() }

    Import-ModelCostTestModule
    $HelpCommands = foreach ($name in (Get-Module -Name ModelCost.PS).ExportedCmdlets.Keys | Sort-Object) {
        $index = 0
        $examples = foreach ($example in @((Get-Help -Name $name -Full).Examples.Example)) {
            $index++
            @{ Command = $name; Index = $index; Code = "$($example.Code)".Trim() }
        }
        @{ Command = $name; Examples = @($examples) }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModelCost.TestHelpers.ps1')
    $Root = Split-Path -Parent $PSScriptRoot
    $FashionMnist = Get-FashionMnistPath

    # A folder that looks like the repository root: each top-level entry (but .git) linked, nothing else.
    function New-ScratchRoot([string] $Name) {
        $folder = Join-Path $TestDrive $Name
        $null = New-Item -ItemType Directory -Path $folder
        foreach ($entry in Get-ChildItem -LiteralPath $Root -Force | Where-Object Name -ne '.git') {
            $null = New-Item -ItemType SymbolicLink -Path (Join-Path $folder $entry.Name) -Target $entry.FullName
        }
        $folder
    }

    # A fresh runspace at $Folder with the built module imported from there (./out/ModelCost.PS, the README's own
    # Import-Module path, so that line finds the module already loaded).
    function New-DocRunspace([string] $Folder) {
        $runspace = [runspacefactory]::CreateRunspace([System.Management.Automation.Runspaces.InitialSessionState]::CreateDefault())
        $runspace.Open()
        $ps = [powershell]::Create()
        try {
            $ps.Runspace = $runspace
            $null = $ps.AddCommand('Set-Location').AddParameter('LiteralPath', $Folder).AddStatement().
                AddCommand('Import-Module').AddParameter('Name', './out/ModelCost.PS').AddParameter('ErrorAction', 'Stop').Invoke()
        } finally { $ps.Dispose() }
        $runspace
    }

    # Runs $Code as written, its output rendered by Out-String; throws with the code's own errors when it fails.
    function Invoke-DocCode($Runspace, [string] $Code, [string] $Where) {
        $ps = [powershell]::Create()
        try {
            $ps.Runspace = $Runspace
            $null = $ps.AddScript($Code).AddCommand('Out-String').AddParameter('Width', 120)
            $failure = $null
            $text = ''
            try { $text = -join $ps.Invoke() }
            catch { $failure = $_.Exception.InnerException ?? $_.Exception }
            $errors = @($ps.Streams.Error | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" })
            if ($failure) { $errors += "terminating: $($failure.GetType().Name): $($failure.Message)" }
            if ($errors.Count -gt 0) {
                throw "$Where did not run as written:`n$($errors -join "`n")`n--- its code:`n$Code`n--- its output:`n$text"
            }
            $text
        } finally { $ps.Dispose() }
    }

    function Test-NeedsFashionMnist([string] $Code) { $Code -match 'FashionMNIST|fashion-mnist' }
}

Describe 'Code blocks of <File>' -ForEach $DocFiles {
    BeforeAll {
        $scratch = New-ScratchRoot ('doc-' + ($File -replace '[^\w]', '_'))
        $runspace = New-DocRunspace $scratch
    }
    AfterAll { if ($runspace) { $runspace.Dispose() } }

    It 'runs the PowerShell at line <Line>' -ForEach $PowerShellBlocks {
        if ($Skip) { Set-ItResult -Skipped -Because $Skip; return }
        if ((Test-NeedsFashionMnist $Code) -and -not $FashionMnist) {
            Set-ItResult -Skipped -Because 'it trains or evaluates on Fashion-MNIST, which is not installed'; return
        }
        $null = Invoke-DocCode $runspace $Code "$File, the block at line $Line,"
    }

    It 'says why the shell block at line <Line> is not run' -ForEach $ShellBlocks {
        $Skip | Should -Not -BeNullOrEmpty -Because "$File line $Line is a shell block without a <!-- doc-test: skip REASON --> marker"
        Set-ItResult -Skipped -Because $Skip
    }
}

Describe 'Get-Help examples of <Command>' -ForEach $HelpCommands {
    It 'runs example <Index> as written in a fresh runspace' -ForEach $Examples {
        if ((Test-NeedsFashionMnist $Code) -and -not $FashionMnist) {
            Set-ItResult -Skipped -Because 'it trains or evaluates on Fashion-MNIST, which is not installed'; return
        }
        $scratch = New-ScratchRoot "help-$Command-$Index"
        $runspace = New-DocRunspace $scratch
        try { $null = Invoke-DocCode $runspace $Code "Get-Help $Command example $Index" }
        finally { $runspace.Dispose() }
    }
}

Describe 'examples/README.md expected output' {
    BeforeAll {
        $Generator = Join-Path $Root 'examples/Update-ExpectedOutput.ps1'
        # The generator's own runner, so the test runs each script exactly as the README's output was made.
        function Invoke-ExampleScript([string] $Script, [string[]] $Arguments) {
            . $Generator
            Invoke-Example $Script $Arguments
        }
        function Get-GeneratorCommand { . $Generator; $commands }
    }

    It 'has a block for every command examples/Update-ExpectedOutput.ps1 runs, made by it' -ForEach @(@{ ComparedCount = $ComparedOutputs.Count }) {
        $text = [System.IO.File]::ReadAllText((Join-Path $Root 'examples/README.md')).Replace("`r`n", "`n")
        foreach ($entry in Get-GeneratorCommand) {
            $line = (@('dotnet pwsh -NoProfile -File', "./examples/$($entry.Script)") + $entry.Arguments) -join ' '
            $kind = if ($entry.Training) { 'from one run' } else { 'compared' }
            $text | Should -Match ([regex]::Escape("### ``$line```n`n<!-- expected-output: $kind -->"))
        }
        $ComparedCount | Should -BeGreaterOrEqual 5
    }

    It 'shows what <Script> prints now' -ForEach $ComparedOutputs {
        $actual = Invoke-ExampleScript $Script $Arguments
        # Line by line, so a difference names its line.
        $expectedLines = $Text -split "`n"
        $actualLines = $actual -split "`n"
        for ($i = 0; $i -lt [math]::Max($expectedLines.Count, $actualLines.Count); $i++) {
            $actualLines[$i] | Should -BeExactly $expectedLines[$i] -Because "line $($i + 1) of the README's block for $Script (regenerate with examples/Update-ExpectedOutput.ps1 when the change is intended)"
        }
    }
}
