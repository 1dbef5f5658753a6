#Requires -Version 7.4
# Pester 5 tests of -Engine Torch (issue 11): the three commands through the libtorch engine on the tiny
# synthetic dataset, weights crossing engines through Export-TrainedModel, and the three ways the engine can be
# unusable (spec it cannot express, not installed, libtorch that fails to load), each a specific error id after
# which the session keeps working with the managed engine. The Torch engine is installed by './build.ps1 torch';
# without it the tests that need it are skipped, saying so.

BeforeDiscovery {
    $TorchInstalled = Test-Path -LiteralPath (Join-Path (Split-Path -Parent $PSScriptRoot) 'out/ModelCost.PS/Engines/Torch/ModelCost.Engines.Torch.dll')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModelCost.TestHelpers.ps1')
    Import-ModelCostTestModule

    $DataFolder = Join-Path $TestDrive 'synthetic'
    $Dataset = New-SyntheticDataset -Folder $DataFolder -TrainCount 240 -TestCount 80
    $Tiny = New-ModelSpec -Name Tiny -InputShape 8, 8 -Layer 'Flatten()', 'Dense(10, activation="softmax")'
    $ModuleBase = (Get-Module -Name ModelCost.PS).ModuleBase

    # Runs $Script in a fresh pwsh (the one running these tests) that imports the module copy at $Manifest; returns its output lines.
    function Invoke-ChildPwsh([string] $Manifest, [string] $Script) {
        # As build.ps1 starts Pester: the repo-local pwsh is 'dotnet pwsh.dll'.
        $pwshDll = Join-Path $PSHOME 'pwsh.dll'
        $process, $pwshArgs = if (Test-Path -LiteralPath $pwshDll) { 'dotnet', @($pwshDll) } else { (Get-Process -Id $PID).Path, @() }
        $full = "Import-Module '$Manifest' -ErrorAction Stop; `$d = Get-ModelDataset -Name MNIST -Path '$DataFolder'; " +
            "`$t = New-ModelSpec -Name Tiny -InputShape 8, 8 -Layer 'Flatten()', 'Dense(10, activation=""softmax"")'; $Script"
        & $process @pwshArgs -NoProfile -NonInteractive -Command $full 2>&1 | ForEach-Object { "$_" }
    }

    # A copy of the built module with Engines/ replaced by $Engines (a hashtable of relative path -> source file or byte[]).
    function New-ModuleCopy([string] $Name, [hashtable] $Engines) {
        $copy = Join-Path $TestDrive $Name
        $null = New-Item -ItemType Directory -Path $copy
        Get-ChildItem -LiteralPath $ModuleBase | Where-Object Name -ne 'Engines' | Copy-Item -Destination $copy -Recurse
        foreach ($relative in $Engines.Keys) {
            $target = Join-Path $copy $relative
            $null = New-Item -ItemType Directory -Path (Split-Path -Parent $target) -Force
            if ($Engines[$relative] -is [byte[]]) { [System.IO.File]::WriteAllBytes($target, $Engines[$relative]) }
            else { Copy-Item -LiteralPath $Engines[$relative] -Destination $target }
        }
        Join-Path $copy 'ModelCost.PS.psd1'
    }
}

