#Requires -Version 7.4
<#
.SYNOPSIS
    Memory and fault tests of ModelCost.PS (issue 15): runs the module under a capped .NET heap, kills an export
    with SIGKILL half-way, and exports onto a full (tiny tmpfs) disk, checking each time that the session or the
    files are left as the docs promise.

.DESCRIPTION
    Each scenario returns one object: Scenario, Result (Passed, Failed or Skipped) and Detail (what was seen, or
    why it could not run here). tests/ModelCost.Faults.Tests.ps1 runs this script and turns each object into a
    Pester result, so CI runs it and reports a scenario the machine cannot run as Skipped, never as Passed.

      HeapCap          A child pwsh with DOTNET_GCHeapHardLimit (the .NET heap cap a container limit also sets)
                       times a Conv2D(256,3,same)x2 model at batch 512 and then a small model: the big one fails
                       with InsufficientMemory (no bare OutOfMemoryException, no crash), the small one still runs.
      SigKillExport    A child pwsh exports a 60 MB trained model over an existing file and is killed with SIGKILL
                       while the temporary file is being written: the old file is byte for byte intact, and the
                       next export of the same file removes the dead writer's temporary.
      FullDisk         Export-ModelSpec of a spec larger than a 64 KiB tmpfs (root only: mount) over an existing
                       file: WriteFailed naming the file, the old file intact, no temporary left.

    Why not `ulimit -v`: .NET reserves address space for GC regions and thread stacks up front, so under an
    address-space limit the runtime's own threads fail to start or allocate outside any handler (the process
    prints "Out of memory." and exits); only a heap or cgroup limit exercises what the module can handle.

.PARAMETER Module
    The module manifest (default: out/ModelCost.PS/ModelCost.PS.psd1 beside tests/).
.PARAMETER Scenario
    Which scenarios to run (default: all).
#>
[CmdletBinding()]
param(
    [string] $Module = (Join-Path (Split-Path -Parent (Split-Path -Parent $PSScriptRoot)) 'out/ModelCost.PS/ModelCost.PS.psd1'),
    [ValidateSet('HeapCap', 'SigKillExport', 'FullDisk')]
    [string[]] $Scenario = @('HeapCap', 'SigKillExport', 'FullDisk')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path (Split-Path -Parent $PSScriptRoot) 'ModelCost.TestHelpers.ps1')

function Result([string] $Name, [string] $Outcome, [string] $Detail) {
    [pscustomobject]@{ Scenario = $Name; Result = $Outcome; Detail = $Detail }
}

# Starts `pwsh -NoProfile -File <script>` as a child of this process (the same pwsh build), with extra environment variables.
function Start-ChildPwsh([string] $ScriptPath, [hashtable] $Environment = @{}, [switch] $Wait) {
    $psi = [System.Diagnostics.ProcessStartInfo]::new()
    $exe = [Environment]::ProcessPath
    if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') {
        $psi.FileName = $exe
        $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll'))
    }
    else { $psi.FileName = $exe }
    foreach ($a in '-NoProfile', '-NonInteractive', '-File', $ScriptPath) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string] $Environment[$k] }
    $p = [System.Diagnostics.Process]::Start($psi)
    if ($Wait) {
        $out = $p.StandardOutput.ReadToEndAsync(); $err = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit(600000)) { $p.Kill($true); throw "child pwsh ($ScriptPath) did not finish within 10 minutes" }
        return [pscustomobject]@{ ExitCode = $p.ExitCode; Output = $out.Result; Error = $err.Result }
    }
    return $p
}

