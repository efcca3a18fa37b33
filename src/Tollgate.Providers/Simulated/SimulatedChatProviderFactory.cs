using System.Globalization;
using Tollgate.Core.Configuration;
using Tollgate.Core.Providers;

namespace Tollgate.Providers.Simulated;

/// <summary>Creates <c>type: simulated</c> providers: built in, no network, for demos, tests, load tests and failover drills.</summary>
public sealed class SimulatedChatProviderFactory : IChatProviderFactory
{
    /// <summary>The largest <c>answer_tokens</c>, so a typo cannot exhaust memory.</summary>
    public const int MaxAnswerTokens = 1_000_000;

    /// <summary>The largest <c>embedding_dimensions</c> (and request <c>dimensions</c>).</summary>
    public const int MaxEmbeddingDimensions = 16_384;

    private static readonly ProviderSetting[] SettingList =
    [
        new("answer", ConfigValueKind.String, "'echo' (default) repeats the last user message, 'lorem' answers with a fixed lorem-ipsum text, any other text is the answer."),
        new("answer_tokens", ConfigValueKind.Integer, "Pads (repeating the text) or truncates the answer to exactly this many tokens."),
        new("time_to_first_token", ConfigValueKind.Duration, "Delay before the first token (default 0)."),
        new("tokens_per_second", ConfigValueKind.Number, "Streaming pace after the first token; 0 (default) sends all tokens at once."),
        new("error_rate", ConfigValueKind.Number, "Share of requests, 0 to 1, that fail with error_status (default 0)."),
        new("error_status", ConfigValueKind.Integer, "HTTP status of a simulated failure, 400 to 599 (default 500)."),
        new("embedding_dimensions", ConfigValueKind.Integer, "Embedding vector size when the request names none (default 256)."),
    ];

    /// <inheritdoc/>
    public string Type => "simulated";

    /// <inheritdoc/>
    public IReadOnlyList<ProviderSetting> Settings => SettingList;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A setting is out of range or cannot be read as its type; the message names the key.</exception>
    public IChatProvider Create(ProviderConfig config, ProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        return new SimulatedChatProvider(config.Name, ParseOptions(config), context);
    }

    /// <summary>Reads and validates the settings of <paramref name="config"/>.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public static SimulatedProviderOptions ParseOptions(ProviderConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var defaults = new SimulatedProviderOptions();

        var answer = config.GetString("answer") ?? defaults.Answer;
        if (answer.Length == 0)
        {
            throw Invalid(config, "answer", "must not be empty");
        }

        int? answerTokens = null;
        if (config.Settings.ContainsKey("answer_tokens"))
        {
            var value = config.GetInteger("answer_tokens") ?? throw Invalid(config, "answer_tokens", "must be a whole number");
            if (value is < 1 or > MaxAnswerTokens)
            {
                throw Invalid(config, "answer_tokens", $"must be between 1 and {MaxAnswerTokens}, got {value}");
            }

            answerTokens = (int)value;
        }

        var timeToFirstToken = defaults.TimeToFirstToken;
        if (config.Settings.TryGetValue("time_to_first_token", out var ttft))
        {
            timeToFirstToken = ttft.AsDuration() ?? throw Invalid(config, "time_to_first_token", $"must be a non-negative duration such as 250ms or 2s, got '{ttft.Scalar}'");
        }

        var tokensPerSecond = defaults.TokensPerSecond;
        if (config.Settings.ContainsKey("tokens_per_second"))
        {
            tokensPerSecond = config.GetNumber("tokens_per_second") ?? throw Invalid(config, "tokens_per_second", "must be a number");
            if (!double.IsFinite(tokensPerSecond) || tokensPerSecond < 0)
            {
                throw Invalid(config, "tokens_per_second", $"must be 0 or more, got {Format(tokensPerSecond)}");
            }
        }

        var errorRate = defaults.ErrorRate;
        if (config.Settings.ContainsKey("error_rate"))
        {
            errorRate = config.GetNumber("error_rate") ?? throw Invalid(config, "error_rate", "must be a number");
            if (!double.IsFinite(errorRate) || errorRate is < 0 or > 1)
            {
                throw Invalid(config, "error_rate", $"must be between 0 and 1, got {Format(errorRate)}");
            }
        }

        var errorStatus = defaults.ErrorStatus;
        if (config.Settings.ContainsKey("error_status"))
        {
            var value = config.GetInteger("error_status") ?? throw Invalid(config, "error_status", "must be a whole number");
            if (value is < 400 or > 599)
            {
                throw Invalid(config, "error_status", $"must be an HTTP error status from 400 to 599, got {value}");
            }

            errorStatus = (int)value;
        }

        var dimensions = defaults.EmbeddingDimensions;
        if (config.Settings.ContainsKey("embedding_dimensions"))
        {
            var value = config.GetInteger("embedding_dimensions") ?? throw Invalid(config, "embedding_dimensions", "must be a whole number");
            if (value is < 1 or > MaxEmbeddingDimensions)
            {
                throw Invalid(config, "embedding_dimensions", $"must be between 1 and {MaxEmbeddingDimensions}, got {value}");
            }

            dimensions = (int)value;
        }

        return new SimulatedProviderOptions
        {
            Answer = answer,
            AnswerTokens = answerTokens,
            TimeToFirstToken = timeToFirstToken,
            TokensPerSecond = tokensPerSecond,
            ErrorRate = errorRate,
            ErrorStatus = errorStatus,
            EmbeddingDimensions = dimensions,
        };
    }

    private static ArgumentException Invalid(ProviderConfig config, string key, string problem) =>
        new($"Provider '{config.Name}': setting '{key}' {problem}.", nameof(config));

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
