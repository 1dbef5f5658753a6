using BenchmarkDotNet.Running;
using ModelCost.Benchmarks;

// dotnet run -c Release --project tests/Benchmarks -- sgemm [threads]   quick GFLOP/s table
// dotnet run -c Release --project tests/Benchmarks -- --filter '*'      BenchmarkDotNet kernel benchmarks
if (args.Length > 0 && args[0] == "sgemm")
{
    SgemmTiming.Print(args);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
