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
    $DataFolder = Join-Path $TestDrive 'synthetic'
    $Dataset = New-SyntheticDataset -Folder $DataFolder -TrainCount 240 -TestCount 80
    $ManifestPath = Join-Path (Get-Module -Name ModelCost.PS).ModuleBase 'ModelCost.PS.psd1'
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

Describe 'Memory check before training and timing' {
    It 'refuses a run that cannot fit with InsufficientMemory and the largest batch size that fits, then trains the next model' {
        # 8x8x1 -> Conv2D(512,3,same) x2: each output is 8*8*512 = 32,768 values per sample; at batch 1,000,000 the
        # activations alone are terabytes, more than any test machine has, while one sample is a few MB.
        $heavy = New-ModelSpec -Name Heavy -InputShape 8, 8, 1 -Layer 'Conv2D(512,3,padding="same")', 'Conv2D(512,3,padding="same")', 'Flatten()', 'Dense(10, activation="softmax")'
        $tiny = New-ModelSpec -Name Tiny8 -InputShape 8, 8 -Layer 'Flatten()', 'Dense(10, activation="softmax")'
        $out = $heavy, $tiny | Invoke-ModelTraining -Dataset $Dataset -Epochs 1 -BatchSize 1000000 -ThrottleLimit 1 -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 2
        $errs[0].FullyQualifiedErrorId | Should -Be 'InsufficientMemory,ModelCost.PS.Commands.InvokeModelTrainingCommand'
        "$($errs[0])" | Should -Match "Training 'Heavy' at batch size 1,000,000 needs about [\d,]+ MB"
        "$($errs[0])" | Should -Match 'The largest batch size that fits is [\d,]+\.'
        $errs[0].ErrorDetails.RecommendedAction | Should -Match '-Force'
        # The small model passes the memory check and reaches the trainer, which refuses a batch larger than its 216 samples.
        $errs[1].FullyQualifiedErrorId | Should -Be 'InvalidTrainingOption,ModelCost.PS.Commands.InvokeModelTrainingCommand'
        $out | Should -BeNullOrEmpty
    }

    It '-Force skips the check (the trainer then meets the batch size as usual)' {
        $heavy = New-ModelSpec -Name Heavy -InputShape 8, 8, 1 -Layer 'Conv2D(512,3,padding="same")', 'Conv2D(512,3,padding="same")', 'Flatten()', 'Dense(10, activation="softmax")'
        $heavy | Invoke-ModelTraining -Dataset $Dataset -Epochs 1 -BatchSize 1000000 -ThrottleLimit 1 -Force -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'InvalidTrainingOption,ModelCost.PS.Commands.InvokeModelTrainingCommand'
    }

    It 'refuses timing a batch that cannot fit' {
        # 64x64x1 -> Conv2D(2048,3,same): 64*64*2048 = 8,388,608 values per sample (32 MiB); batch 1,048,576 (the
        # largest -BatchSize takes) is 32 TiB.
        $heavy = New-ModelSpec -Name Heavy -InputShape 64, 64, 1 -Layer 'Conv2D(2048,3,padding="same")', 'Flatten()', 'Dense(10, activation="softmax")'
        { $heavy | Measure-ModelLatency -BatchSize 1048576 -Iterations 1 -Warmup 0 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InsufficientMemory,ModelCost.PS.Commands.MeasureModelLatencyCommand'
    }
}

Describe 'Ctrl+C keeps the partial model' {
    It 'puts the Cancelled result in $ModelCostCancelledTraining, since a stopped pipeline assigns nothing' {
        $ps = [powershell]::Create()
        try {
            $script = 'param($Manifest, $Folder) Import-Module $Manifest; ' +
                '$r = New-ModelSpec -Name Tiny -InputShape 8, 8 -Layer ''Flatten()'', ''Dense(10, activation="softmax")'' | ' +
                'Invoke-ModelTraining -Dataset (Get-ModelDataset -Name MNIST -Path $Folder) -Epochs 100000 -BatchSize 16'
            $null = $ps.AddScript($script).AddArgument($ManifestPath).AddArgument($DataFolder)
            $null = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ($ps.Streams.Progress.Count -lt 3 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $ps.Stop()
            $ps.Commands.Clear()
            $null = $ps.AddScript('$ModelCostCancelledTraining.Status; $ModelCostCancelledTraining.GetTrainedModel().Tensors.Count; $null -eq $r')
            # Flatten + Dense(10): one kernel and one bias tensor.
            @($ps.Invoke()) | Should -Be @('Cancelled', 2, $true)
        }
        finally {
            $ps.Dispose()
        }
    }
}

Describe 'Get-Content without -Raw' {
    It 'reports a spec piped line by line once, suggesting -Raw or the path' {
        $path = Join-Path $TestDrive 'lines.yaml'
        $spec | Export-ModelSpec -Path $path
        Get-Content -LiteralPath $path | Measure-ModelCost -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'SpecTextByLine,ModelCost.PS.Commands.MeasureModelCostCommand'
        "$($errs[0])" | Should -Match 'Get-Content -Raw'
        (Get-Content -Raw -LiteralPath $path | Measure-ModelCost).Params | Should -Be 15
    }
}
