#Requires -Version 7.4
# Pester 5 tests of the spec cmdlets: New-ModelSpec, Import-ModelSpec, Export-ModelSpec, Get-ModelSummary.
# Expected parameter counts are worked by hand from Keras' formulas (written next to each figure),
# never pasted from the module's output.

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModelCost.TestHelpers.ps1')
    Import-ModelCostTestModule

    # Seed 000's MLP (Fashion-MNIST, input 28x28):
    #   Flatten            -> 784
    #   Dense(256)  784*256 + 256 = 200,960
    #   Dense(128)  256*128 + 128 =  32,896
    #   Dense(10)   128*10  + 10  =   1,290
    #   total                      = 235,146  (the seed prints 235146)
    $MlpLayers = @('Flatten()', 'Dense(256, activation="relu")', 'Dense(128, activation="relu")', 'Dense(10, activation="softmax")')

    # Seed 000's CNN (input 28x28x1):
    #   Conv2D(16,3)  3*3*1*16 + 16  =    160, out 26x26x16 (28-3+1)
    #   MaxPooling2D(2)                        out 13x13x16
    #   Conv2D(32,3)  3*3*16*32 + 32 =  4,640, out 11x11x32 (13-3+1)
    #   MaxPooling2D(2)                        out 5x5x32 (floor(11/2))
    #   Flatten                                -> 800
    #   Dense(64)     800*64 + 64    = 51,264
    #   Dense(10)     64*10 + 10     =    650
    #   total                        = 56,714  (the seed prints 56714)
    $CnnLayers = @('Conv2D(16, 3, activation="relu")', 'MaxPooling2D(2)', 'Conv2D(32, 3, activation="relu")',
        'MaxPooling2D(2)', 'Flatten()', 'Dense(64, activation="relu")', 'Dense(10, activation="softmax")')
}

