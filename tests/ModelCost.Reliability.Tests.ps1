#Requires -Version 7.4
# Pester 5 tests of issue 15 (reliability) where the behaviour only shows in PowerShell: what the writers
# do to the targets they are given (-PassThru, wildcards, -WhatIf, links, special files), and how the cmdlets
# report what the core refuses. The core's rules have xunit tests (tests/ModelCost.Core.Tests/IO).
# These run as root in CI: permission checks look at mode bits, never at access being denied.

BeforeDiscovery {
    $IsLinuxRoot = $IsLinux -and ((& id -u) -eq '0')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModelCost.TestHelpers.ps1')
    Import-ModelCostTestModule
    $spec = New-ModelSpec -Name Tiny -InputShape 4 -Layer 'Dense(3, activation="softmax")'
}

Describe 'Writers and their targets' {
    It '-PassThru returns the file as Get-Item does, so it pipes to Import-ModelSpec and Get-Content' {
        $path = Join-Path $TestDrive 'passthru.yaml'
        $file = $spec | Export-ModelSpec -Path $path -PassThru
        $file | Should -BeOfType System.IO.FileInfo
        $file.PSPath | Should -Be "Microsoft.PowerShell.Core\FileSystem::$path"
        $file.PSProvider.Name | Should -Be 'FileSystem'
        ($file | Import-ModelSpec).Name | Should -Be 'Tiny'
        ($file | Get-Content -Raw) | Should -Match 'name: Tiny'
    }

    It 'refuses a wildcard -Path that matches nothing instead of creating a file named *.yaml' {
        Push-Location $TestDrive
        try {
            { $spec | Export-ModelSpec -Path 'nothing*.yaml' -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidFileName,ModelCost.PS.Commands.ExportModelSpecCommand'
            Test-Path -LiteralPath (Join-Path $TestDrive 'nothing*.yaml') | Should -BeFalse
        }
        finally { Pop-Location }
    }

    It 'writes the one file a wildcard matches, and refuses a wildcard that matches several' {
        $dir = Join-Path $TestDrive 'wild'
        $null = New-Item -ItemType Directory -Path $dir
        Set-Content -LiteralPath (Join-Path $dir 'only-one.yaml') -Value 'old'
        $spec | Export-ModelSpec -Path (Join-Path $dir 'only-*.yaml')
        (Import-ModelSpec -LiteralPath (Join-Path $dir 'only-one.yaml')).Name | Should -Be 'Tiny'
        Set-Content -LiteralPath (Join-Path $dir 'only-two.yaml') -Value 'old'
        { $spec | Export-ModelSpec -Path (Join-Path $dir 'only-*.yaml') -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidFileName,ModelCost.PS.Commands.ExportModelSpecCommand'
        Get-Content -LiteralPath (Join-Path $dir 'only-two.yaml') | Should -Be 'old'
    }

    It '-WhatIf on a missing folder reports the error a real run would meet' {
        $path = Join-Path $TestDrive 'no/such/folder/x.yaml'
        { $spec | Export-ModelSpec -Path $path -WhatIf -ErrorAction Stop } |
            Should -Throw -ErrorId 'DirectoryNotFound,ModelCost.PS.Commands.ExportModelSpecCommand'
    }

    It '-WhatIf into a folder the export would create announces each file without an error' {
        $two = @($spec, (New-ModelSpec -Name Other -InputShape 4 -Layer 'Dense(2, activation="softmax")'))
        $two | Export-ModelSpec -Path (Join-Path $TestDrive 'planned') -WhatIf -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -BeNullOrEmpty
        Test-Path -LiteralPath (Join-Path $TestDrive 'planned') | Should -BeFalse
    }

    It 'follows a symbolic link: the linked file is replaced and the link stays' -Skip:$IsWindows {
        $target = Join-Path $TestDrive 'real.yaml'
        Set-Content -LiteralPath $target -Value 'old'
        $link = Join-Path $TestDrive 'link.yaml'
        $null = New-Item -ItemType SymbolicLink -Path $link -Target $target
        $spec | Export-ModelSpec -Path $link -Force
        (Get-Item -LiteralPath $link).LinkType | Should -Be 'SymbolicLink'
        (Import-ModelSpec -LiteralPath $target).Name | Should -Be 'Tiny'
    }

    It 'refuses a named pipe even with -Force, and leaves it a pipe' -Skip:(-not $IsLinux) {
        $fifo = Join-Path $TestDrive 'pipe.yaml'
        & mkfifo $fifo
        { $spec | Export-ModelSpec -Path $fifo -Force -ErrorAction Stop } |
            Should -Throw -ErrorId 'NotRegularFile,ModelCost.PS.Commands.ExportModelSpecCommand'
        (& stat -c '%F' $fifo) | Should -Be 'fifo'
    }

    It 'keeps a chmod 600 file at 600 when -Force replaces it' -Skip:$IsWindows {
        $path = Join-Path $TestDrive 'private.yaml'
        Set-Content -LiteralPath $path -Value 'old'
        & chmod 600 $path
        $spec | Export-ModelSpec -Path $path -Force
        (& stat -c '%a' $path) | Should -Be '600'
    }

    It 'keeps the owner of a file root replaces' -Skip:(-not $IsLinuxRoot) {
        $path = Join-Path $TestDrive 'owned.yaml'
        Set-Content -LiteralPath $path -Value 'old'
        & chown 1234:2345 $path
        $spec | Export-ModelSpec -Path $path
        (& stat -c '%u:%g' $path) | Should -Be '1234:2345'
    }

    It 'names files after models portably: no dotfiles, no : * ?' {
        $dir = Join-Path $TestDrive 'names'
        New-ModelSpec -Name '.hidden:a*b?' -InputShape 4 -Layer 'Dense(3, activation="softmax")' | Export-ModelSpec -Path "$dir/"
        (Get-ChildItem -LiteralPath $dir -Force).Name | Should -Be '_hidden_a_b_.yaml'
    }

    It 'refuses a 5,000,000-character model name with a short message' {
        $err = $null
        try { New-ModelSpec -Name ('a' * 5000000) -InputShape 4 -Layer 'Dense(3)' -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'InvalidModelName,ModelCost.PS.Commands.NewModelSpecCommand'
        $err.ToString().Length | Should -BeLessThan 300
    }
}

Describe 'Type names' {
    It 'names the core types in PowerShell despite the private load context (type accelerators by full name)' {
        # Before issue 15: [ModelCost.Core.Engine.TrainingResult] was TypeNotFound.
        [ModelCost.Core.Engine.TrainingResult].FullName | Should -Be 'ModelCost.Core.Engine.TrainingResult'
        $cost = $spec | Measure-ModelCost
        $cost -is ($cost.PSTypeNames[0] -as [type]) | Should -BeTrue
        [ModelCost.Core.Errors.ErrorIds]::InsufficientMemory | Should -Be 'InsufficientMemory'
    }
}
