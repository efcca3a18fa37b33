using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Tollgate.EndToEnd.Tests.Infrastructure;

namespace Tollgate.EndToEnd.Tests.Admin;

/// <summary>Revoking a key ends its requests in flight, not only the next ones: a long stream stops at once.</summary>
public sealed class RevocationInFlightTests : IAsyncLifetime
{
    private TollgateTestServer _server = null!;

    public async Task InitializeAsync() => _server = await TollgateTestServer.StartAsync("""
        server:
          master_key: sk-test-master
        providers:
          slow-sim: { type: simulated, answer: lorem, answer_tokens: 2000, tokens_per_second: 20 }
        models:
          slow: { deployments: [ { provider: slow-sim, model: echo } ] }
        """);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("v1/chat/completions", """{"model":"slow","stream":true,"messages":[{"role":"user","content":"go"}]}""")]
    [InlineData("v1/messages", """{"model":"slow","stream":true,"max_tokens":4000,"messages":[{"role":"user","content":"go"}]}""")]
    public async Task Revoke_DuringAStream_EndsTheStreamAtOnce(string path, string body)
    {
        var key = await CreateKeyAsync();
        using var http = GatewayFixture.CreateHttpClient(_server.BaseUrl, key);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestTimeouts.Token());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestTimeouts.Token()));
        Assert.NotNull(await SseReading.ReadDataAsync(reader, TestTimeouts.Token()));

        using var revoke = await AdminAsync(HttpMethod.Post, "admin/keys/streamer/revoke");
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        // At 20 tokens a second the answer would take 100 s; the revoked stream must end within a few.
        var clock = Stopwatch.StartNew();
        var ended = false;
        try
        {
            while (await SseReading.ReadDataAsync(reader, TestTimeouts.Token()) is not null)
            {
            }

            ended = true;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            ended = true;
        }

        Assert.True(ended);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the stream ran {clock.Elapsed} after the revocation");
    }

    private async Task<string> CreateKeyAsync()
    {
        using var response = await AdminAsync(HttpMethod.Post, "admin/keys", """{"name":"streamer"}""");
        var text = await response.Content.ReadAsStringAsync(TestTimeouts.Token());
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.GetProperty("key").GetString()!;
    }

    private async Task<HttpResponseMessage> AdminAsync(HttpMethod method, string path, string? json = null)
    {
        using var http = GatewayFixture.CreateHttpClient(_server.BaseUrl, key: null);
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _server.MasterKey);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await http.SendAsync(request, TestTimeouts.Token());
    }
}
