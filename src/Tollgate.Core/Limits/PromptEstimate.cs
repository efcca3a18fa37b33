namespace Tollgate.Core.Limits;

/// <summary>What a raw request body says about its size: the estimated prompt tokens and its output limit.</summary>
/// <param name="PromptTokens">The estimated prompt tokens.</param>
/// <param name="MaxOutputTokens">The request's output limit per choice (<c>max_completion_tokens</c>, else <c>max_tokens</c>); <see langword="null"/> when it set none.</param>
/// <param name="Choices">How many choices it asks for (OpenAI <c>n</c>), at least 1.</param>
public readonly record struct PromptEstimate(long PromptTokens, long? MaxOutputTokens, int Choices = 1);
