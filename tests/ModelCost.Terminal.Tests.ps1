#Requires -Version 7.4
# Pester 5 wrapper of tests/Terminal/Invoke-TerminalCheck.ps1: an interactive pwsh in tmux at 80x24
# and 120x40 (import, README tour, progress bar, Ctrl+C mid-epoch, -Convention <Tab>). Skipped,
# visibly, where tmux or Linux is missing; the data-needing checks report Skipped without
# Fashion-MNIST. The transcript of the run is written to TestDrive (docs/terminal-transcript.md is
# one such run, written by hand with -TranscriptPath).

BeforeDiscovery {
    $CanRun = $IsLinux -and [bool](Get-Command tmux -ErrorAction SilentlyContinue)
    $Sizes = @('80x24', '120x40')
    $Checks = foreach ($size in $Sizes) {
        foreach ($check in 'Import', 'Tour', 'Progress', 'CtrlC', 'Completion') { @{ Size = $size; Check = $check } }
    }
}

Describe 'ModelCost.PS in a real terminal (tmux)' -Skip:(-not $CanRun) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'ModelCost.TestHelpers.ps1')
        Import-ModelCostTestModule   # builds the module when out/ is missing
        $TranscriptPath = Join-Path $TestDrive 'terminal-transcript.md'
        $Results = @(& (Join-Path $PSScriptRoot 'Terminal/Invoke-TerminalCheck.ps1') -Size '80x24', '120x40' -TranscriptPath $TranscriptPath 6>$null)
    }

    It 'ran every check without the script itself failing' {
        @($Results | Where-Object Check -EQ 'Script') | ForEach-Object { $_.Detail } | Should -BeNullOrEmpty
        Test-Path -LiteralPath $TranscriptPath | Should -BeTrue
    }

    It '<Check> at <Size>' -ForEach $Checks {
        $result = $Results | Where-Object { $_.Size -eq $Size -and $_.Check -eq $Check }
        $result | Should -Not -BeNullOrEmpty -Because "the check $Check at $Size must have run"
        if ($result.Result -eq 'Skipped') { Set-ItResult -Skipped -Because $result.Detail; return }
        $result.Passed | Should -BeTrue -Because $result.Detail
    }
}