Describe 'New-ModelSpec' {
    It 'builds the seed MLP from Keras-style strings' {
        $spec = New-ModelSpec -Name MLP -InputShape 28, 28 -Layer $MlpLayers
        $spec.PSObject.TypeNames[0] | Should -Be 'ModelCost.Core.Specs.ModelSpec'
        $spec.Name | Should -Be 'MLP'
        @($spec.InputShape) | Should -Be @(28, 28)
        $spec.Layers.Count | Should -Be 4
        $rows = @($spec | Get-ModelSummary)
        ($rows | Measure-Object -Property Params -Sum).Sum | Should -Be 235146
    }

    It 'accepts hashtables and strings mixed, giving the same shapes and counts as strings alone' {
        $fromStrings = New-ModelSpec -Name MLP -InputShape 28, 28 -Layer $MlpLayers
        $mixed = New-ModelSpec -Name MLP -InputShape 28, 28 -Layer @(
            'Flatten()'
            @{ Type = 'Dense'; Units = 256; Activation = 'relu' }
            [ordered]@{ type = 'Dense'; units = 128; activation = 'relu' }
            [pscustomobject]@{ Type = 'Dense'; Units = 10; Activation = 'softmax' }
        )
        $a = @($fromStrings | Get-ModelSummary)
        $b = @($mixed | Get-ModelSummary)
        $b.Count | Should -Be $a.Count
        for ($i = 0; $i -lt $a.Count; $i++) {
            $b[$i].OutputShape | Should -Be $a[$i].OutputShape
            $b[$i].Params | Should -Be $a[$i].Params
        }
    }

    It 'takes layers from the pipeline' {
        # Flatten 28x28 -> 784; Dense(10): 784*10 + 10 = 7,850
        $spec = 'Flatten()', 'Dense(10)' | New-ModelSpec -Name Piped -InputShape 28, 28
        $spec.Layers.Count | Should -Be 2
        (@($spec | Get-ModelSummary) | Measure-Object -Property Params -Sum).Sum | Should -Be 7850
    }

    It 'takes the input shape from the first layer when -InputShape is omitted, as Keras does' {
        $spec = New-ModelSpec -Name Cnn -Layer (@('Conv2D(16, 3, activation="relu", input_shape=(28, 28, 1))') + $CnnLayers[1..6])
        @($spec.InputShape) | Should -Be @(28, 28, 1)
        (@($spec | Get-ModelSummary) | Measure-Object -Property Params -Sum).Sum | Should -Be 56714
    }

    It 'fails on an unknown layer type with a stable error id naming the layer' {
        $err = { New-ModelSpec -Name Bad -InputShape 4 -Layer 'Dense(3)', 'Foo(2)' } |
            Should -Throw -ErrorId 'UnknownLayerType,ModelCost.PS.Commands.NewModelSpecCommand' -PassThru
        $err.Exception.Message | Should -Match 'layer 1'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'fails when a kernel is larger than its input under valid padding' {
        # Conv2D(4, 5) on 3x3x1: valid padding needs 3 - 5 + 1 >= 1, which is false.
        { New-ModelSpec -Name Big -InputShape 3, 3, 1 -Layer 'Conv2D(4, 5)' } |
            Should -Throw -ErrorId 'KernelLargerThanInput,ModelCost.PS.Commands.NewModelSpecCommand'
    }

    It 'fails on Flatten of an already flat input' {
        { New-ModelSpec -Name Flat -InputShape 10 -Layer 'Flatten()', 'Dense(2)' } |
            Should -Throw -ErrorId 'FlattenOfFlatInput,ModelCost.PS.Commands.NewModelSpecCommand'
    }

    It 'fails on mismatched Add shapes' {
        # Dense(4) and Dense(5) outputs, (None, 4) and (None, 5), cannot be added.
        {
            New-ModelSpec -Name Res -InputShape 8 -Layer @(
                @{ Type = 'Dense'; Units = 4; Name = 'a' }
                @{ Type = 'Dense'; Units = 5; Name = 'b'; Inputs = @('input') }
                @{ Type = 'Add'; Inputs = @('a', 'b') }
            )
        } | Should -Throw -ErrorId 'MergeShapeMismatch,ModelCost.PS.Commands.NewModelSpecCommand'
    }

    It 'evaluates nothing inside a layer string' {
        # An injection attempt must be a parse error, never executed: the marker file must not appear.
        $marker = Join-Path $TestDrive 'injected.txt'
        $evil = "Dense(`$(Set-Content -Path '$marker' -Value x))"
        { New-ModelSpec -Name Evil -InputShape 4 -Layer $evil } | Should -Throw
        Test-Path -LiteralPath $marker | Should -BeFalse
    }

    It 'keeps the session usable after an error' {
        { New-ModelSpec -Name Bad -InputShape 4 -Layer 'Nope()' } | Should -Throw
        $spec = New-ModelSpec -Name Good -InputShape 4 -Layer 'Dense(3)'
        # Dense(3) on 4 inputs: 4*3 + 3 = 15
        (@($spec | Get-ModelSummary) | Measure-Object -Property Params -Sum).Sum | Should -Be 15
    }
}

Describe 'Get-ModelSummary' {
    It 'gives one Keras-style row per layer for the seed CNN' {
        $rows = @(New-ModelSpec -Name CNN -InputShape 28, 28, 1 -Layer $CnnLayers | Get-ModelSummary)
        $rows.Count | Should -Be 7
        $rows.Name | Should -Be @('conv2d', 'max_pooling2d', 'conv2d_1', 'max_pooling2d_1', 'flatten', 'dense', 'dense_1')
        $rows.Index | Should -Be @(0, 1, 2, 3, 4, 5, 6)
        $rows.OutputShape | Should -Be @('(None, 26, 26, 16)', '(None, 13, 13, 16)', '(None, 11, 11, 32)', '(None, 5, 5, 32)', '(None, 800)', '(None, 64)', '(None, 10)')
        $rows.Params | Should -Be @(160, 0, 4640, 0, 0, 51264, 650)
        ($rows | Measure-Object -Property Params -Sum).Sum | Should -Be 56714
    }

    It 'counts BatchNormalization moving statistics as non-trainable' {
        # Dense(4) on 10 inputs: 10*4 + 4 = 44 trainable.
        # BatchNormalization over 4 features: gamma, beta (trainable) + moving mean, moving variance (not): 4*4 = 16, 8 non-trainable.
        $rows = @(New-ModelSpec -Name BN -InputShape 10 -Layer 'Dense(4)', 'BatchNormalization()' | Get-ModelSummary)
        $rows[1].Type | Should -Be 'BatchNormalization'
        $rows[1].Params | Should -Be 16
        $rows[1].TrainableParams | Should -Be 8
        $rows[1].NonTrainableParams | Should -Be 8
        ($rows | Measure-Object -Property TrainableParams -Sum).Sum | Should -Be 52
    }

    It 'writes every column with Export-Csv' {
        $csv = Join-Path $TestDrive 'summary.csv'
        New-ModelSpec -Name MLP -InputShape 28, 28 -Layer $MlpLayers | Get-ModelSummary | Export-Csv -LiteralPath $csv -NoTypeInformation
        $back = @(Import-Csv -LiteralPath $csv)
        $back.Count | Should -Be 4
        foreach ($column in 'Index', 'Name', 'Type', 'OutputShape', 'Params', 'TrainableParams', 'NonTrainableParams') {
            $back[0].PSObject.Properties.Name | Should -Contain $column
        }
        ($back | ForEach-Object { [long]$_.Params } | Measure-Object -Sum).Sum | Should -Be 235146
        $back[1].OutputShape | Should -Be '(None, 256)'
    }

    It 'accepts a spec file path in place of a spec object' {
        $path = Join-Path $TestDrive 'mlp-for-summary.yaml'
        New-ModelSpec -Name MLP -InputShape 28, 28 -Layer $MlpLayers | Export-ModelSpec -Path $path
        # Issue 18: -InputObject is typed (a spec); a path goes to -Path, which is also positional and takes piped strings.
        (@(Get-ModelSummary $path) | Measure-Object -Property Params -Sum).Sum | Should -Be 235146
        (@(Get-ModelSummary -Path $path) | Measure-Object -Property Params -Sum).Sum | Should -Be 235146
        (@($path | Get-ModelSummary) | Measure-Object -Property Params -Sum).Sum | Should -Be 235146
    }
}

Describe 'Export-ModelSpec and Import-ModelSpec' {
    BeforeEach {
        $spec = New-ModelSpec -Name CNN -InputShape 28, 28, 1 -Layer $CnnLayers
    }

    It 'round-trips a spec through YAML to an equal spec' {
        $path = Join-Path $TestDrive 'cnn.yaml'
        $file = $spec | Export-ModelSpec -Path $path -PassThru
        $file.FullName | Should -Be (Get-Item -LiteralPath $path).FullName
        (Get-Content -LiteralPath $path -Raw) | Should -Match 'apiVersion: modelcost/v1'
        $back = Import-ModelSpec -Path $path
        $back.Equals($spec) | Should -BeTrue
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.yaml'
        $spec | Export-ModelSpec -Path $path -WhatIf
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'refuses to replace a file with -NoClobber and leaves it untouched' {
        $path = Join-Path $TestDrive 'noclobber.yaml'
        Set-Content -LiteralPath $path -Value 'original'
        { $spec | Export-ModelSpec -Path $path -NoClobber -ErrorAction Stop } |
            Should -Throw -ErrorId 'FileExists,ModelCost.PS.Commands.ExportModelSpecCommand'
        (Get-Content -LiteralPath $path -Raw).Trim() | Should -Be 'original'
        @(Get-ChildItem -LiteralPath $TestDrive -Filter '*.tmp' -Force).Count | Should -Be 0
    }

    It 'replaces an existing file by default, as Export-Csv does' {
        $path = Join-Path $TestDrive 'replace.yaml'
        Set-Content -LiteralPath $path -Value 'original'
        $spec | Export-ModelSpec -Path $path
        (Import-ModelSpec -LiteralPath $path).Equals($spec) | Should -BeTrue
    }

    It 'needs -Force to replace a read-only file' {
        $path = Join-Path $TestDrive 'readonly.yaml'
        Set-Content -LiteralPath $path -Value 'original'
        Set-ItemProperty -LiteralPath $path -Name IsReadOnly -Value $true
        try {
            { $spec | Export-ModelSpec -Path $path -ErrorAction Stop } |
                Should -Throw -ErrorId 'FileReadOnly,ModelCost.PS.Commands.ExportModelSpecCommand'
            $spec | Export-ModelSpec -Path $path -Force
            (Import-ModelSpec -LiteralPath $path).Equals($spec) | Should -BeTrue
        }
        finally {
            if (Test-Path -LiteralPath $path) { Set-ItemProperty -LiteralPath $path -Name IsReadOnly -Value $false }
        }
    }

    It 'fails clearly when the folder does not exist' {
        $path = Join-Path $TestDrive 'no/such/folder/x.yaml'
        { $spec | Export-ModelSpec -Path $path -ErrorAction Stop } |
            Should -Throw -ErrorId 'DirectoryNotFound,ModelCost.PS.Commands.ExportModelSpecCommand'
    }

    It 'writes one file per spec, named after the model, when -Path is a folder' {
        $dir = Join-Path $TestDrive 'many'
        $null = New-Item -ItemType Directory -Path $dir
        $mlp = New-ModelSpec -Name MLP -InputShape 28, 28 -Layer $MlpLayers
        $files = @($spec, $mlp | Export-ModelSpec -Path $dir -PassThru)
        $files.Name | Sort-Object | Should -Be @('CNN.yaml', 'MLP.yaml')
    }

    It 'imports with wildcards, from Get-ChildItem through the pipeline, and by -LiteralPath' {
        $dir = Join-Path $TestDrive 'wild'
        $null = New-Item -ItemType Directory -Path $dir
        $mlp = New-ModelSpec -Name MLP -InputShape 28, 28 -Layer $MlpLayers
        $spec, $mlp | Export-ModelSpec -Path $dir

        @(Import-ModelSpec -Path (Join-Path $dir '*.yaml')).Count | Should -Be 2
        @(Get-ChildItem -LiteralPath $dir -Filter '*.yaml' | Import-ModelSpec).Name | Sort-Object | Should -Be @('CNN', 'MLP')

        # Brackets are wildcard characters for -Path but plain characters for -LiteralPath.
        $odd = Join-Path $dir 'odd[1].yaml'
        $spec | Export-ModelSpec -Path $odd
        (Import-ModelSpec -LiteralPath $odd).Name | Should -Be 'CNN'
    }

    It 'writes an error for a missing file and carries on with the next one' {
        $good = Join-Path $TestDrive 'good.yaml'
        $spec | Export-ModelSpec -Path $good
        $missing = Join-Path $TestDrive 'missing.yaml'
        $result = @(Import-ModelSpec -Path $missing, $good -ErrorAction SilentlyContinue -ErrorVariable errs)
        $result.Count | Should -Be 1
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'PathNotFound,ModelCost.PS.Commands.ImportModelSpecCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'reports YAML syntax errors with the file and the line' {
        $bad = Join-Path $TestDrive 'broken.yaml'
        Set-Content -LiteralPath $bad -Value @(
            'apiVersion: modelcost/v1'
            'kind: ModelSpec'
            'metadata: {name: broken'
            'spec:'
        )
        $err = { Import-ModelSpec -Path $bad -ErrorAction Stop } |
            Should -Throw -ErrorId 'YamlSyntax,ModelCost.PS.Commands.ImportModelSpecCommand' -PassThru
        # The message starts with file:line:column, as compilers print it (the '{' opened on line 3 is never closed).
        $err.Exception.Message | Should -Match 'broken\.yaml:\d+:\d+'
        $err.CategoryInfo.Category | Should -Be 'ParserError'
    }

    It 'rejects an unknown apiVersion' {
        $bad = Join-Path $TestDrive 'v9.yaml'
        Set-Content -LiteralPath $bad -Value @(
            'apiVersion: modelcost/v9'
            'kind: ModelSpec'
            'metadata: {name: x}'
            'spec: {inputShape: [4], layers: ["Dense(2)"]}'
        )
        { Import-ModelSpec -Path $bad -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnknownApiVersion,ModelCost.PS.Commands.ImportModelSpecCommand'
    }

    It 'imports a Keras model.to_json() config, told apart from YAML by its content' {
        # Keras 3's to_json() of seed 000's CNN: 56,714 parameters as derived at the top of this file.
        $json = Join-Path $PSScriptRoot 'ModelCost.Core.Tests/Specs/Fixtures/keras3_seed000_cnn.json'
        $keras = Import-ModelSpec -LiteralPath $json
        $keras.Name | Should -Be 'CNN_FashionMNIST'
        (@($keras | Get-ModelSummary) | Measure-Object -Property Params -Sum).Sum | Should -Be 56714
    }

    It 'imports the seed 000 example specs with the seed figures' {
        # 235,146 and 56,714: derived at the top of this file; seed 000 prints the same.
        $mlp = Import-ModelSpec -Path (Get-ExampleSpecPath 'seed000_mlp.yaml')
        $cnn = Import-ModelSpec -Path (Get-ExampleSpecPath 'seed000_cnn.yaml')
        (@($mlp | Get-ModelSummary) | Measure-Object -Property Params -Sum).Sum | Should -Be 235146
        (@($cnn | Get-ModelSummary) | Measure-Object -Property Params -Sum).Sum | Should -Be 56714
        # Every example imports (one spec per file).
        $all = @(Get-ChildItem -Path (Get-ExampleSpecPath '*.yaml'))
        @($all | Import-ModelSpec).Count | Should -Be $all.Count
    }

    It 'binds a FileInfo piped from Get-ChildItem to -LiteralPath, so [ ] in its name is not a wildcard' {
        # 'net[1].yaml' read as a wildcard would match 'net1.yaml' only (not itself): both exist here,
        # so a wildcard reading would import the wrong spec (named one) instead of this one (named bracket).
        $spec = New-ModelSpec -Name bracket -InputShape 4 -Layer 'Dense(2)'
        $spec | Export-ModelSpec -Path (Join-Path $TestDrive 'net[1].yaml')  # -Path of an export is never a wildcard
        New-ModelSpec -Name one -InputShape 4 -Layer 'Dense(3)' | Export-ModelSpec -Path (Join-Path $TestDrive 'net1.yaml')
        $imported = @(Get-ChildItem -LiteralPath (Join-Path $TestDrive 'net[1].yaml') | Import-ModelSpec -ErrorAction Stop)
        $imported.Count | Should -Be 1
        $imported[0].Name | Should -Be 'bracket'
        # A positional string still binds -Path (wildcards).
        @(Import-ModelSpec (Join-Path $TestDrive 'net1.yaml')).Name | Should -Be 'one'
    }

    It 'writes an error for a folder given as a file' {
        { Import-ModelSpec -LiteralPath $TestDrive -ErrorAction Stop } |
            Should -Throw -ErrorId 'PathIsDirectory,ModelCost.PS.Commands.ImportModelSpecCommand'
    }
}

Describe 'Keras code pasted as it is (issue 16 item 4)' {
    BeforeAll {
        $SeedCode = Join-Path $PSScriptRoot 'ModelCost.Core.Tests/Specs/Fixtures/seedcode'
    }

    It 'reads seed 003 Q1 line by line: InputLayer first, then model.add(...)' {
        # 784·512+512 + 512·256+256 + 256·128+128 + 128·1+1 = 566,273 (seed 003 prints 566273).
        $q1 = New-ModelSpec -Name Q1 -Layer @(
            'model.add(layers.InputLayer(input_shape=(784,)))'
            "model.add(layers.Dense(512, activation='relu'))"
            "model.add(layers.Dense(256, activation='relu'))"
            "model.add(layers.Dense(128, activation='relu'))"
            "model.add(layers.Dense(1, activation='sigmoid'))")
        $q1.InputShape | Should -Be @(784)
        ($q1 | Get-ModelSummary | Measure-Object Params -Sum).Sum | Should -Be 566273
    }

    It 'reads whole seed cells with -KerasCode, one spec per model' {
        $specs = @(New-ModelSpec -KerasCode (Get-Content -Raw (Join-Path $SeedCode 'seed000_build_mlp_and_cnn.py')))
        $specs.Name | Should -Be @('MLP_FashionMNIST', 'CNN_FashionMNIST')
        # 235,146 and 56,714 as seed 000 prints them (derived in SeedCodeTests.cs).
        ($specs[0] | Get-ModelSummary | Measure-Object Params -Sum).Sum | Should -Be 235146
        ($specs[1] | Get-ModelSummary | Measure-Object Params -Sum).Sum | Should -Be 56714
    }

    It 'takes -InputShape for a functional input written with names (seed 002 Model1)' {
        $m1 = New-ModelSpec -KerasCode (Get-Content -Raw (Join-Path $SeedCode 'seed002_model1.py')) -Name Model1 -InputShape 28, 28, 1
        $m1.Name | Should -Be 'Model1'
        ($m1 | Get-ModelSummary | Measure-Object Params -Sum).Sum | Should -Be 679808
        { New-ModelSpec -KerasCode (Get-Content -Raw (Join-Path $SeedCode 'seed002_model1.py')) } |
            Should -Throw -ErrorId 'InvalidInputShape,ModelCost.PS.Commands.NewModelSpecCommand'
    }

    It 'keeps l2 regularizers through Export-ModelSpec and Import-ModelSpec' {
        $spec = New-ModelSpec -Name Reg -InputShape 4 -Layer 'Dense(3, activation="relu", kernel_regularizer=l2(0.001))', 'Dense(2, activation="softmax")'
        $path = Join-Path $TestDrive 'reg.yaml'
        $spec | Export-ModelSpec -Path $path
        Get-Content -Raw $path | Should -Match 'kernel_regularizer: \{l2: 0.001\}'
        $back = Import-ModelSpec $path
        $back.Layers[0].KernelRegularizer.L2 | Should -Be 0.001
        $back.Equals($spec) | Should -BeTrue
    }

    It 'accepts Keras defaults and activation layers' {
        $s = New-ModelSpec -Name D -InputShape 8, 8, 3 -Layer 'Conv2D(4, 3, data_format="channels_last", dilation_rate=(1, 1))', 'BatchNormalization(axis=-1)', 'ReLU()', 'LeakyReLU()', 'Flatten()', 'Dense(2)'
        $s.Layers.Count | Should -Be 6
        $s.Layers[3].NegativeSlope | Should -Be 0.3
    }
}

Describe 'Export-ModelSpec to a folder (issue 16 item 2)' {
    It 'creates a new folder for several specs and writes one file each' {
        $a = New-ModelSpec A 4 'Dense(2)'
        $b = New-ModelSpec B 4 'Dense(3)'
        $dir = Join-Path $TestDrive 'many'
        $a, $b | Export-ModelSpec -Path $dir
        Test-Path $dir -PathType Container | Should -BeTrue
        @(Get-ChildItem $dir).Name | Sort-Object | Should -Be @('A.yaml', 'B.yaml')
        (Import-ModelSpec (Join-Path $dir 'B.yaml')).Name | Should -Be 'B'
    }

    It 'refuses several specs to one file name before writing anything' {
        $a = New-ModelSpec A 4 'Dense(2)'
        $b = New-ModelSpec B 4 'Dense(3)'
        $file = Join-Path $TestDrive 'both.yaml'
        { $a, $b | Export-ModelSpec -Path $file } | Should -Throw -ErrorId 'OutputPathReused,ModelCost.PS.Commands.ExportModelSpecCommand'
        Test-Path $file | Should -BeFalse
    }

    It 'writes one spec to the path as given' {
        $file = Join-Path $TestDrive 'one'
        New-ModelSpec A 4 'Dense(2)' | Export-ModelSpec -Path $file
        Test-Path $file -PathType Leaf | Should -BeTrue
    }
}

Describe 'Smaller newcomer fixes (issue 16 item 12)' {
    It 'completes layer types after New-ModelSpec -Layer, not file names' {
        $line = "New-ModelSpec -Name m -InputShape 4 -Layer Den"
        $r = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $r.CompletionMatches.CompletionText | Should -Contain "'Dense()'"
        $r.CompletionMatches.CompletionText | Where-Object { $_ -notlike "'*()'" } | Should -BeNullOrEmpty
    }

    It 'says a plain spec YAML is missing apiVersion and kind' {
        $path = Join-Path $TestDrive 'plain.yaml'
        Set-Content $path "name: m`ninputShape: [4]`nlayers:`n  - Dense(2)`n"
        $err = { Import-ModelSpec $path -ErrorAction Stop } | Should -Throw -ErrorId 'UnknownSpecFormat,ModelCost.PS.Commands.ImportModelSpecCommand' -PassThru
        $err.Exception.Message | Should -BeLike '*missing apiVersion and kind*'
    }

    It 'recommends the Debian package only for Fashion-MNIST' {
        $err = { Get-ModelDataset MNIST -Path $TestDrive -ErrorAction Stop } | Should -Throw -PassThru
        $err.ErrorDetails.RecommendedAction | Should -Not -BeLike '*dataset-fashion-mnist*'
        $err = { Get-ModelDataset FashionMNIST -Path $TestDrive -ErrorAction Stop } | Should -Throw -PassThru
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*dataset-fashion-mnist*'
    }

    It 'refuses a chart path that is not .svg before writing anything' {
        $png = Join-Path $TestDrive 'cost.png'
        { New-ModelSpec A 4 'Dense(2)' | Measure-ModelCost | Export-ModelCostChart -Path $png } |
            Should -Throw -ErrorId 'UnsupportedChartFormat,ModelCost.PS.Commands.ExportModelCostChartCommand'
        Test-Path $png | Should -BeFalse
    }
}

BeforeDiscovery {
    # The PyTorch checks need Debian's python3 with python3-torch; without them they are reported as skipped.
    $script:HasTorch = (Test-Path -LiteralPath '/usr/bin/python3') -and $(& /usr/bin/python3 -c 'import torch' 2>$null; $LASTEXITCODE -eq 0)
}

Describe 'Export-ModelSpec -Format PyTorch (issue 12)' {
    BeforeEach {
        $spec = New-ModelSpec -Name CNN -InputShape 28, 28, 1 -Layer $CnnLayers
    }

    It 'writes <Name>.py per spec into a folder, with the model, the weight table and the training entry point' {
        $dir = Join-Path $TestDrive 'py'
        $null = New-Item -ItemType Directory -Path $dir
        $mlp = New-ModelSpec -Name MLP -InputShape 28, 28 -Layer $MlpLayers
        $files = @($spec, $mlp | Export-ModelSpec -Format PyTorch -Path $dir -PassThru)
        $files.Name | Sort-Object | Should -Be @('CNN.py', 'MLP.py')
        $text = Get-Content -LiteralPath (Join-Path $dir 'CNN.py') -Raw
        $text | Should -Match 'class Model\(nn\.Module\):'
        $text | Should -Match '"conv2d\.kernel": \("conv2d", "kernel"\)'
        $text | Should -Match 'torchrun --nproc_per_node 2 CNN\.py --data DIR'
        $text | Should -Match 'DistributedDataParallel'
    }

    It 'rejects an unknown format at binding time' {
        { $spec | Export-ModelSpec -Format Onnx -Path (Join-Path $TestDrive 'x.onnx') } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'runs under python3 with torch (--help lists the DDP options)' -Skip:(-not $HasTorch) {
        $path = Join-Path $TestDrive 'cnn-help.py'
        $spec | Export-ModelSpec -Format PyTorch -Path $path
        $help = & /usr/bin/python3 $path --help 2>&1
        $LASTEXITCODE | Should -Be 0
        ($help -join "`n") | Should -Match '--batch-size'
        ($help -join "`n") | Should -Match '--validation-split'
    }
}