$work = Join-Path ([System.IO.Path]::GetTempPath()) ("modelcost-faults-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
$null = New-Item -ItemType Directory -Path $work
try {
    if ('HeapCap' -in $Scenario) {
        $script = Join-Path $work 'heapcap.ps1'
        Set-Content -LiteralPath $script -Value @"
Import-Module '$Module'
`$conv = New-ModelSpec -Name HeavyConv -InputShape 28,28,1 -Layer 'Conv2D(256,3,padding="same")','Conv2D(256,3,padding="same")','Flatten()','Dense(10, activation="softmax")'
`$small = New-ModelSpec -Name Small -InputShape 28,28 -Layer 'Flatten()','Dense(10, activation="softmax")'
`$r = `$conv, `$small | Measure-ModelLatency -Iterations 1 -Warmup 0 -BatchSize 512 -ThrottleLimit 1 -ErrorVariable e -ErrorAction SilentlyContinue
"RESULTS=`$(@(`$r).Count) NAMES=`$(@(`$r | ForEach-Object Model) -join ',')"
"ERRORS=`$((`$e | ForEach-Object { `$_.FullyQualifiedErrorId }) -join ';')"
"MESSAGE=`$((`$e | Select-Object -First 1) -as [string])"
"@
        # 512 MiB of managed heap: the two 28x28x256 activations at batch 512 need ~0.8 GB, the small model ~2 MB.
        $run = Start-ChildPwsh $script @{ DOTNET_GCHeapHardLimit = '0x20000000' } -Wait
        $ids = if ($run.Output -match 'ERRORS=(.*)') { $Matches[1].Trim() } else { '' }
        $ok = $run.ExitCode -eq 0 -and $run.Output -match 'RESULTS=1 NAMES=Small' -and $ids -like 'InsufficientMemory,*'
        Result 'HeapCap' ($ok ? 'Passed' : 'Failed') "exit $($run.ExitCode); $($run.Output.Trim() -replace '\s+', ' ')$(if (-not $ok) { " stderr: $($run.Error)" })"
    }

    if ('SigKillExport' -in $Scenario) {
        if (-not ($IsLinux -or $IsMacOS)) {
            Result 'SigKillExport' 'Skipped' 'needs SIGKILL (Linux or macOS)'
        }
        else {
            $data = Join-Path $work 'data'
            $null = New-Item -ItemType Directory -Path $data
            New-SyntheticIdxPair -Folder $data -Prefix 'train' -Count 64
            New-SyntheticIdxPair -Folder $data -Prefix 't10k' -Count 16
            $target = Join-Path $work 'model.safetensors'
            [System.IO.File]::WriteAllBytes($target, [byte[]](1..255))
            $before = (Get-FileHash -LiteralPath $target).Hash
            $script = Join-Path $work 'export.ps1'
            # Flatten 8x8 -> 64; Dense(200000): 64*200000 + 200000 = 13,000,000; Dense(10): 200000*10 + 10 = 2,000,010:
            # 15,000,010 float32 weights, a 60 MB file.
            Set-Content -LiteralPath $script -Value @"
Import-Module '$Module'
`$d = Get-ModelDataset -Name MNIST -Path '$data'
`$t = New-ModelSpec -Name Big -InputShape 8,8 -Layer 'Flatten()','Dense(200000)','Dense(10, activation="softmax")' | Invoke-ModelTraining -Dataset `$d -Epochs 1 -BatchSize 64 -ValidationSplit 0 -ThrottleLimit 1
'TRAINED'
`$t | Export-TrainedModel -Path '$target' -Force
'EXPORTED'
"@
            $child = Start-ChildPwsh $script
            $killed = $false
            $deadline = [DateTime]::UtcNow.AddMinutes(5)
            while (-not $child.HasExited -and [DateTime]::UtcNow -lt $deadline) {
                $tmp = @(Get-ChildItem -LiteralPath $work -Force -Filter '.model.safetensors.*.tmp')
                if ($tmp.Count -gt 0) {
                    $child.Kill()   # SIGKILL on Unix: no handler, no finally block runs
                    $killed = $true
                    break
                }
                Start-Sleep -Milliseconds 5
            }
            $child.WaitForExit(10000) | Out-Null
            $after = (Get-FileHash -LiteralPath $target).Hash
            $left = @(Get-ChildItem -LiteralPath $work -Force -Filter '.model.safetensors.*.tmp')
            if (-not $killed) {
                Result 'SigKillExport' 'Failed' "the export's temporary file was never seen (exit $($child.ExitCode)): $($child.StandardError.ReadToEnd())"
            }
            elseif ($after -ne $before) {
                Result 'SigKillExport' 'Failed' 'the target changed although the writer was killed before its rename'
            }
            else {
                # The next write of the same file removes the dead writer's temporary.
                $again = Start-ChildPwsh $script -Wait
                $stillLeft = @(Get-ChildItem -LiteralPath $work -Force -Filter '.model.safetensors.*.tmp')
                $ok = $again.ExitCode -eq 0 -and $again.Output -match 'EXPORTED' -and $stillLeft.Count -eq 0 -and (Get-Item -LiteralPath $target).Length -gt 60000000
                Result 'SigKillExport' ($ok ? 'Passed' : 'Failed') ("killed while '$($left[0].Name)' was being written ($([math]::Round($left[0].Length / 1MB, 1)) MB); the old file was intact; " +
                    "the next export left $($stillLeft.Count) temporary file(s) and wrote $((Get-Item -LiteralPath $target).Length) bytes$(if (-not $ok) { "; stderr: $($again.Error)" })")
            }
        }
    }

    if ('FullDisk' -in $Scenario) {
        $disk = Join-Path $work 'tiny'
        $null = New-Item -ItemType Directory -Path $disk
        $mounted = $false
        if ($IsLinux -and (& id -u) -eq '0') {
            & mount -t tmpfs -o size=64k tmpfs $disk 2>$null
            $mounted = $LASTEXITCODE -eq 0
        }
        if (-not $mounted) {
            Result 'FullDisk' 'Skipped' 'mounting a 64 KiB tmpfs needs root on Linux (and a kernel/container that allows mount)'
        }
        else {
            try {
                Import-Module $Module
                $keep = Join-Path $disk 'keep.yaml'
                New-ModelSpec -Name Small -InputShape 4 -Layer 'Dense(2, activation="softmax")' | Export-ModelSpec -Path $keep
                $before = (Get-FileHash -LiteralPath $keep).Hash
                # 4,000 Dense layers: about 30 bytes of YAML each, ~120 KB, twice the disk.
                $big = New-ModelSpec -Name Small -InputShape 4 -Layer (@('Dense(4)') * 4000 + 'Dense(2, activation="softmax")')
                $err = $null
                try { $big | Export-ModelSpec -Path $keep -Force -ErrorAction Stop } catch { $err = $_ }
                $left = @(Get-ChildItem -LiteralPath $disk -Force -Filter '*.tmp')
                $ok = $err -and $err.FullyQualifiedErrorId -like 'WriteFailed,*' -and "$err" -like "*$keep*" -and
                    (Get-FileHash -LiteralPath $keep).Hash -eq $before -and $left.Count -eq 0
                Result 'FullDisk' ($ok ? 'Passed' : 'Failed') "error: $(if ($err) { "$($err.FullyQualifiedErrorId): $err" } else { 'none' }); temporaries left: $($left.Count)"
            }
            finally { & umount $disk }
        }
    }
}
finally {
    Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
}
