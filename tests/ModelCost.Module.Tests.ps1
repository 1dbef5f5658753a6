#Requires -Version 7.4
# Pester 5 tests of the module itself: manifest, exported commands, help, format views, and the
# private AssemblyLoadContext that keeps ModelCost.Core and YamlDotNet away from other modules.

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModelCost.TestHelpers.ps1')
    Import-ModelCostTestModule
    $Module = Get-Module -Name ModelCost.PS
    $ManifestPath = Join-Path $Module.ModuleBase 'ModelCost.PS.psd1'
    $ExpectedCmdlets = @(
        'New-ModelSpec', 'Import-ModelSpec', 'Export-ModelSpec', 'Get-ModelSummary',
        'Measure-ModelCost', 'Test-ModelCost',
        'Get-ModelDataset', 'Invoke-ModelTraining', 'Get-TrainingHistory', 'Invoke-ModelEvaluation', 'Export-TrainedModel', 'Import-TrainedModel', 'Measure-ModelLatency',
        'Compare-ModelCost', 'Export-ModelCostChart', 'Export-ModelReport'
    )
}

Describe 'ModelCost.PS module' {
    It 'has a valid manifest for PowerShell 7.4+ Core' {
        $manifest = Test-ModuleManifest -Path $ManifestPath
        $manifest.Version | Should -Be ([version]'0.1.0')
        $manifest.PowerShellVersion | Should -Be ([version]'7.4')
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.RootModule | Should -Be 'ModelCost.PS.dll'
        $manifest.Tags | Should -Contain 'PSEdition_Core'
    }

    It 'exports exactly the cmdlets the manifest lists, and no functions, aliases or variables' {
        $exported = @($Module.ExportedCmdlets.Keys)
        foreach ($name in $ExpectedCmdlets) { $exported | Should -Contain $name }
        $Module.ExportedFunctions.Count | Should -Be 0
        $Module.ExportedAliases.Count | Should -Be 0
        $Module.ExportedVariables.Count | Should -Be 0
    }

    It 'uses approved verbs only' {
        $approved = (Get-Verb).Verb
        foreach ($name in $Module.ExportedCmdlets.Keys) { $approved | Should -Contain ($name -split '-')[0] }
    }

    It 'supports -WhatIf and -Confirm on every command that writes files' {
        foreach ($name in $Module.ExportedCmdlets.Keys | Where-Object { $_ -like 'Export-*' }) {
            $parameters = (Get-Command -Name $name).Parameters.Keys
            $parameters | Should -Contain 'WhatIf'
            $parameters | Should -Contain 'Confirm'
        }
    }

    It 'has help with a synopsis and an example for every cmdlet' {
        foreach ($name in $Module.ExportedCmdlets.Keys) {
            $help = Get-Help -Name $name -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            # Not the syntax line PowerShell makes up when a cmdlet has no help.
            $help.Synopsis | Should -Not -Match ('^\s*' + [regex]::Escape($name) + '\s+\[')
            @($help.Examples.Example).Count | Should -BeGreaterThan 0
        }
        (Get-Help -Name about_ModelCost.PS | Out-String) | Should -Match 'Measure-ModelCost'
    }

    It 'has a default view for each output type' {
        foreach ($type in 'ModelCost.Core.Specs.ModelSpec', 'ModelCost.Core.Specs.LayerSummary', 'ModelCost.Core.Costing.CostSummary',
            'ModelCost.Core.Costing.LayerCost', 'ModelCost.Core.Engine.TrainingResult', 'ModelCost.Core.Engine.TrainingEpoch',
            'ModelCost.Core.Engine.EvaluationResult', 'ModelCost.Core.Data.DatasetInfo', 'ModelCost.Core.Reporting.ComparisonRow',
            'ModelCost.Core.Reporting.ComparisonConclusion', 'ModelCost.Core.Engine.TrainedModel', 'ModelCost.Core.Latency.LatencyMeasurement',
            'ModelCost.Core.Engine.TrainingHistoryRow', 'ModelCost.Core.Costing.BudgetResult') {
            Get-FormatData -TypeName $type | Should -Not -BeNullOrEmpty -Because "$type needs a view"
        }
    }

    It 'loads ModelCost.Core and YamlDotNet into its private load context, from Dependencies/' {
        $spec = New-ModelSpec -Name Probe -InputShape 4 -Layer 'Dense(2)'
        $core = $spec.GetType().Assembly
        $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($core)
        $context.Name | Should -Be 'ModelCost.PS'
        $core.Location | Should -BeLike ('*' + [System.IO.Path]::DirectorySeparatorChar + 'Dependencies' + [System.IO.Path]::DirectorySeparatorChar + 'ModelCost.Core.dll')

        # Reading YAML pulls YamlDotNet in: it must come from the same private context.
        $yaml = Join-Path $TestDrive 'probe.yaml'
        $spec | Export-ModelSpec -Path $yaml
        $null = Import-ModelSpec -Path $yaml
        $yamlDotNet = @($context.Assemblies | Where-Object { $_.GetName().Name -eq 'YamlDotNet' })
        $yamlDotNet.Count | Should -Be 1
        $yamlDotNet[0].Location | Should -BeLike '*Dependencies*'
        # ... and the default context holds no ModelCost.Core of its own.
        @([System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies | Where-Object { $_.GetName().Name -eq 'ModelCost.Core' }).Count | Should -Be 0
    }

    It 'imports into a fresh runspace of the same process' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript('param($Manifest) Import-Module $Manifest; (New-ModelSpec -Name R -InputShape 4 -Layer ''Dense(2)'' | Measure-ModelCost).Params').AddArgument($ManifestPath)
            # Dense(2) on 4 inputs: 4*2 + 2 = 10
            @($ps.Invoke()) | Should -Be @(10)
            $ps.HadErrors | Should -BeFalse
        }
        finally {
            $ps.Dispose()
        }
    }
    It 'imports a second copy from another folder without type-data errors, and keeps its type data after Remove-Module' {
        # A session that already has the module (a build in out/) imports a copy (an installed one): PowerShell keeps
        # the cmdlet assembly it has loaded, so the copy must add nothing twice. TypesToProcess used to fail here
        # with one "The member DefaultDisplayPropertySet is already present" error per type.
        $copy = Join-Path $TestDrive 'copy'
        Copy-Item -LiteralPath $Module.ModuleBase -Destination $copy -Recurse
        $script = {
            param($First, $Second)
            Import-Module $First -ErrorAction Stop
            Import-Module $Second -ErrorAction Stop
            # Two import paths, one type table: ModelSpec's serialization depth (4 in ModelCost.PS.Types.ps1xml) is there once.
            (Get-TypeData -TypeName ModelCost.Core.Specs.ModelSpec).SerializationDepth
            Get-Module ModelCost.PS | Remove-Module
            Import-Module $First -ErrorAction Stop
            (Get-TypeData -TypeName ModelCost.Core.Costing.CostSummary).DefaultDisplayPropertySet.ReferencedProperties -contains 'Params'
            (New-ModelSpec -Name R -InputShape 4 -Layer 'Dense(2)' | Measure-ModelCost).Params
        }
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript($script.ToString()).AddArgument($ManifestPath).AddArgument((Join-Path $copy 'ModelCost.PS.psd1'))
            $out = @($ps.Invoke())
            @($ps.Streams.Error | ForEach-Object { $_.ToString() }) | Should -BeNullOrEmpty
            # Dense(2) on 4 inputs: 4*2 + 2 = 10 parameters.
            $out | Should -Be @(4, $true, 10)
        }
        finally {
            $ps.Dispose()
        }
    }
}
