using System.Text.Json;
using Tollgate.Core.Budgets;
using Tollgate.Core.Keys;
using Tollgate.Core.Limits;
using Tollgate.Ledger;

namespace Tollgate.Server.Endpoints.Admin;

/// <summary>
/// <c>GET /admin/spend?by=key|user|team|model|provider|day&amp;from=&amp;to=</c>: the ledger summed by group; for key,
/// user and team groups also the budget, what is spent in its current period and what remains
/// (<see cref="IBudgetReader"/>). Team admins see only their team's spend.
/// </summary>
internal sealed class SpendAdminEndpoints(AdminCallRunner runner, AccountDirectory directory, IUsageLedger? ledger = null, IBudgetReader? budgets = null)
{
    public void Map(IEndpointRouteBuilder admin) =>
        admin.MapGet("/spend", http => runner.ReadAsync(http, "spend.read", "spend", ReadAsync));

    public static SpendGrouping ParseGrouping(string? text) => text?.ToLowerInvariant() switch
    {
        null or "key" => SpendGrouping.Key,
        "user" => SpendGrouping.User,
        "team" => SpendGrouping.Team,
        "model" => SpendGrouping.Model,
        "provider" => SpendGrouping.Provider,
        "day" => SpendGrouping.Day,
        _ => throw AdminErrors.BadRequest($"'by' must be key, user, team, model, provider or day, not '{text}'.", "by"),
    };

    private async Task<AdminResult> ReadAsync(AdminCall call)
    {
        var store = ledger ?? throw AdminErrors.NoStorage();
        var grouping = ParseGrouping(call.Query("by"));
        var from = call.QueryTime("from");
        var to = call.QueryTime("to");
        if (from is not null && to is not null && to < from)
        {
            throw AdminErrors.BadRequest("'to' is before 'from'.", "to");
        }

        call.TargetTeamId = call.OwnTeamId;
        call.Details = DescribeQuery(grouping, from, to);
        var rows = await store.QuerySpendAsync(new SpendQuery { GroupBy = grouping, From = from, To = to, TeamId = call.OwnTeamId }, call.Aborted);
        var accounts = directory.Current;
        return AdminResult.Ok(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("object", "spend_report");
            writer.WriteString("by", grouping.ToString().ToLowerInvariant());
            WriteTime(writer, "from", from);
            WriteTime(writer, "to", to);
            writer.WriteStartArray("data");
            foreach (var row in rows)
            {
                var (name, budget) = Describe(grouping, row.Group, accounts);
                AdminJson.WriteSpendRow(writer, row, name, budget);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private (string? Name, BudgetStatus? Budget) Describe(SpendGrouping grouping, string group, AccountSnapshot accounts)
    {
        if (group.Length == 0)
        {
            return (null, null);
        }

        return grouping switch
        {
            SpendGrouping.Key => (group == "master" ? "master" : accounts.GetKey(group)?.Name, Status(LimitScopeKind.Key, group, accounts.GetKey(group)?.Budget)),
            SpendGrouping.User => (accounts.GetUser(group)?.Name, Status(LimitScopeKind.User, group, accounts.GetUser(group)?.Budget)),
            SpendGrouping.Team => (accounts.GetTeam(group)?.Name, Status(LimitScopeKind.Team, group, accounts.GetTeam(group)?.Budget)),
            _ => (null, null),
        };
    }

    /// <summary>
    /// The counters' status, shown only while the record still has a budget and with its current amount: the counters
    /// learn a changed or removed budget at the owner's next request, the directory at once.
    /// </summary>
    private BudgetStatus? Status(LimitScopeKind kind, string id, Tollgate.Accounts.BudgetSpec? current) =>
        current is not null && budgets?.GetStatus(kind, id) is { } status && status.Spec.Period == current.Period
            ? status with { Spec = current }
            : null;

    private static string DescribeQuery(SpendGrouping grouping, DateTimeOffset? from, DateTimeOffset? to)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("by", grouping.ToString().ToLowerInvariant());
            WriteTime(writer, "from", from);
            WriteTime(writer, "to", to);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteTime(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value.Value);
        }
    }
}