Describe '-Engine Torch' -Skip:(-not $TorchInstalled) {
    BeforeAll {
        $Managed = $Tiny | Invoke-ModelTraining -Dataset $Dataset -Epochs 2 -BatchSize 16 -LearningRate 0.05 -Seed 5 -ThrottleLimit 1
        $Torch = $Tiny | Invoke-ModelTraining -Dataset $Dataset -Epochs 2 -BatchSize 16 -LearningRate 0.05 -Seed 5 -ThrottleLimit 1 -Engine Torch
    }

    It 'trains with the same options, History and figures as the managed engine, naming the engine' {
        $Torch.Engine | Should -Be 'Torch'
        $Managed.Engine | Should -Be 'Managed'
        $Torch.Status | Should -Be 'Completed'
        @($Torch.History).Count | Should -Be 2
        # 240 samples, validation split 0.1: floor(240 * 0.9) = 216 for training, 24 validation; batch 16 -> 14 batches.
        $Torch.Params | Should -Be 650
        # Same initial weights, shuffles and Keras Adam: the two runs differ by float32 rounding only.
        $Torch.TestAccuracy | Should -Be $Managed.TestAccuracy
        [math]::Abs($Torch.TestLoss - $Managed.TestLoss) | Should -BeLessThan (1e-4 * $Managed.TestLoss)
        for ($e = 0; $e -lt 2; $e++) {
            [math]::Abs($Torch.History[$e].Loss - $Managed.History[$e].Loss) | Should -BeLessThan (1e-4 * $Managed.History[$e].Loss)
        }
    }

    It 'evaluates and times a model with -Engine Torch' {
        $eval = $Torch | Invoke-ModelEvaluation -Dataset $Dataset -Engine Torch
        $eval.Engine | Should -Be 'Torch'
        $eval.Samples | Should -Be 80
        $eval.Accuracy | Should -Be $Torch.TestAccuracy
        $latency = $Tiny | Measure-ModelLatency -Engine Torch -Iterations 5 -Warmup 1 -BatchSize 4
        $latency.Engine | Should -Be 'Torch'
        $latency.Weights | Should -Be 'Initialised'
        # Dense(10) on 64 inputs: 64 * 10 multiply-adds = 1,280 FLOPs per sample (Flops convention), 4 samples.
        $latency.InferenceFlops | Should -Be 5120
    }

    It 'hands its weights to the managed engine through Export-TrainedModel, and takes the managed engine''s' {
        foreach ($pair in @(@($Torch, 'Managed', 'Torch'), @($Managed, 'Torch', 'Managed'))) {
            $run, $other, $own = $pair
            $path = Join-Path $TestDrive "$own.safetensors"
            $run | Export-TrainedModel -Path $path
            $there = Import-TrainedModel -Path $path | Invoke-ModelEvaluation -Dataset $Dataset -Engine $other
            $here = $run | Invoke-ModelEvaluation -Dataset $Dataset -Engine $own
            $there.Engine | Should -Be $other
            $there.Accuracy | Should -Be $here.Accuracy
            [math]::Abs($there.Loss - $here.Loss) | Should -BeLessThan (1e-5 + 1e-4 * $here.Loss)
        }
    }

    It 'refuses an option it does not know by name' {
        { $Tiny | Invoke-ModelTraining -Dataset $Dataset -Epochs 1 -Engine Torch -EngineOption @{ NoSuchOption = 1 } -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidEngineOption,ModelCost.PS.Commands.InvokeModelTrainingCommand'
    }
}

Describe 'An unusable Torch engine' {
    It 'is EngineNotInstalled with how to install it when the module has no Engines/Torch, and the session trains with the managed engine' {
        $manifest = New-ModuleCopy -Name 'without-torch' -Engines @{}
        $out = Invoke-ChildPwsh $manifest ("try { `$t | Invoke-ModelTraining -Dataset `$d -Epochs 1 -Engine Torch -ErrorAction Stop } " +
            "catch { 'ERROR ' + `$_.FullyQualifiedErrorId; 'MESSAGE ' + `$_.Exception.Message }; " +
            "'ENGINE ' + (`$t | Invoke-ModelTraining -Dataset `$d -Epochs 1 -BatchSize 16).Engine")
        $out | Should -Contain 'ERROR EngineNotInstalled,ModelCost.PS.Commands.InvokeModelTrainingCommand'
        ($out | Where-Object { $_ -like 'MESSAGE *' }) | Should -BeLike '*build.ps1 torch*'
        $out | Should -Contain 'ENGINE Managed'
    }

    It 'is EngineLoadFailed when libtorch cannot be loaded, and the session trains with the managed engine' -Skip:(-not $TorchInstalled) {
        $engine = Join-Path $ModuleBase 'Engines/Torch'
        $files = @{}
        foreach ($f in 'ModelCost.Engines.Torch.dll', 'ModelCost.Engines.Torch.deps.json', 'TorchSharp.dll') { $files["Engines/Torch/$f"] = Join-Path $engine $f }
        # Not a shared library: the loader refuses it as libtorch's bridge.
        $files['Engines/Torch/runtimes/linux-x64/native/libLibTorchSharp.so'] = [byte[]][System.Text.Encoding]::ASCII.GetBytes('not an ELF file')
        $manifest = New-ModuleCopy -Name 'broken-torch' -Engines $files
        $out = Invoke-ChildPwsh $manifest ("try { `$t | Invoke-ModelTraining -Dataset `$d -Epochs 1 -Engine Torch -ErrorAction Stop } " +
            "catch { 'ERROR ' + `$_.FullyQualifiedErrorId }; " +
            "'ENGINE ' + (`$t | Invoke-ModelTraining -Dataset `$d -Epochs 1 -BatchSize 16).Engine")
        $out | Should -Contain 'ERROR EngineLoadFailed,ModelCost.PS.Commands.InvokeModelTrainingCommand'
        $out | Should -Contain 'ENGINE Managed'
    }
}
