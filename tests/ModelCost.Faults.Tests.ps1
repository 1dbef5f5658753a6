#Requires -Version 7.4
# Runs the memory and fault scenarios of tests/Faults/Invoke-FaultTests.ps1 (issue 15) and reports each as a
# Pester result: Passed, Failed with what was seen, or Skipped (visibly) with why this machine cannot run it.

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModelCost.TestHelpers.ps1')
    Import-ModelCostTestModule
    $manifest = Join-Path (Get-Module -Name ModelCost.PS).ModuleBase 'ModelCost.PS.psd1'
    $Results = @{}
    foreach ($r in & (Join-Path $PSScriptRoot 'Faults/Invoke-FaultTests.ps1') -Module $manifest) { $Results[$r.Scenario] = $r }

    function Assert-Scenario([string] $Name) {
        $r = $Results[$Name]
        $r | Should -Not -BeNullOrEmpty -Because "the fault script reports every scenario"
        if ($r.Result -eq 'Skipped') { Set-ItResult -Skipped -Because $r.Detail; return }
        $r.Result | Should -Be 'Passed' -Because $r.Detail
    }
}

Describe 'Memory and fault scenarios (tests/Faults/Invoke-FaultTests.ps1)' {
    It 'a capped .NET heap gives InsufficientMemory for the model that does not fit and still runs the next' {
        Assert-Scenario 'HeapCap'
    }

    It 'SIGKILL during an export leaves the old file intact, and the next export removes the dead temporary' {
        Assert-Scenario 'SigKillExport'
    }

    It 'a full disk gives WriteFailed, keeps the old file and leaves no temporary' {
        Assert-Scenario 'FullDisk'
    }
}
