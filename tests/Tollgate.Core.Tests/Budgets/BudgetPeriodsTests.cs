using Tollgate.Accounts;
using Tollgate.Core.Budgets;

namespace Tollgate.Core.Tests.Budgets;

public sealed class BudgetPeriodsTests
{
    private static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    [Theory]
    [InlineData("2026-11-23T00:00:00Z", "2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z")]
    [InlineData("2026-11-23T23:59:59.9999999Z", "2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z")]
    [InlineData("2026-12-31T18:00:00Z", "2026-12-31T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("2028-02-28T12:00:00Z", "2028-02-28T00:00:00Z", "2028-02-29T00:00:00Z")]
    [InlineData("2028-02-29T12:00:00Z", "2028-02-29T00:00:00Z", "2028-03-01T00:00:00Z")]
    public void Current_Daily_IsTheUtcCalendarDay(string at, string start, string end)
    {
        var (s, e) = BudgetPeriods.Current(BudgetPeriod.Daily, DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture), s);
        Assert.Equal(DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture), e);
    }

    [Fact]
    public void Current_Daily_UsesUtcWhateverTheOffset()
    {
        // 01:00 on the 24th in UTC+2 is 23:00 on the 23rd in UTC.
        var (start, end) = BudgetPeriods.Current(BudgetPeriod.Daily, new DateTimeOffset(2026, 11, 24, 1, 0, 0, TimeSpan.FromHours(2)));

        Assert.Equal(Utc(2026, 11, 23), start);
        Assert.Equal(Utc(2026, 11, 24), end);
        Assert.Equal(TimeSpan.Zero, start.Offset);
    }

    [Theory]
    [InlineData(2026, 11, 23, 2026, 11, 23)] // Monday
    [InlineData(2026, 11, 29, 2026, 11, 23)] // Sunday belongs to the week that began on Monday
    [InlineData(2026, 11, 30, 2026, 11, 30)] // the next Monday
    [InlineData(2026, 12, 31, 2026, 12, 28)] // across the year end: Thursday 31 Dec
    [InlineData(2027, 1, 3, 2026, 12, 28)] // Sunday 3 Jan is still in the week of 28 Dec
    [InlineData(2028, 3, 1, 2028, 2, 28)] // a week spanning the leap day
    public void Current_Weekly_StartsOnMonday(int year, int month, int day, int startYear, int startMonth, int startDay)
    {
        var (start, end) = BudgetPeriods.Current(BudgetPeriod.Weekly, Utc(year, month, day, 15, 30));

        Assert.Equal(Utc(startYear, startMonth, startDay), start);
        Assert.Equal(DayOfWeek.Monday, start.DayOfWeek);
        Assert.Equal(start.AddDays(7), end);
    }

    [Theory]
    [InlineData(2027, 1, 31)]
    [InlineData(2027, 2, 28)] // not a leap year
    [InlineData(2028, 2, 29)] // leap year
    [InlineData(2100, 2, 28)] // divisible by 100, not by 400: not a leap year
    [InlineData(2000, 2, 29)] // divisible by 400: a leap year
    [InlineData(2027, 4, 30)]
    [InlineData(2027, 12, 31)]
    public void Current_Monthly_RunsFromTheFirstToTheFirst(int year, int month, int lastDay)
    {
        var (start, end) = BudgetPeriods.Current(BudgetPeriod.Monthly, Utc(year, month, lastDay, 23, 59, 59));

        Assert.Equal(Utc(year, month, 1), start);
        Assert.Equal(month == 12 ? Utc(year + 1, 1, 1) : Utc(year, month + 1, 1), end);
        Assert.Equal(lastDay, (end!.Value - start).Days);
    }

    [Fact]
    public void Current_Total_NeverEnds()
    {
        var (start, end) = BudgetPeriods.Current(BudgetPeriod.Total, Utc(2026, 11, 23));

        Assert.Equal(DateTimeOffset.MinValue, start);
        Assert.Null(end);
    }
}
