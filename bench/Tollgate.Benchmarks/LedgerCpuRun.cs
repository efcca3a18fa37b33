using System.Diagnostics;
using System.Globalization;

namespace Tollgate.Benchmarks;

/// <summary>
/// The ledger benchmarks measured in process CPU time rather than wall time: <c>dotnet run -c Release --project
/// bench/Tollgate.Benchmarks -- ledger-cpu [rounds]</c>. CPU time counts every thread (the writer's, the GC's) and
/// none of the time a thread waits (the writer's 50 ms gather pause, or another process holding the core), so it is
/// the cost per record that a busy, shared machine still measures steadily.
/// </summary>
internal static class LedgerCpuRun
{
    private const int AppendInvocations = 50;
    private const int WriterInvocations = 3;
    private const int BuildInvocations = 50;

    public static async Task RunAsync(int rounds)
    {
        Console.WriteLine("caller  benchmark       round  cpu_us_per_record  wall_us_per_record");
        foreach (var caller in new[] { "master", "team" })
        {
            var bench = new LedgerBenchmarks { Caller = caller };
            await bench.Setup();
            try
            {
                // Warm-up: past tier-0 code and the first page-cache misses.
                await Repeat(bench.AppendBatch, 30);
                await Repeat(bench.WriterEndToEnd, 2);
                for (var round = 1; round <= rounds; round++)
                {
                    await ReportAsync(caller, "BuildRecords", round, BuildInvocations * 1_000, () => Repeat(() => Task.FromResult(bench.BuildRecords()), BuildInvocations));
                    await ReportAsync(caller, "AppendBatch", round, AppendInvocations * 1_000, () => Repeat(bench.AppendBatch, AppendInvocations));
                    await ReportAsync(caller, "WriterEndToEnd", round, WriterInvocations * 20_000, () => Repeat(bench.WriterEndToEnd, WriterInvocations));
                }
            }
            finally
            {
                await bench.Cleanup();
            }
        }
    }

    private static async Task ReportAsync(string caller, string name, int round, int records, Func<Task> run)
    {
        using var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        await run();
        wall.Stop();
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpu0).TotalMicroseconds / records;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{caller,-7} {name,-15} {round,5}  {cpu,17:F2}  {wall.Elapsed.TotalMicroseconds / records,18:F2}"));
    }

    private static async Task Repeat(Func<Task> run, int times)
    {
        for (var i = 0; i < times; i++)
        {
            await run();
        }
    }
}
