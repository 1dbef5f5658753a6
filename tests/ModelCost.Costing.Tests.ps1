#Requires -Version 7.4
# Pester 5 tests of Measure-ModelCost and Test-ModelCost. Every expected figure is derived by hand
# below from the layer shapes (seed 000's MLP and CNN), not copied from the module's output.

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModelCost.TestHelpers.ps1')
    Import-ModelCostTestModule

    $Mlp = New-ModelSpec -Name MLP -InputShape 28, 28 -Layer 'Flatten()', 'Dense(256, activation="relu")', 'Dense(128, activation="relu")', 'Dense(10, activation="softmax")'
    $Cnn = New-ModelSpec -Name CNN -InputShape 28, 28, 1 -Layer 'Conv2D(16, 3, activation="relu")', 'MaxPooling2D(2)', 'Conv2D(32, 3, activation="relu")',
        'MaxPooling2D(2)', 'Flatten()', 'Dense(64, activation="relu")', 'Dense(10, activation="softmax")'

    # MLP multiply-accumulates: 784*256 + 256*128 + 128*10 = 200,704 + 32,768 + 1,280 = 234,752
    #   Flops          = 2 * 234,752                      = 469,504
    #   FlopsWithBias  = 469,504 + (256 + 128 + 10)       = 469,898   (seed 000 prints 469898)
    #   3x forward     = 3 * 469,898                      = 1,409,694 (seed 000 prints 1409694)
    # CNN multiply-accumulates:
    #   conv2d   26*26*16 * (3*3*1)  =  97,344   (outputs 26*26*16 = 10,816)
    #   conv2d_1 11*11*32 * (3*3*16) = 557,568   (outputs 11*11*32 =  3,872)
    #   dense    800*64              =  51,200   (outputs 64)
    #   dense_1  64*10               =     640   (outputs 10)
    #   total                        = 706,752;  Flops = 1,413,504
    #   FlopsWithBias = 1,413,504 + 10,816 + 3,872 + 64 + 10 = 1,428,266 (seed 000 prints 1428266)
    #   3x forward    = 4,284,798 (seed 000 prints 4284798)
}

