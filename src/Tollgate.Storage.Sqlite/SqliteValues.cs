using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tollgate.Accounts;

namespace Tollgate.Storage.Sqlite;

/// <summary>Conversions between record values and column values, the same for every table.</summary>
/// <remarks>Times keep millisecond precision: anything finer is truncated when stored.</remarks>
internal static class SqliteValues
{
    internal static long ToUnixMs(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    internal static object ToUnixMsOrNull(DateTimeOffset? time) => time is { } t ? t.ToUnixTimeMilliseconds() : DBNull.Value;

    internal static DateTimeOffset FromUnixMs(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    internal static object OrNull<T>(T? value)
        where T : struct => value is { } v ? v : DBNull.Value;

    internal static object OrNull(string? value) => value is null ? DBNull.Value : value;

    internal static string? GetStringOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal static long? GetInt64OrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    internal static int? GetInt32OrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    internal static double? GetDoubleOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    internal static DateTimeOffset? GetTimeOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : FromUnixMs(reader.GetInt64(ordinal));

    internal static DateTimeOffset GetTime(this SqliteDataReader reader, int ordinal) => FromUnixMs(reader.GetInt64(ordinal));

    internal static string ToJson(IReadOnlyList<string> values) => JsonSerializer.Serialize([.. values], SqliteJsonContext.Default.ListString);

    internal static string ToJson(IReadOnlyDictionary<string, string> values) =>
        JsonSerializer.Serialize(new Dictionary<string, string>(values, StringComparer.Ordinal), SqliteJsonContext.Default.DictionaryStringString);

    internal static IReadOnlyList<string> ListFromJson(string json) =>
        JsonSerializer.Deserialize(json, SqliteJsonContext.Default.ListString) ?? throw Corrupt("a JSON list", json);

    internal static IReadOnlyDictionary<string, string> MapFromJson(string json) =>
        JsonSerializer.Deserialize(json, SqliteJsonContext.Default.DictionaryStringString) ?? throw Corrupt("a JSON object", json);

    internal static string ToText(BudgetPeriod period) => period switch
    {
        BudgetPeriod.Daily => "daily",
        BudgetPeriod.Weekly => "weekly",
        BudgetPeriod.Monthly => "monthly",
        BudgetPeriod.Total => "total",
        _ => throw new ArgumentOutOfRangeException(nameof(period), period, "Unknown budget period."),
    };

    internal static BudgetPeriod PeriodFromText(string text) => text switch
    {
        "daily" => BudgetPeriod.Daily,
        "weekly" => BudgetPeriod.Weekly,
        "monthly" => BudgetPeriod.Monthly,
        "total" => BudgetPeriod.Total,
        _ => throw Corrupt("a budget period", text),
    };

    internal static string ToText(KeyRole role) => role switch
    {
        KeyRole.User => "user",
        KeyRole.TeamAdmin => "team_admin",
        KeyRole.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown key role."),
    };

    internal static KeyRole RoleFromText(string text) => text switch
    {
        "user" => KeyRole.User,
        "team_admin" => KeyRole.TeamAdmin,
        "admin" => KeyRole.Admin,
        _ => throw Corrupt("a key role", text),
    };

    /// <summary>Adds the budget columns' parameters: <c>$budget_nanos</c> and <c>$budget_period</c>.</summary>
    internal static void AddBudget(SqliteParameterCollection parameters, BudgetSpec? budget)
    {
        parameters.AddWithValue("$budget_nanos", budget is null ? DBNull.Value : budget.LimitNanoDollars);
        parameters.AddWithValue("$budget_period", budget is null ? DBNull.Value : ToText(budget.Period));
    }

    /// <summary>Adds the limit columns' parameters: <c>$rpm</c>, <c>$tpm</c> and <c>$max_parallel</c>.</summary>
    internal static void AddLimits(SqliteParameterCollection parameters, LimitSpec limits)
    {
        parameters.AddWithValue("$rpm", OrNull(limits.RequestsPerMinute));
        parameters.AddWithValue("$tpm", OrNull(limits.TokensPerMinute));
        parameters.AddWithValue("$max_parallel", OrNull(limits.MaxParallel));
    }

    /// <summary>Reads a budget from two adjacent columns (nano-dollars, period).</summary>
    internal static BudgetSpec? GetBudget(this SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new BudgetSpec(reader.GetInt64(ordinal), PeriodFromText(reader.GetString(ordinal + 1)));

    /// <summary>Reads limits from three adjacent columns (rpm, tpm, max parallel).</summary>
    internal static LimitSpec GetLimits(this SqliteDataReader reader, int ordinal)
    {
        var limits = new LimitSpec
        {
            RequestsPerMinute = reader.GetInt32OrNull(ordinal),
            TokensPerMinute = reader.GetInt64OrNull(ordinal + 1),
            MaxParallel = reader.GetInt32OrNull(ordinal + 2),
        };
        return limits.IsEmpty ? LimitSpec.None : limits;
    }

    private static InvalidDataException Corrupt(string what, string value) =>
        new($"The database holds '{value}' where {what} belongs; was it written by a newer Tollgate?");
}
