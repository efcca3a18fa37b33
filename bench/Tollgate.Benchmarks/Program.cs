using BenchmarkDotNet.Running;
using Tollgate.Benchmarks;

BenchmarkSwitcher.FromAssembly(typeof(PassthroughBenchmarks).Assembly).Run(args);
