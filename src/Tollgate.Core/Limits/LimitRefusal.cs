using System.Globalization;
using Tollgate.Accounts;

namespace Tollgate.Core.Limits;

/// <summary>Why a call was refused: the binding scope, the limit kind and where it stands. Sent as a 429.</summary>
public sealed class LimitRefusal
{
    /// <summary>Whose limit bound.</summary>
    public required LimitScopeKind ScopeKind { get; init; }

    /// <summary>The key, user or team id, or the model name.</summary>
    public required string ScopeId { get; init; }

    /// <summary>Which limit bound.</summary>
    public required LimitKind Limit { get; init; }

    /// <summary>The limit: requests or tokens per minute, requests in flight, or the budget in nano-dollars.</summary>
    public required long LimitValue { get; init; }

    /// <summary>What is left (requests, tokens, free parallel slots, or nano-dollars), never below zero.</summary>
    public required long Remaining { get; init; }

    /// <summary>What the call asked for in the limit's unit (1 request, the reserved tokens, 1 slot, the reserved nano-dollars).</summary>
    public required long Requested { get; init; }

    /// <summary>When the limit is back to full (a budget's period end); <see langword="null"/> for parallel limits and total budgets.</summary>
    public DateTimeOffset? ResetsAt { get; init; }

    /// <summary>How long to wait before a retry can succeed; <see langword="null"/> when waiting will not help (a total budget).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The budget's period, for budget refusals.</summary>
    public BudgetPeriod? BudgetPeriod { get; init; }

    /// <summary>When the refusal was decided.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>The binding scope's requests-per-minute window, for headers; <see langword="null"/> when it has none.</summary>
    public RateWindow? Requests { get; init; }

    /// <summary>The binding scope's tokens-per-minute window, for headers; <see langword="null"/> when it has none.</summary>
    public RateWindow? Tokens { get; init; }

    /// <summary><see cref="RetryAfter"/> in whole seconds for the <c>Retry-After</c> header: rounded up, at least 1; <see langword="null"/> for none.</summary>
    public long? RetryAfterSeconds => RetryAfter is { } wait ? RateLimitHeaders.RetryAfterSeconds(wait) : null;

    /// <summary>The error code for the response body: <c>rate_limit_exceeded</c> or <c>budget_exceeded</c>.</summary>
    public string Code => Limit == LimitKind.Budget ? "budget_exceeded" : "rate_limit_exceeded";

    /// <summary>A message for the client naming the binding scope and limit, with no secrets in it.</summary>
    public string Message
    {
        get
        {
            var scope = $"{ScopeKind.ToString().ToLowerInvariant()} '{ScopeId}'";
            var retry = RetryAfterSeconds is { } seconds ? string.Create(CultureInfo.InvariantCulture, $" Retry after {seconds}s.") : string.Empty;
            return Limit switch
            {
                LimitKind.Requests => string.Create(CultureInfo.InvariantCulture, $"Rate limit reached for {scope}: {LimitValue} requests per minute.{retry}"),
                LimitKind.Tokens => string.Create(CultureInfo.InvariantCulture, $"Rate limit reached for {scope}: {LimitValue} tokens per minute, {Remaining} left, this request needs {Requested}.{retry}"),
                LimitKind.Parallel => string.Create(CultureInfo.InvariantCulture, $"Too many requests in flight for {scope}: at most {LimitValue} at once.{retry}"),
                _ => string.Create(
                    CultureInfo.InvariantCulture,
                    $"Budget exceeded for {scope}: {FormatUsd(LimitValue)} {(BudgetPeriod?.ToString() ?? "Total").ToLowerInvariant()} budget, {FormatUsd(Remaining)} left, this request may cost up to {FormatUsd(Requested)}.{(ResetsAt is { } reset ? " The budget resets at " + reset.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + "." : string.Empty)}"),
            };
        }
    }

    private static string FormatUsd(long nanoDollars) =>
        "$" + (nanoDollars / 1_000_000_000m).ToString("0.00######", CultureInfo.InvariantCulture);
}
