#Requires -Version 7.4
<#
.SYNOPSIS
    Drives an interactive pwsh inside tmux, as a person at a terminal would, and checks what they see.

.DESCRIPTION
    For each terminal size (80x24 and 120x40 by default) the script starts `dotnet pwsh -NoProfile`
    (the repo's pinned PowerShell, with PSReadLine) in a detached tmux pane on a private tmux
    server, types commands into it and reads the screen back with `tmux capture-pane`:

      Import       Import-Module of out/ModelCost.PS returns the prompt without an error.
      Tour         the README tour (the ```powershell block under "## A tour", read from README.md;
                   -Epochs 5 becomes -Epochs 1, paths point at this checkout, files go to a temp
                   folder): every command returns the prompt, and every table on screen fits the
                   width with each header whole (the line above each dashes line has one word per
                   column). Errors the tour prints are listed, not hidden.
      Progress     the progress bar ("Epoch i/n, batch j/m") is on screen while a model trains.
      CtrlC        Ctrl+C in the middle of an epoch brings the prompt back within -CtrlCSeconds
                   (2 s), and the module still works afterwards (costing and a latency run).
      Completion   `Measure-ModelCost -Convention <Tab><Tab>` lists the conventions, and
                   `-Convention Tf<Tab>` completes to TfProfiler.

    The prompt is set to "PS <n>> " (n is the next command's history id) so the script knows when
    each command has finished. The screens are written, with the results, as Markdown to -TranscriptPath
    (docs/terminal-transcript.md is one such run). Returns one object per check (Size, Check,
    Passed, Detail); the exit code is the number of failed checks. Needs Linux, tmux and, for
    the tour, training and Ctrl+C checks, Fashion-MNIST (those checks report Skipped without it).

.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Terminal/Invoke-TerminalCheck.ps1 -TranscriptPath docs/terminal-transcript.md
#>
[CmdletBinding()]
param(
    # Terminal sizes as COLSxROWS.
    [string[]] $Size = @('80x24', '120x40'),
    # Where the Markdown transcript goes (default: a temp file).
    [string] $TranscriptPath = (Join-Path ([IO.Path]::GetTempPath()) "modelcost-terminal-$PID.md"),
    # Longest wait for one command to return the prompt.
    [int] $CommandTimeoutSeconds = 900,
    # Ctrl+C must bring the prompt back within this many seconds.
    [double] $CtrlCSeconds = 2
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
if (-not $IsLinux) { throw 'The terminal check drives tmux on Linux.' }
if (-not (Get-Command tmux -ErrorAction SilentlyContinue)) { throw 'tmux is not installed (apt-get install tmux).' }

$root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$module = Join-Path $root 'out/ModelCost.PS/ModelCost.PS.psd1'
if (-not (Test-Path -LiteralPath $module)) {
    & dotnet build (Join-Path $root 'ModelCost.PS.sln') -c Release --nologo -v quiet
    if ($LASTEXITCODE -ne 0) { throw 'dotnet build failed.' }
}
$hasData = [bool](@($env:MODELCOST_DATA, '/usr/share/datasets/fashion-mnist') |
        Where-Object { $_ -and (Test-Path -LiteralPath (Join-Path $_ 't10k-images-idx3-ubyte.gz')) })
$work = Join-Path ([IO.Path]::GetTempPath()) "modelcost-terminal-$PID"
$null = New-Item -ItemType Directory -Path $work -Force
$server = "modelcost-terminal-$PID"   # a private tmux server: nothing else's sessions are touched
$results = [Collections.Generic.List[object]]::new()
$transcript = [Text.StringBuilder]::new()

function Invoke-Tmux { & tmux -L $server @args }

# The screen (visible part, or the whole history with -History), trailing blank lines dropped.
function Get-Screen([switch] $History) {
    $lines = if ($History) { Invoke-Tmux capture-pane -p -S - -E - -t check } else { Invoke-Tmux capture-pane -p -t check }
    $lines = @($lines)
    $last = $lines.Count - 1
    while ($last -ge 0 -and $lines[$last] -match '^\s*$') { $last-- }
    if ($last -lt 0) { return @() }
    $lines[0..$last]
}

$script:promptCount = 0
# Waits until a prompt numbered $Number or later is the last line on screen (the number is the next
# command's history id, so PSReadLine redrawing the prompt does not change it); returns the seconds
# waited, or -1.
function Wait-Prompt([int] $Number, [double] $TimeoutSeconds = $CommandTimeoutSeconds, [scriptblock] $WhileWaiting) {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    while ($clock.Elapsed.TotalSeconds -lt $TimeoutSeconds) {
        $screen = @(Get-Screen)
        if ($screen.Count -and $screen[-1] -match '^PS (\d+)> ?$' -and [int]$Matches[1] -ge $Number) {
            $script:promptCount = [int]$Matches[1]
            Write-Verbose ('prompt {0} after {1:N1} s' -f $script:promptCount, $clock.Elapsed.TotalSeconds)
            return $clock.Elapsed.TotalSeconds
        }
        if ($WhileWaiting) { & $WhileWaiting $screen }
        Start-Sleep -Milliseconds 50
    }
    -1
}

# Types one command and presses Enter; returns the number of the prompt that will follow it.
function Send-Command([string] $Text) {
    Write-Verbose "typing at prompt $script:promptCount`: $Text"
    Invoke-Tmux send-keys -t check -l $Text
    Invoke-Tmux send-keys -t check Enter
    return ($script:promptCount + 1)
}

function Add-Result([string] $SizeName, [string] $Check, $Passed, [string] $Detail) {
    $status = if ($null -eq $Passed) { 'Skipped' } elseif ($Passed) { 'Passed' } else { 'Failed' }
    $results.Add([pscustomobject]@{ Size = $SizeName; Check = $Check; Result = $status; Passed = $Passed; Detail = $Detail })
}

# Header lines that lost a word: the line above each dashes line must have one word per column.
function Get-TableProblem([string[]] $Lines, [int] $Width) {
    for ($i = 0; $i -lt $Lines.Count; $i++) {
        if ($Lines[$i].Length -gt $Width) { "wider than $Width`: $($Lines[$i])" }
        if ($i -gt 0 -and $Lines[$i] -match '^\s*-+(\s+-+)+\s*$') {
            $columns = @($Lines[$i] -split '\s+' | Where-Object { $_ }).Count
            $words = @($Lines[$i - 1] -split '\s+' | Where-Object { $_ }).Count
            if ($words -ne $columns) { "header with $words words over $columns columns: '$($Lines[$i - 1])'" }
        }
    }
}

# The README tour, statement by statement, ready to type here.
function Get-TourCommand {
    $readme = Get-Content -LiteralPath (Join-Path $root 'README.md') -Raw
    if ($readme -notmatch '(?s)## A tour\s+```powershell\r?\n(.*?)```') { throw 'README.md has no ```powershell block under "## A tour".' }
    $code = $Matches[1] -replace '\./out/', "$root/out/" -replace '\./examples/', "$root/examples/" -replace '-Epochs 5\b', '-Epochs 1'
    $ast = [System.Management.Automation.Language.Parser]::ParseInput($code, [ref]$null, [ref]$null)
    # One line each: PSReadLine would take a newline inside @( ) as a continuation, which is the same command.
    $ast.EndBlock.Statements | ForEach-Object { ($_.Extent.Text -split '\r?\n' | ForEach-Object { $_.Trim() }) -join ' ' }
}

function Invoke-SizeCheck([string] $SizeName) {
    $cols, $rows = $SizeName -split 'x' | ForEach-Object { [int]$_ }
    $script:promptCount = 0
    # From the checkout, where dotnet finds the pinned pwsh in the tool manifest; pwsh itself starts in the temp folder.
    Invoke-Tmux new-session -d -s check -x $cols -y $rows -c $root "exec dotnet pwsh -NoProfile -NoLogo -WorkingDirectory '$work'"
    # tmux keeps the scrollback the transcript is read from; make it large enough for the tour.
    Invoke-Tmux set-option -t check history-limit 50000 | Out-Null
    # PowerShell's own prompt first, then ours.
    $clock = [Diagnostics.Stopwatch]::StartNew()
    while (-not (@(Get-Screen) | Select-Object -Last 1 | Where-Object { $_ -match '^PS .*> ?$' })) {
        if ($clock.Elapsed.TotalSeconds -gt 120) { throw "pwsh did not start in tmux at $SizeName." }
        Start-Sleep -Milliseconds 100
    }
    Invoke-Tmux send-keys -t check -l 'function prompt { "PS $($MyInvocation.HistoryId)> " }'
    Invoke-Tmux send-keys -t check Enter
    if ((Wait-Prompt 1 -TimeoutSeconds 120) -lt 0) { throw "pwsh did not start in tmux at $SizeName." }
    $null = Wait-Prompt (Send-Command 'Clear-Host') 30

    # Import
    $n = Send-Command "Import-Module '$module'"
    $t = Wait-Prompt $n 120
    $screen = Get-Screen
    Add-Result $SizeName 'Import' ($t -ge 0 -and -not ($screen -match 'Import-Module:|Exception')) ('{0:N1} s' -f $t)

    # Tour
    if (-not $hasData) {
        Add-Result $SizeName 'Tour' $null 'Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)'
    }
    else {
        $stuck = @(); $progressSeen = $null
        foreach ($command in Get-TourCommand) {
            $n = Send-Command $command
            $watch = if ($command -match 'Invoke-ModelTraining') {
                { param($s) if (-not $script:progressSnapshot -and ($s -match 'Epoch \d+/\d+, batch \d+/\d+')) { $script:progressSnapshot = $s -join "`n" } }
            }
            $script:progressSnapshot = $null
            if ((Wait-Prompt $n -WhileWaiting $watch) -lt 0) { $stuck += $command; break }
            if ($script:progressSnapshot) { $progressSeen = $script:progressSnapshot }
        }
        $history = @(Get-Screen -History)
        # PowerShell's concise error view: "Verb-Noun: message" or "ErrorCategory: message" at the start of a line.
        $errors = @($history | Where-Object { $_ -cmatch '^(?!VERBOSE|WARNING|DEBUG)[A-Z][A-Za-z]*(-[A-Za-z]+)?: \S' } | Select-Object -Unique)
        $problems = @(Get-TableProblem $history $cols)
        Add-Result $SizeName 'Tour' ($stuck.Count -eq 0 -and $problems.Count -eq 0) (
            ($(if ($stuck) { "no prompt after: $($stuck -join '; ')" } else { 'every command returned the prompt' }),
                $(if ($problems) { "tables: $($problems -join ' | ')" } else { 'every table fits, headers whole' }),
                "errors printed: $(if ($errors) { $errors -join ' | ' } else { 'none' })") -join '; ')
        Add-Result $SizeName 'Progress' ([bool]$progressSeen) $(if ($progressSeen) { 'progress bar seen during Invoke-ModelTraining' } else { 'no progress bar seen' })
        $script:progressScreen = $progressSeen
    }

    # Ctrl+C in the middle of an epoch, then the module still works.
    if (-not $hasData) {
        Add-Result $SizeName 'CtrlC' $null 'Fashion-MNIST is not installed'
    }
    else {
        # The tour's CNN (1,413,504 FLOPs per sample under the default convention: conv 2*26*26*16*9 = 194,688,
        # conv 2*11*11*32*144 = 1,115,136, dense 2*800*64 = 102,400, dense 2*64*10 = 1,280).
        $n = Send-Command "`$cnn = New-ModelSpec -Name CNN -InputShape 28,28,1 -Layer 'Conv2D(16, 3, activation=`"relu`")', 'MaxPooling2D(2)', 'Conv2D(32, (3, 3), activation=relu)', 'MaxPooling2D((2, 2))', 'Flatten()', 'Dense(64, activation=`"relu`")', 'Dense(10, activation=`"softmax`")'"
        $null = Wait-Prompt $n 120
        $n = Send-Command '$cnn | Invoke-ModelTraining -Dataset FashionMNIST -Epochs 3 -BatchSize 64 -Seed 1'
        $midEpoch = $null
        $clock = [Diagnostics.Stopwatch]::StartNew()
        while (-not $midEpoch -and $clock.Elapsed.TotalSeconds -lt $CommandTimeoutSeconds) {
            $screen = Get-Screen
            $m = [regex]::Match(($screen -join "`n"), 'Epoch (\d+)/\d+, batch (\d+)/(\d+)')
            if ($m.Success -and [int]$m.Groups[2].Value -gt 1 -and [int]$m.Groups[2].Value -lt [int]$m.Groups[3].Value) { $midEpoch = $m.Value }
            else { Start-Sleep -Milliseconds 50 }
        }
        Invoke-Tmux send-keys -t check C-c
        # A stopped command may or may not take a history id: any bare prompt from the current number on is the prompt back.
        $t = Wait-Prompt ($n - 1) ([Math]::Max(30, 10 * $CtrlCSeconds))
        $n = Send-Command '$cnn | Measure-ModelCost | Format-Table -View Flops'
        $costOk = (Wait-Prompt $n 120) -ge 0 -and ((Get-Screen) -match '1,413,504')
        $n = Send-Command '($cnn | Measure-ModelLatency -Iterations 20 -Warmup 2).Model'
        $latencyOk = (Wait-Prompt $n 300) -ge 0 -and ((Get-Screen) -match '^CNN\s*$')
        Add-Result $SizeName 'CtrlC' ([bool]$midEpoch -and $t -ge 0 -and $t -le $CtrlCSeconds -and $costOk -and $latencyOk) (
            'pressed at "{0}"; prompt back in {1:N2} s (limit {2} s); afterwards Measure-ModelCost {3}, Measure-ModelLatency {4}' -f
            $midEpoch, $t, $CtrlCSeconds, $(if ($costOk) { 'works' } else { 'FAILED' }), $(if ($latencyOk) { 'works' } else { 'FAILED' }))
    }

    # Tab completion of -Convention.
    Invoke-Tmux send-keys -t check -l 'Measure-ModelCost -Convention '
    Invoke-Tmux send-keys -t check Tab
    Start-Sleep -Milliseconds 500
    Invoke-Tmux send-keys -t check Tab
    $listed = $false
    $clock = [Diagnostics.Stopwatch]::StartNew()
    while (-not $listed -and $clock.Elapsed.TotalSeconds -lt 20) {
        $text = (Get-Screen) -join "`n"
        $listed = @('Macs', 'FlopsWithBias', 'TfProfiler', 'Course' | Where-Object { $text -notmatch "\b$_\b" }).Count -eq 0
        if (-not $listed) { Start-Sleep -Milliseconds 100 }
    }
    $listing = (Get-Screen) -join "`n"
    Invoke-Tmux send-keys -t check C-c   # PSReadLine: abandon the line
    Start-Sleep -Milliseconds 300
    Invoke-Tmux send-keys -t check -l '$cnn | Measure-ModelCost -Convention Tf'
    Invoke-Tmux send-keys -t check Tab
    $completed = $false
    $clock = [Diagnostics.Stopwatch]::StartNew()
    while (-not $completed -and $clock.Elapsed.TotalSeconds -lt 20) {
        $completed = [bool](@(Get-Screen)[-1] -match '-Convention TfProfiler\s*$')
        if (-not $completed) { Start-Sleep -Milliseconds 100 }
    }
    Invoke-Tmux send-keys -t check Enter
    $n = $script:promptCount + 1
    $ran = (Wait-Prompt $n 120) -ge 0 -and ((Get-Screen) -match 'Convention: TfProfiler')
    Add-Result $SizeName 'Completion' ($listed -and $completed -and $ran) (
        'Tab Tab after -Convention {0}; Tf<Tab> {1}' -f $(if ($listed) { 'lists Macs, Flops, FlopsWithBias, TfProfiler, Course' } else { 'did not list the conventions' }),
        $(if ($completed -and $ran) { 'completes to TfProfiler and runs' } else { 'did not complete' }))

    # The screens of this size, for the transcript.
    $history = Get-Screen -History
    [void]$transcript.AppendLine("## $SizeName").AppendLine()
    foreach ($r in $results | Where-Object Size -EQ $SizeName) { [void]$transcript.AppendLine("- **$($r.Check)**: $($r.Result). $($r.Detail)") }
    if ($script:progressScreen) {
        [void]$transcript.AppendLine().AppendLine('The screen while the tour trains (the progress bar is the line with the bar):').AppendLine().AppendLine('```text').AppendLine($script:progressScreen).AppendLine('```')
        $script:progressScreen = $null
    }
    [void]$transcript.AppendLine().AppendLine("The whole session ($SizeName, from tmux's scrollback; the prompt shows the next history id):").AppendLine().AppendLine('```text')
    [void]$transcript.AppendLine(($history -join "`n")).AppendLine('```').AppendLine()
    Invoke-Tmux kill-session -t check
}

$script:progressScreen = $null
$script:progressSnapshot = $null
try {
    foreach ($s in $Size) {
        try { Invoke-SizeCheck $s }
        catch {
            Add-Result $s 'Script' $false "the check itself failed: $_"
            [void]$transcript.AppendLine("## $s").AppendLine().AppendLine('```text').AppendLine((@(Get-Screen -History) -join "`n")).AppendLine('```').AppendLine()
            Invoke-Tmux kill-session -t check 2>$null
        }
    }
}
finally {
    # kill-server can leave the socket file behind; remove it too.
    $socket = Join-Path ($env:TMUX_TMPDIR ?? '/tmp') "tmux-$(& id -u)/$server"
    Invoke-Tmux kill-server 2>$null
    Remove-Item -LiteralPath $socket -Force -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}

$header = [Text.StringBuilder]::new()
[void]$header.AppendLine('# ModelCost.PS in a real terminal').AppendLine()
[void]$header.AppendLine(('Written by `tests/Terminal/Invoke-TerminalCheck.ps1` on {0:yyyy-MM-dd} (PowerShell {1}, tmux {2}, {3} cores, load average {4}): an interactive `dotnet pwsh` in a tmux pane of each size, driven by typed keys and read back from the screen.' -f
        (Get-Date), $PSVersionTable.PSVersion, ((& tmux -V) -replace '^tmux ', ''), [Environment]::ProcessorCount, ((Get-Content /proc/loadavg) -split ' ')[0]))
[void]$header.AppendLine('The README tour runs with `-Epochs 1` instead of 5 to keep the run short; files it writes go to a temporary folder.').AppendLine()
[void]$header.AppendLine('| Size | Check | Result | Detail |').AppendLine('|---|---|---|---|')
foreach ($r in $results) { [void]$header.AppendLine("| $($r.Size) | $($r.Check) | $($r.Result) | $($r.Detail -replace '\|', '\|') |") }
[void]$header.AppendLine()
Set-Content -LiteralPath $TranscriptPath -Value ($header.ToString() + $transcript.ToString()) -Encoding utf8NoBOM
Write-Host "Transcript: $TranscriptPath"
$results
exit @($results | Where-Object { $_.Passed -eq $false }).Count
