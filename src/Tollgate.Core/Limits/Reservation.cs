namespace Tollgate.Core.Limits;

/// <summary>What a call reserves before it runs.</summary>
/// <param name="PromptTokens">The estimated prompt tokens.</param>
/// <param name="OutputTokens">The output tokens it may generate: its output limit times its choices, or the default output reservation when it set none.</param>
/// <param name="CostNanoDollars">The most it may cost: the prompt at the uncached input rate plus the output at the output rate; <see langword="null"/> when the model is unpriced.</param>
public readonly record struct Reservation(long PromptTokens, long OutputTokens, long? CostNanoDollars)
{
    /// <summary>Tokens to reserve against tokens-per-minute limits.</summary>
    public long TotalTokens => OutputTokens > long.MaxValue - PromptTokens ? long.MaxValue : PromptTokens + OutputTokens;
}
