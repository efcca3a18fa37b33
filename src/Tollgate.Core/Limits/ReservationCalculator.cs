using Tollgate.Chat;
using Tollgate.Core.Pricing;

namespace Tollgate.Core.Limits;

/// <summary>
/// Sizes a call's reservation: reserved tokens = the prompt estimate plus the output limit (times the number of
/// choices), or <see cref="ReservationOptions.DefaultOutputTokens"/> when the request sets none; reserved cost = that
/// prompt at the uncached input rate plus that output at the output rate (long-context tier chosen by the estimated
/// prompt), or <see langword="null"/> when the model is unpriced. Thread-safe.
/// </summary>
/// <remarks>
/// The prompt is priced as uncached input: cache reads cost less, so a reservation only falls short of the real cost
/// when the estimate is low or when the call writes to the cache (Anthropic charges 1.25x to 2x input for that); see
/// docs/limits.md for the bound this puts on overspend.
/// </remarks>
public sealed class ReservationCalculator
{
    private readonly PromptTokenEstimator _estimator;
    private readonly ReservationOptions _options;

    /// <summary>Creates a calculator.</summary>
    public ReservationCalculator(PromptTokenEstimator? estimator = null, ReservationOptions? options = null)
    {
        _estimator = estimator ?? PromptTokenEstimator.Default;
        _options = options ?? ReservationOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(_options.DefaultOutputTokens);
    }

    /// <summary>The reservation of a canonical chat request (its <see cref="ChatRequest.MaxTokens"/> and <see cref="ChatRequest.N"/>).</summary>
    /// <param name="request">The request.</param>
    /// <param name="price">The deployment's price, or <see langword="null"/> when unpriced.</param>
    /// <param name="model">The model whose tokenizer counts the prompt; the request's own when omitted.</param>
    public Reservation ForChat(ChatRequest request, ModelPrice? price, string? model = null) =>
        Build(new PromptEstimate(_estimator.Estimate(request, model), request.MaxTokens, Math.Max(1, request.N ?? 1)), price);

    /// <summary>The reservation of an OpenAI chat completions body.</summary>
    /// <param name="body">The request body.</param>
    /// <param name="model">The model whose tokenizer counts the prompt.</param>
    /// <param name="price">The deployment's price, or <see langword="null"/> when unpriced.</param>
    /// <param name="defaultOutputTokens">The output to reserve when the body sets no limit; the calculator's default when <see langword="null"/>.</param>
    public Reservation ForOpenAIChat(ReadOnlySpan<byte> body, string? model, ModelPrice? price, long? defaultOutputTokens = null) =>
        Build(_estimator.EstimateOpenAIChat(body, model), price, defaultOutputTokens);

    /// <summary>The reservation of an Anthropic Messages body.</summary>
    /// <param name="body">The request body.</param>
    /// <param name="model">The model whose tokenizer counts the prompt.</param>
    /// <param name="price">The deployment's price, or <see langword="null"/> when unpriced.</param>
    /// <param name="defaultOutputTokens">The output to reserve when the body sets no limit; the calculator's default when <see langword="null"/>.</param>
    public Reservation ForAnthropicMessages(ReadOnlySpan<byte> body, string? model, ModelPrice? price, long? defaultOutputTokens = null) =>
        Build(_estimator.EstimateAnthropicMessages(body, model), price, defaultOutputTokens);

    /// <summary>The reservation of an OpenAI embeddings body (no output).</summary>
    public Reservation ForOpenAIEmbeddings(ReadOnlySpan<byte> body, string? model, ModelPrice? price)
    {
        var estimate = _estimator.EstimateOpenAIEmbeddings(body, model);
        long? cost = price is null ? null : CostCalculator.CalculateEmbedding(price, estimate.PromptTokens).TotalNanoDollars;
        return new Reservation(estimate.PromptTokens, 0, cost);
    }

    /// <summary>The reservation for an estimate, from the request's own output limit or the default.</summary>
    /// <param name="estimate">The prompt estimate and the request's output limit.</param>
    /// <param name="price">The deployment's price, or <see langword="null"/> when unpriced.</param>
    /// <param name="defaultOutputTokens">The output to reserve when the request sets no limit; the calculator's default when <see langword="null"/>.</param>
    public Reservation Build(PromptEstimate estimate, ModelPrice? price, long? defaultOutputTokens = null)
    {
        var perChoice = estimate.MaxOutputTokens ?? defaultOutputTokens ?? _options.DefaultOutputTokens;
        var output = SaturatingMultiply(Math.Max(0, perChoice), Math.Max(1, estimate.Choices));
        var prompt = Math.Max(0, estimate.PromptTokens);
        long? cost = price is null ? null : CostCalculator.Calculate(price, prompt, 0, 0, output, 0).TotalNanoDollars;
        return new Reservation(prompt, output, cost);
    }

    private static long SaturatingMultiply(long a, long b) => a > long.MaxValue / b ? long.MaxValue : a * b;
}
