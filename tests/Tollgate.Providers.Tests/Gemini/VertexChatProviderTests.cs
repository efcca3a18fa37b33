using Microsoft.Extensions.Time.Testing;
using Tollgate.Chat;
using Tollgate.Embeddings;
using Tollgate.Providers.Gemini;
using Tollgate.Testing.Gemini;
using static Tollgate.Providers.Tests.Gemini.GeminiTestContext;

namespace Tollgate.Providers.Tests.Gemini;

/// <summary>
/// <c>type: vertex</c> against <see cref="FakeGeminiUpstream"/> and <see cref="FakeGoogleTokenEndpoint"/>: Vertex paths,
/// the service-account JWT bearer flow, token caching and refresh, and credential failures.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "IAsyncLifetime.DisposeAsync disposes them.")]
public sealed class VertexChatProviderTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeServiceAccountKey _key = new();
    private FakeGeminiUpstream _upstream = null!;
    private FakeGoogleTokenEndpoint _tokens = null!;
    private HttpClient _http = null!;
    private string _directory = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeGeminiUpstream.StartAsync().WaitAsync(Bound);
        _tokens = await FakeGoogleTokenEndpoint.StartAsync(_key, _time).WaitAsync(Bound);
        _upstream.TokenEndpoint = _tokens;
        _directory = Directory.CreateTempSubdirectory("tollgate-vertex-").FullName;
        _key.WriteTo(Path.Combine(_directory, "sa.json"), _tokens.TokenUrl);
#pragma warning disable RS0030 // tests own their client
        _http = new HttpClient(new SocketsHttpHandler());
