#Requires -Version 7.4
# Pester 5 tests of the generated cmdlet help (issue 16, item 9): one syntax per parameter set with the marks
# PowerShell itself binds by, default values shown, every example described, -PerLayer never mandatory, and
# -Online failing honestly (the module has no web site; README and about_ModelCost.PS say so).

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'ModelCost.TestHelpers.ps1')
    Import-ModelCostTestModule
    $Commands = (Get-Module -Name ModelCost.PS).ExportedCmdlets.Keys | Sort-Object | ForEach-Object { @{ Name = $_ } }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModelCost.TestHelpers.ps1')
    Import-ModelCostTestModule
    # Help lists -WhatIf/-Confirm where the command supports them (as PowerShell's own help does), the rest as <CommonParameters>.
    $CommonParameters = [System.Management.Automation.Cmdlet]::CommonParameters + 'UseTransaction'
}

Describe 'Get-Help <Name>' -ForEach $Commands {
    BeforeAll {
        $Command = Get-Command -Name $Name
        $Help = Get-Help -Name $Name -Full
    }

    It 'has one syntax item per parameter set, each with the mandatory and position marks of that set' {
        $items = @($Help.Syntax.SyntaxItem)
        $items.Count | Should -Be $Command.ParameterSets.Count
        $unmatched = [System.Collections.Generic.List[object]]$Command.ParameterSets
        foreach ($item in $items) {
            $names = @($item.Parameter | ForEach-Object Name | Where-Object { $_ -notin $CommonParameters } | Sort-Object)
            # The set (as PowerShell binds it) with exactly these parameters.
            $set = $unmatched | Where-Object {
                $own = @($_.Parameters | Where-Object Name -NotIn $CommonParameters | ForEach-Object Name | Sort-Object)
                ($own -join ',') -eq ($names -join ',')
            } | Select-Object -First 1
            $set | Should -Not -BeNullOrEmpty -Because "syntax [$($names -join ', ')] of $Name is a parameter set"
            $null = $unmatched.Remove($set)
            foreach ($parameter in $item.Parameter) {
                $bound = $set.Parameters | Where-Object Name -eq $parameter.Name
                $parameter.Required | Should -Be $bound.IsMandatory.ToString().ToLowerInvariant() -Because "$Name -$($parameter.Name) in set $($set.Name)"
                $expectedPosition = if ($bound.Position -ge 0) { "$($bound.Position)" } else { 'named' }
                $parameter.Position | Should -Be $expectedPosition -Because "$Name -$($parameter.Name) in set $($set.Name)"
            }
        }
        $unmatched.Count | Should -Be 0
    }

    It 'shows a default value for every optional parameter that has one' {
        $fresh = New-Object -TypeName $Command.ImplementingType.FullName
        foreach ($parameter in @($Help.Parameters.Parameter)) {
            $initial = if ($parameter.Name -in 'WhatIf', 'Confirm') { $null } else { $fresh.($parameter.Name) }
            $described = ($parameter.Description | Out-String) -match '\bdefault\b'
            $isSwitch = "$($parameter.Type.Name)" -match 'SwitchParameter$'
            $hasDefault = $isSwitch -or $described -or ($null -ne $initial -and "$initial" -ne '')
            if ($parameter.Required -eq 'true' -or -not $hasDefault) { continue }
            "$($parameter.DefaultValue)".Trim() | Should -Not -BeIn @('', 'None') -Because "$Name -$($parameter.Name) has a default"
            if ($isSwitch) { $parameter.DefaultValue | Should -Be 'False' }
        }
    }

    It 'describes every example in a remarks paragraph' {
        foreach ($example in @($Help.Examples.Example)) {
            $example.Title | Should -Match 'Example \d+'
            ($example.Remarks | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "$($example.Title) of $Name"
        }
    }
}

Describe 'Get-Help defaults and marks the issue names' {
    It 'says -ValidationSplit defaults to 0.1 (docs/engine.md: 10% held out)' {
        ((Get-Help Invoke-ModelTraining -Parameter ValidationSplit).DefaultValue) | Should -Be '0.1'
    }

    It 'says Measure-ModelCost counts under the Flops convention by default (README, "Counting conventions")' {
        ((Get-Help Measure-ModelCost -Parameter Convention).DefaultValue) | Should -Be 'Flops'
    }

    It 'never marks -PerLayer mandatory: not in the parameter list, not in any syntax item' {
        $help = Get-Help Measure-ModelCost -Full
        ($help.Parameters.Parameter | Where-Object Name -eq PerLayer).Required | Should -Be 'false'
        foreach ($item in $help.Syntax.SyntaxItem) {
            ($item.Parameter | Where-Object Name -eq PerLayer).Required | Should -Be 'false'
        }
        # The rendered syntax shows an optional switch in brackets: [-PerLayer].
        ($help.Syntax | Out-String -Width 250) | Should -Match '\[-PerLayer\]'
        ($help.Syntax | Out-String -Width 250) | Should -Not -Match '(?<!\[)-PerLayer(?!\])'
    }

    It 'fails Get-Help -Online with PowerShell''s "no URI" error: the module has no web site to point at' {
        foreach ($name in (Get-Module -Name ModelCost.PS).ExportedCmdlets.Keys) {
            (Get-Command -Name $name).HelpUri | Should -BeNullOrEmpty
        }
        { Get-Help Measure-ModelCost -Online -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidOperation,Microsoft.PowerShell.Commands.GetHelpCommand'
    }
}
