using System.Text.Json.Nodes;

namespace Tollgate.Chat;

/// <summary>
/// The canonical chat request every client surface parses into and every provider maps from.
/// <see cref="Model"/> holds the name the upstream knows once routing has chosen a deployment.
/// </summary>
public sealed class ChatRequest
{
    /// <summary>The model name: the client's before routing, the deployment's after.</summary>
    public required string Model { get; set; }

    /// <summary>The conversation, in order.</summary>
    public required IList<ChatMessage> Messages { get; init; }

    /// <summary>Functions the model may call.</summary>
    public IList<ToolDefinition>? Tools { get; set; }

    /// <summary>How the model may use <see cref="Tools"/>.</summary>
    public ToolChoice? ToolChoice { get; set; }

    /// <summary>Whether the model may call several tools in one turn.</summary>
    public bool? ParallelToolCalls { get; set; }

    /// <summary>The requested answer format.</summary>
    public ResponseFormat? ResponseFormat { get; set; }

    /// <summary>Sampling temperature.</summary>
    public double? Temperature { get; set; }

    /// <summary>Nucleus sampling.</summary>
    public double? TopP { get; set; }

    /// <summary>Top-k sampling (Anthropic, Gemini, Bedrock's Claude and Mistral models).</summary>
    public int? TopK { get; set; }

    /// <summary>Extended thinking / reasoning, when the client asked for it.</summary>
    public ReasoningOptions? Reasoning { get; set; }

    /// <summary>
    /// Anthropic beta feature names the client sent (<c>anthropic-beta</c>); forwarded only to providers whose
    /// capabilities accept them.
    /// </summary>
    public IList<string>? Betas { get; set; }

    /// <summary>The most tokens to generate (OpenAI <c>max_tokens</c> or <c>max_completion_tokens</c>).</summary>
    public int? MaxTokens { get; set; }

    /// <summary>Stop sequences.</summary>
    public IList<string>? Stop { get; set; }

    /// <summary>Sampling seed, for providers that support it.</summary>
    public long? Seed { get; set; }

    /// <summary>How many choices to generate.</summary>
    public int? N { get; set; }

    /// <summary>The end user's id, for abuse monitoring.</summary>
    public string? User { get; set; }

    /// <summary>Whether to return log probabilities.</summary>
    public bool? Logprobs { get; set; }

    /// <summary>How many alternatives per position to return with <see cref="Logprobs"/>.</summary>
    public int? TopLogprobs { get; set; }

    /// <summary>Presence penalty.</summary>
    public double? PresencePenalty { get; set; }

    /// <summary>Frequency penalty.</summary>
    public double? FrequencyPenalty { get; set; }

    /// <summary>Whether the client asked for a stream.</summary>
    public bool Stream { get; set; }

    /// <summary>Whether a streamed answer ends with a usage chunk (OpenAI <c>stream_options.include_usage</c>).</summary>
    public bool IncludeUsage { get; set; }

    /// <summary>
    /// Top-level fields Tollgate does not model, exactly as the client sent them. Upstreams of the client's
    /// own format receive them untouched; others refuse or ignore them as their capabilities say.
    /// </summary>
    public JsonObject? AdditionalProperties { get; set; }

    /// <summary>A copy with other messages and every other field the same (the lists are shared, not copied).</summary>
    public ChatRequest WithMessages(IList<ChatMessage> messages) => new()
    {
        Model = Model,
        Messages = messages,
        Tools = Tools,
        ToolChoice = ToolChoice,
        ParallelToolCalls = ParallelToolCalls,
        ResponseFormat = ResponseFormat,
        Temperature = Temperature,
        TopP = TopP,
        TopK = TopK,
        Reasoning = Reasoning,
        Betas = Betas,
        MaxTokens = MaxTokens,
        Stop = Stop,
        Seed = Seed,
        N = N,
        User = User,
        Logprobs = Logprobs,
        TopLogprobs = TopLogprobs,
        PresencePenalty = PresencePenalty,
        FrequencyPenalty = FrequencyPenalty,
        Stream = Stream,
        IncludeUsage = IncludeUsage,
        AdditionalProperties = AdditionalProperties,
    };
}
