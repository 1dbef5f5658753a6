using System.Globalization;
using ModelCost.Core.Errors;
using ModelCost.Core.Specs;

namespace ModelCost.Core.Costing;

/// <summary>
/// Measures what a model costs under a convention: parameters, size, inference MACs/FLOPs,
/// training FLOPs, training memory and a latency estimate, in total and per layer. Every count
/// is per sample (batch 1) except <see cref="CostSummary.ActivationBytes"/>, which is per batch.
/// The formulas are in docs/conventions.md.
/// </summary>
public static class CostCalculator
{
    /// <summary>Resolves <paramref name="spec"/> (ShapeInference) and measures it.</summary>
    public static CostReport Measure(ModelSpec spec, CostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Measure(ShapeInference.Resolve(spec), options);
    }

    /// <summary>Measures an already resolved model.</summary>
    public static CostReport Measure(ResolvedModel model, CostOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var o = options ?? CostOptions.Default;
        o.Validate();
        var convention = o.Convention;
        int bytes = CostFactors.BytesPerValue(o.Precision);
        int stateBytes = CostFactors.OptimizerStateBytesPerParameter(o.Optimizer, o.Precision);
        long batchBytes = (long)o.BatchSize * bytes;

        var layers = model.Layers;
        var rows = new LayerCost[layers.Count];
        var requiresGrad = new bool[layers.Count];
        long macs = 0, forward = 0, backward = 0, activationElems = 0;
        string figure = "";
        int at = -1;
        try
        {
            figure = "input size";
            activationElems = ShapeInference.Elements(model.InputShape);
            for (int i = 0; i < layers.Count; i++)
            {
                at = i;
                var layer = layers[i];
                bool needsInputGradient = false;
                foreach (var j in layer.InputIndices)
                    if (j >= 0 && requiresGrad[j]) needsInputGradient = true;
                requiresGrad[i] = needsInputGradient || layer.TrainableParams > 0;

                figure = "operation counts";
                var ops = LayerOperations.Count(layer, needsInputGradient);
                figure = "FLOPs";
                long f = 0, b = 0;
                for (int k = 0; k < ops.Forward.Length; k++)
                {
                    long w = convention.WeightAt(k);
                    if (w == 0) continue;
                    f = checked(f + ops.Forward[k] * w);
                    b = checked(b + ops.Backward[k] * w);
                }
                figure = "activation bytes";
                long outElems = checked(layer.OutputElements + ops.SavedElements);
                long actBytes = checked(outElems * batchBytes);
                rows[i] = new LayerCost
                {
                    Model = model.Name,
                    Convention = convention.Name,
                    Index = layer.Index,
                    Name = layer.Name,
                    Type = layer.Type,
                    OutputShape = ShapeText.FormatWithBatch(layer.OutputShape),
                    Params = layer.Params,
                    Macs = ops.Macs,
                    Flops = f,
                    BackwardFlops = b,
                    ActivationBytes = actBytes,
                };
                figure = "model totals";
                macs = checked(macs + ops.Macs);
                forward = checked(forward + f);
                backward = checked(backward + b);
                activationElems = checked(activationElems + outElems);
            }
            at = -1;

            figure = "training FLOPs";
            long training = o.TrainingFlopsMethod == TrainingFlopsMethod.ThreeTimesForward
                ? checked(3 * forward)
                : checked(forward + backward);
            figure = "memory";
            long parameters = model.Params, trainable = model.TrainableParams;
            long weightBytes = checked(parameters * bytes);
            long gradientBytes = checked(trainable * bytes);
            long optimizerBytes = checked(trainable * stateBytes);
            long activationBytes = checked(activationElems * batchBytes);
            long trainingMemory = checked(weightBytes + gradientBytes + optimizerBytes + activationBytes);

            figure = "per-device memory";
            long modelState = DataParallelCost.ModelStateBytesPerDevice(parameters, trainable, o);
            long memoryPerDevice = checked(modelState + activationBytes);
            figure = "communication bytes";
            long communication = DataParallelCost.CommunicationBytesPerStep(trainable, o);
            // No overlap of compute and communication: an upper bound for a step (docs/parallelism.md).
            double stepSeconds = (double)training * o.BatchSize / o.DeviceFlops + communication / o.LinkBandwidth;

            var total = new CostSummary
            {
                Model = model.Name,
                Convention = convention.Name,
                Precision = o.Precision,
                BatchSize = o.BatchSize,
                Optimizer = o.Optimizer,
                Params = parameters,
                TrainableParams = trainable,
                NonTrainableParams = model.NonTrainableParams,
                SizeBytes = weightBytes,
                SizeKB = weightBytes / 1024.0,
                SizeMB = weightBytes / (1024.0 * 1024.0),
                InferenceMacs = macs,
                InferenceFlops = forward,
                TrainingFlops = training,
                TrainingFlopsMethod = o.TrainingFlopsMethod,
                WeightBytes = weightBytes,
                GradientBytes = gradientBytes,
                OptimizerStateBytes = optimizerBytes,
                ActivationBytes = activationBytes,
                TrainingMemoryBytes = trainingMemory,
                TrainingMemoryMB = trainingMemory / (1024.0 * 1024.0),
                DeviceFlops = o.DeviceFlops,
                EstimatedLatencySeconds = forward / o.DeviceFlops,
                Devices = o.Devices,
                Parallelism = o.Parallelism,
                ModelStateBytesPerDevice = modelState,
                ActivationBytesPerDevice = activationBytes,
                MemoryBytesPerDevice = memoryPerDevice,
                CommunicationBytesPerStep = communication,
                LinkBandwidth = o.LinkBandwidth,
                EstimatedStepSeconds = stepSeconds,
            };
            return new CostReport { Total = total, Layers = rows };
        }
        catch (OverflowException ex)
        {
            string where = at >= 0 ? $"layer {at} '{layers[at].Name}' ({layers[at].Type})" : "the model totals";
            throw new ModelCostException(ErrorIds.CostOverflow, ModelCostErrorCategory.LimitsExceeded,
                $"Model '{model.Name}': the {figure} of {where} exceed what a 64-bit count can hold (convention {convention.Name}, batch size {o.BatchSize.ToString(CultureInfo.InvariantCulture)}).",
                model.Name, ex)
            { LayerIndex = at >= 0 ? at : null, LayerName = at >= 0 ? layers[at].Name : null };
        }
    }
}
