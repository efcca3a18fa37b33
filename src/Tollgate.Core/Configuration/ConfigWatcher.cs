using Microsoft.Extensions.Logging;

namespace Tollgate.Core.Configuration;

/// <summary>
/// Reloads the config file when it changes, applying it only when it is valid; an invalid file is logged and
/// the last good config stays in force.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>A <see cref="FileSystemWatcher"/> on the file's directory, filtered to its name, sees writes, creations
/// and renames onto it (editors that save through a temporary file).</item>
/// <item>A poll of the file's last-write time and length every 2 s catches what the watcher misses (network
/// and container file systems).</item>
/// <item>Either one (re)arms a 250 ms debounce timer, so a burst of events makes one reload; the reload is skipped
/// when the file's time and length are what the last reload saw.</item>
/// <item>An empty file is refused like an invalid one (a save in progress, not a config).</item>
/// </list>
/// Reloads run one at a time on timer threads; nothing thrown by <c>load</c> or <c>apply</c> escapes.
/// </remarks>
public sealed partial class ConfigWatcher : IDisposable
{
    private static readonly TimeSpan DebounceDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    private readonly string _path;
    private readonly string _directory;
    private readonly string _fileName;
    private readonly Func<string, ConfigLoadResult> _load;
    private readonly Action<TollgateConfig> _apply;
    private readonly ILogger<ConfigWatcher> _logger;
    private readonly TimeProvider _time;
    private readonly Lock _reloadLock = new();
    private readonly Lock _stateLock = new();

    private FileSystemWatcher? _watcher;
    private ITimer? _debounceTimer;
    private ITimer? _pollTimer;
    private FileStamp _lastSeen = FileStamp.Missing;
    private bool _disposed;
    private long _reloadCount;
    private long _failedReloadCount;
    private IReadOnlyList<ConfigError> _lastErrors = [];

    /// <summary>Creates a watcher; nothing happens until <see cref="Start"/>.</summary>
    /// <param name="path">The config file.</param>
    /// <param name="load">Loads the file, as <see cref="ConfigLoader.LoadFile"/> does.</param>
    /// <param name="apply">Receives each valid config.</param>
    /// <param name="logger">Where reloads and their errors are logged.</param>
    /// <param name="time">Drives the debounce and poll timers.</param>
    public ConfigWatcher(string path, Func<string, ConfigLoadResult> load, Action<TollgateConfig> apply, ILogger<ConfigWatcher> logger, TimeProvider time)
    {
        _path = Path.GetFullPath(path);
        _directory = Path.GetDirectoryName(_path) ?? Directory.GetCurrentDirectory();
        _fileName = Path.GetFileName(_path);
        _load = load;
        _apply = apply;
        _logger = logger;
        _time = time;
    }

    /// <summary>How many changed files were loaded and applied.</summary>
    public long ReloadCount => Interlocked.Read(ref _reloadCount);

    /// <summary>How many changed files were refused (invalid, unreadable, or <c>apply</c> threw).</summary>
    public long FailedReloadCount => Interlocked.Read(ref _failedReloadCount);

    /// <summary>The errors of the last refused reload; empty after a successful one.</summary>
    public IReadOnlyList<ConfigError> LastErrors => Volatile.Read(ref _lastErrors);

