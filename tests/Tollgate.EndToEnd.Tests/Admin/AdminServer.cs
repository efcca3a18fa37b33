using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Accounts;
using Tollgate.Core.Budgets;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.Ledger;
using Tollgate.Testing.Storage;

namespace Tollgate.EndToEnd.Tests.Admin;

/// <summary>The real server with in-memory stores and a fake budget reader, plus helpers for admin calls.</summary>
internal sealed class AdminServer : IAsyncDisposable
{
    public const string Config = """
        server:
          master_key: sk-test-master
        providers:
          sim:
            type: simulated
        models:
          demo: { deployments: [ { provider: sim, model: echo } ] }
          other: { deployments: [ { provider: sim, model: echo } ] }
        pricing:
          overrides:
            - { provider: sim, model: echo, input: "1", output: "1" }
        """;

    private AdminServer(TollgateTestServer server, InMemoryKeyStore keys, InMemoryTeamStore teams, InMemoryAuditLog audit, InMemoryUsageLedger ledger, FakeBudgetReader budgets)
    {
        Server = server;
        Keys = keys;
        Teams = teams;
        Audit = audit;
        Ledger = ledger;
        Budgets = budgets;
    }

    public TollgateTestServer Server { get; }

    public InMemoryKeyStore Keys { get; }

    public InMemoryTeamStore Teams { get; }

    public InMemoryAuditLog Audit { get; }

    public InMemoryUsageLedger Ledger { get; }

    public FakeBudgetReader Budgets { get; }

    public string BaseUrl => Server.BaseUrl;

    public string MasterKey => Server.MasterKey;

    public static async Task<AdminServer> StartAsync()
    {
        var keys = new InMemoryKeyStore();
        var teams = new InMemoryTeamStore();
        var audit = new InMemoryAuditLog();
        var ledger = new InMemoryUsageLedger();
        var budgets = new FakeBudgetReader();
        var server = await TollgateTestServer.StartAsync(Config, configureServices: services =>
        {
            services.AddSingleton<IKeyStore>(keys);
            services.AddSingleton<ITeamStore>(teams);
            services.AddSingleton<IAuditLog>(audit);
            services.AddSingleton<IUsageLedger>(ledger);
            services.AddSingleton<IBudgetReader>(budgets);
        });
        return new AdminServer(server, keys, teams, audit, ledger, budgets);
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? json = null, string? key = null, bool noKey = false)
    {
        using var http = GatewayFixture.CreateHttpClient(BaseUrl, key: null);
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (!noKey)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key ?? MasterKey);
        }

        request.Headers.UserAgent.ParseAdd("admin-tests/1.0");
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, TestTimeouts.Token());
        var text = await response.Content.ReadAsStringAsync(TestTimeouts.Token());
        using var document = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        return (response.StatusCode, document.RootElement.Clone());
    }

    public async Task<JsonElement> CreateKeyAsync(string json, string? key = null)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "admin/keys", json, key);
        Assert.True(status == HttpStatusCode.Created, $"create key: {(int)status} {body}");
        return body;
    }

    public async Task<JsonElement> CreateTeamAsync(string name)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "admin/teams", $$"""{"name":"{{name}}"}""");
        Assert.True(status == HttpStatusCode.Created, $"create team: {(int)status} {body}");
        return body;
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
