namespace Tollgate.Providers.Simulated;

/// <summary>The validated settings of one <c>simulated</c> provider entry.</summary>
public sealed record SimulatedProviderOptions
{
    /// <summary>The <c>answer</c> value that echoes the last user message (the default).</summary>
    public const string EchoAnswer = "echo";

    /// <summary>The <c>answer</c> value that answers with <see cref="LoremText"/>.</summary>
    public const string LoremAnswer = "lorem";

    /// <summary>The fixed text of <c>answer: lorem</c>.</summary>
    public const string LoremText =
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. " +
        "Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.";

    /// <summary><c>answer</c>: <c>echo</c>, <c>lorem</c>, or a literal text to answer with.</summary>
    public string Answer { get; init; } = EchoAnswer;

    /// <summary><c>answer_tokens</c>: pad (repeating the text) or truncate the answer to exactly this many tokens; <see langword="null"/> keeps it as it is.</summary>
    public int? AnswerTokens { get; init; }

    /// <summary><c>time_to_first_token</c>: the wait before the first token (or before a whole answer).</summary>
    public TimeSpan TimeToFirstToken { get; init; }

    /// <summary><c>tokens_per_second</c>: the pace after the first token; 0 sends every token at once.</summary>
    public double TokensPerSecond { get; init; }

    /// <summary><c>error_rate</c>: the share of requests, 0 to 1, that fail with <see cref="ErrorStatus"/>.</summary>
    public double ErrorRate { get; init; }

    /// <summary><c>error_status</c>: the HTTP status of a simulated failure (400 to 599).</summary>
    public int ErrorStatus { get; init; } = 500;

    /// <summary><c>embedding_dimensions</c>: the vector size when the request does not name one.</summary>
    public int EmbeddingDimensions { get; init; } = 256;
}
