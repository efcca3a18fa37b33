using System.Globalization;
using Tollgate.Accounts;

namespace Tollgate.Server.Endpoints.Admin;

/// <summary><c>GET /admin/audit?from=&amp;to=&amp;target=&amp;limit=</c>: audit entries, newest first; team admins read only their team's.</summary>
internal sealed class AuditAdminEndpoints(AdminCallRunner runner, IAuditLog? auditLog = null)
{
    /// <summary>The most entries one call returns.</summary>
    public const int MaxLimit = 1000;

    public void Map(IEndpointRouteBuilder admin) =>
        admin.MapGet("/audit", http => runner.ReadAsync(http, "audit.read", "audit", ReadAsync));

    private async Task<AdminResult> ReadAsync(AdminCall call)
    {
        var log = auditLog ?? throw AdminErrors.NoStorage();
        var limit = 100;
        if (call.Query("limit") is { } limitText &&
            (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
        {
            throw AdminErrors.BadRequest($"'limit' must be a whole number from 1 to {MaxLimit}.", "limit");
        }

        var query = new AuditQuery
        {
            From = call.QueryTime("from"),
            To = call.QueryTime("to"),
            TargetId = call.Query("target"),
            TeamId = call.OwnTeamId,
            Limit = limit,
        };
        call.TargetTeamId = call.OwnTeamId;
        var entries = await log.QueryAsync(query, call.Aborted);
        return AdminResult.List(entries, AdminJson.WriteAudit);
    }
}
