using Tollgate.Accounts;
using Tollgate.Core.Keys;

namespace Tollgate.Server.Endpoints.Admin;

/// <summary>
/// <c>/admin/keys</c>: create, list, show, update, revoke and rotate virtual keys. Every write goes to the store first,
/// then to the <see cref="AccountDirectory"/>, so it takes effect on this instance as soon as the call answers. Store
/// writes are not cancelled when the caller goes away, so the store and the directory never disagree.
/// </summary>
internal sealed class KeyAdminEndpoints(
    AdminCallRunner runner,
    AccountDirectory directory,
    TimeProvider time,
    IKeyStore? keyStore = null,
    ITeamStore? teamStore = null)
{
    /// <summary>The longest rotation grace period: 30 days.</summary>
    public const long MaxGraceSeconds = 30L * 24 * 3600;

    private static readonly string[] CreateFields =
        ["name", "team", "user", "role", "models", "budget_usd", "budget_period", "rpm", "tpm", "max_parallel", "expires_at", "metadata", "tags"];

    private static readonly string[] UpdateFields =
        ["name", "role", "models", "budget_usd", "budget_period", "rpm", "tpm", "max_parallel", "expires_at", "metadata", "tags"];

    public void Map(IEndpointRouteBuilder admin)
    {
        admin.MapPost("/keys", http => runner.WriteAsync(http, "key.create", "key", CreateAsync));
        admin.MapGet("/keys", http => runner.ReadAsync(http, "key.list", "key", List));
        admin.MapGet("/keys/{id}", http => runner.ReadAsync(http, "key.read", "key", Show));
        admin.MapMethods("/keys/{id}", ["PATCH"], http => runner.WriteAsync(http, "key.update", "key", UpdateAsync));
        admin.MapPost("/keys/{id}/revoke", http => runner.WriteAsync(http, "key.revoke", "key", RevokeAsync));
        admin.MapPost("/keys/{id}/rotate", http => runner.WriteAsync(http, "key.rotate", "key", RotateAsync));
    }

    private async Task<AdminResult> CreateAsync(AdminCall call)
    {
        var (keys, teams) = Stores();
        var body = await AdminBody.ReadAsync(call.Http.Request, call.Aborted);
        call.Details = body.Text;
        body.EnsureOnly(CreateFields);
        var name = body.RequireName("name");
        var accounts = directory.Current;
        if (accounts.FindKey(name) is not null)
        {
            throw AdminErrors.Conflict($"A key named '{name}' already exists.", "name");
        }

        // The team: given, else the user's, else (team admins) the caller's own.
        TeamRecord? team = null;
        if (body.GetString("team") is { } teamRef)
        {
            team = accounts.FindTeam(teamRef) ?? throw AdminErrors.BadRequest($"No team '{teamRef}'.", "team");
        }

        UserRecord? user = null;
        var userRef = body.GetString("user");
        if (userRef is not null)
        {
            user = accounts.FindUser(userRef);
            if (user is not null && team is null && user.TeamId is not null)
            {
                team = accounts.GetTeam(user.TeamId);
            }
            else if (user is not null && team is not null && user.TeamId != team.Id)
            {
                throw AdminErrors.BadRequest($"The user '{userRef}' is not in the team '{team.Name}'.", "user");
            }
        }

        if (team is null && call.IsTeamAdmin)
        {
            team = accounts.GetTeam(call.OwnTeamId);
        }

        if (!call.CanSee(team?.Id))
        {
            throw AdminErrors.Forbidden("A team admin may create keys only in its own team.");
        }

        var role = body.GetString("role") is { } roleText ? AdminRoles.Parse(roleText) : KeyRole.User;
        if (role == KeyRole.Admin && call.IsTeamAdmin)
        {
            throw AdminErrors.Forbidden("A team admin may not create admin keys.");
        }

        if (role == KeyRole.TeamAdmin && team is null)
        {
            throw AdminErrors.BadRequest("A team_admin key needs a team.", "team");
        }

        var now = time.GetUtcNow();
        var expires = body.GetTime("expires_at");
        if (expires is { } e && e <= now)
        {
            throw AdminErrors.BadRequest("'expires_at' is in the past.", "expires_at");
        }

        var budget = body.GetBudget(null);
        var limits = body.GetLimits(LimitSpec.None);
        var models = body.GetStringList("models") ?? [];
        var metadata = body.GetStringMap("metadata") ?? new Dictionary<string, string>();
        var tags = body.GetStringList("tags") ?? [];

        // A user named for the first time is created in the key's team.
        if (userRef is not null && user is null)
        {
            AdminBody.ValidateName("user", userRef);
            user = new UserRecord { Id = AdminCall.NewId("user_"), Name = userRef, TeamId = team?.Id, CreatedAt = now, UpdatedAt = now };
            await teams.InsertUserAsync(user, CancellationToken.None);
            directory.Put(user);
        }

        var generated = VirtualKeyGenerator.Generate();
        var key = new VirtualKeyRecord
        {
            Id = AdminCall.NewId("key_"),
            Name = name,
            SecretHash = generated.SecretHash,
            DisplayPrefix = generated.DisplayPrefix,
            TeamId = team?.Id,
            UserId = user?.Id,
            Role = role,
            Models = models,
            Budget = budget,
            Limits = limits,
            ExpiresAt = expires,
            Metadata = metadata,
            Tags = tags,
            CreatedAt = now,
            UpdatedAt = now,
        };
        await keys.InsertKeyAsync(key, CancellationToken.None);
        directory.Put(key);
        call.TargetId = key.Id;
        call.TargetTeamId = key.TeamId;
        var snapshot = directory.Current;
        return AdminResult.Created(writer => AdminJson.WriteKey(writer, key, snapshot, now, generated.Secret));
    }

    private Task<AdminResult> List(AdminCall call)
    {
        var accounts = directory.Current;
        IEnumerable<VirtualKeyRecord> keys = accounts.Keys;
        if (call.Query("team") is { } teamRef)
        {
            var team = accounts.FindTeam(teamRef);
            if (team is null || !call.CanSee(team.Id))
            {
                throw AdminErrors.NotFound("team", teamRef);
            }

            keys = keys.Where(k => k.TeamId == team.Id);
        }

        if (call.Query("user") is { } userRef)
        {
            var user = accounts.FindUser(userRef);
            if (user is null || !call.CanSee(user.TeamId))
            {
                throw AdminErrors.NotFound("user", userRef);
            }

            keys = keys.Where(k => k.UserId == user.Id);
        }

        call.TargetTeamId = call.OwnTeamId;
        var now = time.GetUtcNow();
        var visible = keys.Where(k => call.CanSee(k.TeamId)).ToList();
        return Task.FromResult(AdminResult.List(visible, (writer, key) => AdminJson.WriteKey(writer, key, accounts, now)));
    }

    private Task<AdminResult> Show(AdminCall call)
    {
        var accounts = directory.Current;
        var key = Find(call, accounts);
        var now = time.GetUtcNow();
        return Task.FromResult(AdminResult.Ok(writer => AdminJson.WriteKey(writer, key, accounts, now)));
    }

    private async Task<AdminResult> UpdateAsync(AdminCall call)
    {
        var (keys, _) = Stores();
        var body = await AdminBody.ReadAsync(call.Http.Request, call.Aborted);
        call.Details = body.Text;
        var accounts = directory.Current;
        var key = Find(call, accounts);
        body.EnsureOnly(UpdateFields);
        var updated = key;
        if (body.Has("name"))
        {
            var name = body.RequireName("name");
            if (name != key.Name && accounts.FindKey(name) is not null)
            {
                throw AdminErrors.Conflict($"A key named '{name}' already exists.", "name");
            }

            updated = updated with { Name = name };
        }

        if (body.Has("role"))
        {
            var role = AdminRoles.Parse(body.GetString("role") ?? "user");
            if (role == KeyRole.Admin && call.IsTeamAdmin)
            {
                throw AdminErrors.Forbidden("A team admin may not give a key the admin role.");
            }

            if (role == KeyRole.TeamAdmin && key.TeamId is null)
            {
                throw AdminErrors.BadRequest("A team_admin key needs a team.", "role");
            }

            updated = updated with { Role = role };
        }

        var now = time.GetUtcNow();
        if (body.Has("expires_at"))
        {
            var expires = body.GetTime("expires_at");
            updated = updated with { ExpiresAt = expires };
        }

        if (body.Has("models"))
        {
            updated = updated with { Models = body.GetStringList("models") ?? [] };
        }

        if (body.Has("metadata"))
        {
            updated = updated with { Metadata = body.GetStringMap("metadata") ?? new Dictionary<string, string>() };
        }

        if (body.Has("tags"))
        {
            updated = updated with { Tags = body.GetStringList("tags") ?? [] };
        }

        updated = updated with { Budget = body.GetBudget(key.Budget), Limits = body.GetLimits(key.Limits), UpdatedAt = now };
        await Store(keys, updated, call);
        var snapshot = directory.Current;
        return AdminResult.Ok(writer => AdminJson.WriteKey(writer, updated, snapshot, now));
    }

    private async Task<AdminResult> RevokeAsync(AdminCall call)
    {
        var (keys, _) = Stores();
        var key = Find(call, directory.Current);
        var now = time.GetUtcNow();
        var updated = key;
        if (key.RevokedAt is null)
        {
            updated = key with { RevokedAt = now, UpdatedAt = now };
            await Store(keys, updated, call);
        }

        var snapshot = directory.Current;
        return AdminResult.Ok(writer => AdminJson.WriteKey(writer, updated, snapshot, now));
    }

    private async Task<AdminResult> RotateAsync(AdminCall call)
    {
        var (keys, _) = Stores();
        var body = await AdminBody.ReadAsync(call.Http.Request, call.Aborted);
        call.Details = body.Text;
        var key = Find(call, directory.Current);
        body.EnsureOnly("grace_seconds");
        var grace = body.GetNonNegativeInteger("grace_seconds", MaxGraceSeconds) ?? 0;
        if (key.RevokedAt is not null)
        {
            throw AdminErrors.Conflict($"The key '{key.Name}' is revoked; create a new key instead.");
        }

        var now = time.GetUtcNow();
        var generated = VirtualKeyGenerator.Generate();
        var updated = key with
        {
            SecretHash = generated.SecretHash,
            DisplayPrefix = generated.DisplayPrefix,
            PreviousSecretHash = grace > 0 ? key.SecretHash : null,
            PreviousSecretExpiresAt = grace > 0 ? now.AddSeconds(grace) : null,
            UpdatedAt = now,
        };
        await Store(keys, updated, call);
        var snapshot = directory.Current;
        return AdminResult.Ok(writer => AdminJson.WriteKey(writer, updated, snapshot, now, generated.Secret));
    }

    /// <summary>The key named by the route, visible to the caller; team admins get 404 for other teams' keys.</summary>
    private static VirtualKeyRecord Find(AdminCall call, AccountSnapshot accounts)
    {
        var key = accounts.FindKey(call.RouteId);
        if (key is null || !call.CanSee(key.TeamId))
        {
            throw AdminErrors.NotFound("key", call.RouteId);
        }

        call.TargetId = key.Id;
        call.TargetTeamId = key.TeamId;
        return key;
    }

    private async Task Store(IKeyStore keys, VirtualKeyRecord updated, AdminCall call)
    {
        if (!await keys.UpdateKeyAsync(updated, CancellationToken.None))
        {
            throw AdminErrors.NotFound("key", updated.Id);
        }

        directory.Put(updated);
    }

    private (IKeyStore Keys, ITeamStore Teams) Stores() =>
        keyStore is not null && teamStore is not null ? (keyStore, teamStore) : throw AdminErrors.NoStorage();
}