#pragma warning restore RS0030
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _upstream.DisposeAsync().AsTask().WaitAsync(Bound);
        await _tokens.DisposeAsync().AsTask().WaitAsync(Bound);
        _key.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task CompleteAsync_Vertex_ProjectPathBearerTokenAndVerifiedJwt()
    {
        var provider = Vertex(("project", "proj-1"), ("location", "us-central1"), ("credentials_file", "sa.json"), ("token_url", _tokens.TokenUrl));

        var response = await provider.CompleteAsync(Request("gemini-2.5-flash", "hello vertex"), CancellationToken.None).WaitAsync(Bound);

        Assert.Equal("hello vertex", response.Choices[0].Message.GetText());
        var sent = Assert.Single(_upstream.Requests);
        Assert.Equal("/v1/projects/proj-1/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent", sent.Path);
        Assert.Equal("Bearer ya29.fake-token-1", sent.Headers["authorization"]);
        Assert.False(sent.Headers.ContainsKey("x-goog-api-key"));
        Assert.Equal(1, _tokens.TokenRequests);
        var claims = _tokens.LastClaims!;
        Assert.Equal(_key.ClientEmail, (string?)claims["iss"]);
        Assert.Equal("https://www.googleapis.com/auth/cloud-platform", (string?)claims["scope"]);
        Assert.Equal(_tokens.TokenUrl, (string?)claims["aud"]);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds(), (long)claims["iat"]!);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds() + 3600, (long)claims["exp"]!);
    }

    [Fact]
    public async Task StreamAsync_Vertex_AltSseOnTheVertexPath()
    {
        var provider = Vertex(("location", "europe-west4"), ("credentials_file", "sa.json"));

        var updates = await CollectAsync(provider.StreamAsync(Request("gemini-2.5-flash", "three little words"), CancellationToken.None)).WaitAsync(Bound);

        Assert.Equal("three little words", string.Concat(updates.Select(u => u.TextDelta)));
        Assert.Equal(new ChatUsage { InputTokens = 3, OutputTokens = 3 }, updates[^1].Usage);
        var sent = Assert.Single(_upstream.Requests);

        // No project configured: the key file's project_id; no token_url: the key file's token_uri.
        Assert.Equal("/v1/projects/my-project/locations/europe-west4/publishers/google/models/gemini-2.5-flash:streamGenerateContent", sent.Path);
        Assert.Equal("?alt=sse", sent.Query);
        Assert.Equal(1, _tokens.TokenRequests);
    }

    [Fact]
    public async Task Token_CachedThenRefreshedFiveMinutesBeforeExpiry()
    {
        var provider = Vertex(("location", "us-central1"), ("credentials_file", "sa.json"));

        for (var i = 0; i < 3; i++)
        {
            await provider.CompleteAsync(Request("gemini-2.5-flash", "ping"), CancellationToken.None).WaitAsync(Bound);
        }

        Assert.Equal(1, _tokens.TokenRequests);

        // expires_in 3599 s: kept until 3599 - 300 s, then replaced while the old one is still valid.
        _time.Advance(TimeSpan.FromSeconds(3599 - 300 - 1));
        await provider.CompleteAsync(Request("gemini-2.5-flash", "ping"), CancellationToken.None).WaitAsync(Bound);
        Assert.Equal(1, _tokens.TokenRequests);

        _time.Advance(TimeSpan.FromSeconds(2));
        await provider.CompleteAsync(Request("gemini-2.5-flash", "ping"), CancellationToken.None).WaitAsync(Bound);
        Assert.Equal(2, _tokens.TokenRequests);
        Assert.Equal("Bearer ya29.fake-token-2", _upstream.Requests[^1].Headers["authorization"]);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds(), (long)_tokens.LastClaims!["iat"]!);
    }

    [Fact]
    public async Task Token_TwentyParallelRequests_OneTokenRequest()
    {
        _tokens.ResponseDelay = TimeSpan.FromMilliseconds(300);
        var provider = Vertex(("location", "us-central1"), ("credentials_file", "sa.json"));

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => provider.CompleteAsync(Request("gemini-2.5-flash", $"request {i}"), CancellationToken.None))).WaitAsync(Bound);

        Assert.Equal(20, answers.Length);
        Assert.Equal(1, _tokens.TokenRequests);
        Assert.Equal(20, _upstream.Requests.Count(r => r.Headers["authorization"] == "Bearer ya29.fake-token-1"));
    }

    [Fact]
    public async Task Token_RevokedUpstream401_NextRequestGetsANewToken()
    {
        var provider = Vertex(("location", "us-central1"), ("credentials_file", "sa.json"));
        await provider.CompleteAsync(Request("gemini-2.5-flash", "one"), CancellationToken.None).WaitAsync(Bound);
        _tokens.ExpireAll();

        var ex = await Assert.ThrowsAsync<ProviderException>(() => provider.CompleteAsync(Request("gemini-2.5-flash", "two"), CancellationToken.None)).WaitAsync(Bound);
        var third = await provider.CompleteAsync(Request("gemini-2.5-flash", "three"), CancellationToken.None).WaitAsync(Bound);

        Assert.Equal((401, "authentication_error", "UNAUTHENTICATED"), (ex.StatusCode, ex.ErrorType, ex.ErrorCode));
        Assert.DoesNotContain("ya29.", ex.Message, StringComparison.Ordinal);
        Assert.Equal("three", third.Choices[0].Message.GetText());
        Assert.Equal(2, _tokens.TokenRequests);
    }

    [Fact]
    public async Task Credentials_MissingFile_Clear500ThenWorksOnceWritten()
    {
        var provider = Vertex(("location", "us-central1"), ("credentials_file", "later.json"));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => provider.CompleteAsync(Request("gemini-2.5-flash", "hi"), CancellationToken.None)).WaitAsync(Bound);
        _key.WriteTo(Path.Combine(_directory, "later.json"), _tokens.TokenUrl);
        var response = await provider.CompleteAsync(Request("gemini-2.5-flash", "hi"), CancellationToken.None).WaitAsync(Bound);

        Assert.Equal((500, "provider_credentials_invalid"), (ex.StatusCode, ex.ErrorCode));
        Assert.Contains(Path.Combine(_directory, "later.json"), ex.Message, StringComparison.Ordinal);
        Assert.Contains("'gcp'", ex.Message, StringComparison.Ordinal);
        Assert.Equal("hi", response.Choices[0].Message.GetText());
        Assert.Single(_upstream.Requests);
        Assert.Equal(1, _tokens.TokenRequests);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"type":"service_account","client_email":"a@b.c","private_key":"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}""")]
    [InlineData("""{"type":"authorized_user","client_id":"x"}""")]
    public async Task Credentials_InvalidFile_Clear500WithoutItsContent(string content)
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "bad.json"), content).WaitAsync(Bound);
        var provider = Vertex(("location", "us-central1"), ("credentials_file", "bad.json"));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => provider.CompleteAsync(Request("gemini-2.5-flash", "hi"), CancellationToken.None)).WaitAsync(Bound);

        Assert.Equal((500, "provider_credentials_invalid"), (ex.StatusCode, ex.ErrorCode));
        Assert.DoesNotContain("AAAA", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _tokens.TokenRequests);
        Assert.Empty(_upstream.Requests);
    }

    [Fact]
    public async Task Token_EndpointRefusesSignature_502WithoutKeyMaterial()
    {
        using var stranger = new FakeServiceAccountKey();
        stranger.WriteTo(Path.Combine(_directory, "stranger.json"), _tokens.TokenUrl);
        var provider = Vertex(("location", "us-central1"), ("credentials_file", "stranger.json"));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => provider.CompleteAsync(Request("gemini-2.5-flash", "hi"), CancellationToken.None)).WaitAsync(Bound);

        Assert.Equal((502, "api_error", "upstream_authentication_failed"), (ex.StatusCode, ex.ErrorType, ex.ErrorCode));
        Assert.Contains("invalid_grant: Invalid JWT Signature.", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_upstream.Requests);
    }

    [Fact]
    public async Task Token_EndpointUnreachable_502Unreachable()
    {
        var provider = Vertex(("location", "us-central1"), ("credentials_file", "sa.json"), ("token_url", "http://127.0.0.1:9/token"));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => provider.CompleteAsync(Request("gemini-2.5-flash", "hi"), CancellationToken.None)).WaitAsync(Bound);

        Assert.Equal((ProviderErrorKind.Unreachable, 502), (ex.Kind, ex.StatusCode));
    }

    [Fact]
    public async Task EmbedAsync_Vertex_PredictBatchedOrOneInstanceForGeminiEmbedding()
    {
        var provider = Vertex(("location", "us-central1"), ("credentials_file", "sa.json"), ("embedding_task_type", "RETRIEVAL_QUERY"));

        var batched = await provider.EmbedAsync(new EmbeddingRequest { Model = "text-embedding-005", Inputs = ["a b", "c d e", "f"], Dimensions = 16 }, CancellationToken.None).WaitAsync(Bound);
        var batchedRequests = _upstream.Requests.Count;
        var single = await provider.EmbedAsync(new EmbeddingRequest { Model = "gemini-embedding-001", Inputs = ["a b", "c d e", "f"], Dimensions = 16 }, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal(1, batchedRequests);
        Assert.Equal(4, _upstream.Requests.Count);
        Assert.Equal(3, batched.Vectors.Count);
        Assert.All(batched.Vectors, v => Assert.Equal(16, v.Length));
        Assert.Equal(6, batched.InputTokens);
        Assert.Equal(6, single.InputTokens);
        Assert.Equal(batched.Vectors.Select(v => v.ToList()), single.Vectors.Select(v => v.ToList()));
        var first = _upstream.Requests[0];
        Assert.Equal("/v1/projects/my-project/locations/us-central1/publishers/google/models/text-embedding-005:predict", first.Path);
        Assert.Equal(16, (int)first.Body!["parameters"]!["outputDimensionality"]!);
        Assert.Equal("RETRIEVAL_QUERY", (string?)first.Body["instances"]![0]!["task_type"]);
    }

    [Fact]
    public void Options_Defaults_RegionalOrGlobalHostAndEnvironmentFallbacks()
    {
        var environment = new Dictionary<string, string>
        {
            ["GOOGLE_CLOUD_LOCATION"] = "global",
            ["GOOGLE_CLOUD_PROJECT"] = "env-project",
            ["GOOGLE_APPLICATION_CREDENTIALS"] = "/keys/sa.json",
        };

        var global = GeminiProviderOptions.ForVertex(Config("gcp", "vertex", null), Context(_http, environment: environment));
        var regional = GeminiProviderOptions.ForVertex(Config("gcp", "vertex", null, null, ("location", "asia-northeast1"), ("credentials_file", "k.json")), Context(_http, configDirectory: "/etc/tollgate"));

        Assert.Equal(("https://aiplatform.googleapis.com", "global", "env-project", "/keys/sa.json"), (global.BaseUrl, global.Location, global.Project, global.CredentialsFile));
        Assert.Equal(("https://asia-northeast1-aiplatform.googleapis.com", "/etc/tollgate/k.json"), (regional.BaseUrl, regional.CredentialsFile));
        Assert.Null(regional.Project);
    }

    [Theory]
    [InlineData(null, "sa.json", null, "location is required")]
    [InlineData("us-central1", null, null, "credentials_file is required")]
    [InlineData("us-central1", "sa.json", "AIza", "not api_key")]
    public void Options_Missing_ConfigTimeError(string? location, string? file, string? apiKey, string message)
    {
        var settings = new List<(string, string)>();
        if (location is not null)
        {
            settings.Add(("location", location));
        }

        if (file is not null)
        {
            settings.Add(("credentials_file", file));
        }

        var ex = Assert.Throws<ArgumentException>(() => new VertexChatProviderFactory().Create(Config("gcp", "vertex", null, apiKey, [.. settings]), Context(_http)));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Contains("'gcp'", ex.Message, StringComparison.Ordinal);
    }

    private IChatProvider Vertex(params (string Key, string Value)[] settings) =>
        new VertexChatProviderFactory().Create(Config("gcp", "vertex", _upstream.BaseUrl, null, settings), Context(_http, _time, configDirectory: _directory));
}
