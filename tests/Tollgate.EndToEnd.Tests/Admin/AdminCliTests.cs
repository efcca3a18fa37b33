using System.CommandLine;
using System.Text.Json;
using Tollgate.Ledger;
using Tollgate.Server.Cli;

namespace Tollgate.EndToEnd.Tests.Admin;

/// <summary><c>tollgate keys|teams|users|spend</c> against the real server, as the executable parses them.</summary>
public sealed class AdminCliTests : IAsyncLifetime
{
    private AdminServer _server = null!;

    public async Task InitializeAsync() => _server = await AdminServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Keys_CreateListShowUpdateRotateRevoke_TableAndJson()
    {
        var (exit, output, error) = await RunAsync("teams", "create", "--name", "red", "--budget", "100", "--budget-period", "monthly");
        Assert.True(exit == 0, error);
        Assert.Contains("red", output, StringComparison.Ordinal);

        (exit, output, error) = await RunAsync("keys", "create", "--name", "ci", "--team", "red", "--user", "ann", "--models", "demo,gpt-4o*", "--budget", "50", "--budget-period", "daily", "--rpm", "10", "--tpm", "1000", "--max-parallel", "2", "--expires", "2099-01-01", "--role", "team-admin", "--tag", "a", "--tag", "b", "--format", "json");
        Assert.True(exit == 0, error);
        using var created = JsonDocument.Parse(output);
        var secret = created.RootElement.GetProperty("key").GetString()!;
        Assert.StartsWith("sk-tg-", secret, StringComparison.Ordinal);
        Assert.Equal("team_admin", created.RootElement.GetProperty("role").GetString());
        Assert.Equal(["a", "b"], created.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray());

        (exit, output, error) = await RunAsync("keys", "list");
        Assert.True(exit == 0, error);
        Assert.Contains("NAME", output, StringComparison.Ordinal);
        Assert.Contains("ci", output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, output, StringComparison.Ordinal);

        (exit, output, error) = await RunAsync("keys", "show", "ci");
        Assert.True(exit == 0, error);
        Assert.Contains("budget_usd", output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, output, StringComparison.Ordinal);

        (exit, output, error) = await RunAsync("keys", "update", "ci", "--rpm", "none", "--budget", "75", "--format", "json");
        Assert.True(exit == 0, error);
        using (var updated = JsonDocument.Parse(output))
        {
            Assert.Equal(JsonValueKind.Null, updated.RootElement.GetProperty("rpm").ValueKind);
            Assert.Equal(75m, updated.RootElement.GetProperty("budget_usd").GetDecimal());
            Assert.Equal("daily", updated.RootElement.GetProperty("budget_period").GetString());
        }

        (exit, output, error) = await RunAsync("keys", "rotate", "ci", "--grace", "1h");
        Assert.True(exit == 0, error);
        Assert.Contains("sk-tg-", output, StringComparison.Ordinal);
        Assert.Contains("not shown again", output, StringComparison.Ordinal);

        (exit, output, error) = await RunAsync("keys", "revoke", "ci", "--format", "json");
        Assert.True(exit == 0, error);
        using (var revoked = JsonDocument.Parse(output))
        {
            Assert.Equal("revoked", revoked.RootElement.GetProperty("status").GetString());
        }

        (exit, output, error) = await RunAsync("users", "list", "--team", "red");
        Assert.True(exit == 0, error);
        Assert.Contains("ann", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_PrintApiMessageToStderr_ExitNonZero()
    {
        var (exit, output, error) = await RunAsync("keys", "show", "nope");
        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("404: No key 'nope'.", error, StringComparison.Ordinal);

        (exit, _, error) = await RunWithKeyAsync("sk-wrong", "keys", "list");
        Assert.Equal(1, exit);
        Assert.Contains("401", error, StringComparison.Ordinal);

        (exit, _, error) = await RunAsync("keys", "create", "--name", "x", "--budget", "lots");
        Assert.Equal(1, exit);
        Assert.Contains("--budget must be a number", error, StringComparison.Ordinal);

        using var output2 = new StringWriter();
        using var error2 = new StringWriter();
        exit = await TollgateCli.Create().Parse(["keys", "list", "--url", "http://127.0.0.1:1", "--admin-key", "k"]).InvokeAsync(new InvocationConfiguration { Output = output2, Error = error2 }).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, exit);
        Assert.Contains("cannot reach", error2.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spend_CsvAndJson()
    {
        await _server.Ledger.AppendAsync(
        [
            new LedgerRecord { RequestId = "a", Time = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), KeyId = "master", Operation = "chat", RequestedModel = "demo", Provider = "sim", InputTokens = 10, OutputTokens = 4, CostNanoDollars = 1_500_000_000, StatusCode = 200 },
            new LedgerRecord { RequestId = "b", Time = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero), KeyId = "master", Operation = "chat", RequestedModel = "demo, big", Provider = "sim", InputTokens = 1, StatusCode = 502 },
        ], default);

        var (exit, output, error) = await RunAsync("spend", "--by", "model", "--from", "2026-11-01", "--to", "2026-12-01", "--format", "csv");
        Assert.True(exit == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("group,name,requests,errors,input_tokens", lines[0], StringComparison.Ordinal);
        Assert.Equal("demo,,1,0,10,0,0,4,0,1.5,,,,", lines[1]);
        Assert.Equal("\"demo, big\",,1,1,1,0,0,0,0,0,,,,", lines[2]);

        (exit, output, error) = await RunAsync("spend", "--by", "day", "--format", "json");
        Assert.True(exit == 0, error);
        using var report = JsonDocument.Parse(output);
        Assert.Equal(["2026-11-01", "2026-11-02"], report.RootElement.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("group").GetString()!).ToArray());

        (exit, output, error) = await RunAsync("spend", "--by", "provider");
        Assert.True(exit == 0, error);
        Assert.Contains("COST_USD", output, StringComparison.Ordinal);
        Assert.Contains("sim", output, StringComparison.Ordinal);
    }

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => RunWithKeyAsync(_server.MasterKey, args);

    private async Task<(int Exit, string Output, string Error)> RunWithKeyAsync(string key, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] all = [.. args, "--url", _server.BaseUrl, "--admin-key", key];
        var exit = await TollgateCli.Create().Parse(all).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }).WaitAsync(TimeSpan.FromSeconds(30));
        return (exit, output.ToString(), error.ToString());
    }
}
