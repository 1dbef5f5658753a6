#Requires -Version 7.4
<#
.SYNOPSIS
    Starts many fresh pwsh sessions under CPU load, each making the module's first calls of the
    session, and captures the managed stacks of any session that stalls.

.DESCRIPTION
    Issue 10 saw, once, the first `Invoke-ModelTraining` of an interactive session hang under load.
    This script repeats that situation: it keeps -LoadProcesses busy loops running, starts sessions
    -Parallel at a time (interactive pwsh inside tmux panes, as a person types, and/or
    `pwsh -File` runs), and in each one runs one scenario of first calls:

      Train        Import-Module, New-ModelSpec, the first Invoke-ModelTraining (Fashion-MNIST)
      TrainPath    the first Invoke-ModelTraining binds a spec file (Core loads on first bind)
      Latency      the first Measure-ModelLatency, then a training
      Parallel     ForEach-Object -Parallel costs specs in 4 runspaces at once, then a training
      FirstLoadRace  the module's very first use is 8 runspaces at once (ModelCost.Core resolved
                   through the private load context concurrently), then a training
      Evaluate     Get-ModelDataset, a training, Invoke-ModelEvaluation

    A watchdog samples how much CPU each session's threads used or waited for in the run queue
    (/proc/PID/task/*/schedstat). A session is stalled when, over -StallSeconds, that demand stays
    below -StallCpuPercent of one core (a session starved by the load still queues for the CPU;
    a hung one, every thread blocked, does not; the hang in the issue sat at about 4 %), or when it
    is still running after -TimeoutSeconds. A false alarm shows a busy stack and costs one dump.
    For a stall the script writes `dotnet-stack report` (managed stack of every thread), the
    kernel's view of each thread (/proc/PID/task/*: name, state, wchan) and, unless -NoDump, a
    `dotnet-dump collect` analysed with `clrstack -all`, `syncblk` and `threadpool`, into
    -OutputDirectory/stall-<n>/, then kills the session. The diagnostics tools are installed on
    first use into .tools/diag (dotnet tool install --tool-path, pinned versions); nothing global.

    The exit code is the number of stalls (0 = none). Linux only (tmux, /proc, sh busy loops).

.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Stress/Invoke-FirstCallStress.ps1 -Minutes 20

.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Stress/Invoke-FirstCallStress.ps1 -Sessions 10 -Mode File -Scenario Train
#>
[CmdletBinding()]
param(
    # Stop starting sessions after this many (0 = no count limit; -Minutes still applies).
    [int] $Sessions = 0,
    # Stop starting sessions after this long (0 = no time limit; -Sessions still applies).
    [double] $Minutes = 10,
    # Sessions running at once.
    [ValidateRange(1, 16)] [int] $Parallel = 2,
    # Busy-loop processes kept running (default: one per core, like a build on every core).
    [ValidateRange(0, 64)] [int] $LoadProcesses = [Environment]::ProcessorCount,
    # Tmux: interactive pwsh in a tmux pane, commands typed in. File: pwsh -File. Both: alternate.
    [ValidateSet('Tmux', 'File', 'Both')] [string] $Mode = 'Both',
    # Scenarios to rotate through (a comma-separated list works from pwsh -File too).
    [string[]] $Scenario = @('Train', 'TrainPath', 'Latency', 'Parallel', 'FirstLoadRace', 'Evaluate'),
    # A session that used less than -StallCpuPercent of one core for this long is stalled.
    [ValidateRange(5, 3600)] [int] $StallSeconds = 40,
    [ValidateRange(0, 100)] [double] $StallCpuPercent = 8,
    # A session still running after this long is stalled whatever its CPU use.
    [ValidateRange(1, 7200)] [int] $TimeoutSeconds = 600,
    [string] $OutputDirectory = (Join-Path ([IO.Path]::GetTempPath()) "modelcost-stress-$PID"),
    # Skip the dotnet-dump capture (dotnet-stack and /proc only).
    [switch] $NoDump,
    # Keep each stall's core dump (hundreds of MB) after analysing it.
    [switch] $KeepDump
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
if (-not $IsLinux) { throw 'This stress script needs Linux (tmux, /proc, sh).' }
$known = 'Train', 'TrainPath', 'Latency', 'Parallel', 'FirstLoadRace', 'Evaluate'
$Scenario = @($Scenario -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ })
foreach ($name in $Scenario) { if ($name -notin $known) { throw "Unknown scenario '$name'; known: $($known -join ', ')." } }
if ($Sessions -le 0 -and $Minutes -le 0) { throw 'Give -Sessions or -Minutes (or both).' }

$root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$module = Join-Path $root 'out/ModelCost.PS/ModelCost.PS.psd1'
if (-not (Test-Path -LiteralPath $module)) {
    & dotnet build (Join-Path $root 'ModelCost.PS.sln') -c Release --nologo -v quiet
    if ($LASTEXITCODE -ne 0) { throw 'dotnet build failed.' }
}
$dataset = @($env:MODELCOST_DATA, '/usr/share/datasets/fashion-mnist') |
    Where-Object { $_ -and (Test-Path -LiteralPath (Join-Path $_ 't10k-images-idx3-ubyte.gz')) } | Select-Object -First 1
if (-not $dataset) { throw 'Fashion-MNIST is needed (apt-get install dataset-fashion-mnist, or set $env:MODELCOST_DATA).' }
if ($Mode -ne 'File' -and -not (Get-Command tmux -ErrorAction SilentlyContinue)) { throw 'tmux is not installed (apt-get install tmux), or use -Mode File.' }
$null = New-Item -ItemType Directory -Path $OutputDirectory -Force

# The diagnostics tools, pinned, in a repo-local tool path.
$diag = Join-Path $root '.tools/diag'
function Get-DiagTool([string] $Name) {
    $exe = Join-Path $diag $Name
    if (-not (Test-Path -LiteralPath $exe)) {
        & dotnet tool install $Name --version 10.0.750501 --tool-path $diag *> (Join-Path $OutputDirectory "install-$Name.log")
        if ($LASTEXITCODE -ne 0) { throw "dotnet tool install $Name failed; see $OutputDirectory/install-$Name.log." }
    }
    $exe
}
$dotnetStack = Get-DiagTool 'dotnet-stack'
$dotnetDump = if ($NoDump) { $null } else { Get-DiagTool 'dotnet-dump' }

# What each scenario types (one line per command, as a person would). $done is written last.
$cnn = "New-ModelSpec -Name CNN -InputShape 28,28,1 -Layer 'Conv2D(16, 3, activation=`"relu`")', 'MaxPooling2D(2)', 'Flatten()', 'Dense(10, activation=`"softmax`")'"
$train = "Invoke-ModelTraining -Dataset FashionMNIST -Epochs 1 -BatchSize 64 -Seed 1"
$specFile = Join-Path $root 'examples/specs/seed000_mlp.yaml'
function Get-ScenarioLines([string] $Name, [string] $Done) {
    $lines = switch ($Name) {
        'Train' { "`$cnn = $cnn", "`$r = `$cnn | $train" }
        'TrainPath' { "`$r = '$specFile' | $train" }
        'Latency' { "`$l = $cnn | Measure-ModelLatency -Iterations 50", "`$r = '$specFile' | $train" }
        'Parallel' { "`$c = 1..4 | ForEach-Object -ThrottleLimit 4 -Parallel { Import-Module '$module'; '$specFile' | Measure-ModelCost }", "`$r = $cnn | $train" }
        # No command of the module has run yet in any runspace: the first resolution of ModelCost.Core happens 8 times at once.
        'FirstLoadRace' { "`$c = 1..8 | ForEach-Object -ThrottleLimit 8 -Parallel { Import-Module '$module'; New-ModelSpec -Name `"M`$_`" -InputShape 4 -Layer 'Dense(2)' | Measure-ModelCost }", "`$r = $cnn | $train",
            "if (@(`$c).Count -ne 8) { `$r = [pscustomobject]@{ Status = 'FirstLoadRaceFailed'; TestAccuracy = @(`$c).Count } }" }
        'Evaluate' { "`$d = Get-ModelDataset FashionMNIST", "`$r = '$specFile' | $train -ValidationSplit 0", "`$e = `$r | Invoke-ModelEvaluation -Dataset `$d" }
    }
    @("Import-Module '$module'") + $lines + @("Set-Content -LiteralPath '$Done' -Value (`$r.Status + ' ' + `$r.TestAccuracy)")
}

# A private tmux server: nobody else's tmux sessions are touched.
$tmuxServer = "modelcost-stress-$PID"
function Invoke-Tmux { & tmux -L $tmuxServer @args }

# Busy loops at normal priority: the cores are as contended as during a build.
$load = @(for ($i = 0; $i -lt $LoadProcesses; $i++) { Start-Process -FilePath sh -ArgumentList '-c "while :; do :; done"' -PassThru })

function Start-StressSession([int] $Index) {
    $name = $Scenario[$Index % $Scenario.Count]
    $kind = switch ($Mode) { 'Both' { if ($Index % 2) { 'File' } else { 'Tmux' } } default { $Mode } }
    $dir = Join-Path $OutputDirectory "session-$Index"
    $null = New-Item -ItemType Directory -Path $dir -Force
    $done = Join-Path $dir 'done'
    $lines = Get-ScenarioLines $name $done
    $s = [pscustomobject]@{ Index = $Index; Scenario = $name; Kind = $kind; Dir = $dir; Done = $done; ProcessId = 0; Tmux = $null; Process = $null
        Started = [DateTime]::UtcNow; CpuSamples = [Collections.Generic.Queue[object]]::new(); StallReason = $null
        ThreadNs = @{}; DemandNs = 0L }
    if ($kind -eq 'File') {
        $file = Join-Path $dir 'session.ps1'
        Set-Content -LiteralPath $file -Value $lines
        $s.Process = Start-Process -FilePath dotnet -ArgumentList 'pwsh', '-NoProfile', '-File', $file -WorkingDirectory $root `
            -RedirectStandardOutput (Join-Path $dir 'stdout.txt') -RedirectStandardError (Join-Path $dir 'stderr.txt') -PassThru
        $s.ProcessId = $s.Process.Id
    }
    else {
        # exec: the pane's process is pwsh itself, so its pid is the one to diagnose.
        $s.Tmux = "mcstress$PID-$Index"
        Invoke-Tmux new-session -d -s $s.Tmux -x 120 -y 45 -c $root "exec dotnet pwsh -NoProfile"
        $s.ProcessId = [int](Invoke-Tmux display-message -p -t $s.Tmux '#{pane_pid}')
        # Type each line once the prompt is there, as a person would (typing ahead also works, but is less like the report).
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ([DateTime]::UtcNow -lt $deadline -and -not ((Invoke-Tmux capture-pane -p -t $s.Tmux) -match 'PS .*> ?$')) { Start-Sleep -Milliseconds 200 }
        foreach ($line in $lines) {
            Invoke-Tmux send-keys -t $s.Tmux -l $line
            Invoke-Tmux send-keys -t $s.Tmux Enter
        }
    }
    $s
}

function Stop-StressSession($s) {
    if ($s.Tmux) {
        Invoke-Tmux capture-pane -p -S -200 -t $s.Tmux > (Join-Path $s.Dir 'pane.txt') 2>$null
        Invoke-Tmux kill-session -t $s.Tmux 2>$null
    }
    if ($s.ProcessId -and (Get-Process -Id $s.ProcessId -ErrorAction SilentlyContinue)) {
        Stop-Process -Id $s.ProcessId -Force -ErrorAction SilentlyContinue
    }
}

# `dotnet pwsh` is the dotnet CLI waiting for a child process that runs pwsh.dll: diagnose that child.
function Get-PwshProcessId([int] $ProcessId) {
    $queue = [Collections.Generic.Queue[int]]::new()
    $queue.Enqueue($ProcessId)
    while ($queue.Count) {
        $p = $queue.Dequeue()
        $cmd = (Get-Content -LiteralPath "/proc/$p/cmdline" -Raw -ErrorAction SilentlyContinue) -replace "`0", ' '
        if ($cmd -match 'pwsh\.dll') { return $p }
        foreach ($c in @(Get-Content -LiteralPath "/proc/$p/task/$p/children" -Raw -ErrorAction SilentlyContinue) -split '\s+' | Where-Object { $_ }) { $queue.Enqueue([int]$c) }
    }
    $ProcessId
}

# Seconds the session's threads have run or waited to run so far (/proc/*/task/*/schedstat: time on
# a CPU plus time in the run queue), counting threads that have since exited. A session starved by
# the load still queues for the CPU and keeps this rising; a hung one, its threads all blocked,
# does not. Null once the process is gone.
function Get-DemandSeconds($s, [int] $ProcessId) {
    if (-not (Test-Path -LiteralPath "/proc/$ProcessId")) { return $null }
    foreach ($task in Get-ChildItem -LiteralPath "/proc/$ProcessId/task" -ErrorAction SilentlyContinue) {
        $f = (Get-Content -LiteralPath "$($task.FullName)/schedstat" -Raw -ErrorAction SilentlyContinue) -split ' '
        if ($f.Count -lt 2) { continue }
        $ns = [long]$f[0] + [long]$f[1]
        $s.DemandNs += $ns - ($s.ThreadNs[$task.Name] ?? 0L)
        $s.ThreadNs[$task.Name] = $ns
    }
    $s.DemandNs / 1e9
}

# True when the session's threads ran or waited to run for less than -StallCpuPercent of one core over the last -StallSeconds.
function Test-Stalled($s) {
    $now = [DateTime]::UtcNow
    $cpu = Get-DemandSeconds $s (Get-PwshProcessId $s.ProcessId)
    if ($null -eq $cpu) { return $false }
    $s.CpuSamples.Enqueue([pscustomobject]@{ Time = $now; Cpu = $cpu })
    while ($s.CpuSamples.Count -gt 1 -and ($now - $s.CpuSamples.Peek().Time).TotalSeconds -gt $StallSeconds) {
        $oldest = $s.CpuSamples.Dequeue()
        if (($now - $oldest.Time).TotalSeconds -ge $StallSeconds) {
            $percent = 100 * ($cpu - $oldest.Cpu) / ($now - $oldest.Time).TotalSeconds
            if ($percent -lt $StallCpuPercent) { $s.StallReason = ('{0:N1} % of a core over the last {1:N0} s' -f $percent, ($now - $oldest.Time).TotalSeconds); return $true }
        }
    }
    $false
}

# Everything the kernel and the runtime say about a stalled process.
function Save-StallEvidence($s, [int] $Number) {
    $dir = Join-Path $OutputDirectory "stall-$Number"
    $null = New-Item -ItemType Directory -Path $dir -Force
    $p = Get-PwshProcessId $s.ProcessId
    "session $($s.Index) scenario $($s.Scenario) mode $($s.Kind) pid $p after $([int]([DateTime]::UtcNow - $s.Started).TotalSeconds) s: $($s.StallReason)" |
        Set-Content (Join-Path $dir 'what.txt')
    # Thread id, name, state, kernel wait channel, CPU ticks: a blocked thread has a futex wchan and no new ticks.
    Get-ChildItem "/proc/$p/task" -ErrorAction SilentlyContinue | ForEach-Object {
        $task = $_
        try {
            $t = $task.FullName
            $fields = ((Get-Content "$t/stat" -Raw) -replace '^\d+ \(.*\) ', '') -split ' '
            '{0,7} {1,-16} {2} wchan={3} ticks={4}' -f $task.Name, (Get-Content "$t/comm"), $fields[0], (Get-Content "$t/wchan"), ([long]$fields[11] + [long]$fields[12])
        }
        catch { '{0,7} (exited)' -f $task.Name }
    } | Set-Content (Join-Path $dir 'threads.txt')
    & $dotnetStack report -p $p *> (Join-Path $dir 'dotnet-stack.txt')
    if ($dotnetDump) {
        $dump = Join-Path $dir 'core.dmp'
        & $dotnetDump collect -p $p -o $dump *> (Join-Path $dir 'dotnet-dump-collect.txt')
        if (Test-Path -LiteralPath $dump) {
            & $dotnetDump analyze $dump -c 'clrstack -all' -c 'syncblk' -c 'threadpool' -c 'exit' *> (Join-Path $dir 'dotnet-dump-analyze.txt')
            if (-not $KeepDump) { Remove-Item -LiteralPath $dump -Force }
        }
    }
    if ($s.Tmux) { Invoke-Tmux capture-pane -p -S -200 -t $s.Tmux > (Join-Path $dir 'pane.txt') 2>$null }
    Copy-Item -Path (Join-Path $s.Dir '*') -Destination $dir -ErrorAction SilentlyContinue
    Write-Host "STALL $Number`: session $($s.Index) ($($s.Scenario), $($s.Kind), pid $p): evidence in $dir"
}

$clock = [Diagnostics.Stopwatch]::StartNew()
$running = [Collections.Generic.List[object]]::new()
$started = 0; $finished = 0; $stalls = 0; $failures = 0
$perScenario = @{}
try {
    while ($true) {
        $more = ($Sessions -le 0 -or $started -lt $Sessions) -and ($Minutes -le 0 -or $clock.Elapsed.TotalMinutes -lt $Minutes)
        while ($more -and $running.Count -lt $Parallel) {
            $running.Add((Start-StressSession $started))
            $started++
            $more = ($Sessions -le 0 -or $started -lt $Sessions) -and ($Minutes -le 0 -or $clock.Elapsed.TotalMinutes -lt $Minutes)
        }
        if ($running.Count -eq 0) { break }
        Start-Sleep -Milliseconds 500
        foreach ($s in @($running)) {
            $alive = [bool](Get-Process -Id $s.ProcessId -ErrorAction SilentlyContinue)
            # The session writes its status last; an empty file is one being written.
            $status = if (Test-Path -LiteralPath $s.Done) { "$(Get-Content -LiteralPath $s.Done -Raw -ErrorAction SilentlyContinue)".Trim() } else { '' }
            $completed = $status.Length -gt 0
            $elapsed = ([DateTime]::UtcNow - $s.Started).TotalSeconds
            if ($completed -or -not $alive) {
                if (-not $completed) { $status = 'exited without finishing' }
                if (-not $completed -or $status -notmatch '^Completed ') { $failures++; Write-Host "session $($s.Index) ($($s.Scenario), $($s.Kind)) failed: $status; see $($s.Dir)" }
                Stop-StressSession $s
                $running.Remove($s) | Out-Null
                $finished++
                $perScenario[$s.Scenario] = 1 + ($perScenario[$s.Scenario] ?? 0)
                Add-Content -LiteralPath (Join-Path $OutputDirectory 'sessions.txt') -Value ('{0} {1} {2} {3:N1}s {4}' -f $s.Index, $s.Scenario, $s.Kind, $elapsed, $status)
            }
            elseif ((Test-Stalled $s) -or $elapsed -gt $TimeoutSeconds) {
                $stalls++
                Save-StallEvidence $s $stalls
                Add-Content -LiteralPath (Join-Path $OutputDirectory 'sessions.txt') -Value ('{0} {1} {2} {3:N1}s STALL {4} ({5})' -f $s.Index, $s.Scenario, $s.Kind, $elapsed, $stalls, $s.StallReason)
                Stop-StressSession $s
                $running.Remove($s) | Out-Null
                $finished++
            }
        }
    }
}
finally {
    foreach ($s in @($running)) { Stop-StressSession $s }
    foreach ($p in $load) { Stop-Process -Id $p.Id -Force -ErrorAction SilentlyContinue }
    if ($Mode -ne 'File') {
        Invoke-Tmux kill-server 2>$null
        Remove-Item -LiteralPath (Join-Path ($env:TMUX_TMPDIR ?? '/tmp') "tmux-$(& id -u)/$tmuxServer") -Force -ErrorAction SilentlyContinue
    }
}

$summary = 'sessions: {0} finished in {1:N1} min ({2}), load processes {3}, parallel {4}, mode {5}; stalls: {6}; other failures: {7}; evidence: {8}' -f `
    $finished, $clock.Elapsed.TotalMinutes, (($perScenario.GetEnumerator() | Sort-Object Name | ForEach-Object { "$($_.Name) $($_.Value)" }) -join ', '),
    $LoadProcesses, $Parallel, $Mode, $stalls, $failures, $OutputDirectory
Write-Host $summary
Add-Content -LiteralPath (Join-Path $OutputDirectory 'sessions.txt') -Value $summary
exit $stalls
