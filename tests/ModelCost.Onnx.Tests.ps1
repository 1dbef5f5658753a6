#Requires -Version 7.4
# Pester 5 tests of the ONNX hooks: Import-ModelSpec of .onnx files (-Skip Unsupported) and
# Export-TrainedModel -Format Onnx. The model is trained on the tiny synthetic IDX dataset of the
# training tests; ONNX files are written by the module itself and then altered byte by byte.

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModelCost.TestHelpers.ps1')
    Import-ModelCostTestModule

    $DataFolder = Join-Path $TestDrive 'synthetic'
    $Dataset = New-SyntheticDataset -Folder $DataFolder -TrainCount 80 -TestCount 40

    # Flatten 8x8 -> 64; Dense(10): 64*10 + 10 = 650 parameters; Flops 2*64*10 = 1,280.
    $Tiny = New-ModelSpec -Name Tiny -InputShape 8, 8 -Layer 'Flatten()', 'Dense(10, activation="softmax")'
    $Run = $Tiny | Invoke-ModelTraining -Dataset $Dataset -Epochs 1 -BatchSize 16 -Seed 3 -ThrottleLimit 1
    $OnnxPath = Join-Path $TestDrive 'tiny.onnx'
    $Run | Export-TrainedModel -Path $OnnxPath
}

Describe 'Export-TrainedModel -Format Onnx' {
    It 'writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.onnx'
        $Run | Export-TrainedModel -Path $path -Format Onnx -WhatIf
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'writes ONNX for a path ending in .onnx and for -Format Onnx into a folder' {
        (Get-Item -LiteralPath $OnnxPath).Length | Should -BeGreaterThan 2600   # at least the 650 float32 weights
        $folder = Join-Path $TestDrive 'out'
        $null = New-Item -ItemType Directory -Path $folder
        $file = $Run | Export-TrainedModel -Path $folder -Format Onnx -PassThru
        $file.Name | Should -Be 'Tiny.onnx'
        $file.SizeBytes | Should -Be $file.Length
    }

    It 'keeps an existing file with -NoClobber' {
        $path = Join-Path $TestDrive 'kept.onnx'
        Set-Content -LiteralPath $path -Value 'original'
        { $Run | Export-TrainedModel -Path $path -NoClobber -ErrorAction Stop } |
            Should -Throw -ErrorId 'FileExists,ModelCost.PS.Commands.ExportTrainedModelCommand'
        (Get-Content -LiteralPath $path -Raw).Trim() | Should -Be 'original'
    }
}

Describe 'Import-ModelSpec of ONNX files' {
    It 'reads the exported model back with its layer names and counts' {
        $spec = Import-ModelSpec -LiteralPath $OnnxPath
        $spec.Name | Should -Be 'tiny'
        @($spec.InputShape) | Should -Be @(8, 8)
        $names = @($spec.Layers | ForEach-Object Name)
        $names | Should -Contain 'flatten'
        $names | Should -Contain 'dense'
        ($spec | Get-ModelSummary | Measure-Object -Property Params -Sum).Sum | Should -Be 650
        ($spec | Measure-ModelCost).InferenceFlops | Should -Be 1280
    }

    It 'names the node and operator it cannot map, and -Skip Unsupported costs the rest' {
        # Rename the Softmax operator to an unknown one (same length, so the protobuf stays valid).
        $bytes = [System.IO.File]::ReadAllBytes($OnnxPath)
        $text = [System.Text.Encoding]::Latin1.GetString($bytes)
        $text.Contains('Softmax') | Should -BeTrue
        $bad = Join-Path $TestDrive 'odd-op.onnx'
        [System.IO.File]::WriteAllBytes($bad, [System.Text.Encoding]::Latin1.GetBytes($text.Replace('Softmax', 'Softmix')))

        $err = { Import-ModelSpec -LiteralPath $bad -ErrorAction Stop } |
            Should -Throw -ErrorId 'OnnxOperatorUnsupported,ModelCost.PS.Commands.ImportModelSpecCommand' -PassThru
        $err.Exception.Message | Should -Match '\(Softmix\)'

        $spec = Import-ModelSpec -LiteralPath $bad -Skip Unsupported -WarningVariable warnings -WarningAction SilentlyContinue
        @($spec.Layers | ForEach-Object Name) | Should -Be @('flatten', 'dense')
        @($warnings).Count | Should -BeGreaterOrEqual 1
        "$($warnings[0])" | Should -Match 'Softmix'
        $spec.Description | Should -Match 'Skipped'
        ($spec | Measure-ModelCost).InferenceFlops | Should -Be 1280
    }

    It 'writes OnnxInvalid for a file that is not ONNX and goes on with the next file' {
        $notes = Join-Path $TestDrive 'notes.onnx'
        Set-Content -LiteralPath $notes -Value 'not a model'
        $specs = @(Import-ModelSpec -LiteralPath $notes, $OnnxPath -ErrorVariable errs -ErrorAction SilentlyContinue)
        $specs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeIn @('OnnxInvalid,ModelCost.PS.Commands.ImportModelSpecCommand', 'OnnxTruncated,ModelCost.PS.Commands.ImportModelSpecCommand')
    }

    It 'writes OnnxTruncated for a cut file' {
        $bytes = [System.IO.File]::ReadAllBytes($OnnxPath)
        $cut = Join-Path $TestDrive 'cut.onnx'
        [System.IO.File]::WriteAllBytes($cut, $bytes[0..($bytes.Length - 200)])
        { Import-ModelSpec -LiteralPath $cut -ErrorAction Stop } |
            Should -Throw -ErrorId 'OnnxTruncated,ModelCost.PS.Commands.ImportModelSpecCommand'
    }
}

Describe 'Measure-ModelLatency -Engine OnnxRuntime' {
    It 'times the seed CNN at batch 1 and 1000 with the shared output object' {
        $m = Import-ModelSpec (Get-ExampleSpecPath 'seed000_cnn.yaml') |
            Measure-ModelLatency -Engine OnnxRuntime -BatchSize 1, 1000 -Iterations 3 -Warmup 1 -ThrottleLimit 1
        $m.Count | Should -Be 2
        $m | ForEach-Object { $_.GetType().FullName | Should -Be 'ModelCost.Core.Latency.LatencyMeasurement' }
        $m.Engine | Should -Be @('OnnxRuntime', 'OnnxRuntime')
        $m.BatchSize | Should -Be @(1, 1000)
        $m | ForEach-Object { $_.MedianSeconds | Should -BeGreaterThan 0 }
    }

    It 'refuses training with UnsupportedByEngine and the session keeps working' {
        { $Tiny | Invoke-ModelTraining -Dataset $Dataset -Epochs 1 -Engine OnnxRuntime -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnsupportedByEngine,ModelCost.PS.Commands.InvokeModelTrainingCommand'
        ($Tiny | Measure-ModelLatency -Engine OnnxRuntime -Iterations 2 -Warmup 0).Engine | Should -Be 'OnnxRuntime'
    }
}
