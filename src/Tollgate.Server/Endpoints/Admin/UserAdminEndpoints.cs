using Tollgate.Accounts;
using Tollgate.Core.Keys;

namespace Tollgate.Server.Endpoints.Admin;

/// <summary>
/// <c>/admin/users</c>: create, list, show, update, block and unblock users. A team admin manages the users of its own
/// team only. Blocking a user refuses all their keys at once, requests in flight included.
/// </summary>
internal sealed class UserAdminEndpoints(AdminCallRunner runner, AccountDirectory directory, TimeProvider time, ITeamStore? teamStore = null)
{
    private static readonly string[] CreateFields = ["name", "team", "models", "budget_usd", "budget_period", "rpm", "tpm", "max_parallel", "metadata"];

    private static readonly string[] UpdateFields = ["name", "models", "budget_usd", "budget_period", "rpm", "tpm", "max_parallel", "metadata"];

    public void Map(IEndpointRouteBuilder admin)
    {
        admin.MapPost("/users", http => runner.WriteAsync(http, "user.create", "user", CreateAsync));
        admin.MapGet("/users", http => runner.ReadAsync(http, "user.list", "user", List));
        admin.MapGet("/users/{id}", http => runner.ReadAsync(http, "user.read", "user", Show));
        admin.MapMethods("/users/{id}", ["PATCH"], http => runner.WriteAsync(http, "user.update", "user", UpdateAsync));
        admin.MapPost("/users/{id}/block", http => runner.WriteAsync(http, "user.block", "user", BlockAsync));
        admin.MapPost("/users/{id}/unblock", http => runner.WriteAsync(http, "user.unblock", "user", UnblockAsync));
    }

    private async Task<AdminResult> CreateAsync(AdminCall call)
    {
        var store = teamStore ?? throw AdminErrors.NoStorage();
        var body = await AdminBody.ReadAsync(call.Http.Request, call.Aborted);
        call.Details = body.Text;
        body.EnsureOnly(CreateFields);
        var name = body.RequireName("name");
        var accounts = directory.Current;
        TeamRecord? team = null;
        if (body.GetString("team") is { } teamRef)
        {
            team = accounts.FindTeam(teamRef) ?? throw AdminErrors.BadRequest($"No team '{teamRef}'.", "team");
        }
        else if (call.IsTeamAdmin)
        {
            team = accounts.GetTeam(call.OwnTeamId);
        }

        if (!call.CanSee(team?.Id))
        {
            throw AdminErrors.Forbidden("A team admin may create users only in its own team.");
        }

        if (accounts.FindUser(name) is not null)
        {
            throw AdminErrors.Conflict($"A user named '{name}' already exists.", "name");
        }

        var now = time.GetUtcNow();
        var user = new UserRecord
        {
            Id = AdminCall.NewId("user_"),
            Name = name,
            TeamId = team?.Id,
            Budget = body.GetBudget(null),
            Limits = body.GetLimits(LimitSpec.None),
            Models = body.GetStringList("models") ?? [],
            Metadata = body.GetStringMap("metadata") ?? new Dictionary<string, string>(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        await store.InsertUserAsync(user, CancellationToken.None);
        directory.Put(user);
        call.TargetId = user.Id;
        call.TargetTeamId = user.TeamId;
        var snapshot = directory.Current;
        return AdminResult.Created(writer => AdminJson.WriteUser(writer, user, snapshot));
    }

    private Task<AdminResult> List(AdminCall call)
    {
        var accounts = directory.Current;
        IEnumerable<UserRecord> users = accounts.Users;
        if (call.Query("team") is { } teamRef)
        {
            var team = accounts.FindTeam(teamRef);
            if (team is null || !call.CanSee(team.Id))
            {
                throw AdminErrors.NotFound("team", teamRef);
            }

            users = users.Where(u => u.TeamId == team.Id);
        }

        call.TargetTeamId = call.OwnTeamId;
        var visible = users.Where(u => call.CanSee(u.TeamId)).ToList();
        return Task.FromResult(AdminResult.List(visible, (writer, user) => AdminJson.WriteUser(writer, user, accounts)));
    }

    private Task<AdminResult> Show(AdminCall call)
    {
        var accounts = directory.Current;
        var user = Find(call, accounts);
        return Task.FromResult(AdminResult.Ok(writer => AdminJson.WriteUser(writer, user, accounts)));
    }

    private async Task<AdminResult> UpdateAsync(AdminCall call)
    {
        var store = teamStore ?? throw AdminErrors.NoStorage();
        var body = await AdminBody.ReadAsync(call.Http.Request, call.Aborted);
        call.Details = body.Text;
        var accounts = directory.Current;
        var user = Find(call, accounts);
        body.EnsureOnly(UpdateFields);
        var updated = user;
        if (body.Has("name"))
        {
            var name = body.RequireName("name");
            if (name != user.Name && accounts.FindUser(name) is not null)
            {
                throw AdminErrors.Conflict($"A user named '{name}' already exists.", "name");
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

        updated = updated with { Budget = body.GetBudget(user.Budget), Limits = body.GetLimits(user.Limits), UpdatedAt = time.GetUtcNow() };
        await StoreAsync(store, updated);
        var snapshot = directory.Current;
        return AdminResult.Ok(writer => AdminJson.WriteUser(writer, updated, snapshot));
    }

    private Task<AdminResult> BlockAsync(AdminCall call) => SetBlockedAsync(call, blocked: true);

    private Task<AdminResult> UnblockAsync(AdminCall call) => SetBlockedAsync(call, blocked: false);

    private async Task<AdminResult> SetBlockedAsync(AdminCall call, bool blocked)
    {
        var store = teamStore ?? throw AdminErrors.NoStorage();
        var user = Find(call, directory.Current);
        var now = time.GetUtcNow();
        var updated = user;
        if ((user.BlockedAt is not null) != blocked)
        {
            updated = user with { BlockedAt = blocked ? now : null, UpdatedAt = now };
            await StoreAsync(store, updated);
        }

        var snapshot = directory.Current;
        return AdminResult.Ok(writer => AdminJson.WriteUser(writer, updated, snapshot));
    }

    private static UserRecord Find(AdminCall call, AccountSnapshot accounts)
    {
        var user = accounts.FindUser(call.RouteId);
        if (user is null || !call.CanSee(user.TeamId))
        {
            throw AdminErrors.NotFound("user", call.RouteId);
        }

        call.TargetId = user.Id;
        call.TargetTeamId = user.TeamId;
        return user;
    }

    private async Task StoreAsync(ITeamStore store, UserRecord updated)
    {
        if (!await store.UpdateUserAsync(updated, CancellationToken.None))
        {
            throw AdminErrors.NotFound("user", updated.Id);
        }

        directory.Put(updated);
    }
}
