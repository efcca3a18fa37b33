using Tollgate.Core.Configuration;

namespace Tollgate.Core.Tests.Configuration;

/// <summary>Provider types and a fake environment shared by the configuration tests.</summary>
internal static class ConfigTestData
{
    public static IReadOnlyDictionary<string, IReadOnlyList<ProviderSetting>> ProviderTypes { get; } =
        new Dictionary<string, IReadOnlyList<ProviderSetting>>(StringComparer.Ordinal)
        {
            ["simulated"] =
            [
                new("time_to_first_token", ConfigValueKind.Duration, "Delay before the first token."),
                new("tokens_per_second", ConfigValueKind.Number, "Streaming speed."),
                new("error_rate", ConfigValueKind.Number, "Share of requests that fail."),
            ],
            ["openai"] =
            [
                new("organization", ConfigValueKind.String, "OpenAI-Organization header."),
                new("stream_usage", ConfigValueKind.Boolean, "Ask for usage in streams."),
                new("headers", ConfigValueKind.Map, "Extra headers.", ConfigValueKind.String),
            ],
            ["anthropic"] =
            [
                new("anthropic_version", ConfigValueKind.String, "anthropic-version header."),
                new("default_max_tokens", ConfigValueKind.Integer, "max_tokens when the client sends none."),
                new("max_tokens", ConfigValueKind.Map, "Per-model max_tokens.", ConfigValueKind.Integer),
            ],
        };

    public static Func<string, string?> Env(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
        return name => map.TryGetValue(name, out var value) ? value : null;
    }

    public static ConfigLoadResult Parse(string yaml, params (string Name, string Value)[] variables) =>
        ConfigLoader.Parse(yaml, "tollgate.yaml", ProviderTypes, Env(variables));

    public static ConfigError SingleError(string yaml, params (string Name, string Value)[] variables)
    {
        var result = Parse(yaml, variables);
        Assert.False(result.Success);
        Assert.Null(result.Config);
        return Assert.Single(result.Errors);
    }
}
