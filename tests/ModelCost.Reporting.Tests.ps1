#Requires -Version 7.4
# Pester 5 tests of Compare-ModelCost, Export-ModelCostChart and Export-ModelReport.
# Figures are seed 000's MLP and CNN under the Flops convention, derived by hand:
#   MLP Params 235,146; Flops 2 * (784*256 + 256*128 + 128*10) = 469,504
#   CNN Params  56,714; Flops 2 * (26*26*16*9 + 11*11*32*144 + 800*64 + 64*10) = 1,413,504

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModelCost.TestHelpers.ps1')
    Import-ModelCostTestModule

    $Mlp = New-ModelSpec -Name MLP -InputShape 28, 28 -Layer 'Flatten()', 'Dense(256, activation="relu")', 'Dense(128, activation="relu")', 'Dense(10, activation="softmax")'
    $Cnn = New-ModelSpec -Name CNN -InputShape 28, 28, 1 -Layer 'Conv2D(16, 3, activation="relu")', 'MaxPooling2D(2)', 'Conv2D(32, 3, activation="relu")',
        'MaxPooling2D(2)', 'Flatten()', 'Dense(64, activation="relu")', 'Dense(10, activation="softmax")'
    $Costs = @($Mlp, $Cnn | Measure-ModelCost)
}

Describe 'Compare-ModelCost' {
    It 'outputs the rows alone, so Export-Csv and Sort-Object see no conclusion (issue 16 item 1)' {
        $out = @($Costs | Compare-ModelCost -InformationAction Ignore)
        $out.Count | Should -Be 2
        $out | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be 'ModelCost.Core.Reporting.ComparisonRow' }
        $out[0].Model | Should -Be 'MLP'
        $out[1].Model | Should -Be 'CNN'
        $csv = Join-Path $TestDrive 'comparison.csv'
        $Costs | Compare-ModelCost -InformationAction Ignore | Export-Csv $csv
        $lines = @(Get-Content $csv)
        $lines.Count | Should -Be 3   # header + two rows: no junk row
        $lines[1] | Should -Match '^"MLP",'
        $lines[2] | Should -Match '^"CNN",'
        @($Costs | Compare-ModelCost -InformationAction Ignore | Sort-Object Params).Model | Should -Be @('CNN', 'MLP')
    }

    It 'shows the conclusion on the information stream, not the output' {
        $null = $Costs | Compare-ModelCost -InformationVariable info -InformationAction Ignore
        $text = @($info | ForEach-Object { "$($_.MessageData)" }) -join "`n"
        $text | Should -Match '^Conclusion: Compared with MLP, CNN has'
        @($info)[0].Tags | Should -Contain 'Conclusion'
    }

    It 'outputs only the conclusion object with -Conclusion' {
        $c = @($Costs | Compare-ModelCost -Conclusion)
        $c.Count | Should -Be 1
        $c[0].PSObject.TypeNames[0] | Should -Be 'ModelCost.Core.Reporting.ComparisonConclusion'
    }

    It 'costs model specs it is given at the default convention (Flops)' {
        $mlp = New-ModelSpec MLP 28,28 'Flatten()', 'Dense(256, activation="relu")', 'Dense(128, activation="relu")', 'Dense(10, activation="softmax")'
        $cnn = New-ModelSpec CNN 28,28,1 'Conv2D(16, 3, activation="relu")', 'MaxPooling2D(2)', 'Conv2D(32, 3, activation="relu")', 'MaxPooling2D(2)', 'Flatten()', 'Dense(64, activation="relu")', 'Dense(10, activation="softmax")'
        $rows = @($mlp, $cnn | Compare-ModelCost -InformationAction Ignore)
        $rows.Convention | Sort-Object -Unique | Should -Be 'Flops'
        # Flops = 2 per MAC: MLP 2·(784·256 + 256·128 + 128·10) = 2·234,752 = 469,504.
        $rows[0].InferenceFlops | Should -Be 469504
        $rows[1].Params | Should -Be 56714
    }

    It 'gives ratios to the first model by default' {
        $rows = @($Costs | Compare-ModelCost -InformationAction Ignore)
        $rows[0].Baseline | Should -Be 'MLP'
        $rows[0].ParamsRatio | Should -Be 1
        # CNN / MLP: 56,714 / 235,146 params and 1,413,504 / 469,504 FLOPs
        $rows[1].ParamsRatio | Should -Be (56714 / 235146)
        $rows[1].InferenceFlopsRatio | Should -Be (1413504 / 469504)
    }

    It 'takes another baseline with -Baseline' {
        $rows = @($Costs | Compare-ModelCost -Baseline CNN -InformationAction Ignore)
        $rows[0].Baseline | Should -Be 'CNN'
        $rows[0].ParamsRatio | Should -Be (235146 / 56714)
        $rows[1].ParamsRatio | Should -Be 1
    }

    It 'names the smallest and the cheapest model in the conclusion' {
        $conclusion = $Costs | Compare-ModelCost -Conclusion
        $conclusion.Smallest | Should -Be 'CNN'
        $conclusion.SmallestParams | Should -Be 56714
        $conclusion.Cheapest | Should -Be 'MLP'
        $conclusion.CheapestInferenceFlops | Should -Be 469504
        $conclusion.Summary | Should -Not -BeNullOrEmpty
    }

    It 'limits the figures with -Property' {
        $row = @($Costs | Compare-ModelCost -Property Params -InformationAction Ignore)[1]
        $row.Params | Should -Be 56714
        $row.InferenceFlops | Should -BeNullOrEmpty
    }

    It 'fails on an unknown baseline' {
        { $Costs | Compare-ModelCost -Baseline NoSuchModel } |
            Should -Throw -ErrorId 'UnknownBaseline,ModelCost.PS.Commands.CompareModelCostCommand'
    }

    It 'fails when there is nothing to compare' {
        { 'just text' | Compare-ModelCost } | Should -Throw
    }

    It 'says there is nothing to compare when an unset variable is piped, rather than failing inside' {
        # `$unset | Compare-ModelCost` binds a null array to -InputObject (a help example once hit a NullReferenceException).
        { $null | Compare-ModelCost -Conclusion } |
            Should -Throw -ErrorId 'NothingToCompare,ModelCost.PS.Commands.CompareModelCostCommand'
        { $null | Export-ModelReport -Path (Join-Path $TestDrive 'nothing.html') } |
            Should -Throw -ErrorId 'NothingToCompare,ModelCost.PS.Commands.ExportModelReportCommand'
        Test-Path -LiteralPath (Join-Path $TestDrive 'nothing.html') | Should -BeFalse
    }
}

