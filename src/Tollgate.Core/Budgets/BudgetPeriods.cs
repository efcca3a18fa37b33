using Tollgate.Accounts;

namespace Tollgate.Core.Budgets;

/// <summary>
/// The UTC calendar periods of budgets: daily from 00:00, weekly from Monday 00:00 (ISO weeks), monthly from the 1st
/// at 00:00, total never resetting. Pure functions of the instant; the offset of the input does not matter.
/// </summary>
public static class BudgetPeriods
{
    /// <summary>The period containing <paramref name="at"/>: its start (inclusive) and end (exclusive; <see langword="null"/> for a total budget, whose start is <see cref="DateTimeOffset.MinValue"/>).</summary>
    public static (DateTimeOffset Start, DateTimeOffset? End) Current(BudgetPeriod period, DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        switch (period)
        {
            case BudgetPeriod.Daily:
                {
                    var start = new DateTimeOffset(utc.Date, TimeSpan.Zero);
                    return (start, start.AddDays(1));
                }

            case BudgetPeriod.Weekly:
                {
                    // DayOfWeek.Sunday is 0: days since Monday is (day + 6) mod 7.
                    var sinceMonday = ((int)utc.DayOfWeek + 6) % 7;
                    var start = new DateTimeOffset(utc.Date.AddDays(-sinceMonday), TimeSpan.Zero);
                    return (start, start.AddDays(7));
                }

            case BudgetPeriod.Monthly:
                {
                    var start = new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
                    return (start, start.AddMonths(1));
                }

            case BudgetPeriod.Total:
                return (DateTimeOffset.MinValue, null);

            default:
                throw new ArgumentOutOfRangeException(nameof(period), period, "Unknown budget period.");
        }
    }
}
