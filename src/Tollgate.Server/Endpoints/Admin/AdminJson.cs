using System.Text.Json;
using Tollgate.Accounts;
using Tollgate.Core.Budgets;
using Tollgate.Core.Keys;
using Tollgate.Ledger;

namespace Tollgate.Server.Endpoints.Admin;

/// <summary>
/// Writes admin API objects. A key's secret and digests are never written here: only <see cref="WriteKey"/>'s
/// <c>secret</c> argument, passed by create and rotate, puts a secret in a response.
/// </summary>
internal static class AdminJson
{
    private const decimal NanoDollarsPerDollar = 1_000_000_000m;

    public static void WriteKey(Utf8JsonWriter writer, VirtualKeyRecord key, AccountSnapshot accounts, DateTimeOffset now, string? secret = null)
    {
        writer.WriteStartObject();
        writer.WriteString("object", "key");
        writer.WriteString("id", key.Id);
        writer.WriteString("name", key.Name);
        if (secret is not null)
        {
            writer.WriteString("key", secret);
        }

        writer.WriteString("key_prefix", key.DisplayPrefix);
        writer.WriteString("status", KeyStatus(key, accounts, now));
        WriteNullable(writer, "team_id", key.TeamId);
        WriteNullable(writer, "team", accounts.GetTeam(key.TeamId)?.Name);
        WriteNullable(writer, "user_id", key.UserId);
        WriteNullable(writer, "user", accounts.GetUser(key.UserId)?.Name);
        writer.WriteString("role", RoleName(key.Role));
        WriteStrings(writer, "models", key.Models);
        WriteBudgetAndLimits(writer, key.Budget, key.Limits);
        WriteTime(writer, "expires_at", key.ExpiresAt);
        WriteTime(writer, "revoked_at", key.RevokedAt);
        WriteTime(writer, "previous_key_expires_at", key.PreviousSecretHash is null ? null : key.PreviousSecretExpiresAt);
        WriteMap(writer, "metadata", key.Metadata);
        WriteStrings(writer, "tags", key.Tags);
        writer.WriteString("created_at", key.CreatedAt);
        writer.WriteString("updated_at", key.UpdatedAt);
        writer.WriteEndObject();
    }

    public static void WriteTeam(Utf8JsonWriter writer, TeamRecord team)
    {
        writer.WriteStartObject();
        writer.WriteString("object", "team");
        writer.WriteString("id", team.Id);
        writer.WriteString("name", team.Name);
        writer.WriteString("status", team.BlockedAt is null ? "active" : "blocked");
        WriteStrings(writer, "models", team.Models);
        WriteBudgetAndLimits(writer, team.Budget, team.Limits);
        WriteMap(writer, "metadata", team.Metadata);
        WriteTime(writer, "blocked_at", team.BlockedAt);
        writer.WriteString("created_at", team.CreatedAt);
        writer.WriteString("updated_at", team.UpdatedAt);
        writer.WriteEndObject();
    }

    public static void WriteUser(Utf8JsonWriter writer, UserRecord user, AccountSnapshot accounts)
    {
        writer.WriteStartObject();
        writer.WriteString("object", "user");
        writer.WriteString("id", user.Id);
        writer.WriteString("name", user.Name);
        writer.WriteString("status", user.BlockedAt is null ? "active" : "blocked");
        WriteNullable(writer, "team_id", user.TeamId);
        WriteNullable(writer, "team", accounts.GetTeam(user.TeamId)?.Name);
        WriteStrings(writer, "models", user.Models);
        WriteBudgetAndLimits(writer, user.Budget, user.Limits);
        WriteMap(writer, "metadata", user.Metadata);
        WriteTime(writer, "blocked_at", user.BlockedAt);
        writer.WriteString("created_at", user.CreatedAt);
        writer.WriteString("updated_at", user.UpdatedAt);
        writer.WriteEndObject();
    }

