using System.ClientModel;
using System.Net;
using System.Text.Json;
using Anthropic;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using Tollgate.Accounts;
using Tollgate.Core.Budgets;
using Tollgate.Core.Keys;
using Tollgate.Core.Limits;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.Ledger;

namespace Tollgate.EndToEnd.Tests.Admin;

/// <summary>The admin API on the real server: every endpoint, every error status, team-admin isolation, audit, secrets.</summary>
public sealed class AdminApiTests : IAsyncLifetime
{
    private AdminServer _server = null!;

    public async Task InitializeAsync() => _server = await AdminServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task KeyLifecycle_CreateListShowUpdateRotateRevoke_SecretOnlyInCreateAndRotate()
    {
        var team = await _server.CreateTeamAsync("red");
        var created = await _server.CreateKeyAsync("""{"name":"ci","team":"red","user":"ann@example.com","models":["demo"],"budget_usd":50.25,"budget_period":"daily","rpm":10,"tpm":100000,"max_parallel":2,"expires_at":"2099-01-01","tags":["ci"],"metadata":{"owner":"ops"}}""");
        var secret = created.GetProperty("key").GetString()!;
        var id = created.GetProperty("id").GetString()!;
        Assert.StartsWith("sk-tg-", secret, StringComparison.Ordinal);
        Assert.Equal(secret[..10], created.GetProperty("key_prefix").GetString());
        Assert.Equal(team.GetProperty("id").GetString(), created.GetProperty("team_id").GetString());
        Assert.Equal("ann@example.com", created.GetProperty("user").GetString());
        Assert.Equal(50.25m, created.GetProperty("budget_usd").GetDecimal());
        Assert.Equal("daily", created.GetProperty("budget_period").GetString());
        Assert.Equal(50_250_000_000L, (await _server.Keys.ListKeysAsync(default)).Single().Budget!.LimitNanoDollars);
        Assert.Equal(team.GetProperty("id").GetString(), (await _server.Teams.ListUsersAsync(default)).Single().TeamId);

        Assert.Equal("hi", await AskAsync(secret, "hi"));
        var caller = _server.Server.Services.GetRequiredService<VirtualKeyAuthenticator>().Authenticate(secret)!;
        Assert.True(ModelAccess.IsAllowed(caller, "demo"));
        Assert.False(ModelAccess.IsAllowed(caller, "other"));

        var (listStatus, list) = await _server.SendAsync(HttpMethod.Get, "admin/keys?team=red");
        Assert.Equal(HttpStatusCode.OK, listStatus);
        Assert.Single(list.GetProperty("data").EnumerateArray());
        var (showStatus, show) = await _server.SendAsync(HttpMethod.Get, "admin/keys/ci");
        Assert.Equal(HttpStatusCode.OK, showStatus);
        Assert.False(show.TryGetProperty("key", out _));
        Assert.DoesNotContain(secret, list.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, show.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(VirtualKeyGenerator.HashSecret(secret), show.GetRawText(), StringComparison.Ordinal);

        var (updateStatus, updated) = await _server.SendAsync(HttpMethod.Patch, $"admin/keys/{id}", """{"models":["demo","other"],"rpm":null,"budget_usd":null}""");
        Assert.Equal(HttpStatusCode.OK, updateStatus);
        Assert.Equal(JsonValueKind.Null, updated.GetProperty("rpm").ValueKind);
        Assert.Equal(JsonValueKind.Null, updated.GetProperty("budget_usd").ValueKind);
        Assert.Equal(100000, updated.GetProperty("tpm").GetInt64());
        Assert.Equal("ok", await AskAsync(secret, "ok", model: "other"));

        var (rotateStatus, rotated) = await _server.SendAsync(HttpMethod.Post, "admin/keys/ci/rotate", """{"grace_seconds":3600}""");
        Assert.Equal(HttpStatusCode.OK, rotateStatus);
        var newSecret = rotated.GetProperty("key").GetString()!;
        Assert.NotEqual(secret, newSecret);
        Assert.Equal("old", await AskAsync(secret, "old"));
        Assert.Equal("new", await AskAsync(newSecret, "new"));

        var (revokeStatus, revoked) = await _server.SendAsync(HttpMethod.Post, "admin/keys/ci/revoke");
        Assert.Equal(HttpStatusCode.OK, revokeStatus);
        Assert.Equal("revoked", revoked.GetProperty("status").GetString());
        Assert.Equal(401, (await Assert.ThrowsAsync<ClientResultException>(() => AskAsync(newSecret, "x"))).Status);
        Assert.Equal(401, (await Assert.ThrowsAsync<ClientResultException>(() => AskAsync(secret, "x"))).Status);

        // Audit: every action recorded, never a secret.
        var actions = _server.Audit.Entries.Select(e => e.Action).ToList();
        Assert.Contains("team.create", actions);
        Assert.Contains("key.create", actions);
        Assert.Contains("key.list", actions);
        Assert.Contains("key.read", actions);
        Assert.Contains("key.update", actions);
        Assert.Contains("key.rotate", actions);
        Assert.Contains("key.revoke", actions);
        var createEntry = _server.Audit.Entries.Single(e => e.Action == "key.create");
        Assert.Equal("master", createEntry.ActorKeyId);
        Assert.Equal(id, createEntry.TargetId);
        Assert.Equal(201, createEntry.Status);
        Assert.Equal("127.0.0.1", createEntry.RemoteAddress);
        Assert.Equal("admin-tests/1.0", createEntry.UserAgent);
        foreach (var entry in _server.Audit.Entries)
        {
            var text = JsonSerializer.Serialize(entry);
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(newSecret, text, StringComparison.Ordinal);
        }

        var (auditStatus, audit) = await _server.SendAsync(HttpMethod.Get, $"admin/audit?target={id}&limit=3");
        Assert.Equal(HttpStatusCode.OK, auditStatus);
        Assert.Equal(3, audit.GetProperty("data").GetArrayLength());
        Assert.Equal("key.revoke", audit.GetProperty("data")[0].GetProperty("action").GetString());
    }

    [Fact]
    public async Task Errors_EveryStatus_InOpenAIShapeAndAudited()
    {
        var plain = (await _server.CreateKeyAsync("""{"name":"plain"}""")).GetProperty("key").GetString()!;

        await AssertErrorAsync(HttpMethod.Get, "admin/keys", null, HttpStatusCode.Unauthorized, "authentication_error", noKey: true);
        await AssertErrorAsync(HttpMethod.Get, "admin/keys", null, HttpStatusCode.Unauthorized, "authentication_error", key: "sk-tg-wrong");
        await AssertErrorAsync(HttpMethod.Get, "admin/keys", null, HttpStatusCode.Forbidden, "permission_error", key: plain);
        var bad = await AssertErrorAsync(HttpMethod.Post, "admin/keys", """{"name":"x","rpm":0}""", HttpStatusCode.BadRequest, "invalid_request_error");
        Assert.Equal("rpm", bad.GetProperty("param").GetString());
        var unknownField = await AssertErrorAsync(HttpMethod.Post, "admin/keys", """{"name":"x","colour":"red"}""", HttpStatusCode.BadRequest, "invalid_request_error");
        Assert.Equal("colour", unknownField.GetProperty("param").GetString());
        var period = await AssertErrorAsync(HttpMethod.Post, "admin/teams", """{"name":"t","budget_usd":1,"budget_period":"yearly"}""", HttpStatusCode.BadRequest, "invalid_request_error");
        Assert.Equal("budget_period", period.GetProperty("param").GetString());
        var precision = await AssertErrorAsync(HttpMethod.Post, "admin/teams", """{"name":"t","budget_usd":0.0000000001}""", HttpStatusCode.BadRequest, "invalid_request_error");
        Assert.Equal("budget_usd", precision.GetProperty("param").GetString());
        await AssertErrorAsync(HttpMethod.Post, "admin/keys", "not json", HttpStatusCode.BadRequest, "invalid_request_error");
        await AssertErrorAsync(HttpMethod.Get, "admin/keys/nope", null, HttpStatusCode.NotFound, "invalid_request_error");
        await AssertErrorAsync(HttpMethod.Post, "admin/keys", """{"name":"plain"}""", HttpStatusCode.Conflict, "invalid_request_error");
        await AssertErrorAsync(HttpMethod.Get, "admin/spend?by=colour", null, HttpStatusCode.BadRequest, "invalid_request_error");

        var statuses = _server.Audit.Entries.Select(e => e.Status).ToList();
        Assert.Contains(401, statuses);
        Assert.Contains(403, statuses);
        Assert.Contains(404, statuses);
        Assert.Contains(409, statuses);
        Assert.Equal("anonymous", _server.Audit.Entries.First(e => e.Status == 401).ActorKeyId);
    }

    [Fact]
    public async Task TeamAdmin_SeesAndChangesOnlyItsOwnTeam()
    {
        await _server.CreateTeamAsync("red");
        await _server.CreateTeamAsync("blue");
        var redAdmin = (await _server.CreateKeyAsync("""{"name":"red-admin","team":"red","role":"team_admin"}""")).GetProperty("key").GetString()!;
        var blueKey = await _server.CreateKeyAsync("""{"name":"blue-key","team":"blue"}""");
        var blueId = blueKey.GetProperty("id").GetString()!;
        await _server.CreateKeyAsync("""{"name":"blue-user-key","team":"blue","user":"bob"}""");

        // Own team: allowed.
        var own = await _server.CreateKeyAsync("""{"name":"red-key","user":"amy"}""", redAdmin);
        Assert.Equal("red", own.GetProperty("team").GetString());
        var (listStatus, list) = await _server.SendAsync(HttpMethod.Get, "admin/keys", key: redAdmin);
        Assert.Equal(HttpStatusCode.OK, listStatus);
        Assert.Equal(["red-admin", "red-key"], list.GetProperty("data").EnumerateArray().Select(k => k.GetProperty("name").GetString()!).Order().ToArray());
        var (teams, teamList) = await _server.SendAsync(HttpMethod.Get, "admin/teams", key: redAdmin);
        Assert.Equal(HttpStatusCode.OK, teams);
        Assert.Equal("red", teamList.GetProperty("data").EnumerateArray().Single().GetProperty("name").GetString());

        // Another team's records: invisible and unchangeable.
        Assert.Equal(HttpStatusCode.NotFound, (await _server.SendAsync(HttpMethod.Get, $"admin/keys/{blueId}", key: redAdmin)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.SendAsync(HttpMethod.Post, $"admin/keys/{blueId}/revoke", key: redAdmin)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.SendAsync(HttpMethod.Patch, "admin/keys/blue-key", """{"rpm":1}""", redAdmin)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.SendAsync(HttpMethod.Get, "admin/users/bob", key: redAdmin)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _server.SendAsync(HttpMethod.Get, "admin/teams/blue", key: redAdmin)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _server.SendAsync(HttpMethod.Post, "admin/keys", """{"name":"sneaky","team":"blue"}""", redAdmin)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _server.SendAsync(HttpMethod.Post, "admin/keys", """{"name":"boss","role":"admin"}""", redAdmin)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _server.SendAsync(HttpMethod.Patch, "admin/teams/red", """{"budget_usd":1000000}""", redAdmin)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _server.SendAsync(HttpMethod.Post, "admin/teams", """{"name":"green"}""", redAdmin)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _server.SendAsync(HttpMethod.Post, "admin/teams/red/block", key: redAdmin)).Status);
        Assert.Null((await _server.Keys.ListKeysAsync(default)).Single(k => k.Id == blueId).RevokedAt);

        // Spend and audit are limited to the team.
        var redId = own.GetProperty("team_id").GetString()!;
        await _server.Ledger.AppendAsync(
        [
            Record("r1", own.GetProperty("id").GetString()!, redId, 1_000),
            Record("r2", blueId, blueKey.GetProperty("team_id").GetString()!, 2_000),
        ], default);
        var (spendStatus, spend) = await _server.SendAsync(HttpMethod.Get, "admin/spend?by=team", key: redAdmin);
        Assert.Equal(HttpStatusCode.OK, spendStatus);
        Assert.Equal(redId, spend.GetProperty("data").EnumerateArray().Single().GetProperty("group").GetString());
        var (auditStatus, audit) = await _server.SendAsync(HttpMethod.Get, "admin/audit?limit=1000", key: redAdmin);
        Assert.Equal(HttpStatusCode.OK, auditStatus);
        Assert.All(audit.GetProperty("data").EnumerateArray(), e =>
            Assert.True(e.GetProperty("actor_team_id").GetString() == redId || e.GetProperty("target_team_id").GetString() == redId, e.GetRawText()));
        Assert.DoesNotContain(audit.GetProperty("data").EnumerateArray(), e => e.GetProperty("target_id").GetString() == blueId && e.GetProperty("actor_team_id").GetString() != redId);
        Assert.Contains(_server.Audit.Entries, e => e.TargetId == blueId && e.ActorKeyId == "master");
    }

    [Fact]
    public async Task TeamsAndUsers_CreateListShowUpdateBlockUnblock()
    {
        await _server.CreateTeamAsync("red");
        var (userStatus, user) = await _server.SendAsync(HttpMethod.Post, "admin/users", """{"name":"ann","team":"red","budget_usd":5,"budget_period":"monthly"}""");
        Assert.Equal(HttpStatusCode.Created, userStatus);
        var secret = (await _server.CreateKeyAsync("""{"name":"k","user":"ann"}""")).GetProperty("key").GetString()!;
        Assert.Equal("a", await AskAsync(secret, "a"));

        Assert.Equal(HttpStatusCode.OK, (await _server.SendAsync(HttpMethod.Post, "admin/teams/red/block")).Status);
        Assert.Equal(401, (await Assert.ThrowsAsync<ClientResultException>(() => AskAsync(secret, "x"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await _server.SendAsync(HttpMethod.Post, "admin/teams/red/unblock")).Status);
        Assert.Equal("b", await AskAsync(secret, "b"));
        Assert.Equal(HttpStatusCode.OK, (await _server.SendAsync(HttpMethod.Post, "admin/users/ann/block")).Status);
        Assert.Equal(401, (await Assert.ThrowsAsync<ClientResultException>(() => AskAsync(secret, "x"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await _server.SendAsync(HttpMethod.Post, "admin/users/ann/unblock")).Status);

        var (updateStatus, updated) = await _server.SendAsync(HttpMethod.Patch, $"admin/users/{user.GetProperty("id").GetString()}", """{"rpm":7,"models":["demo"]}""");
        Assert.Equal(HttpStatusCode.OK, updateStatus);
        Assert.Equal(7, updated.GetProperty("rpm").GetInt32());
        Assert.Equal(5m, updated.GetProperty("budget_usd").GetDecimal());
        Assert.Equal(HttpStatusCode.OK, (await _server.SendAsync(HttpMethod.Patch, "admin/teams/red", """{"tpm":100,"name":"crimson"}""")).Status);
        var (showStatus, team) = await _server.SendAsync(HttpMethod.Get, "admin/teams/crimson");
        Assert.Equal(HttpStatusCode.OK, showStatus);
        Assert.Equal(100, team.GetProperty("tpm").GetInt64());
        var (usersStatus, users) = await _server.SendAsync(HttpMethod.Get, "admin/users?team=crimson");
        Assert.Equal(HttpStatusCode.OK, usersStatus);
        Assert.Equal("ann", users.GetProperty("data")[0].GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await _server.SendAsync(HttpMethod.Post, "admin/users", """{"name":"ann"}""")).Status);
    }

    [Fact]
    public async Task Spend_ByKey_RowsWithBudgetFromReader()
    {
        var key = await _server.CreateKeyAsync("""{"name":"k","budget_usd":10,"budget_period":"daily"}""");
        var id = key.GetProperty("id").GetString()!;
        _server.Budgets.Set(LimitScopeKind.Key, id, new BudgetStatus(new BudgetSpec(10_000_000_000, BudgetPeriod.Daily), 2_500_000_000, 500_000_000, AccountFixturesStart, AccountFixturesStart.AddDays(1)));
        await _server.Ledger.AppendAsync([Record("a", id, null, 1_234_567_891), Record("b", id, null, 1, status: 500), Record("c", "master", null, 7)], default);

        var (status, report) = await _server.SendAsync(HttpMethod.Get, "admin/spend?by=key&from=2026-01-01");

        Assert.Equal(HttpStatusCode.OK, status);
        var row = report.GetProperty("data").EnumerateArray().Single(r => r.GetProperty("group").GetString() == id);
        Assert.Equal("k", row.GetProperty("name").GetString());
        Assert.Equal(2, row.GetProperty("requests").GetInt64());
        Assert.Equal(1, row.GetProperty("errors").GetInt64());
        Assert.Equal(1.234567892m, row.GetProperty("cost_usd").GetDecimal());
        Assert.Equal(10m, row.GetProperty("budget_usd").GetDecimal());
        Assert.Equal(2.5m, row.GetProperty("budget_spent_usd").GetDecimal());
        Assert.Equal(7m, row.GetProperty("budget_remaining_usd").GetDecimal());
        var master = report.GetProperty("data").EnumerateArray().Single(r => r.GetProperty("group").GetString() == "master");
        Assert.Equal(JsonValueKind.Null, master.GetProperty("budget_usd").ValueKind);
    }

    [Fact]
    public async Task Revocation_WhileRequestsInFlight_NewRequests401AtOnce_TokenCancelled()
    {
        var created = await _server.CreateKeyAsync("""{"name":"busy"}""");
        var secret = created.GetProperty("key").GetString()!;
        var directory = _server.Server.Services.GetRequiredService<AccountDirectory>();
        var inFlight = directory.GetRevocationToken(created.GetProperty("id").GetString()!);
        using var stop = new CancellationTokenSource();
        var served = 0;
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await AskAsync(secret, "x");
                    Interlocked.Increment(ref served);
                }
                catch (ClientResultException ex) when (ex.Status is 401 or 0)
                {
                    // After the revocation: refused (401), or aborted in flight (no status).
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    // Aborted in flight by the revocation.
                }
            }
        })).ToArray();
        await TestTimeouts.PollAsync(() => Volatile.Read(ref served) > 0, "requests with the key to be served");

