namespace Tollgate.Core.Configuration;

/// <summary>The whole config file, parsed, interpolated and validated. Immutable: a reload makes a new one.</summary>
public sealed record TollgateConfig
{
    /// <summary>The <c>server:</c> section.</summary>
    public required ServerConfig Server { get; init; }

    /// <summary>The <c>providers:</c> section, by provider name.</summary>
    public required IReadOnlyDictionary<string, ProviderConfig> Providers { get; init; }

    /// <summary>The <c>models:</c> section, by the model name clients send.</summary>
    public required IReadOnlyDictionary<string, ModelConfig> Models { get; init; }

    /// <summary><c>storage</c>: where durable state lives.</summary>
    public StorageConfig Storage { get; init; } = new();

    /// <summary><c>pricing.overrides</c>: negotiated or missing prices, applied over the shipped catalog.</summary>
    public IReadOnlyList<Pricing.PriceOverride> PriceOverrides { get; init; } = [];

    /// <summary>The file it came from; <see langword="null"/> for the built-in default.</summary>
    public string? SourcePath { get; init; }
}