    public static void WriteAudit(Utf8JsonWriter writer, AuditEntry entry)
    {
        writer.WriteStartObject();
        writer.WriteString("object", "audit_entry");
        writer.WriteString("id", entry.Id);
        writer.WriteString("time", entry.Time);
        writer.WriteString("actor", entry.ActorKeyId);
        WriteNullable(writer, "actor_team_id", entry.ActorTeamId);
        writer.WriteString("action", entry.Action);
        writer.WriteString("target_type", entry.TargetType);
        WriteNullable(writer, "target_id", entry.TargetId);
        WriteNullable(writer, "target_team_id", entry.TargetTeamId);
        writer.WritePropertyName("details");
        if (entry.Details is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            try
            {
                using var details = JsonDocument.Parse(entry.Details);
                details.RootElement.WriteTo(writer);
            }
            catch (JsonException)
            {
                writer.WriteStringValue(entry.Details);
            }
        }

        WriteNullable(writer, "remote_address", entry.RemoteAddress);
        WriteNullable(writer, "user_agent", entry.UserAgent);
        writer.WriteNumber("status", entry.Status);
        writer.WriteEndObject();
    }

    public static void WriteSpendRow(Utf8JsonWriter writer, SpendRow row, string? name, BudgetStatus? budget)
    {
        writer.WriteStartObject();
        writer.WriteString("group", row.Group);
        WriteNullable(writer, "name", name);
        writer.WriteNumber("requests", row.Requests);
        writer.WriteNumber("errors", row.Errors);
        writer.WriteNumber("input_tokens", row.InputTokens);
        writer.WriteNumber("cached_input_tokens", row.CachedInputTokens);
        writer.WriteNumber("cache_write_tokens", row.CacheWriteTokens);
        writer.WriteNumber("output_tokens", row.OutputTokens);
        writer.WriteNumber("reasoning_tokens", row.ReasoningTokens);
        writer.WriteNumber("cost_usd", Dollars(row.CostNanoDollars));
        if (budget is { } status)
        {
            writer.WriteNumber("budget_usd", Dollars(status.Spec.LimitNanoDollars));
            writer.WriteString("budget_period", PeriodName(status.Spec.Period));
            writer.WriteNumber("budget_spent_usd", Dollars(status.SpentNanoDollars));
            writer.WriteNumber("budget_reserved_usd", Dollars(status.ReservedNanoDollars));
            writer.WriteNumber("budget_remaining_usd", Dollars(status.RemainingNanoDollars));
            WriteTime(writer, "budget_resets_at", status.ResetsAt);
        }
        else
        {
            foreach (var field in (ReadOnlySpan<string>)["budget_usd", "budget_period", "budget_spent_usd", "budget_reserved_usd", "budget_remaining_usd", "budget_resets_at"])
            {
                writer.WriteNull(field);
            }
        }

        writer.WriteEndObject();
    }

    public static decimal Dollars(long nanoDollars) => nanoDollars / NanoDollarsPerDollar;

    public static string RoleName(KeyRole role) => role switch
    {
        KeyRole.Admin => "admin",
        KeyRole.TeamAdmin => "team_admin",
        _ => "user",
    };

    public static string PeriodName(BudgetPeriod period) => period.ToString().ToLowerInvariant();

    public static string KeyStatus(VirtualKeyRecord key, AccountSnapshot accounts, DateTimeOffset now) =>
        key.RevokedAt is not null ? "revoked"
        : key.ExpiresAt is { } expires && now >= expires ? "expired"
        : !accounts.IsUsable(key) ? "blocked"
        : "active";

    private static void WriteBudgetAndLimits(Utf8JsonWriter writer, BudgetSpec? budget, LimitSpec limits)
    {
        if (budget is null)
        {
            writer.WriteNull("budget_usd");
            writer.WriteNull("budget_period");
        }
        else
        {
            writer.WriteNumber("budget_usd", Dollars(budget.LimitNanoDollars));
            writer.WriteString("budget_period", PeriodName(budget.Period));
        }

        WriteNullable(writer, "rpm", limits.RequestsPerMinute);
        WriteNullable(writer, "tpm", limits.TokensPerMinute);
        WriteNullable(writer, "max_parallel", limits.MaxParallel);
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteNumber(name, value.Value);
        }
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value.Value.ToUniversalTime());
        }
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteMap(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, string> values)
    {
        writer.WriteStartObject(name);
        foreach (var (key, value) in values.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }
}
