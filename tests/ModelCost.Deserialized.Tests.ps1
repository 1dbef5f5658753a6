#Requires -Version 7.4
# Pester 5 tests of issue 15 item 7: our outputs after Start-Job, Export-Clixml/Import-Clixml,
# ConvertTo-Json/ConvertFrom-Json and Export-Csv/Import-Csv. Cost rows and specs are rebuilt from their
# properties; copies of trained models are refused (they carry no weights); no property bag binds to -Path as text.
# The seed CNN's parameters, by hand: Conv2D(16,3) on 1 channel 3*3*1*16+16 = 160 (26x26x16, pooled 13x13x16);
# Conv2D(32,3) 3*3*16*32+32 = 4,640 (11x11x32, pooled 5x5x32 = 800); Dense(64) 800*64+64 = 51,264; Dense(10)
# 64*10+10 = 650; total 56,714. Other figures are compared with the live object's, so a rebuilt row must carry
# exactly what was measured.

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModelCost.TestHelpers.ps1')
    Import-ModelCostTestModule
    $ManifestPath = Join-Path (Get-Module -Name ModelCost.PS).ModuleBase 'ModelCost.PS.psd1'
    $CnnPath = Get-ExampleSpecPath 'seed000_cnn.yaml'
    $Cnn = Import-ModelSpec -Path $CnnPath
    $Cost = $Cnn | Measure-ModelCost -BatchSize 32 -Optimizer SGD -Precision Mixed
    $Layers = $Cnn | Measure-ModelCost -PerLayer

    $DataFolder = Join-Path $TestDrive 'synthetic'
    $Dataset = New-SyntheticDataset -Folder $DataFolder -TrainCount 64 -TestCount 32
    $Trained = New-ModelSpec -Name Tiny8 -InputShape 8, 8 -Layer 'Flatten()', 'Dense(10, activation="softmax")' |
        Invoke-ModelTraining -Dataset $Dataset -Epochs 1 -BatchSize 32 -ThrottleLimit 1 -Force

    # The rebuilt row as Compare-ModelCost sees it: the one row's figures equal the measured ones.
    function Get-Compared($InputRows) { $InputRows | Compare-ModelCost -InformationAction Ignore }
}