Describe 'Export-ModelCostChart' {
    It 'writes a well-formed SVG with one bar label per model' {
        $path = Join-Path $TestDrive 'chart.svg'
        $file = $Costs | Export-ModelCostChart -Property InferenceFlops -Path $path -Title 'Seed 000' -PassThru
        $file.Length | Should -BeGreaterThan 0
        $text = Get-Content -LiteralPath $path -Raw
        $xml = [xml]$text
        $xml.DocumentElement.LocalName | Should -Be 'svg'
        $text | Should -Match 'Seed 000'
        $text | Should -Match '>MLP<'
        $text | Should -Match '>CNN<'
        # Labels carry thousands separators.
        $text | Should -Match '1,413,504'
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.svg'
        $Costs | Export-ModelCostChart -Path $path -WhatIf
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'keeps an existing file with -NoClobber' {
        $path = Join-Path $TestDrive 'kept.svg'
        Set-Content -LiteralPath $path -Value 'original'
        { $Costs | Export-ModelCostChart -Path $path -NoClobber } |
            Should -Throw -ErrorId 'FileExists,ModelCost.PS.Commands.ExportModelCostChartCommand'
        (Get-Content -LiteralPath $path -Raw).Trim() | Should -Be 'original'
    }
}

Describe 'Export-ModelReport' {
    It 'writes one HTML page with the comparison and per-layer tables' {
        $path = Join-Path $TestDrive 'report.html'
        $perLayer = @($Cnn | Measure-ModelCost -PerLayer)
        @($Costs) + $perLayer | Export-ModelReport -Path $path -Title 'MLP vs CNN'
        $html = Get-Content -LiteralPath $path -Raw
        $html | Should -Match '<html'
        $html | Should -Match 'MLP vs CNN'
        $html | Should -Match 'conv2d_1'
        $html | Should -Match 'Conclusion'
    }

    It 'writes nothing with -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.html'
        $Costs | Export-ModelReport -Path $path -WhatIf
        Test-Path -LiteralPath $path | Should -BeFalse
    }
}
