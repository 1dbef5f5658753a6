@{
    RootModule           = 'ModelCost.PS.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = 'd0041565-7e99-4738-84f2-9cd2a8806db5'
    Author               = 'ModelCost.PS contributors'
    CompanyName          = 'ModelCost.PS contributors'
    Copyright            = '(c) ModelCost.PS contributors.'
    Description          = 'Define neural networks, train them on a fast managed engine and measure what they cost (parameters, bytes, FLOPs/MACs under named conventions, training memory, latency) as pipeline objects.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    # ModelCost.PS.Types.ps1xml is added by the module initializer, once per session, not by TypesToProcess:
    # that list is processed on every import and fails when a second copy is imported from another folder.
    FormatsToProcess     = @('ModelCost.PS.Format.ps1xml')
    CmdletsToExport      = @(
        'New-ModelSpec'
        'Import-ModelSpec'
        'Export-ModelSpec'
        'Get-ModelSummary'
        'Measure-ModelCost'
        'Test-ModelCost'
        'Get-ModelDataset'
        'Invoke-ModelTraining'
        'Get-TrainingHistory'
        'Invoke-ModelEvaluation'
        'Export-TrainedModel'
        'Import-TrainedModel'
        'Measure-ModelLatency'
        'Compare-ModelCost'
        'Export-ModelCostChart'
        'Export-ModelReport'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags = @('MachineLearning', 'NeuralNetwork', 'FLOPs', 'Keras', 'PyTorch', 'ModelCost', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
        }
    }
}