Describe 'Measure-ModelCost' {
    It 'counts the seed MLP under the default Flops convention' {
        $cost = $Mlp | Measure-ModelCost
        $cost.PSObject.TypeNames[0] | Should -Be 'ModelCost.Core.Costing.CostSummary'
        $cost.Model | Should -Be 'MLP'
        $cost.Convention | Should -Be 'Flops'
        $cost.Params | Should -Be 235146
        $cost.InferenceMacs | Should -Be 234752
        $cost.InferenceFlops | Should -Be 469504
        # Size: 235,146 params * 4 bytes (Float32) = 940,584 bytes = 940,584 / 1024^2 MB
        $cost.SizeBytes | Should -Be 940584
        $cost.SizeMB | Should -Be (940584 / 1048576)
        # Latency estimate: 469,504 FLOPs / 1e9 FLOP/s
        $cost.EstimatedLatencySeconds | Should -Be (469504 / 1e9)
    }

    It 'reproduces seed 000 with FlopsWithBias and the 3x training rule' {
        $mlp = $Mlp | Measure-ModelCost -Convention FlopsWithBias -TrainingFlopsMethod ThreeTimesForward
        $mlp.InferenceFlops | Should -Be 469898
        $mlp.TrainingFlops | Should -Be 1409694
        $cnn = $Cnn | Measure-ModelCost -Convention FlopsWithBias -TrainingFlopsMethod ThreeTimesForward
        $cnn.InferenceFlops | Should -Be 1428266
        $cnn.TrainingFlops | Should -Be 4284798
    }

    It "reproduces seed 000's Adam training memory (params x 4 bytes x 4) from weights, gradients and optimizer state" {
        # 235,146 * 4 * 4 = 3,762,336 bytes (the seed prints 3.588 MB = 3,762,336 / 1024^2 rounded)
        $cost = $Mlp | Measure-ModelCost -Optimizer Adam
        ($cost.WeightBytes + $cost.GradientBytes + $cost.OptimizerStateBytes) | Should -Be 3762336
        # SGD keeps no optimizer state.
        ($Mlp | Measure-ModelCost -Optimizer SGD).OptimizerStateBytes | Should -Be 0
    }

    It 'halves the size at Float16' {
        # 235,146 * 2 bytes
        ($Mlp | Measure-ModelCost -Precision Float16).SizeBytes | Should -Be 470292
    }

    It 'costs several specs from the pipeline' {
        $costs = @($Mlp, $Cnn | Measure-ModelCost)
        $costs.Model | Should -Be @('MLP', 'CNN')
        $costs.InferenceFlops | Should -Be @(469504, 1413504)
    }

    It 'accepts a spec file path through the pipeline' {
        $path = Join-Path $TestDrive 'cnn.yaml'
        $Cnn | Export-ModelSpec -Path $path
        ($path | Measure-ModelCost -Convention Macs).InferenceFlops | Should -Be 706752
    }

    It 'writes per-layer rows with -PerLayer' {
        $rows = @($Cnn | Measure-ModelCost -PerLayer)
        $rows.Count | Should -Be 7
        $rows[0].PSObject.TypeNames[0] | Should -Be 'ModelCost.Core.Costing.LayerCost'
        $rows.Name | Should -Be @('conv2d', 'max_pooling2d', 'conv2d_1', 'max_pooling2d_1', 'flatten', 'dense', 'dense_1')
        $rows.Macs | Should -Be @(97344, 0, 557568, 0, 0, 51200, 640)
        $rows.Flops | Should -Be @(194688, 0, 1115136, 0, 0, 102400, 1280)
        $rows.Params | Should -Be @(160, 0, 4640, 0, 0, 51264, 650)
    }

    It 'reads a user convention from a YAML rules file' {
        $rules = Join-Path $TestDrive 'rules.yaml'
        Set-Content -LiteralPath $rules -Value @(
            'name: OneAndBias'
            'costs:'
            '  MatMulMac: 1'
            '  BiasAdd: 1'
        )
        # MLP: 234,752 MACs * 1 + (256 + 128 + 10) bias adds = 235,146
        $cost = $Mlp | Measure-ModelCost -Convention $rules
        $cost.Convention | Should -Be 'OneAndBias'
        $cost.InferenceFlops | Should -Be 235146
    }

    It 'fails on an unknown convention before reading any input' {
        { $Mlp | Measure-ModelCost -Convention NoSuchConvention } |
            Should -Throw -ErrorId 'UnknownConvention,ModelCost.PS.Commands.MeasureModelCostCommand'
    }

    It 'reports a bad spec path or bad YAML with the stable id, per item, and goes on with the next input' {
        # Issue 7: stable ids, never a parameter-binding error. Params of MLP: 235,146 (derived at the top).
        $missing = Join-Path $TestDrive 'no-such-spec.yaml'
        $costs = @($missing, $Mlp | Measure-ModelCost -ErrorAction SilentlyContinue -ErrorVariable errs)
        $costs.Count | Should -Be 1
        $costs[0].Params | Should -Be 235146
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'SpecFileNotFound,ModelCost.PS.Commands.MeasureModelCostCommand'
        # Text with a newline is spec text, not a path: an unclosed flow mapping is a YAML syntax error.
        { "apiVersion: modelcost/v1`nmetadata: {name: x" | Measure-ModelCost -ErrorAction Stop } |
            Should -Throw -ErrorId 'YamlSyntax,ModelCost.PS.Commands.MeasureModelCostCommand'
        { $missing | Test-ModelCost -MaxParams 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'SpecFileNotFound,ModelCost.PS.Commands.TestModelCostCommand'
        # -InputObject is typed (issue 18): PowerShell's binder refuses a number, naming the type it takes.
        $err = { Get-ModelSummary -InputObject 42 -ErrorAction Stop } |
            Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,ModelCost.PS.Commands.GetModelSummaryCommand' -PassThru
        $err.Exception.Message | Should -BeLike '*ModelCost.Core.Specs.ModelSpec*'
    }

    It 'takes specs as typed objects, paths (wildcards; a piped FileInfo with brackets is taken literally) and spec text' {
        # Params of a Dense(2) on 4 inputs: 4*2 + 2 = 10; of the text spec's Dense(3): 4*3 + 3 = 15.
        $spec = New-ModelSpec -Name Four -InputShape 4 -Layer 'Dense(2, activation="softmax")'
        $folder = Join-Path $TestDrive 'inputs'
        $null = New-Item -ItemType Directory -Path $folder
        $spec | Export-ModelSpec -Path (Join-Path $folder 'plain.yaml')
        $spec | Export-ModelSpec -Path (Join-Path $folder 'odd[1].yaml')
        Test-Path -LiteralPath (Join-Path $folder 'odd[1].yaml') | Should -BeTrue
        (Measure-ModelCost $spec).Params | Should -Be 10
        (Measure-ModelCost (Join-Path $folder 'plain.yaml')).Params | Should -Be 10
        @(Measure-ModelCost -Path (Join-Path $folder '*.yaml')).Count | Should -Be 2
        @(Get-ChildItem -LiteralPath $folder -Filter '*.yaml' | Measure-ModelCost).Params | Should -Be @(10, 10)
        ("apiVersion: modelcost/v1`nkind: ModelSpec`nmetadata: {name: Text}`nspec: {inputShape: [4], layers: [Dense(3)]}" | Measure-ModelCost).Params | Should -Be 15
        (Get-Command Measure-ModelCost).Parameters['InputObject'].ParameterType.FullName | Should -Be 'ModelCost.Core.Specs.ModelSpec'
    }

    It 'rejects an unknown precision at binding time' {
        { $Mlp | Measure-ModelCost -Precision Float64 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'completes built-in convention names' {
        $line = 'Measure-ModelCost -Convention Tf'
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.CompletionText | Should -Contain 'TfProfiler'
    }

    It 'exports every property with Export-Csv' {
        $csv = Join-Path $TestDrive 'costs.csv'
        $Mlp, $Cnn | Measure-ModelCost | Export-Csv -LiteralPath $csv -NoTypeInformation
        $back = @(Import-Csv -LiteralPath $csv)
        $back.Count | Should -Be 2
        $expected = 'Model', 'Convention', 'Precision', 'BatchSize', 'Optimizer', 'Params', 'TrainableParams', 'NonTrainableParams',
            'SizeBytes', 'SizeKB', 'SizeMB', 'InferenceMacs', 'InferenceFlops', 'TrainingFlops', 'WeightBytes', 'GradientBytes',
            'OptimizerStateBytes', 'ActivationBytes', 'TrainingMemoryBytes', 'TrainingMemoryMB', 'DeviceFlops', 'EstimatedLatencySeconds',
            'Devices', 'Parallelism', 'ModelStateBytesPerDevice', 'ActivationBytesPerDevice', 'MemoryBytesPerDevice',
            'CommunicationBytesPerStep', 'LinkBandwidth', 'EstimatedStepSeconds'
        foreach ($name in $expected) { $back[0].PSObject.Properties.Name | Should -Contain $name }
        $back[1].InferenceFlops | Should -Be '1413504'
        $back[0].Precision | Should -Be 'Float32'
    }

    It 'shows the issue-3 figures in the default table view, under issue 10''s short headers' {
        # Params, SizeMB -> Size, InferenceFlops -> FLOPs, TrainingFlops -> TrainFLOPs, TrainingMemoryMB -> TrainMem,
        # EstimatedLatencySeconds -> Latency; the convention heads the table (tests/ModelCost.Views.Tests.ps1 checks the widths).
        $text = $Mlp | Measure-ModelCost | Format-Table | Out-String -Width 80
        $header = ($text -split '\r?\n' | Where-Object { $_ -match '^Model\s' })
        $header -split '\s+' | Should -Be @('Model', 'Params', 'Size', 'FLOPs', 'TrainFLOPs', 'TrainMem', 'Latency')
        $text | Should -Match 'Convention: Flops'
    }
}

Describe 'Measure-ModelCost -Devices -Parallelism (issue 12)' {
    It 'costs ZeRO-2 on 4 devices with mixed precision per device' {
        # Seed MLP, Psi = 235,146 (all trainable). Shard = ceil(235,146 / 4) = ceil(58,786.5) = 58,787.
        # ZeRO paper, Section 5: P_os+g keeps the fp16 weights whole (2 * 235,146 = 470,292), fp16 gradients
        # and the K = 12 bytes of Adam state (fp32 master weights, momentum, variance) for its shard only:
        # 2 * 58,787 = 117,574 and 12 * 58,787 = 705,444; total 1,293,310 bytes.
        # Ring: reduce-scatter + all-gather, 2 * (4 - 1) chunks of 58,787 fp16 values = 2 * 3 * 58,787 * 2 = 705,444 bytes.
        # Activations, batch 8, fp16: (784 + 784 + 256 + 128 + 10) = 1,962 values * 8 * 2 = 31,392 bytes.
        $cost = $Mlp | Measure-ModelCost -Devices 4 -Parallelism ZeRO2 -Precision Mixed -BatchSize 8
        $cost.Devices | Should -Be 4
        "$($cost.Parallelism)" | Should -Be 'ZeRO2'
        $cost.ModelStateBytesPerDevice | Should -Be 1293310
        $cost.ActivationBytesPerDevice | Should -Be 31392
        $cost.MemoryBytesPerDevice | Should -Be (1293310 + 31392)
        $cost.CommunicationBytesPerStep | Should -Be 705444
    }

    It 'estimates the step time from -DeviceFlops and -LinkBandwidth' {
        # Training FLOPs of the seed MLP: 1,007,104 per sample (Exact). DDP on 2 devices, Float32, batch 1:
        # compute 1,007,104 / 1e9 s; all-reduce 2 * 1 * ceil(235,146 / 2) = 117,573 values * 4 B = 940,584 B / 1e8 B/s.
        $cost = $Mlp | Measure-ModelCost -Devices 2 -DeviceFlops 1e9 -LinkBandwidth 1e8
        $cost.CommunicationBytesPerStep | Should -Be 940584
        $cost.EstimatedStepSeconds | Should -BeGreaterThan (1007104 / 1e9 + 940584 / 1e8 - 1e-12)
        $cost.EstimatedStepSeconds | Should -BeLessThan (1007104 / 1e9 + 940584 / 1e8 + 1e-12)
    }

    It 'defaults to one device under DDP with no communication' {
        $cost = $Mlp | Measure-ModelCost
        $cost.Devices | Should -Be 1
        "$($cost.Parallelism)" | Should -Be 'DDP'
        $cost.CommunicationBytesPerStep | Should -Be 0
        $cost.MemoryBytesPerDevice | Should -Be $cost.TrainingMemoryBytes
    }

    It 'rejects <Case> with <Id> before reading any input, and the session keeps working' -ForEach @(
        @{ Case = '-Devices 0'; Splat = @{ Devices = 0 }; Id = 'InvalidDeviceCount' }
        @{ Case = 'ZeRO on one device'; Splat = @{ Parallelism = 'ZeRO3' }; Id = 'ParallelismNeedsDevices' }
        @{ Case = 'a bandwidth of 0'; Splat = @{ Devices = 2; LinkBandwidth = 0 }; Id = 'InvalidLinkBandwidth' }
    ) {
        { $Mlp | Measure-ModelCost @Splat } | Should -Throw -ErrorId "$Id,ModelCost.PS.Commands.MeasureModelCostCommand"
        ($Mlp | Measure-ModelCost).Params | Should -Be 235146
    }

    It 'shows the per-device columns with Format-Table -View Parallel' {
        $text = $Mlp | Measure-ModelCost -Devices 8 -Parallelism ZeRO3 | Format-Table -View Parallel | Out-String -Width 250
        foreach ($column in 'Devices', 'Parallelism', 'StateGB', 'ActGB', 'MemoryGB', 'CommGB', 'StepSeconds') {
            $text | Should -Match $column
        }
        $text | Should -Match 'ZeRO3'
    }
}

Describe 'examples/data_parallel_costs.ps1 (issue 12, item 5)' {
    It 'costs ResNet-50 and the 1-billion-parameter MLP on 1, 8 and 64 devices, as a table and two charts' {
        $out = Join-Path $TestDrive 'dp'
        & (Join-Path (Split-Path -Parent $PSScriptRoot) 'examples/data_parallel_costs.ps1') -OutDir $out 6>$null | Out-Null
        $rows = @(Import-Csv -LiteralPath (Join-Path $out 'data_parallel_costs.csv'))
        # Per model: DDP on 1 device, then DDP + ZeRO1-3 on 8 and on 64 devices = 9 rows; two models.
        $rows.Count | Should -Be 18
        # ResNet-50, mixed-precision Adam, one device: P = 25,610,152 weights (2 bytes), P_t = 25,557,032 gradients
        # (2 bytes) and Adam state (K = 12 bytes): 51,220,304 + 51,114,064 + 306,684,384 = 409,018,752 bytes.
        ($rows | Where-Object { $_.Model -eq 'ResNet50' -and $_.Devices -eq '1' }).ModelStateBytesPerDevice | Should -Be '409018752'
        # MLP_1B: Psi = 4 * (16,384 * 16,384 + 16,384) = 1,073,807,360, all trainable. DDP: 16 Psi = 17,180,917,760.
        # ZeRO-3 on 64: 16 * Psi / 64 = 16 * 16,778,240 = 268,451,840; it sends 3 * 63 * 16,778,240 * 2 = 6,342,174,720 bytes.
        $mlp = $rows | Where-Object Model -EQ 'MLP_1B'
        ($mlp | Where-Object Devices -EQ '1').ModelStateBytesPerDevice | Should -Be '17180917760'
        $z3 = $mlp | Where-Object { $_.Devices -eq '64' -and $_.Parallelism -eq 'ZeRO3' }
        $z3.ModelStateBytesPerDevice | Should -Be '268451840'
        $z3.CommunicationBytesPerStep | Should -Be '6342174720'
        foreach ($svg in 'data_parallel_resnet50.svg', 'data_parallel_mlp_1b.svg') {
            $text = Get-Content -LiteralPath (Join-Path $out $svg) -Raw
            $text | Should -Match '<svg'
            $text | Should -Match 'ZeRO3 ×64'
        }
    }
}

Describe 'Test-ModelCost' {
    It 'returns one labelled result per model (issue 16 item 5)' {
        # MLP has 235,146 params, CNN 56,714.
        $r = @($Mlp, $Cnn | Test-ModelCost -MaxParams 100000)
        $r.Count | Should -Be 2
        $r[0].Model | Should -Be 'MLP'
        $r[0].Passed | Should -BeFalse
        $r[0].Violations[0].Budget | Should -Be 'MaxParams'
        $r[0].Violations[0].Limit | Should -Be 100000
        $r[0].Violations[0].Actual | Should -Be 235146
        $r[0].Exceeded | Should -Be 'MaxParams 100,000 exceeded: Params is 235,146'
        $r[1].Model | Should -Be 'CNN'
        $r[1].Passed | Should -BeTrue
        $r[1].Exceeded | Should -Be ''
        ($r | Format-Table | Out-String) | Should -Match 'MLP\s+False\s+MaxParams 100,000 exceeded'
    }

    It 'returns $true or $false with -Quiet' {
        $Cnn | Test-ModelCost -MaxParams 100000 -Quiet | Should -BeTrue
        $Mlp | Test-ModelCost -MaxParams 100000 -Quiet | Should -BeFalse
        @($Mlp, $Cnn | Test-ModelCost -MaxParams 100000 -Quiet) | Should -Be @($false, $true)
    }

    It 'checks FLOPs under the chosen convention' {
        # CNN Flops 1,413,504; Macs 706,752.
        $Cnn | Test-ModelCost -MaxFlops 1000000 -Quiet | Should -BeFalse
        $Cnn | Test-ModelCost -MaxFlops 1000000 -Convention Macs -Quiet | Should -BeTrue
    }

    It 'throws with -Assert, naming every exceeded budget with both numbers' {
        # MLP: Params 235,146; Flops 469,504; SizeBytes 235,146 × 4 = 940,584.
        $err = { $Mlp | Test-ModelCost -MaxParams 100000 -MaxFlops 400000 -MaxSizeBytes 1000000 -Assert } |
            Should -Throw -ErrorId 'BudgetExceeded,ModelCost.PS.Commands.TestModelCostCommand' -PassThru
        $err.Exception.Message | Should -BeLike '*MaxParams*100,000*235,146*'
        $err.Exception.Message | Should -BeLike '*MaxFlops*400,000*469,504*'
        $err.Exception.Message | Should -Not -BeLike '*MaxSizeBytes*'
    }

    It 'with -Assert checks every model, then fails once naming every model that failed' {
        $big = New-ModelSpec Big 100 'Dense(2000)'   # 100·2000+2000 = 202,000 params
        $out = [System.Collections.Generic.List[object]]::new()
        $err = { $Mlp, $Cnn, $big | Test-ModelCost -MaxParams 100000 -Assert | ForEach-Object { $out.Add($_) } } |
            Should -Throw -ErrorId 'BudgetExceeded,ModelCost.PS.Commands.TestModelCostCommand' -PassThru
        $out.Count | Should -Be 3   # every model was checked before the error
        $err.Exception.Message | Should -BeLike "2 of 3 models exceed their budget: 'MLP': MaxParams 100,000 exceeded: Params is 235,146 | 'Big': MaxParams 100,000 exceeded: Params is 202,000*"
        $Cnn | Test-ModelCost -MaxParams 100000 -Assert -Quiet | Should -BeTrue
    }
}
