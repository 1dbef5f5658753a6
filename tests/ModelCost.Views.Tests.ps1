#Requires -Version 7.4
# Pester 5 tests of what the module shows in a terminal (module/ModelCost.PS.Format.ps1xml and
# ModelCost.PS.Types.ps1xml): every table view of every output type, rendered with real objects
# at 80 columns, keeps each header word on one line; list views show every property; units are
# human in the views and the objects keep raw numbers; Deserialized.* objects look the same.
# The objects come from real commands: the example specs (up to VGG-16 and ResNet-50, whose long
# layer names and 11-digit counts are the widest), and a training run on a tiny synthetic IDX
# dataset written into TestDrive (no download, seconds).

BeforeDiscovery {
    # The cases are known before the run: every output type, and every table view the format data has for it.
    . (Join-Path $PSScriptRoot 'ModelCost.TestHelpers.ps1')
    Import-ModelCostTestModule
    # The cost type's name is read from a real object (the seam branch renames ModelCost to CostSummary).
    $costType = (New-ModelSpec -Name Probe -InputShape 4 -Layer 'Dense(2)' | Measure-ModelCost).GetType().FullName
    $TypeNames = @(
        'ModelCost.Core.Specs.ModelSpec', 'ModelCost.Core.Specs.LayerSummary', $costType,
        'ModelCost.Core.Costing.LayerCost', 'ModelCost.Core.Data.DatasetInfo', 'ModelCost.Core.Engine.TrainingResult',
        'ModelCost.Core.Engine.TrainingEpoch', 'ModelCost.Core.Engine.EvaluationResult', 'ModelCost.Core.Engine.TrainedModel',
        'ModelCost.Core.Latency.LatencyMeasurement', 'ModelCost.Core.Reporting.ComparisonRow', 'ModelCost.Core.Reporting.ComparisonConclusion')
    $Cases = foreach ($type in $TypeNames) {
        $views = @((Get-FormatData -TypeName $type -PowerShellVersion $PSVersionTable.PSVersion).FormatViewDefinition |
                Where-Object { $_.Control -is [System.Management.Automation.TableControl] })
        for ($v = 0; $v -lt $views.Count; $v++) {
            @{ Type = $type; View = $views[$v].Name; Default = ($v -eq 0); Labels = @($views[$v].Control.Headers | ForEach-Object { $_.Label }) }
        }
    }
    $TableTypes = @($TypeNames | Where-Object { $_ -notlike '*ComparisonConclusion' })
    # Wide types: a default display property set (types.ps1xml) and a list view with every property.
    # The others have a few properties and no set, so Format-List shows all of them.
    $WideTypes = @($TypeNames | Where-Object { $_ -match '\.(LayerSummary|ModelCost|CostSummary|LayerCost|TrainingResult|LatencyMeasurement|ComparisonRow|ComparisonConclusion)$' })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModelCost.TestHelpers.ps1')
    Import-ModelCostTestModule
    $U = [ModelCost.PS.Formatting.UnitText]

    $specs = Get-ChildItem -Path (Join-Path (Split-Path -Parent $PSScriptRoot) 'examples/specs') -Filter *.yaml | Import-ModelSpec
    $mlp = $specs | Where-Object Name -EQ 'MLP_FashionMNIST'
    $cnn = $specs | Where-Object Name -EQ 'CNN_FashionMNIST'
    $resnet = $specs | Where-Object Name -EQ 'ResNet50'

    $dataFolder = Join-Path $TestDrive 'synthetic'
    $null = New-Item -ItemType Directory -Path $dataFolder
    New-SyntheticIdxPair -Folder $dataFolder -Prefix 'train' -Count 240
    New-SyntheticIdxPair -Folder $dataFolder -Prefix 't10k' -Count 80
    $dataset = Get-ModelDataset -Name MNIST -Path $dataFolder
    # An 18-character model name, as long as the longest seed model's (BaseLineClassifier).
    $tiny = New-ModelSpec -Name SyntheticBaseline1 -InputShape 8, 8 -Layer 'Flatten()', 'Dense(10, activation="softmax")'
    $run = $tiny | Invoke-ModelTraining -Dataset $dataset -Epochs 2 -BatchSize 32 -Seed 1
    $costs = foreach ($convention in 'Flops', 'FlopsWithBias', 'Course') { $specs | Measure-ModelCost -Convention $convention }
    $comparison = @($mlp, $cnn | Measure-ModelCost) + @($run) | Compare-ModelCost -Baseline MLP_FashionMNIST

    # Real objects of every output type, keyed by type name.
    $Objects = [ordered]@{
        'ModelCost.Core.Specs.ModelSpec'              = @($specs)
        'ModelCost.Core.Specs.LayerSummary'           = @($cnn, $resnet | Get-ModelSummary)
        ($costs[0].GetType().FullName)                = @($costs)
        'ModelCost.Core.Costing.LayerCost'            = @($cnn, $resnet | Measure-ModelCost -PerLayer)
        'ModelCost.Core.Data.DatasetInfo'             = @($dataset)
        'ModelCost.Core.Engine.TrainingResult'        = @($run)
        'ModelCost.Core.Engine.TrainingEpoch'         = @($run.History)
        'ModelCost.Core.Engine.EvaluationResult'      = @($run | Invoke-ModelEvaluation -Dataset $dataset)
        'ModelCost.Core.Engine.TrainedModel'          = @($run.GetTrainedModel())
        'ModelCost.Core.Latency.LatencyMeasurement'   = @($tiny, $cnn | Measure-ModelLatency -Iterations 20 -Warmup 2)
        'ModelCost.Core.Reporting.ComparisonRow'      = @($comparison | Where-Object { $_.PSObject.TypeNames[0] -like '*.ComparisonRow' })
        'ModelCost.Core.Reporting.ComparisonConclusion' = @(@($mlp, $cnn | Measure-ModelCost) + @($run) | Compare-ModelCost -Baseline MLP_FashionMNIST -Conclusion)
    }

    # The table views PowerShell has for a type, in order (the first is the default).
    function Get-TableView([string] $TypeName) {
        (Get-FormatData -TypeName $TypeName -PowerShellVersion $PSVersionTable.PSVersion).FormatViewDefinition |
            Where-Object { $_.Control -is [System.Management.Automation.TableControl] }
    }

    # What is wrong with a rendered table: a line wider than the width, or a header line (the one
    # right above a dashes line) that does not hold every label whole - a label PowerShell had to
    # wrap is split over several lines, so the last header line lacks it.
    function Get-TableProblem([string] $Text, [string[]] $Labels, [int] $Width) {
        $lines = $Text -split '\r?\n'
        $tables = 0
        for ($i = 0; $i -lt $lines.Count; $i++) {
            if ($lines[$i].Length -gt $Width) { "line $i is $($lines[$i].Length) characters wide: $($lines[$i])" }
            if ($i -gt 0 -and $lines[$i] -match '^\s*-+(\s+-+)*\s*$') {
                $tables++
                $tokens = @($lines[$i - 1] -split '\s+' | Where-Object { $_ })
                foreach ($label in $Labels) {
                    if ($tokens -cnotcontains $label) { "header '$label' is not whole on the header line '$($lines[$i - 1])'" }
                }
                $dashes = @($lines[$i] -split '\s+' | Where-Object { $_ }).Count
                if ($dashes -ne $Labels.Count) { "$dashes columns shown of $($Labels.Count): '$($lines[$i - 1])'" }
            }
        }
        if ($tables -eq 0) { "no table was rendered:`n$Text" }
    }
}

