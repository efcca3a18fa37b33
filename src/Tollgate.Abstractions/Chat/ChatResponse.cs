namespace Tollgate.Chat;

/// <summary>A complete (non-streamed) answer.</summary>
public sealed class ChatResponse
{
    /// <summary>The provider's response id.</summary>
    public required string Id { get; init; }

    /// <summary>The model that answered, as the provider names it.</summary>
    public required string Model { get; init; }

    /// <summary>When the answer was created.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>The answers.</summary>
    public required IList<ChatChoice> Choices { get; init; }

    /// <summary>Token usage, when the provider reported it.</summary>
    public ChatUsage? Usage { get; init; }

    /// <summary>OpenAI's <c>system_fingerprint</c>, when given.</summary>
    public string? SystemFingerprint { get; init; }
}
