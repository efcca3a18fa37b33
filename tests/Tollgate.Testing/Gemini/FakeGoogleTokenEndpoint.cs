using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tollgate.Testing.Gemini;

/// <summary>
/// A real Kestrel server on a loopback port playing Google's OAuth 2.0 token endpoint for service accounts
/// (https://developers.google.com/identity/protocols/oauth2/service-account#httprest): <c>POST /token</c> with
/// <c>grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&amp;assertion=JWT</c>. It verifies the assertion's RS256
/// signature with the public key of <see cref="FakeServiceAccountKey"/>, and its <c>kid</c>, <c>iss</c>, <c>scope</c>,
/// <c>aud</c> (its own URL), <c>iat</c> and <c>exp</c> (at most an hour apart, not expired) against <see cref="Time"/>;
/// a bad assertion gets Google's <c>400 {"error":"invalid_grant","error_description":...}</c>. Thread-safe.
/// </summary>
public sealed class FakeGoogleTokenEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FakeServiceAccountKey _key;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _issued = new(StringComparer.Ordinal);
    private int _tokenRequests;
    private int _nextToken;

    private FakeGoogleTokenEndpoint(WebApplication app, string baseUrl, FakeServiceAccountKey key, TimeProvider time)
    {
        _app = app;
        _key = key;
        Time = time;
        BaseUrl = baseUrl;
    }

    /// <summary>The server's address, without a trailing slash.</summary>
    public string BaseUrl { get; }

    /// <summary>The token URL: the <c>aud</c> every assertion must name.</summary>
    public string TokenUrl => BaseUrl + "/token";

    /// <summary>The clock that issues and expires tokens.</summary>
    public TimeProvider Time { get; }

    /// <summary>The <c>expires_in</c> of issued tokens, in seconds (Google issues 3599).</summary>
    public int ExpiresInSeconds { get; set; } = 3599;

    /// <summary>How many token requests arrived, valid or not.</summary>
    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    /// <summary>Delays each answer, so that concurrent callers overlap.</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>The last assertion's claims, as received.</summary>
    public JsonObject? LastClaims { get; private set; }

    /// <summary>Starts a server on 127.0.0.1 with a free port, trusting <paramref name="key"/>.</summary>
    public static async Task<FakeGoogleTokenEndpoint> StartAsync(FakeServiceAccountKey key, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeGoogleTokenEndpoint? fake = null;
        app.MapPost("/token", (HttpContext context) => fake!.HandleAsync(context));
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new FakeGoogleTokenEndpoint(app, address.TrimEnd('/'), key, time ?? TimeProvider.System);
        return fake;
    }

    /// <summary>Whether <paramref name="token"/> was issued here and has not expired.</summary>
    public bool IsValid(string token) => _issued.TryGetValue(token, out var expires) && Time.GetUtcNow() < expires;

    /// <summary>Revokes every token issued so far.</summary>
    public void ExpireAll() => _issued.Clear();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private static Task WriteErrorAsync(HttpContext context, string error, string description)
    {
        context.Response.StatusCode = 400;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(new JsonObject { ["error"] = error, ["error_description"] = description }.ToJsonString(), context.RequestAborted);
    }

    private static JsonObject? DecodeObject(string segment)
    {
        try
        {
            return JsonNode.Parse(Base64Url.DecodeFromChars(segment)) as JsonObject;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _tokenRequests);
        if (ResponseDelay > TimeSpan.Zero)
        {
            await Task.Delay(ResponseDelay, context.RequestAborted);
        }

        // Step 1: the form.
        if (!context.Request.HasFormContentType)
        {
            await WriteErrorAsync(context, "invalid_request", "Invalid content type.");
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer")
        {
            await WriteErrorAsync(context, "unsupported_grant_type", "Invalid grant_type: " + form["grant_type"]);
            return;
        }

        // Step 2: the JWT's signature, with the service account's public key.
        var segments = form["assertion"].ToString().Split('.');
        if (segments.Length != 3)
        {
            await WriteErrorAsync(context, "invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.");
            return;
        }

        var header = DecodeObject(segments[0]);
        var claims = DecodeObject(segments[1]);
        LastClaims = claims;
        byte[] signature;
        try
        {
            signature = Base64Url.DecodeFromChars(segments[2]);
        }
        catch (FormatException)
        {
            signature = [];
        }

        if (header is null || claims is null || (string?)header["alg"] != "RS256" ||
            !_key.PublicKey.VerifyData(Encoding.ASCII.GetBytes(segments[0] + "." + segments[1]), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            await WriteErrorAsync(context, "invalid_grant", "Invalid JWT Signature.");
            return;
        }

        // Step 3: the claims.
        var now = Time.GetUtcNow().ToUnixTimeSeconds();
        var iat = claims["iat"]?.GetValue<long>() ?? 0;
        var exp = claims["exp"]?.GetValue<long>() ?? 0;
        string? problem = null;
        if ((string?)header["kid"] != _key.PrivateKeyId)
        {
            problem = "Invalid JWT Signature.";
        }
        else if ((string?)claims["iss"] != _key.ClientEmail)
        {
            problem = "Invalid issuer: " + (string?)claims["iss"];
        }
        else if ((string?)claims["aud"] != TokenUrl)
        {
            problem = "Invalid JWT: Failed audience check.";
        }
        else if ((string?)claims["scope"] != "https://www.googleapis.com/auth/cloud-platform")
        {
            problem = "Invalid OAuth scope or ID token audience provided.";
        }
        else if (iat > now + 60 || exp <= now || exp - iat > 3600)
        {
            problem = "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.";
        }

        if (problem is not null)
        {
            await WriteErrorAsync(context, "invalid_grant", problem);
            return;
        }

        // Step 4: a token.
        var token = $"ya29.fake-token-{Interlocked.Increment(ref _nextToken)}";
        _issued[token] = Time.GetUtcNow().AddSeconds(ExpiresInSeconds);
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(
            new JsonObject { ["access_token"] = token, ["expires_in"] = ExpiresInSeconds, ["token_type"] = "Bearer" }.ToJsonString(),
            context.RequestAborted);
    }
}
