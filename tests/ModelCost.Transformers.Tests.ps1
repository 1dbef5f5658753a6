#Requires -Version 7.4
# Pester 5 tests of the transformer layers through the cmdlets (issue 13): New-ModelSpec, Import-ModelSpec,
# Get-ModelSummary, Measure-ModelCost. Every expected figure is worked by hand next to it.

BeforeAll {
    . (Join-Path $PSScriptRoot 'ModelCost.TestHelpers.ps1')
    Import-ModelCostTestModule

    # A small causal language model on 16 token ids (vocabulary 100, width 32, 4 heads, feed-forward 64):
    #   Embedding(100, 32)           100*32            = 3,200  -> (None, 16, 32)
    #   PositionEmbedding(16)        16*32             =   512
    #   Add                                                  0
    #   TransformerDecoder(64, 4)    4*32^2 + 4*32 (attention) + 4*32 (two LayerNorms)
    #                                + 32*64 + 64 + 64*32 + 32 (feed-forward) = 8,544
    #   LayerNormalization           2*32              =    64
    #   total                                          = 12,320
    $TinyGpt = @('Embedding(100, 32)', 'PositionEmbedding(16)', "Add(inputs=['embedding', 'position_embedding'])",
        "TransformerDecoder(64, 4, activation='gelu', normalize_first=True)", 'LayerNormalization(epsilon=1e-5)')
}

Describe 'Transformer layers in New-ModelSpec and Get-ModelSummary' {
    It 'builds a token model from Keras-style strings with -InputDtype int32' {
        $spec = New-ModelSpec -Name TinyGpt -InputShape 16 -InputDtype int32 -Layer $TinyGpt
        $spec.InputDtype | Should -Be 'int32'
        $rows = @($spec | Get-ModelSummary)
        @($rows.Params) | Should -Be @(3200, 512, 0, 8544, 64)
        ($rows | Measure-Object -Property Params -Sum).Sum | Should -Be 12320
        $rows[0].OutputShape | Should -Be '(None, 16, 32)'
        $rows[3].Type | Should -Be 'TransformerDecoder'
        $rows[2].ConnectedTo | Should -Be 'embedding, position_embedding'
    }

    It 'takes hashtables with PascalCase keys for the same layers' {
        $layers = @(
            @{ Type = 'Embedding'; InputDim = 100; OutputDim = 32 }
            @{ Type = 'PositionEmbedding'; SequenceLength = 16 }
            @{ Type = 'Add'; Inputs = 'embedding', 'position_embedding' }
            @{ Type = 'TransformerDecoder'; IntermediateDim = 64; NumHeads = 4; Activation = 'gelu'; NormalizeFirst = $true }
            @{ Type = 'LayerNormalization'; Epsilon = 1e-5 }
        )
        $fromTables = New-ModelSpec -Name TinyGpt -InputShape 16 -InputDtype int32 -Layer $layers
        $fromStrings = New-ModelSpec -Name TinyGpt -InputShape 16 -InputDtype int32 -Layer $TinyGpt
        $fromTables.Equals($fromStrings) | Should -BeTrue
    }

    It 'counts self- and cross-attention as Keras does' {
        # MultiHeadAttention(2, 3) on (5, 8): query/key/value kernels 3*(8*2*3) + biases 3*(2*3) + output 2*3*8 + 8 = 218.
        $spec = New-ModelSpec -Name Mha -InputShape 5, 8 -Layer 'MultiHeadAttention(2, 3, use_causal_mask=True)'
        (@($spec | Get-ModelSummary))[0].Params | Should -Be 218
    }

    It 'names the layer, option and value of a bad key_dim' {
        $err = { New-ModelSpec -Name Bad -InputShape 5, 8 -Layer 'MultiHeadAttention(2, 0)' } |
            Should -Throw -ErrorId 'InvalidLayerOption,ModelCost.PS.Commands.NewModelSpecCommand' -PassThru
        $err.Exception.Message | Should -BeLike "*'multi_head_attention'*'key_dim'*not 0*"
    }

    It 'refuses heads that do not divide a block''s width' {
        $err = { New-ModelSpec -Name Bad -InputShape 5, 32 -Layer 'TransformerEncoder(64, 5)' } |
            Should -Throw -ErrorId 'InvalidLayerOption,ModelCost.PS.Commands.NewModelSpecCommand' -PassThru
        $err.Exception.Message | Should -BeLike "*num_heads 5 does not divide the input width 32*"
    }

    It 'refuses token ids fed to a Conv2D' {
        { New-ModelSpec -Name Bad -InputShape 28, 28, 1 -InputDtype int32 -Layer 'Conv2D(4, 3)' } |
            Should -Throw -ErrorId 'IncompatibleInputType,ModelCost.PS.Commands.NewModelSpecCommand'
    }

    It 'refuses a sequence longer than the position table' {
        $err = { New-ModelSpec -Name Bad -InputShape 20 -InputDtype int32 -Layer 'Embedding(100, 8)', 'PositionEmbedding(16)' } |
            Should -Throw -ErrorId 'SequenceTooLong,ModelCost.PS.Commands.NewModelSpecCommand' -PassThru
        $err.Exception.Message | Should -BeLike '*20 positions but sequence_length is 16*'
    }
}

