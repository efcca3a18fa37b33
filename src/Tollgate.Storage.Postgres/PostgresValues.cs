using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Tollgate.Accounts;

namespace Tollgate.Storage.Postgres;

/// <summary>Conversions between record values and column values, the same for every table.</summary>
/// <remarks>Times keep microsecond precision (PostgreSQL's): anything finer is rounded when stored.</remarks>
internal static class PostgresValues
{
    internal static object OrNull<T>(T? value)
        where T : struct => value is { } v ? v : DBNull.Value;

    internal static object OrNull(string? value) => value is null ? DBNull.Value : value;

    /// <summary>Npgsql writes only UTC <see cref="DateTimeOffset"/>s to <c>timestamptz</c>.</summary>
    internal static DateTimeOffset Utc(DateTimeOffset time) => time.ToUniversalTime();

    internal static object UtcOrNull(DateTimeOffset? time) => time is { } t ? t.ToUniversalTime() : DBNull.Value;

    internal static string? GetStringOrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal static long? GetInt64OrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    internal static int? GetInt32OrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    internal static double? GetDoubleOrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal);

    internal static DateTimeOffset GetTime(this NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    internal static DateTimeOffset? GetTimeOrNull(this NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetTime(ordinal);

    internal static string[] GetList(this NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<string[]>(ordinal);

    internal static IReadOnlyDictionary<string, string> GetMap(this NpgsqlDataReader reader, int ordinal)
    {
        var json = reader.GetString(ordinal);
        return JsonSerializer.Deserialize(json, PostgresJsonContext.Default.DictionaryStringString) ?? throw Corrupt("a JSON object", json);
    }

    internal static NpgsqlParameter List(IReadOnlyList<string> values) => new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    internal static NpgsqlParameter Map(IReadOnlyDictionary<string, string> values) => new()
    {
        Value = JsonSerializer.Serialize(new Dictionary<string, string>(values, StringComparer.Ordinal), PostgresJsonContext.Default.DictionaryStringString),
        NpgsqlDbType = NpgsqlDbType.Jsonb,
    };

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

    /// <summary>Adds the budget columns' parameters, in order: nano-dollars, period.</summary>
    internal static void AddBudget(NpgsqlParameterCollection parameters, BudgetSpec? budget)
    {
        parameters.Add(new NpgsqlParameter { Value = budget is null ? DBNull.Value : budget.LimitNanoDollars, NpgsqlDbType = NpgsqlDbType.Bigint });
        parameters.Add(new NpgsqlParameter { Value = budget is null ? DBNull.Value : ToText(budget.Period), NpgsqlDbType = NpgsqlDbType.Text });
    }

    /// <summary>Adds the limit columns' parameters, in order: rpm, tpm, max parallel.</summary>
    internal static void AddLimits(NpgsqlParameterCollection parameters, LimitSpec limits)
    {
        parameters.Add(new NpgsqlParameter { Value = OrNull(limits.RequestsPerMinute), NpgsqlDbType = NpgsqlDbType.Integer });
        parameters.Add(new NpgsqlParameter { Value = OrNull(limits.TokensPerMinute), NpgsqlDbType = NpgsqlDbType.Bigint });
        parameters.Add(new NpgsqlParameter { Value = OrNull(limits.MaxParallel), NpgsqlDbType = NpgsqlDbType.Integer });
    }

    /// <summary>Adds a nullable text parameter.</summary>
    internal static void AddText(this NpgsqlParameterCollection parameters, string? value) =>
        parameters.Add(new NpgsqlParameter { Value = OrNull(value), NpgsqlDbType = NpgsqlDbType.Text });

    /// <summary>Adds a nullable time parameter.</summary>
    internal static void AddTime(this NpgsqlParameterCollection parameters, DateTimeOffset? value) =>
        parameters.Add(new NpgsqlParameter { Value = UtcOrNull(value), NpgsqlDbType = NpgsqlDbType.TimestampTz });

    /// <summary>Reads a budget from two adjacent columns (nano-dollars, period).</summary>
    internal static BudgetSpec? GetBudget(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new BudgetSpec(reader.GetInt64(ordinal), PeriodFromText(reader.GetString(ordinal + 1)));

    /// <summary>Reads limits from three adjacent columns (rpm, tpm, max parallel).</summary>
    internal static LimitSpec GetLimits(this NpgsqlDataReader reader, int ordinal)
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
