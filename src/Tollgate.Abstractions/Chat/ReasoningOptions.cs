namespace Tollgate.Chat;

/// <summary>
/// How much the model may reason before answering. Clients give either a token budget (Anthropic
/// <c>thinking.budget_tokens</c>, Gemini <c>thinkingBudget</c>) or an effort (OpenAI <c>reasoning_effort</c>); providers
/// map one to the other with the documented table in <see cref="EffortBudgets"/>.
/// </summary>
public sealed record ReasoningOptions
{
    /// <summary>Whether reasoning is switched on (<see langword="false"/> for Anthropic <c>thinking.type: disabled</c>).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The most tokens to spend on reasoning.</summary>
    public int? BudgetTokens { get; init; }

    /// <summary><c>minimal</c>, <c>low</c>, <c>medium</c> or <c>high</c>.</summary>
    public string? Effort { get; init; }

    /// <summary>The token budget used for an effort when the target takes only budgets.</summary>
    public static int EffortBudgets(string effort) => effort switch
    {
        "minimal" => 1024,
        "low" => 2048,
        "medium" => 8192,
        _ => 24576,
    };

    /// <summary>The effort used for a budget when the target takes only efforts.</summary>
    public static string BudgetEffort(int budgetTokens) => budgetTokens switch
    {
        <= 1024 => "minimal",
        <= 4096 => "low",
        <= 12288 => "medium",
        _ => "high",
    };
}
