using Tollgate.Core.Configuration;
using Tollgate.Providers;

namespace Tollgate.Core.Gateway;

/// <summary>One config version with the providers built from it. Immutable; a reload makes a new one.</summary>
public sealed class GatewaySnapshot
{
    /// <summary>Creates a snapshot.</summary>
    public GatewaySnapshot(TollgateConfig config, IReadOnlyDictionary<string, IChatProvider> providers, byte[] masterKeyDigest, long version)
    {
        Config = config;
        Providers = providers;
        MasterKeyDigest = masterKeyDigest;
        Version = version;
    }

    /// <summary>The config.</summary>
    public TollgateConfig Config { get; }

    /// <summary>The providers, by config name.</summary>
    public IReadOnlyDictionary<string, IChatProvider> Providers { get; }

    /// <summary>SHA-256 of the master key in force.</summary>
    public byte[] MasterKeyDigest { get; }

    /// <summary>1 for the config loaded at start, then one more per applied reload.</summary>
    public long Version { get; }

    /// <summary>The price catalog with the config's overrides applied.</summary>
    public Pricing.PriceCatalog Prices { get; init; } = Pricing.PriceCatalog.Default;
}