Describe 'Cost rows copied by serializers are rebuilt' {
    It 'Import-Clixml: a CostSummary copy compares with every figure' {
        $path = Join-Path $TestDrive 'cost.xml'
        $Cost | Export-Clixml -Path $path
        $copy = Import-Clixml -Path $path
        $copy.PSObject.TypeNames[0] | Should -Be 'Deserialized.ModelCost.Core.Costing.CostSummary'
        $row = Get-Compared $copy
        $row.Params | Should -Be 56714
        $row.TrainingMemoryBytes | Should -Be $Cost.TrainingMemoryBytes
        $row.SizeBytes | Should -Be $Cost.SizeBytes
    }

    It 'ConvertFrom-Json: enums arrive as names (issue 16 item 7) and rebuild; numbers (JSON written with an older version) too' {
        $copy = $Cost | ConvertTo-Json | ConvertFrom-Json
        $copy.Precision | Should -Be $Cost.Precision.ToString()
        $row = Get-Compared $copy
        $row.Params | Should -Be 56714
        $row.InferenceFlops | Should -Be $Cost.InferenceFlops
        $row.TrainingMemoryMB | Should -Be $Cost.TrainingMemoryMB

        $numbers = $copy.PSObject.Copy()
        $numbers.Precision = [long][int]$Cost.Precision
        $numbers.Optimizer = [long][int]$Cost.Optimizer
        (Get-Compared $numbers).Params | Should -Be 56714
    }

    It 'Import-Csv: every figure is text, read in the invariant culture, whatever the session culture' {
        $path = Join-Path $TestDrive 'cost.csv'
        $Cost | Export-Csv -Path $path
        $old = [cultureinfo]::CurrentCulture
        try {
            [cultureinfo]::CurrentCulture = 'de-DE'   # decimal comma: a culture-sensitive parse would read 0.9 as 9
            $row = Get-Compared (Import-Csv -Path $path)
        }
        finally { [cultureinfo]::CurrentCulture = $old }
        $row.Params | Should -Be 56714
        $row.SizeMB | Should -Be $Cost.SizeMB
        $row.TrainingMemoryMB | Should -Be $Cost.TrainingMemoryMB
    }

    It 'Export-ModelCostChart and a Start-Job copy: the rebuilt row carries the measured figures' {
        $path = Join-Path $TestDrive 'cost-all.csv'
        $Cost | Export-Csv -Path $path
        $csvRow = Import-Csv -Path $path
        # Export-ModelCostChart sees the rebuilt row: a chart of Params draws the measured figure.
        $svg = Join-Path $TestDrive 'chart.svg'
        $csvRow | Export-ModelCostChart -Path $svg -Property Params
        Get-Content -Raw $svg | Should -Match '56,714|56714'
        # And through Start-Job the typed row comes back as the same figures.
        $job = Start-Job -ScriptBlock {
            Import-Module $using:ManifestPath
            Import-ModelSpec -Path $using:CnnPath | Measure-ModelCost -BatchSize 32 -Optimizer SGD -Precision Mixed
        }
        $fromJob = $job | Wait-Job -Timeout 300 | Receive-Job
        $job | Remove-Job -Force
        $fromJob.PSObject.TypeNames[0] | Should -Be 'Deserialized.ModelCost.Core.Costing.CostSummary'
        $row = Get-Compared $fromJob
        $row.Params | Should -Be 56714
        $row.TrainingMemoryBytes | Should -Be $Cost.TrainingMemoryBytes
    }

    It 'Import-Csv of per-layer rows: Export-ModelReport draws the per-layer table from them' {
        $path = Join-Path $TestDrive 'layers.csv'
        $Layers | Export-Csv -Path $path
        $html = Join-Path $TestDrive 'report.html'
        Import-Csv -Path $path | Export-ModelReport -Path $html
        $text = Get-Content -Raw $html
        # The CNN's first Conv2D: 3*3*1*32 weights + 32 biases = 320 parameters, one row per layer.
        $text | Should -Match 'FLOPs per layer'
        foreach ($l in $Layers) { $text | Should -Match ([regex]::Escape($l.Name)) }
    }

    It 'a row missing figures (Select-Object) or holding text that is not a number is refused by name' {
        # The refused bag is an error for that item; the live row still compares.
        $rows = $Cost, ($Cost | Select-Object Model, Params) | Compare-ModelCost -ErrorVariable errs -ErrorAction SilentlyContinue -InformationAction Ignore
        @($rows).Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'InvalidInputObject,ModelCost.PS.Commands.CompareModelCostCommand'
        $errs[0].Exception.Message | Should -Match 'Model, Params'

        $path = Join-Path $TestDrive 'bad.csv'
        $Cost | Export-Csv -Path $path
        $bad = Import-Csv -Path $path
        $bad.Params = '56.714,5'
        { $bad | Compare-ModelCost -ErrorAction Stop } |
            Should -Throw -ErrorId 'DeserializedObjectInvalid,ModelCost.PS.Commands.CompareModelCostCommand'
        $bad.Params = '56714'; $bad.Precision = 'Float64'
        { $bad | Compare-ModelCost -ErrorAction Stop } | Should -Throw '*Precision*Float64*'
    }
}