Describe 'UnitText: human units for the views (invariant culture)' {
    It 'writes durations in ns, µs, ms, s, min and h with three significant digits' {
        # Issue 10's Format-List figures: 3.24E-05 s = 32.4 µs; 3.33283333333334E-05 s = 33.3283 µs -> 33.3 µs.
        $U::Duration(3.24E-05) | Should -Be '32.4 µs'
        $U::Duration(3.33283333333334E-05) | Should -Be '33.3 µs'
        $U::Duration(8.5E-07) | Should -Be '850 ns'          # 0.85 µs is below 1 µs
        $U::Duration(0.00141) | Should -Be '1.41 ms'
        $U::Duration(3.36) | Should -Be '3.36 s'
        $U::Duration(67.83) | Should -Be '67.8 s'           # seconds up to two minutes
        $U::Duration(150) | Should -Be '2.50 min'           # 150 / 60
        $U::Duration(9000) | Should -Be '2.50 h'            # 9000 / 3600
        $U::Duration(0) | Should -Be '0 s'
        $U::Duration([double]::NaN) | Should -Be ''
        $U::Duration($null) | Should -Be ''
    }

    It 'writes bytes in B, KB, MB, GB with 1 KB = 1024 B, as Keras summary() and the SizeMB properties' {
        # Seed MLP: 235,146 float32 parameters = 940,584 B = 918.54 KB -> 919 KB.
        $U::Bytes(940584) | Should -Be '919 KB'
        # 1,048,576 B = 1024 KB = 1.00 MB.
        $U::Bytes(1048576) | Should -Be '1.00 MB'
        # 1023 B rounds to 1020 at three digits, so it reads 0.999 KB = 1.00 KB rather than a four-digit byte count.
        $U::Bytes(1023) | Should -Be '1.00 KB'
        $U::Bytes(612) | Should -Be '612 B'
        # VGG-16: 138,357,544 x 4 = 553,430,176 B = 527.79 MB -> 528 MB.
        $U::Bytes(553430176) | Should -Be '528 MB'
        $U::Bytes(2.5 * [math]::Pow(1024, 3)) | Should -Be '2.50 GB'
    }

    It 'writes operation counts with SI prefixes and counts with thousands separators' {
        # Seed MLP (Flops convention): 469,504 -> 470 K; seed CNN: 1,413,504 -> 1.41 M; VGG-16: 30,940,528,640 -> 30.9 G.
        $U::Si(469504) | Should -Be '470 K'
        $U::Si(1413504) | Should -Be '1.41 M'
        $U::Si(30940528640) | Should -Be '30.9 G'
        $U::Si(650) | Should -Be '650'
        # 999,600 is 1.00 M at three significant digits, not 1000 K.
        $U::Si(999600) | Should -Be '1.00 M'
        $U::Count(1413504) | Should -Be '1,413,504'
        $U::Fixed(0.84934, 4) | Should -Be '0.8493'
        $U::Factor(1413504 / 469504) | Should -Be '3.01x'   # 3.0106...
        $U::Points(-0.4) | Should -Be '-0.40'
        $U::FlopRate(2.25e10) | Should -Be '22.5 GFLOP/s'
    }

    It 'reads numbers that came back from Import-Clixml or as text' {
        $U::Bytes([long]940584) | Should -Be '919 KB'
        $U::Count('1413504') | Should -Be '1,413,504'
        $U::Duration([psobject]0.00141) | Should -Be '1.41 ms'
    }

    It 'ignores the current culture' {
        $saved = [System.Globalization.CultureInfo]::CurrentCulture
        try {
            [System.Globalization.CultureInfo]::CurrentCulture = 'de-DE'
            $U::Count(1413504) | Should -Be '1,413,504'
            $U::Duration(0.00141) | Should -Be '1.41 ms'
            ($cnn | Measure-ModelCost -PerLayer | Out-String -Width 80) | Should -Match '1,115,136'
        }
        finally { [System.Globalization.CultureInfo]::CurrentCulture = $saved }
    }
}

