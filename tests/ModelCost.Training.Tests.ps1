#Requires -Version 7.4
# Pester 5 tests of Get-ModelDataset, Invoke-ModelTraining and Invoke-ModelEvaluation.
# They train on a tiny synthetic IDX dataset written into TestDrive, so they run everywhere (no
# download, no installed dataset) and take seconds: 8x8 images whose label k (0..3) lights row k,
# i.e. four distinct patterns that a softmax regression separates perfectly.

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModelCost.TestHelpers.ps1')
    Import-ModelCostTestModule

    $DataFolder = Join-Path $TestDrive 'synthetic'
    $Dataset = New-SyntheticDataset -Folder $DataFolder -TrainCount 240 -TestCount 80

    # Flatten 8x8 -> 64; Dense(10): 64*10 + 10 = 650 parameters.
    $Tiny = New-ModelSpec -Name Tiny -InputShape 8, 8 -Layer 'Flatten()', 'Dense(10, activation="softmax")'
    $ManifestPath = Join-Path (Get-Module -Name ModelCost.PS).ModuleBase 'ModelCost.PS.psd1'
}

Describe 'Get-ModelDataset' {
    It 'describes a dataset folder given with -Path' {
        $Dataset.PSObject.TypeNames[0] | Should -Be 'ModelCost.Core.Data.DatasetInfo'
        $Dataset.Name | Should -Be 'MNIST'
        $Dataset.TrainCount | Should -Be 240
        $Dataset.TestCount | Should -Be 80
        @($Dataset.ImageShape) | Should -Be @(8, 8)
        $Dataset.Classes | Should -Be 10
        $Dataset.Source | Should -Be 'Path'
    }

    It 'fails clearly for an unknown dataset name' {
        { Get-ModelDataset -Name NoSuchData -NoDownload -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnknownDataset,ModelCost.PS.Commands.GetModelDatasetCommand'
    }

    It 'fails clearly for a folder without the IDX files' {
        $empty = Join-Path $TestDrive 'empty'
        $null = New-Item -ItemType Directory -Path $empty
        { Get-ModelDataset -Name MNIST -Path $empty -ErrorAction Stop } |
            Should -Throw -ErrorId 'DatasetNotFound,ModelCost.PS.Commands.GetModelDatasetCommand'
    }

    It 'writes NotFileSystemPath for a -Path on another provider' {
        { Get-ModelDataset -Name MNIST -Path 'Env:\' -NoDownload -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotFileSystemPath,ModelCost.PS.Commands.GetModelDatasetCommand'
    }

    It 'finds Fashion-MNIST when it is installed' {
        $installed = Get-FashionMnistPath
        if (-not $installed) {
            Set-ItResult -Skipped -Because 'Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)'
            return
        }
        $fashion = Get-ModelDataset -Name FashionMNIST -Path $installed
        # The published splits: 60,000 training and 10,000 test images of 28x28.
        $fashion.TrainCount | Should -Be 60000
        $fashion.TestCount | Should -Be 10000
        @($fashion.ImageShape) | Should -Be @(28, 28)
    }
}

Describe 'Invoke-ModelTraining' {
    It 'trains and returns a TrainingResult with one History row per epoch' {
        $run = $Tiny | Invoke-ModelTraining -Dataset $Dataset -Epochs 3 -BatchSize 16 -LearningRate 0.05 -Seed 1 -ThrottleLimit 1
        $run.PSObject.TypeNames[0] | Should -Be 'ModelCost.Core.Engine.TrainingResult'
        $run.Model | Should -Be 'Tiny'
        $run.Dataset | Should -Be 'MNIST'
        $run.Epochs | Should -Be 3
        $run.BatchSize | Should -Be 16
        $run.Optimizer | Should -Be 'Adam'
        $run.Seed | Should -Be 1
        $run.Status | Should -Be 'Completed'
        @($run.History).Count | Should -Be 3
        $run.History.Epoch | Should -Be @(1, 2, 3)
        # Four separable patterns: the loss must fall, and test accuracy must beat chance (0.25 over the four classes used).
        $run.History[2].Loss | Should -BeLessThan $run.History[0].Loss
        $run.TestAccuracy | Should -BeGreaterThan 0.5
    }

    It 'lists the history as flat rows with the model name (Get-TrainingHistory, issue 16 item 8)' {
        $run = $Tiny | Invoke-ModelTraining -Dataset $Dataset -Epochs 2 -BatchSize 16 -Seed 3 -ThrottleLimit 1 -Verbose 4>&1 |
            Tee-Object -Variable all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        ($verbose | Where-Object { $_ -like 'Test:*' }) | Should -Match '^Test: loss \d+\.\d{4} - accuracy \d+\.\d{4}\.$'   # test figures only
        ($verbose | Where-Object { $_ -like 'Trained in*' }) | Should -Match 'training samples/s'
        $rows = @($run | Get-TrainingHistory)
        $rows.Count | Should -Be 2
        $rows.Model | Should -Be @('Tiny', 'Tiny')
        $rows.Epoch | Should -Be @(1, 2)
        $rows[1].Loss | Should -Be $run.History[1].Loss
        $rows[0].ValAccuracy | Should -Be $run.History[0].ValAccuracy
        $csv = Join-Path $TestDrive 'history.csv'
        $run | Get-TrainingHistory | Export-Csv $csv
        $lines = @(Get-Content $csv)
        $lines[0] | Should -Be '"Model","Dataset","Epoch","Loss","Accuracy","ValLoss","ValAccuracy","Seconds"'
        $lines.Count | Should -Be 3
        $lines[1] | Should -Match '^"Tiny","MNIST","1",'
        { 'text' | Get-TrainingHistory -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidInputObject,ModelCost.PS.Commands.GetTrainingHistoryCommand'
    }

    It 'says "1 epoch", not "1 epochs"' {
        $msgs = @($Tiny | Invoke-ModelTraining -Dataset $Dataset -Epochs 1 -BatchSize 16 -Seed 3 -ThrottleLimit 1 -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        ($msgs | Where-Object { $_ -like 'Training*' }) | Should -Match ', 1 epoch, batch 16,'
    }

    It 'gives an identical History for the same seed and thread count' {
        $a = $Tiny | Invoke-ModelTraining -Dataset $Dataset -Epochs 2 -BatchSize 16 -Seed 7 -ThrottleLimit 1
        $b = $Tiny | Invoke-ModelTraining -Dataset $Dataset -Epochs 2 -BatchSize 16 -Seed 7 -ThrottleLimit 1
        $b.History.Loss | Should -Be $a.History.Loss
        $b.History.ValAccuracy | Should -Be $a.History.ValAccuracy
        $b.TestAccuracy | Should -Be $a.TestAccuracy
    }

    It 'writes progress per batch and a Keras-like verbose line per epoch' {
        $ps = [powershell]::Create()
        try {
            $script = 'param($Manifest, $Folder) Import-Module $Manifest; ' +
                '$spec = New-ModelSpec -Name Tiny -InputShape 8, 8 -Layer ''Flatten()'', ''Dense(10, activation="softmax")''; ' +
                '$spec | Invoke-ModelTraining -Dataset (Get-ModelDataset -Name MNIST -Path $Folder) -Epochs 2 -BatchSize 16 -Verbose'
            $null = $ps.AddScript($script).AddArgument($ManifestPath).AddArgument($DataFolder)
            $output = $ps.Invoke()
            $ps.HadErrors | Should -BeFalse
            @($output).Count | Should -Be 1
            $progress = @($ps.Streams.Progress)
            $progress.Count | Should -BeGreaterThan 0
            @($progress | Where-Object { $_.StatusDescription -like 'Epoch 2/2, batch*loss*accuracy*' }).Count | Should -BeGreaterThan 0
            @($progress | Where-Object { $_.RecordType -eq 'Completed' }).Count | Should -BeGreaterThan 0
            $verbose = @($ps.Streams.Verbose | ForEach-Object Message)
            @($verbose | Where-Object { $_ -like 'Epoch 1/2:*loss*' }).Count | Should -Be 1
            @($verbose | Where-Object { $_ -like 'Epoch 2/2:*loss*' }).Count | Should -Be 1
        }
        finally {
            $ps.Dispose()
        }
    }

    It 'stops promptly on Ctrl+C (pipeline stop) and leaves the session usable' {
        $ps = [powershell]::Create()
        try {
            $script = 'param($Manifest, $Folder) Import-Module $Manifest; ' +
                '$spec = New-ModelSpec -Name Tiny -InputShape 8, 8 -Layer ''Flatten()'', ''Dense(10, activation="softmax")''; ' +
                '$spec | Invoke-ModelTraining -Dataset (Get-ModelDataset -Name MNIST -Path $Folder) -Epochs 100000 -BatchSize 16'
            $null = $ps.AddScript($script).AddArgument($ManifestPath).AddArgument($DataFolder)
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ($ps.Streams.Progress.Count -eq 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $ps.Streams.Progress.Count | Should -BeGreaterThan 0

            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Stop()
            # One batch of this model takes microseconds; allow generous slack for a loaded machine.
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 15
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'

            $ps.Commands.Clear()
            $null = $ps.AddScript('(New-ModelSpec -Name After -InputShape 4 -Layer ''Dense(3)'' | Measure-ModelCost).Params')
            # Dense(3) on 4 inputs: 4*3 + 3 = 15
            @($ps.Invoke()) | Should -Be @(15)
        }
        finally {
            $ps.Dispose()
        }
    }

    It 'stops with TrainingDiverged on a non-finite loss and still returns the last good weights' {
        # SGD with learning rate 1e300 (infinite in float32) turns the weights into inf/NaN after the first step.
        $run = $Tiny | Invoke-ModelTraining -Dataset $Dataset -Epochs 1 -BatchSize 16 -Optimizer SGD -LearningRate 1e300 -Seed 1 -ThrottleLimit 1 `
            -ErrorAction SilentlyContinue -ErrorVariable errs
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'TrainingDiverged,ModelCost.PS.Commands.InvokeModelTrainingCommand'
        $run.Status | Should -Be 'Diverged'
    }

    It 'rejects a batch size larger than the training set' {
        # 240 samples less a 0.1 validation split leaves 216 for training.
        { $Tiny | Invoke-ModelTraining -Dataset $Dataset -BatchSize 1000 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidTrainingOption,ModelCost.PS.Commands.InvokeModelTrainingCommand'
    }

    It 'rejects a validation split of 1' {
        { $Tiny | Invoke-ModelTraining -Dataset $Dataset -ValidationSplit 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidTrainingOption,ModelCost.PS.Commands.InvokeModelTrainingCommand'
    }

    It 'rejects a model whose input does not match the samples' {
        # 28x28 = 784 inputs against 8x8 = 64-value samples.
        $wrong = New-ModelSpec -Name Wrong -InputShape 28, 28 -Layer 'Flatten()', 'Dense(10, activation="softmax")'
        { $wrong | Invoke-ModelTraining -Dataset $Dataset -ErrorAction Stop } |
            Should -Throw -ErrorId 'DatasetShapeMismatch,ModelCost.PS.Commands.InvokeModelTrainingCommand'
    }
}

Describe 'Invoke-ModelEvaluation' {
    BeforeAll {
        $Run = $Tiny | Invoke-ModelTraining -Dataset $Dataset -Epochs 3 -BatchSize 16 -LearningRate 0.05 -Seed 3 -ThrottleLimit 1
    }

    It 'evaluates a training result to the accuracy training reported on the test split' {
        $eval = $Run | Invoke-ModelEvaluation -Dataset $Dataset -Split Test
        $eval.PSObject.TypeNames[0] | Should -Be 'ModelCost.Core.Engine.EvaluationResult'
        $eval.Split | Should -Be 'Test'
        $eval.Samples | Should -Be 80
        $eval.Accuracy | Should -Be $Run.TestAccuracy
    }

    It 'evaluates the training split' {
        ($Run | Invoke-ModelEvaluation -Dataset $Dataset -Split Train).Samples | Should -Be 240
    }

    Context 'a dataset found by name (issue 15: test split without the training files, -NoDownload)' {
        BeforeAll {
            $SavedCache, $SavedData = $env:XDG_CACHE_HOME, $env:MODELCOST_DATA
            # A cache holding only MNIST's two test files (the synthetic 80-image pair), and no $MODELCOST_DATA.
            $env:XDG_CACHE_HOME = Join-Path $TestDrive 'xdg'
            $env:MODELCOST_DATA = $null
            $cached = Join-Path $env:XDG_CACHE_HOME 'modelcost/datasets/mnist'
            $null = New-Item -ItemType Directory -Path $cached
            Copy-Item (Join-Path $DataFolder 't10k-*') $cached
        }
        AfterAll { $env:XDG_CACHE_HOME, $env:MODELCOST_DATA = $SavedCache, $SavedData }

        It 'evaluates on the test split from a folder without the training pair, downloading nothing' {
            $eval = $Run | Invoke-ModelEvaluation -Dataset MNIST -NoDownload
            $eval.Samples | Should -Be 80
            $eval.Accuracy | Should -Be $Run.TestAccuracy
        }

        It 'refuses with DatasetNotFound under -NoDownload when the split it needs is missing' {
            { $Run | Invoke-ModelEvaluation -Dataset MNIST -Split Train -NoDownload -ErrorAction Stop } |
                Should -Throw -ErrorId 'DatasetNotFound,ModelCost.PS.Commands.InvokeModelEvaluationCommand'
            { $Tiny | Invoke-ModelTraining -Dataset MNIST -Epochs 1 -NoDownload -ErrorAction Stop } |
                Should -Throw -ErrorId 'DatasetNotFound,ModelCost.PS.Commands.InvokeModelTrainingCommand'
        }

        It 'plans a download of the test files only (-WhatIf names them)' {
            Remove-Item (Join-Path $env:XDG_CACHE_HOME 'modelcost/datasets/mnist') -Recurse
            # -WhatIf speaks to the host only; a transcript records what the user would read.
            $log = Join-Path $TestDrive 'whatif-download.txt'
            $null = Start-Transcript -Path $log
            try { $out = $Run | Invoke-ModelEvaluation -Dataset MNIST -WhatIf } finally { $null = Stop-Transcript }
            $out | Should -BeNullOrEmpty
            Get-Content -Raw $log | Should -Match 'Download dataset.*MNIST test files from'
            Join-Path $env:XDG_CACHE_HOME 'modelcost/datasets/mnist' | Should -Not -Exist
        }
    }

    It 'writes an error for an input that carries no weights' {
        { 'not a model' | Invoke-ModelEvaluation -Dataset $Dataset -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidInputObject,ModelCost.PS.Commands.InvokeModelEvaluationCommand'
    }
}

Describe 'Export-TrainedModel and Import-TrainedModel' {
    BeforeAll {
        $Run = $Tiny | Invoke-ModelTraining -Dataset $Dataset -Epochs 2 -BatchSize 16 -LearningRate 0.05 -Seed 5 -ThrottleLimit 1
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.safetensors'
        $Run | Export-TrainedModel -Path $path -WhatIf
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'round-trips: the imported model evaluates to the same loss and accuracy' {
        $path = Join-Path $TestDrive 'tiny.safetensors'
        $file = $Run | Export-TrainedModel -Path $path -PassThru
        # safetensors: 8-byte header length + JSON header + the 650 float32 weights (64*10 kernel + 10 bias = 2,600 bytes).
        $file.Length | Should -BeGreaterThan (8 + 2600)
        $file.Length | Should -Be (Get-Item -LiteralPath $path).Length
        $file.SizeBytes | Should -Be $file.Length
        $file.SizeMB | Should -Be ($file.Length / 1MB)

        $model = Import-TrainedModel -Path $path
        $model.PSObject.TypeNames[0] | Should -Be 'ModelCost.Core.Engine.TrainedModel'
        $model.Spec.Equals($Tiny) | Should -BeTrue
        ($model.Tensors | ForEach-Object { $_.Data.Length } | Measure-Object -Sum).Sum | Should -Be 650

        $before = $Run | Invoke-ModelEvaluation -Dataset $Dataset
        $after = $model | Invoke-ModelEvaluation -Dataset $Dataset
        $after.Accuracy | Should -Be $before.Accuracy
        $after.Loss | Should -Be $before.Loss
    }

    It 'reads a .safetensors file through -Path in every command that takes a model' {
        $path = Join-Path $TestDrive 'bypath.safetensors'
        $Run | Export-TrainedModel -Path $path
        # The spec inside: Dense(10) on 8x8 = 64 inputs, 64*10 + 10 = 650 parameters.
        (Measure-ModelCost -Path $path).Params | Should -Be 650
        (Get-Item -LiteralPath $path | Get-ModelSummary)[-1].Params | Should -Be 650
        (Invoke-ModelEvaluation $Dataset -Path $path).Accuracy | Should -Be ($Run | Invoke-ModelEvaluation -Dataset $Dataset).Accuracy
        ($path | Measure-ModelLatency -Iterations 3 -Warmup 0).Weights | Should -Be 'Trained'
    }

    It 'keeps an existing file with -NoClobber and leaves no temporary file' {
        $path = Join-Path $TestDrive 'kept.safetensors'
        Set-Content -LiteralPath $path -Value 'original'
        { $Run | Export-TrainedModel -Path $path -NoClobber -ErrorAction Stop } |
            Should -Throw -ErrorId 'FileExists,ModelCost.PS.Commands.ExportTrainedModelCommand'
        (Get-Content -LiteralPath $path -Raw).Trim() | Should -Be 'original'
        @(Get-ChildItem -LiteralPath $TestDrive -Filter '*.tmp' -Force).Count | Should -Be 0
    }

    It 'refuses a truncated file with an error naming it' {
        $bad = Join-Path $TestDrive 'truncated.safetensors'
        [System.IO.File]::WriteAllBytes($bad, [byte[]](8, 0, 0))
        $err = { Import-TrainedModel -LiteralPath $bad -ErrorAction Stop } |
            Should -Throw -ErrorId 'SafetensorsCorrupt,ModelCost.PS.Commands.ImportTrainedModelCommand' -PassThru
        $err.Exception.Message | Should -Match 'truncated\.safetensors'
    }

    It 'refuses a safetensors header length of 2^63 without allocating it' {
        $bad = Join-Path $TestDrive 'huge-header.safetensors'
        # Little-endian 0x8000000000000000 followed by two bytes.
        [System.IO.File]::WriteAllBytes($bad, [byte[]](0, 0, 0, 0, 0, 0, 0, 0x80, 0x7B, 0x7D))
        { Import-TrainedModel -LiteralPath $bad -ErrorAction Stop } |
            Should -Throw -ErrorId 'SafetensorsCorrupt,ModelCost.PS.Commands.ImportTrainedModelCommand'
    }
}

Describe 'Measure-ModelLatency' {
    It 'measures median and p90 latency next to the cost model estimate' {
        $m = $Tiny | Measure-ModelLatency -Iterations 50 -Warmup 5
        $m.PSObject.TypeNames[0] | Should -Be 'ModelCost.Core.Latency.LatencyMeasurement'
        $m.Model | Should -Be 'Tiny'
        $m.BatchSize | Should -Be 1
        $m.Iterations | Should -Be 50
        $m.Weights | Should -Be 'Initialised'
        $m.MedianSeconds | Should -BeGreaterThan 0
        $m.P90Seconds | Should -BeGreaterOrEqual $m.MedianSeconds
        # Flops convention, batch 1: Dense(10) on 64 inputs = 2 * 64 * 10 = 1,280 FLOPs.
        $m.InferenceFlops | Should -Be 1280
        $m.EstimatedLatencySeconds | Should -Be (1280 / $m.MeasuredDeviceFlops)
        $m.ThroughputPerSecond | Should -Be (1 / $m.MedianSeconds)
    }

    It 'times trained weights from a training result' {
        $run = $Tiny | Invoke-ModelTraining -Dataset $Dataset -Epochs 1 -BatchSize 16 -Seed 2 -ThrottleLimit 1
        ($run | Measure-ModelLatency -Iterations 20 -Warmup 2).Weights | Should -Be 'Trained'
    }

    It 'writes an error naming a spec file that does not exist' {
        { 'no-such-file.yaml' | Measure-ModelLatency -ErrorAction Stop } | Should -Throw -ErrorId 'SpecFileNotFound,ModelCost.PS.Commands.MeasureModelLatencyCommand'
    }

    It 'writes NotFileSystemPath for an input path on another provider' {
        { 'Env:\PATH' | Measure-ModelLatency -ErrorAction Stop } | Should -Throw -ErrorId 'NotFileSystemPath,ModelCost.PS.Commands.MeasureModelLatencyCommand'
    }
}
