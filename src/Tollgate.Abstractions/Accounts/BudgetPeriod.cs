namespace Tollgate.Accounts;

/// <summary>How often a budget starts again from zero. Periods are calendar periods in UTC.</summary>
public enum BudgetPeriod
{
    /// <summary>Resets at 00:00 UTC every day.</summary>
    Daily,

    /// <summary>Resets at 00:00 UTC every Monday (ISO weeks).</summary>
    Weekly,

    /// <summary>Resets at 00:00 UTC on the first day of every month.</summary>
    Monthly,

    /// <summary>Never resets: a lifetime budget.</summary>
    Total,
}
