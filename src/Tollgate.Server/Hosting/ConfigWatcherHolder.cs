using Tollgate.Core.Configuration;

namespace Tollgate.Server.Hosting;

/// <summary>Gives tests and diagnostics access to the running config watcher, when there is one.</summary>
internal sealed class ConfigWatcherHolder
{
    public ConfigWatcher? Watcher { get; set; }
}