Describe 'Table views at 80 columns' {
    It 'has real objects and at least one table view for <_>' -ForEach $TableTypes {
        $Objects[$_].Count | Should -BeGreaterThan 0
        @(Get-TableView $_).Count | Should -BeGreaterThan 0
    }

    It '<Type> view <View> keeps every header whole at 80 columns' -ForEach $Cases {
        $items = $Objects[$Type]
        $text = if ($Default) { $items | Out-String -Width 80 } else { $items | Format-Table -View $View | Out-String -Width 80 }
        Get-TableProblem -Text $text -Labels $Labels -Width 80 | Should -BeNullOrEmpty
    }

    It 'shows the convention of every cost row and of every per-layer table (issue 16)' {
        $text = $costs | Out-String -Width 80
        foreach ($convention in 'Flops', 'FlopsWithBias', 'Course') { $text | Should -Match "Convention: $convention \(training FLOPs: Exact\)" }
        $perLayer = $cnn | Measure-ModelCost -PerLayer -Convention TfProfiler | Out-String -Width 80
        $perLayer | Should -Match 'Model: CNN_FashionMNIST \(TfProfiler convention\)'
    }

    It 'shows the seed figures in the default cost view with units' {
        # Seed MLP: 235,146 params; 940,584 B = 919 KB; 469,504 FLOPs = 470 K; latency 469,504 / 1e9 FLOP/s = 470 µs.
        $line = ($mlp | Measure-ModelCost | Out-String -Width 80) -split '\r?\n' | Where-Object { $_ -match '^MLP_FashionMNIST' }
        $line | Should -Match '^MLP_FashionMNIST\s+235,146\s+919 KB\s+470 K\s+\S+ M\s+\S+ MB\s+470 µs$'
    }

    It 'does not wrap the per-layer table at 120 columns either' {
        $text = $resnet | Measure-ModelCost -PerLayer | Out-String -Width 120
        $labels = (Get-TableView 'ModelCost.Core.Costing.LayerCost')[0].Control.Headers.Label
        Get-TableProblem -Text $text -Labels $labels -Width 120 | Should -BeNullOrEmpty
    }
}