    /// <summary>Starts watching. The file as it is now counts as already loaded. Calling it again does nothing.</summary>
    public void Start()
    {
        lock (_stateLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_pollTimer is not null)
            {
                return;
            }

            Volatile.Write(ref _lastSeen, FileStamp.Read(_path));
            _debounceTimer = _time.CreateTimer(_ => Reload(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _pollTimer = _time.CreateTimer(_ => Poll(), null, PollInterval, PollInterval);
            try
            {
                var watcher = new FileSystemWatcher(_directory, _fileName)
                {
                    NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
                };
                watcher.Changed += OnFileEvent;
                watcher.Created += OnFileEvent;
                watcher.Renamed += OnFileEvent;
                watcher.Error += OnWatcherError;
                watcher.EnableRaisingEvents = true;
                _watcher = watcher;
            }
            catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
            {
                // Polling alone still picks up changes, only more slowly.
                Log.WatcherUnavailable(_logger, _directory, ex);
            }
        }
    }

    /// <summary>Stops watching; a reload in progress finishes, none starts after.</summary>
    public void Dispose()
    {
        lock (_stateLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _watcher?.Dispose();
            _debounceTimer?.Dispose();
            _pollTimer?.Dispose();
        }
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        if (string.Equals(e.Name, _fileName, StringComparison.Ordinal) || string.Equals(Path.GetFileName(e.FullPath), _fileName, StringComparison.Ordinal))
        {
            ScheduleReload();
        }
    }

    private void OnWatcherError(object sender, ErrorEventArgs e)
    {
        try
        {
            Log.WatcherFailed(_logger, _path, e.GetException());
            ScheduleReload();
        }
        catch (Exception)
        {
            // Never throw on the watcher's thread; polling continues.
        }
    }

    private void Poll()
    {
        try
        {
            if (FileStamp.Read(_path) != Volatile.Read(ref _lastSeen))
            {
                ScheduleReload();
            }
        }
        catch (Exception ex)
        {
            Log.ReloadThrew(_logger, _path, ex);
        }
    }

    private void ScheduleReload()
    {
        lock (_stateLock)
        {
            if (!_disposed)
            {
                _debounceTimer?.Change(DebounceDelay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void Reload()
    {
        lock (_reloadLock)
        {
            try
            {
                // Step 1: skip when nothing changed since the last reload (a second event for the same write).
                var stamp = FileStamp.Read(_path);
                if (_disposed || stamp == _lastSeen)
                {
                    return;
                }

                Volatile.Write(ref _lastSeen, stamp);

                // Step 2: load; a bad file keeps the last good config. An empty file is refused too: it is what a
                // reload sees while an editor saves by truncating and rewriting, and applying it would drop every
                // model and the configured master key.
                var result = stamp.Exists && stamp.Length == 0
                    ? new ConfigLoadResult(null, [new ConfigError(string.Empty, "the config file is empty")])
                    : _load(_path);
                if (!result.Success)
                {
                    IReadOnlyList<ConfigError> errors = result.Errors.Count > 0 ? result.Errors : [new ConfigError(string.Empty, "the config could not be loaded")];
                    Volatile.Write(ref _lastErrors, errors);
                    Interlocked.Increment(ref _failedReloadCount);
                    foreach (var error in errors)
                    {
                        Log.ReloadError(_logger, error.Format(_path));
                    }

                    return;
                }

                // Step 3: apply.
                _apply(result.Config!);
                Volatile.Write(ref _lastErrors, []);
                Interlocked.Increment(ref _reloadCount);
                Log.Reloaded(_logger, _path);
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _failedReloadCount);
                Log.ReloadThrew(_logger, _path, ex);
            }
        }
    }

    /// <summary>What the poll compares: whether the file exists, its last-write time and its length.</summary>
    private sealed record FileStamp(bool Exists, DateTime LastWriteUtc, long Length)
    {
        public static FileStamp Missing { get; } = new(false, default, 0);

        public static FileStamp Read(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(true, info.LastWriteTimeUtc, info.Length) : Missing;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Config reloaded from {Path}")]
        public static partial void Reloaded(ILogger logger, string path);

        [LoggerMessage(2, LogLevel.Warning, "Config reload refused, keeping the last good config: {Error}")]
        public static partial void ReloadError(ILogger logger, string error);

        [LoggerMessage(3, LogLevel.Error, "Config reload from {Path} failed unexpectedly; keeping the last good config")]
        public static partial void ReloadThrew(ILogger logger, string path, Exception exception);

        [LoggerMessage(4, LogLevel.Warning, "Cannot watch {Directory} for config changes; falling back to polling")]
        public static partial void WatcherUnavailable(ILogger logger, string directory, Exception exception);

        [LoggerMessage(5, LogLevel.Warning, "The config file watcher for {Path} failed; polling continues")]
        public static partial void WatcherFailed(ILogger logger, string path, Exception exception);
    }
}
