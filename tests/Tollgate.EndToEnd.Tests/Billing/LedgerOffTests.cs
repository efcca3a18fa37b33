using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Core.Ledger;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.Ledger;

namespace Tollgate.EndToEnd.Tests.Billing;

/// <summary><c>storage.ledger: false</c>: requests are served and priced, and nothing is written to the ledger.</summary>
public sealed class LedgerOffTests
{
    [Fact]
    public async Task LedgerOff_RequestsArePricedButNotRecorded()
    {
        await using var server = await TollgateTestServer.StartAsync("""
            server:
              master_key: sk-test-master
            storage:
              ledger: false
            providers:
              sim: { type: simulated }
            models:
              demo: { deployments: [ { provider: sim, model: echo } ] }
            pricing:
              overrides:
                - { provider: sim, model: echo, input: "100", output: "100" }
            """);
        using var http = GatewayFixture.CreateHttpClient(server.BaseUrl, server.MasterKey);

        using var response = await http.PostAsync(
            "v1/chat/completions",
            new StringContent("""{"model":"demo","messages":[{"role":"user","content":"three little words"}]}""", Encoding.UTF8, "application/json"),
            TestTimeouts.Token());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual("0.000000000", response.Headers.GetValues("x-tollgate-cost").Single());
        Assert.Null(server.Services.GetService<LedgerWriter>());
        var record = await server.Services.GetRequiredService<IUsageLedger>().FindAsync(response.Headers.GetValues("x-request-id").Single(), TestTimeouts.Token());
        Assert.Null(record);
    }
}