Describe 'Specs copied by serializers are rebuilt' {
    It 'Start-Job: every example spec comes back with the same costs' {
        $specs = Join-Path (Split-Path $CnnPath) '*.yaml'
        $job = Start-Job -ScriptBlock { Import-Module $using:ManifestPath; Import-ModelSpec -Path $using:specs }
        $copies = $job | Wait-Job -Timeout 300 | Receive-Job
        $job | Remove-Job -Force
        $live = Import-ModelSpec -Path $specs | Measure-ModelCost
        $copies[0].PSObject.TypeNames[0] | Should -Be 'Deserialized.ModelCost.Core.Specs.ModelSpec'
        $rebuilt = $copies | Measure-ModelCost
        $rebuilt.Count | Should -Be $live.Count
        for ($i = 0; $i -lt $live.Count; $i++) {
            $rebuilt[$i].Model | Should -Be $live[$i].Model
            $rebuilt[$i].Params | Should -Be $live[$i].Params -Because $live[$i].Model
            $rebuilt[$i].InferenceFlops | Should -Be $live[$i].InferenceFlops -Because $live[$i].Model
        }
    }

    It 'Import-Clixml and ConvertFrom-Json: the spec trains, summarises and exports as the original' {
        $path = Join-Path $TestDrive 'spec.xml'
        $Cnn | Export-Clixml -Path $path
        $fromXml = Import-Clixml -Path $path
        ($fromXml | Measure-ModelCost).Params | Should -Be 56714
        ($fromXml | Get-ModelSummary | Measure-Object -Property Params -Sum).Sum | Should -Be 56714
        $fromJson = $Cnn | ConvertTo-Json -Depth 6 | ConvertFrom-Json
        $yaml = Join-Path $TestDrive 'again.yaml'
        $fromJson | Export-ModelSpec -Path $yaml
        (Import-ModelSpec -Path $yaml).Equals($Cnn) | Should -BeTrue
    }

    It 'a JSON copy made too shallow is refused with the reason, never read as a path' {
        $shallow = $Cnn | ConvertTo-Json -Depth 1 -WarningAction SilentlyContinue | ConvertFrom-Json
        $shallow | Measure-ModelCost -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'ParameterArgumentTransformationError,ModelCost.PS.Commands.MeasureModelCostCommand'
        $errs[0].Exception.Message | Should -Match 'DeserializedObjectInvalid'
        $errs[0].Exception.Message | Should -Not -Match 'does not exist'
    }

    It 'any other property bag is refused at binding, not turned into a -Path string' {
        [pscustomobject]@{ Size = 1 } | Measure-ModelCost -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].Exception.Message | Should -Match 'InvalidInputObject.*Size'
        $errs[0].Exception.Message | Should -Not -Match 'does not exist|SpecFileNotFound'
    }

    It 'a deserialized FileInfo from a job still binds -LiteralPath through its PSPath' {
        $job = Start-Job -ScriptBlock { Get-Item -LiteralPath $using:CnnPath }
        $file = $job | Wait-Job -Timeout 300 | Receive-Job
        $job | Remove-Job -Force
        ($file | Measure-ModelCost).Params | Should -Be 56714
    }
}

Describe 'Copies of trained models are refused: they have no weights' {
    It '<Name> refuses an Import-Clixml copy with DeserializedTrainedModel and goes on with the next item' -ForEach @(
        @{ Name = 'Invoke-ModelEvaluation'; Run = { param($x, $d) $x | Invoke-ModelEvaluation -Dataset $d -ErrorVariable e -ErrorAction SilentlyContinue; , $e } }
        @{ Name = 'Measure-ModelLatency'; Run = { param($x, $d) $x | Measure-ModelLatency -Iterations 1 -Warmup 0 -ErrorVariable e -ErrorAction SilentlyContinue; , $e } }
        @{ Name = 'Export-TrainedModel'; Run = { param($x, $d) $x | Export-TrainedModel -Path (Join-Path $TestDrive 'copy.safetensors') -ErrorVariable e -ErrorAction SilentlyContinue; , $e } }
    ) {
        $path = Join-Path $TestDrive 'trained.xml'
        $Trained | Export-Clixml -Path $path
        $copy = Import-Clixml -Path $path
        $errs = & $Run $copy $Dataset
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DeserializedTrainedModel,*'
        $errs[0].Exception.Message | Should -Match 'a deserialized copy has no weights: export it inside the job \(Export-TrainedModel'
    }

    It 'Compare-ModelCost refuses a JSON copy of a TrainingResult with the same id' {
        $copy = $Trained | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue | ConvertFrom-Json
        $null = $Cost, $copy | Compare-ModelCost -ErrorVariable errs -ErrorAction SilentlyContinue -InformationAction Ignore
        $errs[0].FullyQualifiedErrorId | Should -Be 'DeserializedTrainedModel,ModelCost.PS.Commands.CompareModelCostCommand'
    }

    It 'a spec-only command says why instead of reading the copy as a path' {
        $copy = $Trained | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue | ConvertFrom-Json
        $copy | Measure-ModelCost -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].Exception.Message | Should -Match 'DeserializedTrainedModel.*no weights'
    }
}

