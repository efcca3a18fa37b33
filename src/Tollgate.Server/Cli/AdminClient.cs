using System.Net.Http.Headers;
using System.Text.Json;

namespace Tollgate.Server.Cli;

/// <summary>
/// The CLI's side of the admin API: one call, its JSON answer, or the API's error message. Never prints or logs the
/// admin key.
/// </summary>
internal sealed class AdminClient : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly HttpClient _http;

    public AdminClient(string baseUrl, string adminKey)
    {
        // The CLI has no host; a minimal container gives it IHttpClientFactory, as the house rules ask.
        _services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        _http = _services.GetRequiredService<IHttpClientFactory>().CreateClient();
        _http.BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/", UriKind.Absolute);
        _http.Timeout = TimeSpan.FromSeconds(60);
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("tollgate-cli/" + (typeof(AdminClient).Assembly.GetName().Version?.ToString(3) ?? "0"));
    }

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<JsonElement> SendAsync(HttpMethod method, string path, Action<Utf8JsonWriter>? body, CancellationToken cancellationToken) =>
        SendCoreAsync(method, path, body, cancellationToken);

    public void Dispose()
    {
        _http.Dispose();
        _services.Dispose();
    }

    public static string Escape(string idOrName) => Uri.EscapeDataString(idOrName);

    private async Task<JsonElement> SendCoreAsync(HttpMethod method, string path, Action<Utf8JsonWriter>? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, "admin/" + path);
        if (body is not null)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                body(writer);
            }

            request.Content = new ByteArrayContent(buffer.ToArray());
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new AdminClientException($"cannot reach {_http.BaseAddress}: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AdminClientException($"{_http.BaseAddress} did not answer within {_http.Timeout.TotalSeconds:0} s.");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonElement json;
            try
            {
                using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(text) ? "{}" : text);
                json = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new AdminClientException($"the server answered {(int)response.StatusCode} with a body that is not JSON.");
            }

            if (!response.IsSuccessStatusCode)
            {
                var message = json.ValueKind == JsonValueKind.Object &&
                    json.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object &&
                    error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                    ? m.GetString()
                    : text;
                throw new AdminClientException($"{(int)response.StatusCode}: {message}");
            }

            return json;
        }
    }
}
