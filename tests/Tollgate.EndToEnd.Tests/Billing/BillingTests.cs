using System.ClientModel;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Anthropic;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;
using Tollgate.Core.Ledger;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.Ledger;

namespace Tollgate.EndToEnd.Tests.Billing;

/// <summary>
/// Issue 4 on the real server with its real stores (SQLite in the data directory): limits and budgets refuse with 429
/// in each client's shape, every request lands in the ledger priced, a budget holds under parallel load, and spend
/// survives a restart.
/// </summary>
public sealed class BillingTests : IAsyncLifetime
{
    // The simulator's echo model priced at $100 per million tokens: one token is 100,000 nano-dollars.
    private const string Config = """
        server:
          master_key: sk-test-master
        providers:
          sim:
            type: simulated
          together:
            type: together
            base_url: http://127.0.0.1:9/v1
            api_key: sk-unused
        models:
          demo: { deployments: [ { provider: sim, model: echo } ] }
          unpriced: { deployments: [ { provider: together, model: not-in-the-catalog } ] }
          capped:
            deployments: [ { provider: sim, model: echo } ]
            limits: { rpm: 2 }
        pricing:
          overrides:
            - { provider: sim, model: echo, input: "100", output: "100" }
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("tollgate-billing-").FullName;
    private TollgateTestServer _server = null!;

    public async Task InitializeAsync() => _server = await TollgateTestServer.StartAsync(Config, workingDirectory: _directory);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Request_IsPricedInHeadersAndLedger()
    {
        var key = await CreateKeyAsync("""{"name":"priced","tags":["billing"]}""");
        using var http = GatewayFixture.CreateHttpClient(_server.BaseUrl, key);
        using var response = await http.PostAsync("v1/chat/completions", Json("""{"model":"demo","max_tokens":20,"messages":[{"role":"user","content":"three little words"}]}"""), TestTimeouts.Token());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var input = long.Parse(response.Headers.GetValues("x-tollgate-input-tokens").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var output = long.Parse(response.Headers.GetValues("x-tollgate-output-tokens").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(3, output);
        Assert.Equal(((input + output) * 100_000 / 1e9m).ToString("0.000000000", System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("x-tollgate-cost").Single());

        var requestId = response.Headers.GetValues("x-request-id").Single();
        var record = await LedgerRecordAsync(requestId);
        Assert.Equal((input + output) * 100_000, record.CostNanoDollars);
        Assert.Equal("demo", record.RequestedModel);
        Assert.Equal("sim", record.Provider);
        Assert.Equal(200, record.StatusCode);
        Assert.Equal(["billing"], record.Tags);
        Assert.StartsWith("key_", record.KeyId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Budget_UnpricedModel_RefusedNotLetThroughUnmetered()
    {
        var budgeted = await CreateKeyAsync("""{"name":"budget-unpriced","budget_usd":5,"budget_period":"daily"}""");
        var unbudgeted = await CreateKeyAsync("""{"name":"free-unpriced"}""");

        var chat = new ChatClient("unpriced", new ApiKeyCredential(budgeted), GatewayFixture.SdkOptions(_server.BaseUrl));
        var refused = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestTimeouts.Token()));
        Assert.Equal(403, refused.Status);
        Assert.Contains("model_unpriced", refused.Message, StringComparison.Ordinal);
        Assert.Contains("pricing.overrides", refused.Message, StringComparison.Ordinal);

        // With no budget to hold, an unpriced model goes on to its upstream (here a closed port: 502, not 403).
        var passed = await Assert.ThrowsAsync<ClientResultException>(() => new ChatClient("unpriced", new ApiKeyCredential(unbudgeted), GatewayFixture.SdkOptions(_server.BaseUrl))
            .CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestTimeouts.Token()));
        Assert.Equal(502, passed.Status);
    }

    [Fact]
    public async Task ModelRpmLimit_OpenAISdk_Gets429WithHeaders()
    {
        var key = await CreateKeyAsync("""{"name":"rpm"}""");
        var chat = new ChatClient("capped", new ApiKeyCredential(key), GatewayFixture.SdkOptions(_server.BaseUrl));
        await chat.CompleteChatAsync([new UserChatMessage("one")], cancellationToken: TestTimeouts.Token());
        await chat.CompleteChatAsync([new UserChatMessage("two")], cancellationToken: TestTimeouts.Token());
        var refused = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("three")], cancellationToken: TestTimeouts.Token()));
        Assert.Equal(429, refused.Status);
        var raw = refused.GetRawResponse()!;
        Assert.True(raw.Headers.TryGetValue("retry-after", out var retryAfter) && int.Parse(retryAfter!, System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.True(raw.Headers.TryGetValue("x-ratelimit-limit-requests", out var limit));
        Assert.Equal("2", limit);
        Assert.True(raw.Headers.TryGetValue("x-ratelimit-remaining-requests", out var remaining));
        Assert.Equal("0", remaining);
        using var body = JsonDocument.Parse(raw.Content.ToString());
        Assert.Equal("rate_limit_exceeded", body.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("capped", body.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyRpmLimit_AnthropicSdk_Gets429InAnthropicShape()
    {
        var key = await CreateKeyAsync("""{"name":"anthropic-rpm","rpm":1}""");
        var anthropic = new AnthropicClient(new global::Anthropic.Core.ClientOptions { BaseUrl = _server.BaseUrl, ApiKey = key, MaxRetries = 0, Timeout = TestTimeouts.Default });
        var request = new MessageCreateParams { Model = "demo", MaxTokens = 16, Messages = [new MessageParam { Role = Role.User, Content = "hi" }] };
        await anthropic.Messages.Create(request, TestTimeouts.Token());
        var refused = await Assert.ThrowsAnyAsync<AnthropicApiException>(() => anthropic.Messages.Create(request, TestTimeouts.Token()));
        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        using var body = JsonDocument.Parse(refused.ResponseBody);
        Assert.Equal("error", body.RootElement.GetProperty("type").GetString());
        Assert.Equal("rate_limit_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());

        using var http = GatewayFixture.CreateHttpClient(_server.BaseUrl, key: null);
        using var raw = new HttpRequestMessage(HttpMethod.Post, "v1/messages") { Content = Json("""{"model":"demo","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}""") };
        raw.Headers.Add("x-api-key", key);
        raw.Headers.Add("anthropic-version", "2023-06-01");
        using var response = await http.SendAsync(raw, TestTimeouts.Token());
        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("anthropic-ratelimit-requests-limit").Single());
        Assert.True(response.Headers.Contains("retry-after"));
    }

    [Fact]
    public async Task ModelAllowList_OtherModel_Gets403()
    {
        var key = await CreateKeyAsync("""{"name":"narrow","models":["capped"]}""");
        var chat = new ChatClient("demo", new ApiKeyCredential(key), GatewayFixture.SdkOptions(_server.BaseUrl));
        var refused = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestTimeouts.Token()));
        Assert.Equal(403, refused.Status);
    }

    [Fact]
    public async Task Budget_ManyParallelRequests_SpendStaysWithinBudgetAndRefusalsNameIt()
    {
        // $0.05 is 500 tokens; each request reserves its prompt estimate plus max_tokens 10 and uses a dozen or so.
        var key = await CreateKeyAsync("""{"name":"budgeted","budget_usd":0.05,"budget_period":"daily"}""");
        using var http = GatewayFixture.CreateHttpClient(_server.BaseUrl, key);
        var statuses = new List<HttpStatusCode>();
        var messages = new List<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 120), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = TestTimeouts.Token() }, async (i, ct) =>
        {
            using var response = await http.PostAsync("v1/chat/completions", Json($$"""{"model":"demo","max_tokens":10,"messages":[{"role":"user","content":"request number {{i}} please"}]}"""), ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            lock (statuses)
            {
                statuses.Add(response.StatusCode);
                if (response.StatusCode == (HttpStatusCode)429)
                {
                    messages.Add(text);
                }
            }
        });

        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains((HttpStatusCode)429, statuses);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or (HttpStatusCode)429, $"status {s}"));
        Assert.All(messages, m => Assert.Contains("budget_exceeded", m, StringComparison.Ordinal));

        await _server.Services.GetRequiredService<LedgerWriter>().FlushAsync(TestTimeouts.Token());
        var spend = await _server.Services.GetRequiredService<IUsageLedger>().QuerySpendAsync(new SpendQuery { GroupBy = SpendGrouping.Key }, TestTimeouts.Token());
        var row = Assert.Single(spend, r => r.Requests == statuses.Count);
        Assert.True(row.CostNanoDollars <= 50_000_000, $"spent {row.CostNanoDollars} nano-dollars of a 50,000,000 budget");
        Assert.Equal(statuses.Count(s => s == (HttpStatusCode)429), row.Errors);

        // The spend report shows the same spend and what is left.
        var (status, report) = await AdminAsync(HttpMethod.Get, "admin/spend?by=key");
        Assert.Equal(HttpStatusCode.OK, status);
        var reported = report.GetProperty("data").EnumerateArray().Single(r => r.GetProperty("requests").GetInt64() == statuses.Count);
        Assert.Equal(0.05m, reported.GetProperty("budget_usd").GetDecimal());
        Assert.Equal(row.CostNanoDollars / 1e9m, reported.GetProperty("budget_spent_usd").GetDecimal());
    }

    [Fact]
    public async Task Budget_SpentBeforeRestart_StillCountsAfterIt()
    {
        var key = await CreateKeyAsync("""{"name":"restart","budget_usd":0.004,"budget_period":"monthly"}""");
        using (var http = GatewayFixture.CreateHttpClient(_server.BaseUrl, key))
        {
            using var first = await http.PostAsync("v1/chat/completions", Json("""{"model":"demo","max_tokens":5,"messages":[{"role":"user","content":"spend some"}]}"""), TestTimeouts.Token());
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        // A clean shutdown flushes the ledger; the next start seeds the budget from it.
        await _server.DisposeAsync();
        _server = await TollgateTestServer.StartAsync(Config, workingDirectory: _directory);
        using var again = GatewayFixture.CreateHttpClient(_server.BaseUrl, key);
        var refusedAt = -1;
        for (var i = 0; i < 40 && refusedAt < 0; i++)
        {
            using var response = await again.PostAsync("v1/chat/completions", Json("""{"model":"demo","max_tokens":5,"messages":[{"role":"user","content":"spend some"}]}"""), TestTimeouts.Token());
            if (response.StatusCode == (HttpStatusCode)429)
            {
                refusedAt = i;
            }
        }

        await _server.Services.GetRequiredService<LedgerWriter>().FlushAsync(TestTimeouts.Token());
        var spend = await _server.Services.GetRequiredService<IUsageLedger>().QuerySpendAsync(new SpendQuery { GroupBy = SpendGrouping.Key }, TestTimeouts.Token());
        var total = spend.Where(r => r.Group.StartsWith("key_", StringComparison.Ordinal)).Sum(r => r.CostNanoDollars);
        Assert.True(refusedAt >= 0, "the budget never refused");
        Assert.True(total <= 4_000_000, $"spent {total} nano-dollars of a 4,000,000 budget across a restart");
    }

    [Fact]
    public async Task SpendReport_BudgetRemoved_ShowsNoBudgetAtOnce()
    {
        var key = await CreateKeyAsync("""{"name":"unbudgeted","budget_usd":1,"budget_period":"daily"}""");
        using (var http = GatewayFixture.CreateHttpClient(_server.BaseUrl, key))
        {
            using var response = await http.PostAsync("v1/chat/completions", Json("""{"model":"demo","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"""), TestTimeouts.Token());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await _server.Services.GetRequiredService<LedgerWriter>().FlushAsync(TestTimeouts.Token());
        var before = (await AdminAsync(HttpMethod.Get, "admin/spend?by=key")).Body.GetProperty("data").EnumerateArray().Single();
        Assert.Equal(1m, before.GetProperty("budget_usd").GetDecimal());

        Assert.Equal(HttpStatusCode.OK, (await AdminAsync(HttpMethod.Patch, "admin/keys/unbudgeted", """{"budget_usd":null}""")).Status);
        var after = (await AdminAsync(HttpMethod.Get, "admin/spend?by=key")).Body.GetProperty("data").EnumerateArray().Single();
        Assert.True(!after.TryGetProperty("budget_usd", out var budget) || budget.ValueKind == JsonValueKind.Null, after.GetRawText());
    }

    private async Task<string> CreateKeyAsync(string json)
    {
        var (status, body) = await AdminAsync(HttpMethod.Post, "admin/keys", json);
        Assert.True(status == HttpStatusCode.Created, $"create key: {(int)status} {body}");
        return body.GetProperty("key").GetString()!;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> AdminAsync(HttpMethod method, string path, string? json = null)
    {
        using var http = GatewayFixture.CreateHttpClient(_server.BaseUrl, key: null);
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _server.MasterKey);
        if (json is not null)
        {
            request.Content = Json(json);
        }

        using var response = await http.SendAsync(request, TestTimeouts.Token());
        var text = await response.Content.ReadAsStringAsync(TestTimeouts.Token());
        using var document = JsonDocument.Parse(text);
        return (response.StatusCode, document.RootElement.Clone());
    }

    private async Task<LedgerRecord> LedgerRecordAsync(string requestId)
    {
        await _server.Services.GetRequiredService<LedgerWriter>().FlushAsync(TestTimeouts.Token());
        var record = await _server.Services.GetRequiredService<IUsageLedger>().FindAsync(requestId, TestTimeouts.Token());
        Assert.NotNull(record);
        return record;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