Describe 'Get-TrainingHistory reads the epochs of a copied TrainingResult (it needs no weights)' {
    It 'a Start-Job copy gives the rows the job itself listed (and a dataset passed with $using: is read again from its folder)' {
        $job = Start-Job -ScriptBlock {
            Import-Module $using:ManifestPath
            $run = New-ModelSpec -Name Tiny8 -InputShape 8, 8 -Layer 'Flatten()', 'Dense(10, activation="softmax")' |
                Invoke-ModelTraining -Dataset $using:Dataset -Epochs 2 -BatchSize 32 -ThrottleLimit 1 -Force
            # The rows as the job sees them, as text (so they come back unchanged), then the run itself.
            ($run | Get-TrainingHistory | ForEach-Object { '{0}|{1}|{2:R}|{3:R}|{4:R}' -f $_.Model, $_.Epoch, $_.Loss, $_.Accuracy, $_.Seconds }) -join ';'
            $run
        }
        $expected, $copy = $job | Wait-Job -Timeout 300 | Receive-Job
        $job | Remove-Job -Force
        $copy.PSObject.TypeNames[0] | Should -Be 'Deserialized.ModelCost.Core.Engine.TrainingResult'
        $rows = @($copy | Get-TrainingHistory -ErrorAction Stop)
        $rows.Count | Should -Be 2
        $rows[0] | Should -BeOfType ([ModelCost.Core.Engine.TrainingHistoryRow])
        ($rows | ForEach-Object { '{0}|{1}|{2:R}|{3:R}|{4:R}' -f $_.Model, $_.Epoch, $_.Loss, $_.Accuracy, $_.Seconds }) -join ';' | Should -Be $expected
    }

    It '<Name> copy gives the same rows as the run' -ForEach @(
        @{ Name = 'Import-Clixml'; Copy = { param($r, $dir) $p = Join-Path $dir 'run.xml'; $r | Export-Clixml -Path $p; Import-Clixml -Path $p } }
        @{ Name = 'ConvertFrom-Json (default depth)'; Copy = { param($r, $dir) $r | ConvertTo-Json -WarningAction SilentlyContinue | ConvertFrom-Json } }
    ) {
        $copy = & $Copy $Trained $TestDrive
        $expected = @($Trained | Get-TrainingHistory)
        $rows = @($copy | Get-TrainingHistory -ErrorAction Stop)
        $rows.Count | Should -Be $expected.Count
        for ($i = 0; $i -lt $rows.Count; $i++) {
            foreach ($p in 'Model', 'Dataset', 'Epoch', 'Loss', 'Accuracy', 'Seconds') { $rows[$i].$p | Should -Be $expected[$i].$p -Because $p }
            # No validation split in this run: NaN, which JSON writes as the text "NaN" and reads back.
            [double]::IsNaN($rows[$i].ValLoss) | Should -Be ([double]::IsNaN($expected[$i].ValLoss))
        }
    }

    It 'a JSON copy of a dataset (no type name: recognised by its properties) is read again from its folder' {
        $copy = $Dataset | ConvertTo-Json | ConvertFrom-Json
        $run = New-ModelSpec -Name Tiny8 -InputShape 8, 8 -Layer 'Flatten()', 'Dense(10, activation="softmax")' |
            Invoke-ModelTraining -Dataset $copy -Epochs 1 -BatchSize 32 -ThrottleLimit 1 -Force -ErrorAction Stop
        # New-SyntheticDataset wrote 64 training images (see BeforeAll); the run read them from that folder.
        $run.Dataset | Should -Be $Dataset.Name
        @($run.History).Count | Should -Be 1
    }

    It 'an Import-Csv copy (History is only a type name there) is refused with the way out, and the next item still runs' {
        $path = Join-Path $TestDrive 'runs.csv'
        $Trained | Export-Csv -Path $path
        $rows = @(Import-Csv -Path $path), $Trained | Get-TrainingHistory -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DeserializedObjectInvalid,*'
        $errs[0].Exception.Message | Should -Match 'History is not a list of epochs.*Get-TrainingHistory'
        @($rows).Count | Should -Be @($Trained | Get-TrainingHistory).Count
    }
}