Describe 'GPT-2 and BERT specs through Import-ModelSpec and Measure-ModelCost' {
    It 'imports GPT-2 small with Hugging Face GPT2Model''s 124,439,808 parameters' {
        # wte 50,257*768 = 38,597,376 + wpe 1,024*768 = 786,432 + 12 blocks * 7,087,872 = 85,054,464 + ln_f 1,536.
        $spec = Import-ModelSpec -Path (Get-ExampleSpecPath 'gpt2_small.yaml')
        $cost = $spec | Measure-ModelCost
        $cost.Params | Should -Be 124439808
        # 12 blocks * (4*1024*768^2 + 2*1024*768*3072 + 2*12*1024^2*64) MACs = 106,300,440,576; Flops = 2 per MAC.
        $cost.InferenceMacs | Should -Be 106300440576
        $cost.InferenceFlops | Should -Be 212600881152
    }

    It 'imports BERT-base with Hugging Face BertModel''s 109,482,240 parameters' {
        # 23,440,896 words + 393,216 positions + 1,536 token types + 1,536 LayerNorm + 85,054,464 blocks + 590,592 pooler.
        $rows = @(Import-ModelSpec -Path (Get-ExampleSpecPath 'bert_base.yaml') | Get-ModelSummary)
        ($rows | Measure-Object -Property Params -Sum).Sum | Should -Be 109482240
        $rows[-1].OutputShape | Should -Be '(None, 768)'
    }

    It 'costs attention per layer under each convention' {
        # MultiHeadAttention(2, 3, causal) on (4, 6): projections 576 MACs, biases 96, scale 24, Q·Kᵀ 96 and P·V 96 MACs,
        # mask 32, softmax 32. Flops 2*768 = 1,536; TfProfiler 96 + 24 + 32 + 5*32 = 312; Course 1,536 + 96 + 6*32 = 1,824.
        $spec = New-ModelSpec -Name Mha -InputShape 4, 6 -Layer 'MultiHeadAttention(2, 3, use_causal_mask=True)'
        ($spec | Measure-ModelCost -Convention Flops -PerLayer).Flops | Should -Be 1536
        ($spec | Measure-ModelCost -Convention TfProfiler -PerLayer).Flops | Should -Be 312
        ($spec | Measure-ModelCost -Convention Course).InferenceFlops | Should -Be 1824
        ($spec | Measure-ModelCost -Convention Macs).InferenceMacs | Should -Be 768
    }

    It 'imports a Keras 3 functional transformer written by model.to_json()' {
        # 3,200 + 512 + 64 (LayerNorm) + 4*(32*32 + 32) attention + 8,544 encoder + 32*3 + 3 = 16,643 (see the xunit derivation).
        $json = Join-Path (Split-Path -Parent $PSScriptRoot) 'tests/ModelCost.Core.Tests/Specs/Fixtures/keras3_tiny_transformer.json'
        $spec = Import-ModelSpec -Path $json
        $spec.InputDtype | Should -Be 'int32'
        (@($spec | Get-ModelSummary) | Measure-Object -Property Params -Sum).Sum | Should -Be 16643
    }

    It 'round-trips a token spec through Export-ModelSpec' {
        $path = Join-Path $TestDrive 'tiny.yaml'
        New-ModelSpec -Name TinyGpt -InputShape 16 -InputDtype int32 -Layer $TinyGpt | Export-ModelSpec -Path $path
        Get-Content -LiteralPath $path -Raw | Should -Match 'inputDtype: int32'
        (Import-ModelSpec -Path $path | Measure-ModelCost).Params | Should -Be 12320
    }
}