        var (status, _) = await _server.SendAsync(HttpMethod.Post, "admin/keys/busy/revoke");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(inFlight.IsCancellationRequested);
        Assert.Equal(401, (await Assert.ThrowsAsync<ClientResultException>(() => AskAsync(secret, "x"))).Status);
        await stop.CancelAsync();
        await Task.WhenAll(load).WaitAsync(TestTimeouts.Default);
    }

    [Theory]
    [InlineData("revoked")]
    [InlineData("expired")]
    [InlineData("unknown")]
    public async Task OfficialSdks_RevokedExpiredUnknownKey_401(string kind)
    {
        var created = await _server.CreateKeyAsync($$"""{"name":"{{kind}}"}""");
        var secret = created.GetProperty("key").GetString()!;
        var directory = _server.Server.Services.GetRequiredService<AccountDirectory>();
        var record = directory.Current.FindKey(kind)!;
        switch (kind)
        {
            case "revoked":
                Assert.Equal(HttpStatusCode.OK, (await _server.SendAsync(HttpMethod.Post, $"admin/keys/{kind}/revoke")).Status);
                break;
            case "expired":
                directory.Put(record with { ExpiresAt = record.CreatedAt.AddSeconds(-1) });
                break;
            default:
                secret = "sk-tg-" + new string('A', 43);
                break;
        }

        var openAI = await Assert.ThrowsAsync<ClientResultException>(() => AskAsync(secret, "x"));
        Assert.Equal(401, openAI.Status);
        var response = openAI.GetRawResponse()!;
        using (var error = JsonDocument.Parse(response.Content.ToString()))
        {
            Assert.Equal("authentication_error", error.RootElement.GetProperty("error").GetProperty("type").GetString());
        }

        var anthropic = new AnthropicClient(new global::Anthropic.Core.ClientOptions { BaseUrl = _server.BaseUrl, ApiKey = secret, MaxRetries = 0, Timeout = TestTimeouts.Default });
        var ex = await Assert.ThrowsAnyAsync<AnthropicApiException>(() => anthropic.Messages.Create(
            new MessageCreateParams { Model = "demo", MaxTokens = 16, Messages = [new MessageParam { Role = Role.User, Content = "hi" }] },
            TestTimeouts.Token()));
        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        using var anthropicError = JsonDocument.Parse(ex.ResponseBody);
        Assert.Equal("authentication_error", anthropicError.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    private static readonly DateTimeOffset AccountFixturesStart = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    private static LedgerRecord Record(string requestId, string keyId, string? teamId, long cost, int status = 200) => new()
    {
        RequestId = requestId,
        Time = AccountFixturesStart,
        KeyId = keyId,
        TeamId = teamId,
        Operation = "chat",
        RequestedModel = "demo",
        InputTokens = 10,
        OutputTokens = 5,
        CostNanoDollars = cost,
        StatusCode = status,
    };

    private async Task<JsonElement> AssertErrorAsync(HttpMethod method, string path, string? json, HttpStatusCode expected, string type, string? key = null, bool noKey = false)
    {
        var (status, body) = await _server.SendAsync(method, path, json, key, noKey);
        Assert.True(expected == status, $"{method} {path}: expected {(int)expected}, got {(int)status} {body}");
        var error = body.GetProperty("error");
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        return error;
    }

    private async Task<string> AskAsync(string key, string text, string model = "demo")
    {
        var chat = new ChatClient(model, new ApiKeyCredential(key), GatewayFixture.SdkOptions(_server.BaseUrl));
        return (await chat.CompleteChatAsync([new UserChatMessage(text)], cancellationToken: TestTimeouts.Token())).Value.Content[0].Text;
    }
}
