namespace Tollgate.Core.Configuration;

/// <summary>One entry of the <c>providers:</c> section.</summary>
public sealed record ProviderConfig
{
    /// <summary>The entry's key: the name deployments refer to.</summary>
    public required string Name { get; init; }

    /// <summary><c>type</c>: which adapter serves it (<c>openai</c>, <c>anthropic</c>, <c>simulated</c>, ...).</summary>
    public required string Type { get; init; }

    /// <summary><c>base_url</c>: the upstream's address; each type has its default.</summary>
    public string? BaseUrl { get; init; }

    /// <summary><c>api_key</c>: the upstream secret. Never logged, never returned.</summary>
    public string? ApiKey { get; init; }

    /// <summary><c>timeouts</c>: upstream HTTP timeouts.</summary>
    public UpstreamTimeouts Timeouts { get; init; } = UpstreamTimeouts.Default;

    /// <summary>The type-specific keys, validated against the type's <see cref="ProviderSetting"/> list.</summary>
    public IReadOnlyDictionary<string, ConfigValue> Settings { get; init; } = new Dictionary<string, ConfigValue>();

    /// <summary>Reads a string setting.</summary>
    public string? GetString(string key) => Settings.TryGetValue(key, out var v) ? v.AsString() : null;

    /// <summary>Reads an integer setting.</summary>
    public long? GetInteger(string key) => Settings.TryGetValue(key, out var v) ? v.AsInteger() : null;

    /// <summary>Reads a number setting.</summary>
    public double? GetNumber(string key) => Settings.TryGetValue(key, out var v) ? v.AsNumber() : null;

    /// <summary>Reads a boolean setting.</summary>
    public bool? GetBoolean(string key) => Settings.TryGetValue(key, out var v) ? v.AsBoolean() : null;

    /// <summary>Reads a map setting.</summary>
    public IReadOnlyDictionary<string, ConfigValue>? GetMap(string key) => Settings.TryGetValue(key, out var v) ? v.Map : null;
}