Describe 'Comparison rows copied by serializers are rebuilt' {
    BeforeAll {
        # Params by hand: MLP 784*256+256 + 256*128+128 + 128*10+10 = 200,960 + 32,896 + 1,290 = 235,146; CNN 56,714
        # (file header); ratio 56,714 / 235,146 = 0.24119...
        $Mlp = Import-ModelSpec -Path (Get-ExampleSpecPath 'seed000_mlp.yaml')
        $Rows = $Mlp, $Cnn | Measure-ModelCost | Compare-ModelCost -Baseline MLP_FashionMNIST -InformationAction Ignore
    }

    It '<Name>: Compare-ModelCost takes the copies back with every figure and ratio' -ForEach @(
        @{ Name = 'Import-Csv'; Copy = { param($r, $dir) $p = Join-Path $dir 'rows.csv'; $r | Export-Csv -Path $p; Import-Csv -Path $p } }
        @{ Name = 'ConvertFrom-Json'; Copy = { param($r, $dir) $r | ConvertTo-Json | ConvertFrom-Json } }
        @{ Name = 'Import-Clixml'; Copy = { param($r, $dir) $p = Join-Path $dir 'rows.xml'; $r | Export-Clixml -Path $p; Import-Clixml -Path $p } }
    ) {
        $copy = & $Copy $Rows $TestDrive
        $again = @($copy | Compare-ModelCost -Baseline MLP_FashionMNIST -InformationAction Ignore -ErrorAction Stop)
        $again.Count | Should -Be 2
        $again[0] | Should -BeOfType ([ModelCost.Core.Reporting.ComparisonRow])
        $again[0].Params | Should -Be 235146
        $again[1].Params | Should -Be 56714
        $again[1].ParamsRatio | Should -BeGreaterThan 0.2411
        $again[1].ParamsRatio | Should -BeLessThan 0.2412
        foreach ($p in 'InferenceFlops', 'TrainingMemoryBytes', 'SizeMB', 'InferenceFlopsRatio') { $again[1].$p | Should -Be $Rows[1].$p -Because $p }
        # Figures a cost row does not have stay empty (null), not 0.
        $again[1].TestAccuracy | Should -BeNullOrEmpty
    }

    It 'Export-ModelReport draws a report from an Import-Csv copy of the rows' {
        $path = Join-Path $TestDrive 'rows2.csv'
        $Rows | Export-Csv -Path $path
        $html = Join-Path $TestDrive 'rows.html'
        Import-Csv -Path $path | Export-ModelReport -Path $html -ErrorAction Stop
        Get-Content -Raw $html | Should -Match 'CNN_FashionMNIST'
    }

    It 'a copy cut down by Select-Object is refused, naming what it lacks' {
        $cut = $Rows[1] | Select-Object Model, Baseline, ParamsRatio, AccuracyGainPts
        # The whole MLP row is still compared (one bad item does not stop the command).
        $left = @($Rows[0], $cut | Compare-ModelCost -ErrorVariable errs -ErrorAction SilentlyContinue -InformationAction Ignore)
        $left.Count | Should -Be 1
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DeserializedObjectInvalid,*'
        $errs[0].Exception.Message | Should -Match 'ComparisonRow.*lacks Params'
    }
}
