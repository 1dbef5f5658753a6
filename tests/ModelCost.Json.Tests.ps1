#Requires -Version 7.4
# Pester 5 tests of issue 16, item 7: every enum-typed property of the module's output objects is written as its
# name by ConvertTo-Json (no -EnumsAsStrings needed), and Export-Csv writes the same text. The enum-typed
# properties are found by reflection on each object, so a new one is covered without changing this file.

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModelCost.TestHelpers.ps1')
    Import-ModelCostTestModule

    $DataFolder = Join-Path $TestDrive 'synthetic'
    $Dataset = New-SyntheticDataset -Folder $DataFolder -TrainCount 80 -TestCount 40

    $Tiny = New-ModelSpec -Name Tiny -InputShape 8, 8 -Layer 'Flatten()', 'Dense(10, activation="softmax")'
    $Wide = New-ModelSpec -Name Wide -InputShape 8, 8 -Layer 'Flatten()', 'Dense(16, activation="relu")', 'Dense(10, activation="softmax")'
    # Non-default values, so a number could never pass for a name by being 0.
    $Cost = $Tiny | Measure-ModelCost -Precision Float16 -Optimizer SGD -Devices 4 -Parallelism ZeRO2
    $Run = $Tiny | Invoke-ModelTraining -Dataset $Dataset -Epochs 1 -BatchSize 16 -Seed 3 -ThrottleLimit 1 -Optimizer SGD
    $Evaluation = $Run | Invoke-ModelEvaluation -Dataset $Dataset
    $Outputs = [ordered]@{
        'Measure-ModelCost'            = @($Cost)
        'Measure-ModelCost -PerLayer'  = @($Tiny | Measure-ModelCost -PerLayer)
        'Invoke-ModelTraining'         = @($Run)
        'Invoke-ModelEvaluation'       = @($Evaluation)
        'Test-ModelCost'               = @($Tiny | Test-ModelCost -MaxParams 10)
        'Compare-ModelCost'            = @($Tiny, $Wide | Measure-ModelCost | Compare-ModelCost -Baseline Tiny)
        'Get-ModelSummary'             = @($Tiny | Get-ModelSummary)
        'Get-TrainingHistory'          = @($Run | Get-TrainingHistory)
    }

    # Names of the properties of $Object whose value is an enum.
    function Get-EnumPropertyName([object] $Object) {
        $Object.PSObject.Properties | Where-Object { $null -ne $_.Value -and $_.Value.GetType().IsEnum } | ForEach-Object Name
    }
}

Describe 'ConvertTo-Json of output objects' {
    It 'finds the enum-typed properties the issue names (the reflection below is not vacuous)' {
        (Get-EnumPropertyName $Cost) | Should -Contain 'Precision'
        (Get-EnumPropertyName $Cost) | Should -Contain 'Optimizer'
        (Get-EnumPropertyName $Cost) | Should -Contain 'TrainingFlopsMethod'
        (Get-EnumPropertyName $Cost) | Should -Contain 'Parallelism'
        (Get-EnumPropertyName $Run) | Should -Contain 'Optimizer'
        (Get-EnumPropertyName $Run) | Should -Contain 'Status'
        (Get-EnumPropertyName $Evaluation) | Should -Contain 'Split'
    }

    It 'writes the name of every enum property of <Name>' -ForEach @(
        'Measure-ModelCost', 'Measure-ModelCost -PerLayer', 'Invoke-ModelTraining', 'Invoke-ModelEvaluation',
        'Test-ModelCost', 'Compare-ModelCost', 'Get-ModelSummary', 'Get-TrainingHistory' | ForEach-Object { @{ Name = $_ } }
    ) {
        foreach ($object in $Outputs[$Name]) {
            $json = $object | ConvertTo-Json -Depth 3 -Compress
            $parsed = $json | ConvertFrom-Json
            foreach ($property in Get-EnumPropertyName $object) {
                # The name Enum.ToString gives, e.g. "Float16" for Precision.Float16, never its number (Float16 = 1).
                # That property alone: nested objects (History) have number-valued properties of the same name.
                $alone = $object | Select-Object -Property $property | ConvertTo-Json -Compress
                $alone | Should -Not -Match ('"{0}":\s*-?\d' -f $property) -Because "$Name writes $property as a number"
                $parsed.$property | Should -BeOfType [string]
                $parsed.$property | Should -BeExactly $object.$property.ToString()
            }
        }
    }

    It 'writes Precision Float16, Optimizer SGD, Parallelism ZeRO2 and TrainingFlopsMethod by name' {
        $json = $Cost | ConvertTo-Json -Compress
        $json | Should -Match '"Precision":"Float16"'
        $json | Should -Match '"Optimizer":"SGD"'
        $json | Should -Match '"Parallelism":"ZeRO2"'
        $json | Should -Match '"TrainingFlopsMethod":"[A-Za-z]+"'
    }

    It 'agrees with Export-Csv on every enum property of <Name>' -ForEach @(
        'Measure-ModelCost', 'Invoke-ModelTraining', 'Invoke-ModelEvaluation' | ForEach-Object { @{ Name = $_ } }
    ) {
        $object = $Outputs[$Name][0]
        $csvPath = Join-Path $TestDrive "$($Name -replace '\W', '_').csv"
        $object | Select-Object -Property (Get-EnumPropertyName $object) | Export-Csv -Path $csvPath
        $row = Import-Csv -Path $csvPath
        $parsed = $object | ConvertTo-Json -Depth 3 | ConvertFrom-Json
        foreach ($property in Get-EnumPropertyName $object) {
            $row.$property | Should -BeExactly $parsed.$property
        }
    }

    It 'uses PowerShell''s own Newtonsoft.Json for the converter attribute, and the module ships no other copy' {
        # ConvertTo-Json honours only the attribute type of the Newtonsoft.Json it loaded; a copy in Dependencies/
        # or an engine folder would load into the module's context and the attribute would be silently ignored.
        $attribute = $Cost.Precision.GetType().GetCustomAttributes($false) | Where-Object { $_.GetType().Name -eq 'JsonConverterAttribute' }
        $attribute | Should -Not -BeNullOrEmpty
        $attribute.GetType().Assembly | Should -Be ([Newtonsoft.Json.JsonConvert].Assembly)
        $moduleBase = (Get-Module -Name ModelCost.PS).ModuleBase
        @(Get-ChildItem -Path $moduleBase -Recurse -Filter 'Newtonsoft.Json.dll') | Should -HaveCount 0
    }

    It 'keeps the objects filterable by name: Where-Object Precision -eq Float16' {
        @($Cost | Where-Object Precision -eq 'Float16').Count | Should -Be 1
        @($Cost | Where-Object Precision -eq 'Float32').Count | Should -Be 0
    }
}
