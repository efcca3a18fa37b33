using System.Buffers.Text;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tollgate.Core.Http;
using Tollgate.Core.Providers;

namespace Tollgate.Providers.Gemini;

/// <summary>
/// OAuth 2.0 access tokens for a Google service account, by the JWT bearer flow
/// (https://developers.google.com/identity/protocols/oauth2/service-account#httprest, RFC 7523). Thread-safe.
/// </summary>
/// <remarks>
/// Step 1: read the JSON key file (<c>client_email</c>, <c>private_key</c>, <c>private_key_id</c>, <c>token_uri</c>,
/// <c>project_id</c>); a failure is reported and retried on the next call, never cached.
/// Step 2: sign an RS256 JWT (<c>iss</c> = client_email, <c>scope</c> = cloud-platform, <c>aud</c> = the token URL,
/// <c>iat</c> now, <c>exp</c> one hour later, the longest Google allows; header <c>kid</c> = private_key_id).
/// Step 3: POST it to the token URL as <c>grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&amp;assertion=...</c>.
/// Step 4: cache the token until <see cref="RefreshMargin"/> before <c>expires_in</c> runs out. One refresh runs at a
/// time: concurrent callers wait for it and share its token instead of each asking for one.
/// The token URL is <c>token_url</c> when configured, else the key file's <c>token_uri</c>, else
/// <see cref="GeminiProviderOptions.DefaultTokenUrl"/>.
/// </remarks>
internal sealed class GoogleAccessTokenSource : IDisposable
{
    /// <summary>The scope Vertex AI needs.</summary>
    public const string Scope = "https://www.googleapis.com/auth/cloud-platform";

    /// <summary>How long before expiry a token is replaced.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private static readonly MediaTypeHeaderValue FormContentType = new("application/x-www-form-urlencoded");

    private readonly GeminiProviderOptions _options;
    private readonly ProviderContext _context;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private ServiceAccount? _account;
    private CachedToken? _token;

    public GoogleAccessTokenSource(GeminiProviderOptions options, ProviderContext context)
    {
        _options = options;
        _context = context;
    }

    /// <summary>The key file's <c>project_id</c>, once the file has been read.</summary>
    public string? ProjectId => Volatile.Read(ref _account)?.ProjectId;

