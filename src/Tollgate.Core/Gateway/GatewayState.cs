using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Tollgate.Core.Configuration;
using Tollgate.Core.Http;
using Tollgate.Core.Providers;
using Tollgate.Providers;

namespace Tollgate.Core.Gateway;

/// <summary>
/// Holds the <see cref="GatewaySnapshot"/> in force and swaps it atomically when a new config is applied.
/// Requests read <see cref="Current"/> once and keep that snapshot to the end, so a reload never changes a
/// request halfway. Thread-safe.
/// </summary>
public sealed partial class GatewayState
{
    private readonly ProviderRegistry _registry;
    private readonly ProviderHttpClients _httpClients;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<GatewayState> _logger;
    private readonly Lock _applyLock = new();
    private GatewaySnapshot? _current;

    /// <summary>Creates the state; <see cref="Apply"/> must run before the first request.</summary>
    public GatewayState(ProviderRegistry registry, ProviderHttpClients httpClients, TimeProvider time, Random random, ILoggerFactory loggerFactory)
    {
        _registry = registry;
        _httpClients = httpClients;
        _time = time;
        _random = random;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<GatewayState>();
    }

    /// <summary>What providers read environment variables through (their key fallbacks); the process environment by default.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; set; } = Environment.GetEnvironmentVariable;

    /// <summary>The snapshot in force.</summary>
    public GatewaySnapshot Current => Volatile.Read(ref _current) ?? throw new InvalidOperationException("No config has been applied yet.");

    /// <summary>Whether a config has been applied (readiness).</summary>
    public bool IsReady => Volatile.Read(ref _current) is not null;

    /// <summary>
    /// Builds providers for <paramref name="config"/> and makes it current. Providers whose config is unchanged are
    /// kept, so their connection pools survive the reload. Throws (and changes nothing) when a provider cannot be built.
    /// </summary>
    public GatewaySnapshot Apply(TollgateConfig config, string masterKey)
    {
        lock (_applyLock)
        {
            var previous = Volatile.Read(ref _current);
            var providers = new Dictionary<string, IChatProvider>(StringComparer.Ordinal);
            foreach (var (name, providerConfig) in config.Providers)
            {
                if (previous is not null &&
                    previous.Config.Providers.TryGetValue(name, out var old) &&
                    ProviderConfigComparer.Same(old, providerConfig) &&
                    previous.Providers.TryGetValue(name, out var kept))
                {
                    providers[name] = kept;
                    continue;
                }

                var factory = _registry.Get(providerConfig.Type);
                var context = new ProviderContext(_httpClients.Create(providerConfig), _time, _random, _loggerFactory)
                {
                    GetEnvironmentVariable = GetEnvironmentVariable,
                    ConfigDirectory = config.SourcePath is { } sourcePath ? Path.GetDirectoryName(sourcePath) : null,
                };
                providers[name] = factory.Create(providerConfig, context);
            }

            var digest = SHA256.HashData(Encoding.UTF8.GetBytes(masterKey));
            var prices = config.PriceOverrides.Count == 0 ? Pricing.PriceCatalog.Default : Pricing.PriceCatalog.Default.WithOverrides(config.PriceOverrides);
            var snapshot = new GatewaySnapshot(config, providers, digest, (previous?.Version ?? 0) + 1) { Prices = prices };
            Volatile.Write(ref _current, snapshot);
            LogApplied(_logger, snapshot.Version, config.Providers.Count, config.Models.Count);
            return snapshot;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Config version {Version} in force: {ProviderCount} providers, {ModelCount} models")]
    private static partial void LogApplied(ILogger logger, long version, int providerCount, int modelCount);
}
