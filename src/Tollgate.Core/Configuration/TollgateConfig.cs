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

    /// <summary>The file it came from; <see langword="null"/> for the built-in default.</summary>
    public string? SourcePath { get; init; }
}
