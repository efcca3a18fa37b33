namespace Tollgate.Chat;

/// <summary>One piece of a message's content. Providers map each kind they support and refuse the rest.</summary>
public abstract record ContentPart
{
    /// <summary>A prompt-cache breakpoint after this part, when the client set one.</summary>
    public CacheControl? CacheControl { get; init; }
}
