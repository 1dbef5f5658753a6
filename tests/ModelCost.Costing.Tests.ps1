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
            'OptimizerStateBytes', 'ActivationBytes', 'TrainingMemoryBytes', 'TrainingMemoryMB', 'DeviceFlops', 'EstimatedLatencySeconds'
        foreach ($name in $expected) { $back[0].PSObject.Properties.Name | Should -Contain $name }
        $back[1].InferenceFlops | Should -Be '1413504'
        $back[0].Precision | Should -Be 'Float32'
    }

    It 'shows the issue-3 columns in the default table view' {
        $text = $Mlp | Measure-ModelCost | Format-Table | Out-String -Width 250
        foreach ($column in 'Model', 'Params', 'SizeMB', 'InferenceFlops', 'TrainingFlops', 'TrainingMemoryMB', 'EstimatedLatencySeconds') {
            $text | Should -Match $column
        }
    }
}

Describe 'Test-ModelCost' {
    It 'returns $true within budget and $false over it' {
        # MLP has 235,146 params, CNN 56,714.
        $Cnn | Test-ModelCost -MaxParams 100000 | Should -BeTrue
        $Mlp | Test-ModelCost -MaxParams 100000 | Should -BeFalse
        @($Mlp, $Cnn | Test-ModelCost -MaxParams 100000) | Should -Be @($false, $true)
    }

    It 'checks FLOPs under the chosen convention' {
        # CNN: Flops 1,413,504 and Macs 706,752 against a limit of 1,000,000.
        $Cnn | Test-ModelCost -MaxFlops 1000000 | Should -BeFalse
        $Cnn | Test-ModelCost -MaxFlops 1000000 -Convention Macs | Should -BeTrue
    }

    It 'throws with -Assert, naming every exceeded budget with both numbers' {
        # MLP: Params 235,146 > 100,000 and Flops 469,504 > 400,000; size 940,584 bytes < 1,000,000 passes.
        $err = { $Mlp | Test-ModelCost -MaxParams 100000 -MaxFlops 400000 -MaxSizeBytes 1000000 -Assert } |
            Should -Throw -ErrorId 'BudgetExceeded,ModelCost.PS.Commands.TestModelCostCommand' -PassThru
        $err.Exception.Message | Should -BeLike '*MaxParams*100,000*235,146*'
        $err.Exception.Message | Should -BeLike '*MaxFlops*400,000*469,504*'
        $err.Exception.Message | Should -Not -BeLike '*MaxSizeBytes*'
        $err.CategoryInfo.Category | Should -Be 'LimitsExceeded'
    }

    It 'passes quietly with -Assert when within budget and the session keeps working' {
        { $Mlp | Test-ModelCost -MaxParams 10 -Assert } | Should -Throw
        $Cnn | Test-ModelCost -MaxParams 100000 -Assert | Should -BeTrue
    }
}
