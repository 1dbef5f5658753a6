using BenchmarkDotNet.Running;
using ModelCost.Benchmarks;

// dotnet run -c Release --project tests/Benchmarks -- sgemm [threads]   quick GFLOP/s table
// dotnet run -c Release --project tests/Benchmarks -- peer [--rounds 2]  ours vs PyTorch, alternating, one table
// dotnet run -c Release --project tests/Benchmarks -- ours --model mlp  our side of the peer table (one model, JSON)
// dotnet run -c Release --project tests/Benchmarks -- sgemm-peer      ours vs OpenBLAS, one core, every model shape
// dotnet run -c Release --project tests/Benchmarks -- --filter '*'      BenchmarkDotNet kernel benchmarks
if (args.Length > 0 && args[0] == "sgemm")
{
    SgemmTiming.Print(args);
    return 0;
}
if (args.Length > 0 && args[0] == "ours") return EngineWorker.Run(args);
if (args.Length > 0 && args[0] == "peer") return PeerRunner.Run(args);
if (args.Length > 0 && args[0] == "profile") return EngineProfile.Run(args);
if (args.Length > 0 && args[0] == "infer-profile") return InferenceProfile.Run(args);
if (args.Length > 0 && args[0] == "sgemm-peer") return SgemmPeer.Run(args);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
