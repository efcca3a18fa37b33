using System.Globalization;
using BenchmarkDotNet.Running;
using Tollgate.Benchmarks;

if (args is ["ledger-cpu", ..])
{
    await LedgerCpuRun.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(PassthroughBenchmarks).Assembly).Run(args);