    /// <summary>A valid access token, from the cache or freshly obtained.</summary>
    /// <exception cref="ProviderException">The key file is missing or invalid (500), or the token endpoint refused or failed (502/504).</exception>
    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _token) is { } cached && _context.Time.GetUtcNow() < cached.RefreshAt)
        {
            return cached.Value;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have refreshed while this one waited.
            if (Volatile.Read(ref _token) is { } fresh && _context.Time.GetUtcNow() < fresh.RefreshAt)
            {
                return fresh.Value;
            }

            var token = await RequestTokenAsync(cancellationToken);
            Volatile.Write(ref _token, token);
            return token.Value;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Forgets <paramref name="token"/> after the upstream rejected it, so the next call gets a new one.</summary>
    public void Invalidate(string token)
    {
        var current = Volatile.Read(ref _token);
        if (current is not null && current.Value == token)
        {
            Interlocked.CompareExchange(ref _token, null, current);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _refresh.Dispose();
        _account?.Key.Dispose();
    }

    private static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    private static ProviderException CredentialsError(string message, Exception? inner = null) =>
        new(ProviderErrorKind.Upstream, 500, message, inner)
        {
            ErrorType = "api_error",
            ErrorCode = "provider_credentials_invalid",
        };

    private ProviderException TokenError(int status, string message) =>
        new(ProviderErrorKind.Upstream, 502, $"Provider '{_options.Name}': the OAuth token endpoint {message} (status {status.ToString(CultureInfo.InvariantCulture)}).")
        {
            ErrorType = "api_error",
            ErrorCode = "upstream_authentication_failed",
        };

    private ServiceAccount LoadAccount()
    {
        // Step 1
        if (Volatile.Read(ref _account) is { } loaded)
        {
            return loaded;
        }

        var path = _options.CredentialsFile!;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw CredentialsError($"Provider '{_options.Name}': the service-account key file '{path}' could not be read ({ex.GetType().Name}).", ex);
        }

        GoogleServiceAccountKeyFile? file;
        try
        {
            file = JsonSerializer.Deserialize(bytes, GeminiJsonContext.Default.GoogleServiceAccountKeyFile);
        }
        catch (JsonException ex)
        {
            throw CredentialsError($"Provider '{_options.Name}': the service-account key file '{path}' is not valid JSON.", ex);
        }

        if (file is null || string.IsNullOrEmpty(file.ClientEmail) || string.IsNullOrEmpty(file.PrivateKey))
        {
            throw CredentialsError($"Provider '{_options.Name}': the key file '{path}' is not a service-account key (it needs client_email and private_key).");
        }

        if (file.Type is { } type && type != "service_account")
        {
            throw CredentialsError($"Provider '{_options.Name}': the key file '{path}' has type '{type}'; only service_account keys are supported.");
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(file.PrivateKey);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw CredentialsError($"Provider '{_options.Name}': the private_key in '{path}' is not a PEM RSA private key.");
        }

        var tokenUrl = _options.TokenUrl ?? (string.IsNullOrEmpty(file.TokenUri) ? GeminiProviderOptions.DefaultTokenUrl : file.TokenUri);
        if (!Uri.TryCreate(tokenUrl, UriKind.Absolute, out var tokenUri))
        {
            rsa.Dispose();
            throw CredentialsError($"Provider '{_options.Name}': the token_uri in '{path}' is not an absolute URL.");
        }

        var account = new ServiceAccount(file.ClientEmail, file.PrivateKeyId, rsa, tokenUri, file.ProjectId);
        Volatile.Write(ref _account, account);
        return account;
    }

    private static string CreateAssertion(ServiceAccount account, DateTimeOffset now)
    {
        // Step 2
        var iat = now.ToUnixTimeSeconds();
        var header = JsonSerializer.SerializeToUtf8Bytes(new GoogleJwtHeader { Kid = account.KeyId }, GeminiJsonContext.Default.GoogleJwtHeader);
        var claims = JsonSerializer.SerializeToUtf8Bytes(
            new GoogleJwtClaims { Iss = account.ClientEmail, Scope = Scope, Aud = account.TokenUri.OriginalString, Iat = iat, Exp = iat + 3600 },
            GeminiJsonContext.Default.GoogleJwtClaims);
        var signingInput = Encode(header) + "." + Encode(claims);
        var signature = account.Key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Encode(signature);
    }

    private async Task<CachedToken> RequestTokenAsync(CancellationToken cancellationToken)
    {
        var account = LoadAccount();
        var now = _context.Time.GetUtcNow();
        var assertion = CreateAssertion(account, now);

        // Step 3
        var form = "grant_type=" + Uri.EscapeDataString("urn:ietf:params:oauth:grant-type:jwt-bearer") + "&assertion=" + Uri.EscapeDataString(assertion);
        using var request = new HttpRequestMessage(HttpMethod.Post, account.TokenUri);
        request.Content = new ByteArrayContent(Encoding.ASCII.GetBytes(form));
        request.Content.Headers.ContentType = FormContentType;
        await using var response = await UpstreamHttp.SendAsync(_context.HttpClient, request, _options.Timeouts, _context.Time, cancellationToken);
        var body = await UpstreamHttp.ReadBodyAsync(response, cancellationToken);

        GoogleTokenResponse? token = null;
        try
        {
            token = JsonSerializer.Deserialize(body, GeminiJsonContext.Default.GoogleTokenResponse);
        }
        catch (JsonException)
        {
            // Reported below with the status.
        }

        if (response.StatusCode is < 200 or > 299)
        {
            // error and error_description are OAuth codes and Google's text about the assertion; neither holds the key.
            var reason = token?.Error is { } error
                ? token.ErrorDescription is { Length: > 0 } description ? $"{error}: {description}" : error
                : "no OAuth error";
            throw TokenError(response.StatusCode, $"refused the service account '{account.ClientEmail}' ({reason})");
        }

        if (string.IsNullOrEmpty(token?.AccessToken))
        {
            throw TokenError(response.StatusCode, "answered without an access_token");
        }

        // Step 4: Google issues tokens for an hour; a short-lived one is kept for half its life at least.
        var lifetime = TimeSpan.FromSeconds(Math.Max(token.ExpiresIn ?? 3600, 0));
        var keep = lifetime > RefreshMargin * 2 ? lifetime - RefreshMargin : lifetime / 2;
        return new CachedToken(token.AccessToken, now + keep);
    }

    private sealed record CachedToken(string Value, DateTimeOffset RefreshAt);

    private sealed record ServiceAccount(string ClientEmail, string? KeyId, RSA Key, Uri TokenUri, string? ProjectId);
}
