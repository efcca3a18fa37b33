using Tollgate.Accounts;
using Tollgate.Core.Keys;

namespace Tollgate.Server.Endpoints.Admin;

/// <summary>
/// <c>/admin/teams</c>: create, list, show, update, block and unblock teams. Only admins create, block or unblock teams
/// or change their budget, limits, models or name; a team admin sees its own team and may change its metadata.
/// Blocking a team refuses all its keys at once, requests in flight included.
/// </summary>
internal sealed class TeamAdminEndpoints(AdminCallRunner runner, AccountDirectory directory, TimeProvider time, ITeamStore? teamStore = null)
{
    private static readonly string[] Fields = ["name", "models", "budget_usd", "budget_period", "rpm", "tpm", "max_parallel", "metadata"];

    public void Map(IEndpointRouteBuilder admin)
    {
        admin.MapPost("/teams", http => runner.WriteAsync(http, "team.create", "team", CreateAsync));
        admin.MapGet("/teams", http => runner.ReadAsync(http, "team.list", "team", List));
        admin.MapGet("/teams/{id}", http => runner.ReadAsync(http, "team.read", "team", Show));
        admin.MapMethods("/teams/{id}", ["PATCH"], http => runner.WriteAsync(http, "team.update", "team", UpdateAsync));
        admin.MapPost("/teams/{id}/block", http => runner.WriteAsync(http, "team.block", "team", BlockAsync));
        admin.MapPost("/teams/{id}/unblock", http => runner.WriteAsync(http, "team.unblock", "team", UnblockAsync));
    }

    private async Task<AdminResult> CreateAsync(AdminCall call)
    {
        var store = teamStore ?? throw AdminErrors.NoStorage();
        var body = await AdminBody.ReadAsync(call.Http.Request, call.Aborted);
        call.Details = body.Text;
        call.RequireAdmin("create teams");
        body.EnsureOnly(Fields);
        var name = body.RequireName("name");
        if (directory.Current.FindTeam(name) is not null)
        {
            throw AdminErrors.Conflict($"A team named '{name}' already exists.", "name");
        }

        var now = time.GetUtcNow();
        var team = new TeamRecord
        {
            Id = AdminCall.NewId("team_"),
            Name = name,
            Budget = body.GetBudget(null),
            Limits = body.GetLimits(LimitSpec.None),
            Models = body.GetStringList("models") ?? [],
            Metadata = body.GetStringMap("metadata") ?? new Dictionary<string, string>(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        await store.InsertTeamAsync(team, CancellationToken.None);
        directory.Put(team);
        call.TargetId = team.Id;
        call.TargetTeamId = team.Id;
        return AdminResult.Created(writer => AdminJson.WriteTeam(writer, team));
    }

    private Task<AdminResult> List(AdminCall call)
    {
        call.TargetTeamId = call.OwnTeamId;
        var teams = directory.Current.Teams.Where(t => call.CanSee(t.Id)).ToList();
        return Task.FromResult(AdminResult.List(teams, AdminJson.WriteTeam));
    }

    private Task<AdminResult> Show(AdminCall call)
    {
        var team = Find(call);
        return Task.FromResult(AdminResult.Ok(writer => AdminJson.WriteTeam(writer, team)));
    }

    private async Task<AdminResult> UpdateAsync(AdminCall call)
    {
        var store = teamStore ?? throw AdminErrors.NoStorage();
        var body = await AdminBody.ReadAsync(call.Http.Request, call.Aborted);
        call.Details = body.Text;
        var team = Find(call);
        body.EnsureOnly(Fields);
        if (call.IsTeamAdmin && Fields.Any(f => f != "metadata" && body.Has(f)))
        {
            throw AdminErrors.Forbidden("A team admin may change only its team's metadata; an admin sets its name, budget, limits and models.");
        }

        var updated = team;
        if (body.Has("name"))
        {
            var name = body.RequireName("name");
            if (name != team.Name && directory.Current.FindTeam(name) is not null)
            {
                throw AdminErrors.Conflict($"A team named '{name}' already exists.", "name");
            }

            updated = updated with { Name = name };
        }

        if (body.Has("models"))
        {
            updated = updated with { Models = body.GetStringList("models") ?? [] };
        }

        if (body.Has("metadata"))
        {
            updated = updated with { Metadata = body.GetStringMap("metadata") ?? new Dictionary<string, string>() };
        }

        updated = updated with { Budget = body.GetBudget(team.Budget), Limits = body.GetLimits(team.Limits), UpdatedAt = time.GetUtcNow() };
        await StoreAsync(store, updated);
        return AdminResult.Ok(writer => AdminJson.WriteTeam(writer, updated));
    }

    private Task<AdminResult> BlockAsync(AdminCall call) => SetBlockedAsync(call, blocked: true);

    private Task<AdminResult> UnblockAsync(AdminCall call) => SetBlockedAsync(call, blocked: false);

    private async Task<AdminResult> SetBlockedAsync(AdminCall call, bool blocked)
    {
        var store = teamStore ?? throw AdminErrors.NoStorage();
        var team = Find(call);
        call.RequireAdmin(blocked ? "block teams" : "unblock teams");
        var now = time.GetUtcNow();
        var updated = team;
        if ((team.BlockedAt is not null) != blocked)
        {
            updated = team with { BlockedAt = blocked ? now : null, UpdatedAt = now };
            await StoreAsync(store, updated);
        }

        return AdminResult.Ok(writer => AdminJson.WriteTeam(writer, updated));
    }

    private TeamRecord Find(AdminCall call)
    {
        var team = directory.Current.FindTeam(call.RouteId);
        if (team is null || !call.CanSee(team.Id))
        {
            throw AdminErrors.NotFound("team", call.RouteId);
        }

        call.TargetId = team.Id;
        call.TargetTeamId = team.Id;
        return team;
    }

    private async Task StoreAsync(ITeamStore store, TeamRecord updated)
    {
        if (!await store.UpdateTeamAsync(updated, CancellationToken.None))
        {
            throw AdminErrors.NotFound("team", updated.Id);
        }

        directory.Put(updated);
    }
}
