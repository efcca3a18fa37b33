using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Tollgate.Core.Configuration;
using static Tollgate.Core.Tests.Configuration.ConfigTestData;

namespace Tollgate.Core.Tests.Configuration;

public sealed class ConfigWatcherTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private const string FirstYaml = """
        providers:
          sim: { type: simulated }
        models:
          demo:
            deployments: [{ provider: sim, model: echo }]
        """;

    private const string SecondYaml = """
        providers:
          sim: { type: simulated }
        models:
          demo:
            deployments: [{ provider: sim, model: echo }]
          demo-2:
            deployments: [{ provider: sim, model: echo }]
        """;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tollgate-watch-");
    private readonly ConcurrentQueue<TollgateConfig> _applied = new();
    private readonly RecordingLogger<ConfigWatcher> _logger = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private readonly string _path;

    public ConfigWatcherTests()
    {
        _path = Path.Combine(_directory.FullName, "tollgate.yaml");
        File.WriteAllText(_path, FirstYaml);
    }

    public void Dispose()
    {
        _timeout.Dispose();
        _directory.Delete(recursive: true);
    }

    private ConfigWatcher CreateWatcher() =>
        new(_path, p => ConfigLoader.LoadFile(p, ProviderTypes, Env()), _applied.Enqueue, _logger, TimeProvider.System);

    [Fact]
    public async Task Start_FileRewritten_AppliesNewConfigOnce()
    {
        using var watcher = CreateWatcher();
        watcher.Start();

        await File.WriteAllTextAsync(_path, SecondYaml, _timeout.Token);
        await WaitUntilAsync(() => watcher.ReloadCount >= 1);

        var config = Assert.Single(_applied);
        Assert.Equal(1, watcher.ReloadCount);
        Assert.Equal(["demo", "demo-2"], config.Models.Keys);
        Assert.Equal(_path, config.SourcePath);
        Assert.Empty(watcher.LastErrors);
        Assert.Contains(_logger.Entries, e => e is { Level: LogLevel.Information } && e.Message == $"Config reloaded from {_path}");
    }

    [Fact]
    public async Task Start_FileReplacedByRename_AppliesNewConfig()
    {
        using var watcher = CreateWatcher();
        watcher.Start();

        var temporary = Path.Combine(_directory.FullName, "tollgate.yaml.tmp");
        await File.WriteAllTextAsync(temporary, SecondYaml, _timeout.Token);
        File.Move(temporary, _path, overwrite: true);
        await WaitUntilAsync(() => watcher.ReloadCount >= 1);

        Assert.Equal(["demo", "demo-2"], Assert.Single(_applied).Models.Keys);
    }

    [Fact]
    public async Task Start_InvalidRewrite_KeepsLastGoodConfig()
    {
        using var watcher = CreateWatcher();
        watcher.Start();

        await File.WriteAllTextAsync(_path, FirstYaml.Replace("models:", "modles:", StringComparison.Ordinal), _timeout.Token);
        await WaitUntilAsync(() => watcher.FailedReloadCount >= 1);

        Assert.Equal(1, watcher.FailedReloadCount);
        Assert.Equal(0, watcher.ReloadCount);
        Assert.Empty(_applied);
        var error = Assert.Single(watcher.LastErrors);
        Assert.Equal("unknown key 'modles' (did you mean 'models'?)", error.Message);
        Assert.Contains(_logger.Entries, e => e is { Level: LogLevel.Warning } && e.Message.Contains($"{_path}:3:1: modles: unknown key 'modles'", StringComparison.Ordinal));

        // A fixed file is picked up again.
        await File.WriteAllTextAsync(_path, SecondYaml, _timeout.Token);
        await WaitUntilAsync(() => watcher.ReloadCount >= 1);
        Assert.Equal(["demo", "demo-2"], Assert.Single(_applied).Models.Keys);
        Assert.Empty(watcher.LastErrors);
    }

    [Fact]
    public async Task Start_ApplyThrows_CountsFailureAndKeepsWatching()
    {
        var calls = 0;
        using var watcher = new ConfigWatcher(
            _path,
            p => ConfigLoader.LoadFile(p, ProviderTypes, Env()),
            config =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    throw new InvalidOperationException("boom");
                }

                _applied.Enqueue(config);
            },
            _logger,
            TimeProvider.System);
        watcher.Start();

        await File.WriteAllTextAsync(_path, SecondYaml, _timeout.Token);
        await WaitUntilAsync(() => watcher.FailedReloadCount >= 1);
        await File.WriteAllTextAsync(_path, FirstYaml, _timeout.Token);

        // One write can raise several change events, so the second version may be applied too before the third
        // arrives: what counts is that watching went on after the failure and the last version is in force.
        await WaitUntilAsync(() => _applied.LastOrDefault()?.Models.Keys.SequenceEqual(["demo"]) == true);
        Assert.True(watcher.ReloadCount >= 1);
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Error);
    }

    [Fact]
    public async Task Dispose_AfterStart_StopsReloading()
    {
        var watcher = CreateWatcher();
        watcher.Start();
        watcher.Dispose();

        await File.WriteAllTextAsync(_path, SecondYaml, _timeout.Token);

        // Nothing can be awaited for "never"; wait past one poll interval and the debounce, bounded.
        await Task.Delay(TimeSpan.FromSeconds(2.5), _timeout.Token);
        Assert.Equal(0, watcher.ReloadCount);
        Assert.Empty(_applied);
    }

    private async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)(Deadline.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetTimestamp() < deadline, $"condition not met within {Deadline}");
            await Task.Delay(20, _timeout.Token);
        }
    }
}