Describe 'List views show every property' {
    It 'Format-List of <_> names every property' -ForEach $TypeNames {
        $item = $Objects[$_][0]
        $text = $item | Format-List | Out-String -Width 200
        foreach ($name in $item.PSObject.Properties.Where({ $_.MemberType -eq 'Property' }).Name) {
            $text | Should -Match ("(?m)^$([regex]::Escape($name))\s*:") -Because "Format-List must show $name"
        }
    }

    It 'shows latency in µs or ms while the object keeps seconds' {
        $measurement = $Objects['ModelCost.Core.Latency.LatencyMeasurement'][0]
        $text = $measurement | Format-List | Out-String -Width 120
        foreach ($name in 'MedianSeconds', 'P90Seconds', 'MeanSeconds', 'MinSeconds', 'EstimatedLatencySeconds') {
            $text | Should -Match "(?m)^$name\s+: \d+(\.\d+)? (ns|µs|ms|s)\s*$"
        }
        $text | Should -Not -Match 'E-0\d'
        $measurement.MedianSeconds | Should -BeOfType [double]
        $measurement.MedianSeconds | Should -BeLessThan 1
    }

    It 'keeps raw numbers in the objects, in Export-Csv and in Format-List *' {
        $cost = $mlp | Measure-ModelCost
        $cost.SizeBytes | Should -Be 940584
        $cost.SizeBytes | Should -BeOfType [long]
        $csv = $cost | ConvertTo-Csv | ConvertFrom-Csv
        $csv.SizeBytes | Should -Be '940584'
        $csv.InferenceFlops | Should -Be '469504'
        ($cost | Format-List * | Out-String) | Should -Match '(?m)^SizeBytes\s+: 940584\s*$'
    }
}

Describe 'Type data and deserialized objects' {
    It 'declares the default display property set of <_>' -ForEach $WideTypes {
        $item = $Objects[$_][0]
        $set = $item.PSStandardMembers.DefaultDisplayPropertySet.ReferencedPropertyNames
        $set | Should -Not -BeNullOrEmpty
        foreach ($name in $set) { $item.PSObject.Properties.Name | Should -Contain $name }
        (Get-TypeData -TypeName "Deserialized.$_").DefaultDisplayPropertySet.ReferencedProperties | Should -Be $set
    }

    It 'shows a <Type> from Import-Clixml with the same view <View>' -ForEach @($Cases | Where-Object Default) {
        $file = Join-Path $TestDrive "$Type.clixml"
        $Objects[$Type] | Export-Clixml -LiteralPath $file -Depth 3
        $back = Import-Clixml -LiteralPath $file
        $back[0].PSObject.TypeNames[0] | Should -Be "Deserialized.$Type"
        $expected = $Objects[$Type] | Out-String -Width 80
        $actual = $back | Out-String -Width 80
        Get-TableProblem -Text $actual -Labels $Labels -Width 80 | Should -BeNullOrEmpty
        $actual | Should -Be $expected
    }
}
